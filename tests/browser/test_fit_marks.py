"""A contradicted implication drawn on the live widget (issue 7 item 2), in JupyterLab.

``%dag G --check df`` on data where the graph misses A -> C shows the drawing with the pair
marked (docs/widget-dom.md: ``path.cm-fit-mark[data-a][data-b]``); adding the edge in Python
clears the mark (docs/state-model.md §8b).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

DATA = """import numpy as np, pandas as pd
rng = np.random.default_rng(7)
a = rng.normal(size=1500)
b = 0.8 * a + rng.normal(size=1500)
df = pd.DataFrame({"A": a, "B": b, "C": 0.8 * b + 0.6 * a + rng.normal(size=1500)})"""


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_check_marks_the_contradicted_pair_and_an_added_edge_clears_it(open_notebook):
    nb = open_notebook(
        ["%load_ext causal_magic", DATA, "%%dag G\nA -> B -> C", "%dag G --check df"]
    )
    nb.run_all()
    root = nb.cell_output(3).locator("div.cm-dag")
    expect(root).to_have_attribute("data-mode", "live", timeout=20_000)
    mark = root.locator('path.cm-fit-mark[data-a="A"][data-b="C"]')
    expect(mark).to_have_count(1)
    dash = mark.evaluate("p => getComputedStyle(p).strokeDasharray")
    assert dash not in ("", "none"), "a mark is not told apart by colour alone"
    group = root.locator("g.cm-fit-mark-group")
    expect(group.locator("text.cm-fit-glyph")).to_have_text("\u2260")
    expect(group.locator("title")).to_contain_text("A and C")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "fit-marks-lab.png"))

    nb.add_and_run("G.add_edge('A', 'C')")
    expect(root.locator("path.cm-fit-mark")).to_have_count(0)
    expect(root.locator('path.cm-edge[data-source="A"][data-target="C"]')).to_have_count(1)
