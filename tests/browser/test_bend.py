"""Bending an edge by dragging its middle, in a real JupyterLab 4 page.

The handle (``circle.cm-bend-handle``, docs/widget-dom.md) shows on hover; a drag sends a
``bend`` edit and the kernel's graph gets DAGitty's edge ``pos`` (docs/state-model.md §4);
the curve passes the drop point; the bend survives ``to_dagitty``/``parse_dag`` and a
re-run; a double click on the handle straightens the edge; read-only views have no handle.
"""

from __future__ import annotations

import math

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("app", ["lab"], indirect=True)]

LINE = """%%dag G
A [pos="0,0"]
B [pos="3,0"]
C [pos="1.5,2"]
D [pos="0,-3"]
A -> B
A -> C -> B"""


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def node(root, name: str):
    return root.locator(f'g.cm-node[data-id="{name}"]')


def centre(locator) -> tuple[float, float]:
    """Centre of the node's circle in page pixels."""
    circle = locator.locator("circle").first
    circle.scroll_into_view_if_needed()
    box = circle.bounding_box()
    assert box is not None, "node circle has no box (not rendered?)"
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A real pointer drag: press, move in steps (D3 needs intermediate moves), release."""
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 3, start[1] + 3, steps=2)
    page.mouse.move(*end, steps=12)
    page.mouse.up()


def handle(root, source: str, target: str):
    return root.locator(f'circle.cm-bend-handle[data-source="{source}"][data-target="{target}"]')


def screen_of(locator) -> tuple[float, float]:
    """The centre of an SVG circle in page pixels."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None, "the handle has no box (not rendered?)"
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def nearest_on_path(path, x: float, y: float) -> float:
    """Distance (page px) from (x, y) to the drawn path, sampled along its length."""
    return path.evaluate(
        """(p, [x, y]) => {
          const m = p.getScreenCTM();
          const n = 400;
          let best = Infinity;
          for (let i = 0; i <= n; i++) {
            const q = p.getPointAtLength((p.getTotalLength() * i) / n);
            const r = p.ownerSVGElement.createSVGPoint();
            r.x = q.x; r.y = q.y;
            const s = r.matrixTransform(m);
            best = Math.min(best, Math.hypot(s.x - x, s.y - y));
          }
          return best;
        }""",
        [x, y],
    )


def test_dragging_an_edges_middle_bends_it_in_the_kernel_graph(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", LINE])
    nb.run_all()
    root = nb.cell_output(1).locator("div.cm-dag")
    expect(root).to_have_attribute("data-mode", "live", timeout=20_000)
    page = nb.page
    h = handle(root, "A", "B")
    expect(h).to_have_count(1)

    # Hidden until the edge is hovered; then the browser's own hit test finds the handle.
    assert float(h.evaluate("c => getComputedStyle(c).opacity")) == 0
    hx, hy = screen_of(h)
    page.mouse.move(hx, hy)
    expect(h).to_have_css("opacity", "1")
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).getAttribute('class')", [hx, hy]
    )
    assert hit == "cm-bend-handle"

    drop = (hx, hy - 70)  # away from C (below the line A-B); D keeps room above it
    ax, ay = centre(node(root, "A"))  # the drop relative to A: the status line that
    offset = (drop[0] - ax, drop[1] - ay)  # appears once the graph is changed moves the page
    drag(page, (hx, hy), drop)
    bend = nb.wait_kernel("G.edges['A', 'B'].get('pos')", lambda p: p is not None)
    assert len(bend) == 2 and all(math.isfinite(v) for v in bend)
    assert bend[1] < 0  # above the line A-B (y grows downwards, as in DAGitty)
    # After Python's redraw the curve passes the drop point and the handle sits there.
    path = root.locator('path.cm-edge[data-source="A"][data-target="B"]')
    expect(root.locator("g.cm-edge-group.cm-bent")).to_have_count(1)
    ax, ay = centre(node(root, "A"))
    drop = (ax + offset[0], ay + offset[1])
    assert nearest_on_path(path, *drop) < 3
    assert math.dist(screen_of(h), drop) < 3
    assert "Q" in path.get_attribute("d")

    # The bend goes into DAGitty's text and comes back from it, also through a re-run.
    nb.add_and_run(
        "import causal_magic\nT = causal_magic.to_dagitty(G)\nH = causal_magic.parse_dag(T)"
    )
    line = nb.kernel_eval("[l for l in T.splitlines() if l.startswith('A -> B')][0]")
    assert line.startswith('A -> B [pos="')
    assert nb.kernel_eval("H.edges['A', 'B']['pos'] == G.edges['A', 'B']['pos']") is True

    # A node moved in the drawing takes its bend along (the curve keeps its shape).
    b = node(root, "B")
    bx, by = centre(b)
    drag(page, (bx, by), (bx + 40, by + 40))
    nb.wait_kernel("G.edges['A', 'B']['pos']", lambda p: p != bend)

    # A double click on the handle straightens the edge.
    hx, hy = screen_of(h)
    page.mouse.move(hx, hy)
    page.mouse.dblclick(hx, hy)
    nb.wait_kernel("G.edges['A', 'B'].get('pos')", lambda p: p is None)
    expect(root.locator("g.cm-edge-group.cm-bent")).to_have_count(0)
    assert "Q" not in path.get_attribute("d")
    assert nb.kernel_eval("G.has_edge('A', 'B')") is True


def test_a_read_only_view_shows_the_bend_but_no_handle(open_notebook):
    nb = open_notebook(
        ["%load_ext causal_magic", LINE.replace("A -> B", 'A -> B [pos="1.5,-1"]') + "\n"]
    )
    nb.run_all()
    nb.add_and_run("import causal_magic\ncausal_magic.show(G, readonly=True)")
    ro = nb.cell_output(2).locator("div.cm-dag")
    expect(ro).to_have_attribute("data-mode", "readonly", timeout=20_000)
    expect(ro.locator("g.cm-edge-group.cm-bent")).to_have_count(1)
    assert "Q" in ro.locator('path.cm-edge[data-source="A"][data-target="B"]').get_attribute("d")
    h = handle(ro, "A", "B")
    expect(h).to_have_count(1)
    expect(h).to_be_hidden()


def test_dragging_the_middle_of_a_bidirected_edge_bends_it(open_notebook):
    cell = '%%dag G\nA [pos="0,0"]\nB [pos="3,0"]\nD [pos="1.5,-3"]\nA <-> B'
    nb = open_notebook(["%load_ext causal_magic", cell])
    nb.run_all()
    root = nb.cell_output(1).locator("div.cm-dag")
    expect(root).to_have_attribute("data-mode", "live", timeout=20_000)
    page = nb.page
    h = root.locator('circle.cm-bend-handle[data-a="A"][data-b="B"]')
    expect(h).to_have_count(1)
    hx, hy = screen_of(h)
    page.mouse.move(hx, hy)
    expect(h).to_have_css("opacity", "1")
    drag(page, (hx, hy), (hx + 20, hy - 50))
    pos = "[G.edges[h, n].get('pos') for h in G if G.nodes[h].get('bidirected') for n in G[h]]"
    both = nb.wait_kernel(pos, lambda p: None not in p)
    assert len(both) == 2 and both[0] == both[1]
    text = "__import__('causal_magic').to_dagitty(G)"
    line = nb.kernel_eval(f"[l for l in {text}.splitlines() if '<->' in l][0]")
    assert line.startswith('A <-> B [pos="')
    expect(root.locator("g.cm-edge-group.cm-bi.cm-bent")).to_have_count(1)

    hx, hy = screen_of(h)
    page.mouse.move(hx, hy)
    page.mouse.dblclick(hx, hy)
    nb.wait_kernel(pos, lambda p: p == [None, None])
    expect(root.locator("g.cm-edge-group.cm-bent")).to_have_count(0)


def test_a_refused_bend_snaps_back_and_says_why(open_notebook):
    # Far-apart positions give the smallest scale: a short drag is then a bend beyond
    # ±1e6 DAGitty units, which Python refuses (state model §4).
    cell = '%%dag G\nA [pos="0,0"]\nB [pos="900000,0"]\nA -> B'
    nb = open_notebook(["%load_ext causal_magic", cell])
    nb.run_all()
    root = nb.cell_output(1).locator("div.cm-dag")
    expect(root).to_have_attribute("data-mode", "live", timeout=20_000)
    page = nb.page
    h = handle(root, "A", "B")
    path = root.locator('path.cm-edge[data-source="A"][data-target="B"]')
    straight = path.get_attribute("d")
    hx, hy = screen_of(h)
    page.mouse.move(hx, hy)
    drag(page, (hx, hy), (hx, hy - 150))
    expect(root.locator(".cm-message")).to_contain_text("outside the drawing")
    assert nb.kernel_eval("G.edges['A', 'B'].get('pos')") is None
    expect(path).to_have_attribute("d", straight)  # not left where the pointer let go
    expect(root.locator("g.cm-edge-group.cm-bent")).to_have_count(0)
