"""Issue 11 in a real page: a graph too large for a static copy gets a short note instead,
which a live view hides like the SVG it stands for (the note's point is what the reader
sees, so it is checked in JupyterLab 4 and Notebook 7)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

DAG = """%%dag G
Talent [confounder]
Gear [treatment]
Sound [outcome]
Talent -> Gear, Sound
Gear -> Sound"""


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def test_a_too_large_graphs_note_stands_in_for_the_static_copy_and_a_live_view_hides_it(
    open_notebook,
):
    # The cap lowered to 3 nodes + edges, so the six of this graph are "too large".
    nb = open_notebook(
        [
            "%load_ext causal_magic\n"
            "import causal_magic.static_copy as sc\nsc.MAX_STATIC_ITEMS = 3",
            DAG,
        ]
    )
    nb.run_all()
    out = nb.cell_output(1)
    root = out.locator("div.cm-dag")
    expect(root).to_have_attribute("data-mode", "live", timeout=20_000)
    note = out.locator(".cm-static-note")
    expect(note).to_have_count(1)
    expect(note).to_be_hidden()  # the live view hides it, as it hides a static SVG
    assert "too large to keep in the notebook" in note.text_content()
    assert "(3 nodes and 3 edges)" in note.text_content()
    expect(out.locator("svg.cm-static")).to_have_count(0)  # no SVG published at all
    expect(root.locator("g.cm-node")).to_have_count(3)  # the live drawing is whole
