"""The %%dag widget in a real JupyterLab 4 / Notebook 7 page (issue 3, "Real browser, end to end").

Selectors and gestures come from docs/widget-dom.md (the DOM contract); what the kernel must see
comes from docs/state-model.md.  Each test checks the browser side *and* the Python graph the
user holds, read through a second client on the page's own kernel.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]

REALITY = """%%dag G
Talent [confounder]
Gear [treatment]
Sound [outcome]
Talent -> Gear, Sound
Gear -> Sound"""

#: The Reality graph has every acyclic edge between its three nodes already; a fourth node gives
#: the edit tests somewhere to draw a new edge.
REALITY_PLUS = REALITY + "\nPractice -> Sound"

ROLE_FILLS = {"Gear": "#c0392b", "Sound": "#1e8449", "Talent": "#6c3483"}

#: Role shortcuts of the DOM contract, in the order pressed; ``None`` = role cleared.
ROLE_KEYS = [
    ("e", "treatment"),
    ("o", "outcome"),
    ("a", "adjusted"),
    ("u", "latent"),
    ("c", "confounder"),
    ("m", "mediator"),
    ("s", "selected"),
    ("n", None),
]


# --------------------------------------------------------------------------- helpers


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def open_dag(open_notebook, dag_cell: str = REALITY, extra: list[str] | None = None):
    """Open a notebook with the extension and one %%dag cell, run it, wait for a live widget."""
    nb = open_notebook(["%load_ext causal_magic", dag_cell, *(extra or [])])
    nb.run_all()
    root = nb.cell_output(1).locator("div.cm-dag")
    expect(root).to_have_count(1)
    expect(root).to_have_attribute("data-mode", "live", timeout=20_000)
    return nb, root


def node(root, name: str):
    return root.locator(f'g.cm-node[data-id="{name}"]')


def edge(root, source: str, target: str):
    return root.locator(f'path.cm-edge[data-source="{source}"][data-target="{target}"]')


def on_path(locator) -> tuple[float, float]:
    """A point in page pixels half-way along an edge's drawn path (a routed edge bends, so
    the middle of its bounding box may be off the curve)."""
    locator.scroll_into_view_if_needed()
    return tuple(
        locator.evaluate(
            """(p) => {
              const q = p.getPointAtLength(p.getTotalLength() / 2);
              const r = p.ownerSVGElement.createSVGPoint();
              r.x = q.x; r.y = q.y;
              const s = r.matrixTransform(p.getScreenCTM());
              return [s.x, s.y];
            }"""
        )
    )


def centre(locator) -> tuple[float, float]:
    """Centre of the node's circle in page pixels (scrolled into view first)."""
    circle = locator.locator("circle").first
    circle.scroll_into_view_if_needed()
    box = circle.bounding_box()
    assert box is not None, "node circle has no box (not rendered?)"
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag(page, start: tuple[float, float], end: tuple[float, float], shift: bool = False) -> None:
    """A real pointer drag: press, move in steps (D3 needs intermediate moves), release."""
    if shift:
        page.keyboard.down("Shift")
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 3, start[1] + 3, steps=2)
    page.mouse.move(*end, steps=12)
    page.mouse.up()
    if shift:
        page.keyboard.up("Shift")


def visible_drawings(output):
    """Visible ``<svg>`` elements in ``output`` that draw the Reality graph (live or static)."""
    return output.locator("svg", has_text="Talent").filter(visible=True)


def graph_state(nb) -> dict:
    return nb.kernel_eval(
        "{'nodes': sorted(map(str, G.nodes)), 'edges': sorted(map(list, G.edges)), "
        "'roles': {str(n): d.get('role') for n, d in G.nodes(data=True)}}"
    )


def no_cell_changed(nb, before: list[dict], what: str) -> None:
    """The notebook's cells (count, types, sources) are as before ``what`` happened."""
    after = nb.cells()
    assert len(after) == len(before), f"{what}: cell count {len(before)} -> {len(after)}"
    assert [(c["type"], c["source"]) for c in after] == [
        (c["type"], c["source"]) for c in before
    ], f"{what} changed a cell's type or source"


# --------------------------------------------------------------------------- 1. render


def test_reality_graph_renders_nodes_edges_and_role_colours(open_notebook, app):
    nb, root = open_dag(open_notebook)
    nodes = root.locator("g.cm-node")
    expect(nodes).to_have_count(3)
    expect(root.locator("path.cm-edge")).to_have_count(3)
    # Fresh from the cell: nothing to copy back yet.
    expect(root.locator(".cm-dirty")).to_be_hidden()
    # The static copy published next to the widget is hidden by the live view: one drawing.
    expect(visible_drawings(nb.cell_output(1))).to_have_count(1)
    for s, t in [("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")]:
        expect(edge(root, s, t)).to_have_count(1)
    for name, colour in ROLE_FILLS.items():
        n = node(root, name)
        expect(n).to_be_visible()
        expect(n.locator("text.cm-label")).to_have_text(name)
        fill = n.locator("circle:not(.cm-ring)").first.evaluate("c => getComputedStyle(c).fill")
        assert fill == rgb(colour), f"{name}: fill {fill}, expected {colour}"
    # The drawing is the graph the kernel holds.
    assert graph_state(nb)["edges"] == [["Gear", "Sound"], ["Talent", "Gear"], ["Talent", "Sound"]]

    shot = REPO / "artifacts" / f"widget-{app}.png"
    shot.parent.mkdir(exist_ok=True)
    root.screenshot(path=str(shot))
    readme_shot = REPO / "docs" / "screenshot.png"
    if app == "lab" and (not readme_shot.exists() or os.environ.get("UPDATE_SCREENSHOT") == "1"):
        root.screenshot(path=str(readme_shot))


# --------------------------------------------------------------------------- 2. drag


def test_dragging_a_node_writes_its_position_into_the_kernel_graph(open_notebook):
    nb, root = open_dag(open_notebook)
    gear = node(root, "Gear")
    assert nb.kernel_eval("G.nodes['Gear'].get('pos')") is None  # the cell gave no positions

    x, y = centre(gear)
    drag(nb.page, (x, y), (x + 60, y + 30))
    first = nb.wait_kernel("G.nodes['Gear'].get('pos')", lambda p: p is not None)
    assert len(first) == 2 and all(math.isfinite(v) for v in first)
    # The first drag places every node (state model §4), so the drawing can be reproduced.
    assert nb.kernel_eval("all(G.nodes[n].get('pos') is not None for n in G)")

    # A second drag straight to the right moves pos right and not vertically.
    x, y = centre(gear)
    drag(nb.page, (x, y), (x + 100, y))
    second = nb.wait_kernel("G.nodes['Gear'].get('pos')", lambda p: p != first)
    assert second[0] > first[0]
    assert abs(second[1] - first[1]) < abs(second[0] - first[0]) / 5
    # The dropped node stays where it was dropped, also after Python's redraw.
    nx_, ny_ = centre(gear)
    assert abs(nx_ - (x + 100)) < 6 and abs(ny_ - y) < 6, (nx_, ny_, x + 100, y)


# --------------------------------------------------------------------------- 3. add edge, cycle


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_shift_drag_adds_an_edge_and_a_cycle_is_refused_with_a_message(open_notebook):
    nb, root = open_dag(open_notebook, REALITY_PLUS)
    page = nb.page
    expect(root.locator("g.cm-node")).to_have_count(4)
    assert not nb.kernel_eval("G.has_edge('Practice', 'Gear')")

    drag(page, centre(node(root, "Practice")), centre(node(root, "Gear")), shift=True)
    nb.wait_kernel("G.has_edge('Practice', 'Gear')", bool)
    expect(edge(root, "Practice", "Gear")).to_have_count(1)
    expect(root.locator(".cm-dirty")).to_be_visible()
    # The edited graph is offered as %%dag text that parses back to the very same graph.
    dsl = root.locator("textarea.cm-dsl-text")
    expect(dsl).to_be_visible()
    head, _, body = dsl.input_value().partition("\n")
    assert head.split()[:2] == ["%%dag", "G"]
    parsed = nb.kernel_eval(
        f"sorted(map(list, __import__('causal_magic').parse_dag({body!r}).edges))"
    )
    assert parsed == graph_state(nb)["edges"]

    before = graph_state(nb)
    drag(page, centre(node(root, "Sound")), centre(node(root, "Talent")), shift=True)
    message = root.locator(".cm-message")
    expect(message).to_be_visible()
    expect(message).to_contain_text("cycle")
    assert graph_state(nb) == before
    expect(edge(root, "Sound", "Talent")).to_have_count(0)


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_connect_mode_adds_an_edge_by_two_clicks(open_notebook):
    nb, root = open_dag(open_notebook, REALITY_PLUS)
    connect = root.locator("button.cm-connect")
    connect.click()
    expect(connect).to_have_attribute("aria-pressed", "true")
    node(root, "Practice").click()
    node(root, "Talent").click()
    nb.wait_kernel("G.has_edge('Practice', 'Talent')", bool)
    expect(edge(root, "Practice", "Talent")).to_have_count(1)


# --------------------------------------------------------------------------- 4. shortcuts


def test_every_role_shortcut_reaches_the_widget_and_not_the_notebook(open_notebook):
    nb, root = open_dag(open_notebook)
    page = nb.page
    gear = node(root, "Gear")
    gear.click()
    expect(gear).to_have_class(_has("cm-selected"))
    cells = nb.cells()

    for key, role in ROLE_KEYS:
        page.keyboard.press(key)
        nb.wait_kernel("G.nodes['Gear'].get('role')", lambda r, role=role: r == role)
        expect(gear).to_have_attribute("data-role", role or "")
        no_cell_changed(nb, cells, f"key {key!r}")
    # 'c' must not have copied the cell either: pasting now must add nothing.
    nb.page.evaluate("() => window.jupyterapp.commands.execute('notebook:paste-cell-below')")
    no_cell_changed(nb, cells, "paste after 'c'")


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_delete_rename_and_undo_keys_edit_the_graph_not_the_notebook(open_notebook):
    nb, root = open_dag(open_notebook, REALITY_PLUS)
    page = nb.page
    cells = nb.cells()

    node(root, "Practice").click()
    page.keyboard.press("Delete")
    nb.wait_kernel("'Practice' in G", lambda v: v is False)
    expect(node(root, "Practice")).to_have_count(0)
    no_cell_changed(nb, cells, "Delete")

    page.keyboard.press("Control+z")
    nb.wait_kernel("G.has_edge('Practice', 'Sound')", bool)
    expect(node(root, "Practice")).to_have_count(1)
    no_cell_changed(nb, cells, "Ctrl+Z")

    page.keyboard.press("Control+Shift+z")
    nb.wait_kernel("'Practice' in G", lambda v: v is False)
    no_cell_changed(nb, cells, "Ctrl+Shift+Z")
    page.keyboard.press("Control+z")
    nb.wait_kernel("'Practice' in G", bool)

    page.keyboard.press("Control+y")  # the other redo spelling
    nb.wait_kernel("'Practice' in G", lambda v: v is False)
    no_cell_changed(nb, cells, "Ctrl+Y")
    page.keyboard.press("Control+z")
    nb.wait_kernel("'Practice' in G", bool)

    # Backspace deletes a selected edge.
    page.mouse.click(*on_path(edge(root, "Talent", "Sound")))
    expect(edge(root, "Talent", "Sound")).to_have_class(_has("cm-selected"))
    page.keyboard.press("Backspace")
    nb.wait_kernel("G.has_edge('Talent', 'Sound')", lambda v: v is False)
    expect(edge(root, "Talent", "Sound")).to_have_count(0)
    no_cell_changed(nb, cells, "Backspace")

    # F2 then Escape: renaming is cancelled, nothing changes.
    node(root, "Talent").click()
    page.keyboard.press("F2")
    rename = root.locator("input.cm-rename")
    expect(rename).to_be_visible()
    rename.fill("Nope")
    rename.press("Escape")
    expect(rename).to_be_hidden()
    assert nb.kernel_eval("'Nope' in G") is False
    no_cell_changed(nb, cells, "F2 + Escape")

    node(root, "Talent").click()
    page.keyboard.press("F2")
    expect(rename).to_be_visible()
    rename.fill("Skill")
    rename.press("Enter")
    nb.wait_kernel("'Skill' in G and 'Talent' not in G", bool)
    assert nb.kernel_eval("sorted(G.successors('Skill'))") == ["Gear"]
    assert nb.kernel_eval("G.nodes['Skill'].get('role')") == "confounder"
    expect(node(root, "Skill")).to_have_count(1)
    no_cell_changed(nb, cells, "F2 rename")

    # Double-click on the background names a new node there.
    svg_box = root.locator("svg.cm-svg").bounding_box()
    page.mouse.dblclick(svg_box["x"] + 30, svg_box["y"] + svg_box["height"] - 30)
    expect(rename).to_be_visible()
    rename.fill("Mood")
    rename.press("Enter")
    nb.wait_kernel("'Mood' in G", bool)
    expect(node(root, "Mood")).to_have_count(1)
    no_cell_changed(nb, cells, "double-click add node")


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_an_edit_in_one_view_reaches_every_view_of_the_graph_at_once(open_notebook):
    """Two widgets of one graph (``%%dag G`` and ``%dag G``): no cell runs between them."""
    nb, first = open_dag(open_notebook, extra=["%dag G"])
    second = nb.cell_output(2).locator("div.cm-dag")
    expect(second).to_have_attribute("data-mode", "live")
    node(first, "Gear").click()
    nb.page.keyboard.press("u")
    expect(node(second, "Gear")).to_have_attribute("data-role", "latent")
    drag(nb.page, centre(node(first, "Sound")), centre(node(first, "Talent")), shift=True)
    expect(first.locator(".cm-message")).to_contain_text("cycle")
    node(second, "Talent").click()
    nb.page.keyboard.press("Delete")
    expect(node(first, "Talent")).to_have_count(0)
    assert nb.kernel_eval("sorted(G)") == ["Gear", "Sound"]


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_readonly_and_detached_widgets_refuse_edits_and_say_why(open_notebook):
    nb, root = open_dag(open_notebook)
    page = nb.page
    nb.add_and_run("%%dag R --readonly\nA -> B")
    ro = nb.cell_output(2).locator("div.cm-dag")
    expect(ro).to_have_attribute("data-mode", "readonly")
    expect(ro.locator(".cm-mode-note")).to_be_visible()
    node(ro, "A").click()
    page.keyboard.press("e")
    drag(page, centre(node(ro, "B")), centre(node(ro, "A")), shift=True)
    expect(ro.locator(".cm-message, .cm-mode-note").filter(visible=True).first).not_to_be_empty()
    assert nb.kernel_eval("dict(R.nodes['A'])") == {}
    assert nb.kernel_eval("sorted(map(list, R.edges))") == [["A", "B"]]

    # The name G now means something else: the view of the old graph is detached.
    nb.add_and_run("G = 'not a graph any more'")
    expect(root).to_have_attribute("data-mode", "detached")
    note = root.locator(".cm-mode-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("G")
    node(root, "Gear").click()
    page.keyboard.press("o")
    expect(node(root, "Gear")).to_have_attribute("data-role", "treatment")

    # When G names a graph again, the view follows it and is live.
    nb.add_and_run("import networkx as nx\nG = nx.DiGraph([('P', 'Q')])")
    expect(root).to_have_attribute("data-mode", "live")
    expect(root.locator("g.cm-node")).to_have_count(2)
    expect(edge(root, "P", "Q")).to_have_count(1)


# --------------------------------------------------------------------------- 5. Python -> browser


def test_mutating_the_graph_in_a_cell_redraws_the_widget(open_notebook):
    nb, root = open_dag(open_notebook)
    nb.add_and_run("G.add_edge('Sound', 'X')")
    expect(node(root, "X")).to_have_count(1)
    expect(edge(root, "Sound", "X")).to_have_count(1)
    expect(root.locator("g.cm-node")).to_have_count(4)

    nb.add_and_run("G.nodes['Talent']['role'] = 'latent'")
    expect(node(root, "Talent")).to_have_attribute("data-role", "latent")

    nb.add_and_run("G.remove_node('Gear')")
    expect(node(root, "Gear")).to_have_count(0)
    expect(root.locator("path.cm-edge")).to_have_count(2)  # Talent->Sound, Sound->X


# --------------------------------------------------------------------------- 6. reopen


def _save_and_close(nb, server) -> str:
    """Save the notebook, close its page and shut its kernel down; return its path."""
    nb.save()
    nb.page.close()
    nb.close()
    server.shutdown_sessions(nb.path)
    return nb.path


def test_reopened_notebook_shows_the_drawing_and_refuses_edits(open_notebook, server, app):
    """Save, shut the kernel down, reopen: the restored widget draws and refuses edits.

    The widget state is saved in the notebook (the widget manager's "Save widget state"
    setting, switched on here), so on reopening the view is restored from the file while the
    new kernel has never heard of the widget: state model §7, ``data-mode="static"``.
    """
    _set_save_widget_state(server, True)
    try:
        nb, _root = open_dag(open_notebook)
        path = _save_and_close(nb, server)

        again = open_notebook(name=path)
        root = again.cell_output(1).locator("div.cm-dag")
        expect(root).to_have_count(1, timeout=30_000)
        expect(root.locator("g.cm-node")).to_have_count(3)
        expect(root.locator("path.cm-edge")).to_have_count(3)
        expect(root).to_have_attribute("data-mode", "static")
        expect(visible_drawings(again.cell_output(1))).to_have_count(1)
        note = root.locator(".cm-mode-note")
        expect(note).to_be_visible()
        assert note.inner_text().strip(), "the mode note must say why edits are off"
        cells = again.cells()

        gear = node(root, "Gear")
        x, y = centre(gear)
        drag(again.page, (x, y), (x + 80, y + 40))
        assert centre(gear) == pytest.approx((x, y), abs=2), "a refused drag moved the node"
        gear.click()
        again.page.keyboard.press("e")
        again.page.keyboard.press("Delete")
        expect(node(root, "Gear")).to_have_attribute("data-role", "treatment")
        expect(root.locator("g.cm-node")).to_have_count(3)
        no_cell_changed(again, cells, "edit attempts on a static view")
        assert again.kernel_eval("'G' in get_ipython().user_ns") is False
    finally:
        _set_save_widget_state(server, False)


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_notebook_opened_with_no_kernel_shows_the_graph(open_notebook, server):
    """JupyterLab's "No Kernel": the widget manager restores nothing, the SVG must still show."""
    _set_save_widget_state(server, True)
    try:
        nb, _root = open_dag(open_notebook)
        nb.add_and_run("G.add_edge('Sound', 'Mix')")
        expect(node(_root, "Mix")).to_have_count(1)
        path = _save_and_close(nb, server)
        again = open_notebook(name=path, kernel=False)
        out = again.cell_output(1)
        _expect_names_drawn(out)
        # The static copy follows edits (display_id), so it shows the graph as last edited.
        expect(out.locator("svg text", has_text="Mix").first).to_be_visible()
    finally:
        _set_save_widget_state(server, False)


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_reopened_notebook_without_saved_widget_state_still_shows_the_graph(open_notebook, server):
    """The widget manager's default (no widget state in the file): the static SVG must show."""
    nb, _root = open_dag(open_notebook)
    path = _save_and_close(nb, server)
    again = open_notebook(name=path)
    _expect_names_drawn(again.cell_output(1))


# --------------------------------------------------------------------------- small helpers


def _expect_names_drawn(output) -> None:
    """Each node name is visible as SVG text in ``output`` (live widget or static drawing)."""
    for name in ("Talent", "Gear", "Sound"):
        expect(output.locator("svg text", has_text=name).first).to_be_visible(timeout=30_000)


def _has(cls: str):
    import re

    return re.compile(rf"(^|\s){re.escape(cls)}(\s|$)")


def _set_save_widget_state(server, on: bool) -> None:
    import json

    server.api(
        "PUT",
        "/lab/api/settings/@jupyter-widgets/jupyterlab-manager:plugin",
        {"raw": json.dumps({"saveState": on})},
    )
