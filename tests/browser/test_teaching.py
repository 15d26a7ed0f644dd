"""The widget as a teaching tool (issue 13) in JupyterLab 4 and Notebook 7.

The panel lists what Python computed (causal_magic.panel): both minimal adjustment sets, an
instrument, the testable implications (a click rings the pair and its separator); the
d-separation explorer answers like ``explain_paths``; the ancestor view toggles.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

TWO_SETS = "%%dag G\nX [treatment]\nY [outcome]\nA -> X\nA -> B -> Y\nX -> Y"
IV = "%%dag IV\nX [treatment]\nY [outcome]\nZ -> X -> Y\nX <-> Y"
SEED = "%%dag S\nTalent -> Practice -> Sound\nTalent -> Sound\nSound -> Applause\nLuck -> Applause"


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def node(root, name: str):
    return root.locator(f'g.cm-node[data-id="{name}"]')


def live(nb, index: int):
    root = nb.cell_output(index).locator("div.cm-dag")
    expect(root).to_have_attribute("data-mode", "live", timeout=30_000)
    return root


def test_panel_lists_both_sets_an_instrument_and_clickable_implications(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", TWO_SETS, IV])
    nb.run_all()
    root = live(nb, 1)
    sets = root.locator('.cm-panel-section[data-key="sets"] li.cm-kind-set')
    expect(sets).to_have_count(2)
    expect(sets.filter(has_text="{A}")).to_have_count(1)
    expect(sets.filter(has_text="{B}")).to_have_count(1)
    expect(root.locator("li.cm-in-use")).to_have_count(1)
    implication = root.locator('.cm-panel-section[data-key="implications"] li', has_text="Y ⊥⊥ A")
    expect(implication).to_have_count(1)
    text = implication.inner_text()
    implication.click()
    # the pair is marked, the separator ringed (nodes named in the implication's text)
    for end in ("Y", "A"):
        assert "cm-picked-pair" in node(root, end).get_attribute("class").split()
    for sep in text.split("|")[1].split(","):
        assert "cm-picked" in node(root, sep.strip()).get_attribute("class").split()
    sets.filter(has_text="{B}").click()
    assert "cm-picked" in node(root, "B").get_attribute("class").split()

    iv = live(nb, 2)
    expect(iv.locator('.cm-panel-section[data-key="instruments"] li')).to_have_text(["Z"])


def test_explorer_verdict_and_open_paths_match_explain_paths(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", SEED])
    nb.run_all()
    root = live(nb, 1)
    root.locator("button.cm-explore").click()
    node(root, "Talent").click()
    node(root, "Luck").click()
    verdict = root.locator("li.cm-kind-verdict")
    expect(verdict).to_contain_text("d-separated")
    node(root, "Applause").click()  # condition on the collider's child: paths open
    expect(verdict).to_contain_text("d-connected given {Applause}")
    assert "cm-given" in node(root, "Applause").get_attribute("class").split()
    expect(node(root, "Applause").locator("rect.cm-given-box")).to_be_visible()
    truth = nb.kernel_eval(
        "[(list(p.nodes), p.open, p.reason) for p in "
        "__import__('causal_magic').explain_paths(S, 'Talent', 'Luck', ['Applause']).paths]"
    )
    items = root.locator("li.cm-kind-path")
    expect(items).to_have_count(len(truth))
    shown = items.evaluate_all(
        "els => els.map(e => [e.dataset.path, e.classList.contains('cm-open'), e.textContent])"
    )
    for (nodes, is_open, reason), (path, shown_open, words) in zip(truth, shown, strict=True):
        assert path == "\u2192".join(nodes) and shown_open == is_open and reason in words
    open_edges = {
        (u, v) for nodes, is_open, _ in truth if is_open for u, v in itertools.pairwise(nodes)
    }
    drawn = root.locator("path.cm-edge.cm-open-path").evaluate_all(
        "els => els.map(e => [e.dataset.source, e.dataset.target])"
    )
    assert {frozenset(e) for e in drawn} == {frozenset(e) for e in open_edges}
    items.nth(0).hover()  # the hovered path takes its own colour
    expect(root.locator('path.cm-edge[class*="cm-path-0"]')).not_to_have_count(0)


def test_ancestor_view_toggles_with_its_legend(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", TWO_SETS + "\nC -> Y\nX -> D"])
    nb.run_all()
    root = live(nb, 1)
    button = root.locator("button.cm-ancestry")
    expect(node(root, "A")).not_to_have_attribute("data-ancestry", "both")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(node(root, "A")).to_have_attribute("data-ancestry", "both")
    expect(node(root, "C")).to_have_attribute("data-ancestry", "outcome")
    expect(node(root, "D")).to_have_attribute("data-ancestry", "irrelevant")
    expect(root.locator('.cm-legend-item[data-key="anc-both"]')).to_have_count(1)
    fill = node(root, "A").locator("circle.cm-circle").evaluate("c => getComputedStyle(c).fill")
    other = node(root, "C").locator("circle.cm-circle").evaluate("c => getComputedStyle(c).fill")
    assert fill != other
    button.click()
    expect(node(root, "A")).not_to_have_attribute("data-ancestry", "both")
    expect(root.locator('.cm-legend-item[data-key="anc-both"]')).to_have_count(0)


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_presenting_mode_draws_larger_and_exports_carry_the_legend_on_request(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", TWO_SETS])
    nb.run_all()
    root = live(nb, 1)
    present = root.locator("button.cm-present-button")
    circle = node(root, "X").locator("circle.cm-circle")
    before = circle.bounding_box()["width"]
    present.click()
    expect(root).to_have_class(re.compile(r"\bcm-present\b"))
    expect(present).to_have_attribute("aria-pressed", "true")
    root.page.wait_for_timeout(300)
    assert circle.bounding_box()["width"] > 1.2 * before, "nodes are drawn larger"
    font = root.locator(".cm-overlay-panel").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert font >= 18

    def exported() -> str:
        with root.page.expect_download() as info:
            root.locator("button.cm-export-svg").click()
        return open(info.value.path(), encoding="utf-8").read()

    assert "cm-export-legend" not in exported()
    root.locator("button.cm-export-legend").click()
    svg = exported()
    assert "cm-export-legend" in svg and ">treatment<" in svg and ">outcome<" in svg


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_present_option_starts_the_view_in_presenting_mode(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", "%%dag G --present\nA -> B"])
    nb.run_all()
    root = live(nb, 1)
    expect(root).to_have_class(re.compile(r"\bcm-present\b"))
    expect(root.locator("button.cm-present-button")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_explain_magic_shows_the_drawing_with_open_paths_and_the_words(open_notebook):
    nb = open_notebook(
        ["%load_ext causal_magic", SEED, "%dag S --explain Practice Sound --given Talent"]
    )
    nb.run_all()
    root = live(nb, 2)
    expect(root.locator("li.cm-kind-verdict")).to_contain_text("d-connected given {Talent}")
    blocked = root.locator(
        "li.cm-kind-path.cm-blocked", has_text="Talent is conditioned on (a fork)"
    )
    expect(blocked).to_have_count(1)
    open_edge = root.locator(
        'path.cm-edge.cm-open-path[data-source="Practice"][data-target="Sound"]'
    )
    expect(open_edge).to_have_count(1)
    expect(root.locator("path.cm-edge.cm-open-path")).to_have_count(1)
    assert "cm-given" in node(root, "Talent").get_attribute("class").split()
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "explain-lab.png"))
    # the words are in the cell's output as text too (readable in a saved notebook)
    expect(nb.cell_output(2).locator(".cm-explain")).to_contain_text("blocked: Talent")


def test_a_large_graphs_panel_says_computed_on_request_and_its_item_computes_it(open_notebook):
    lower = "import causal_magic.widget as cmw\ncmw.LIVE_OVERLAY_EDGES = 3  # 'large' from 4 edges"
    nb = open_notebook(["%load_ext causal_magic", lower, TWO_SETS])
    nb.run_all()
    root = live(nb, 2)
    item = root.locator('.cm-panel-section[data-key="deferred"] li.cm-kind-compute')
    expect(item).to_contain_text("Not computed live for 4 edges")
    expect(root.locator('.cm-panel-section[data-key="sets"]')).to_have_count(0)
    expect(root.locator("path.cm-edge.cm-causal")).to_have_count(0)
    item.click()
    sets = root.locator('.cm-panel-section[data-key="sets"] li.cm-kind-set')
    expect(sets).to_have_count(2)
    expect(root.locator('.cm-panel-section[data-key="deferred"]')).to_have_count(0)
    expect(root.locator("path.cm-edge.cm-causal")).to_have_count(1)  # X -> Y
