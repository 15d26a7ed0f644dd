"""How the widget looks and what it never does, in a real JupyterLab (issue 3, items 2 and 3).

Readable in light and dark themes (measured as contrast ratios of the colours the browser
actually computed), user strings shown as text and never as HTML, zoom that stays a view-only
change, several graphs side by side.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("app", ["lab"], indirect=True)]

REALITY = """%%dag G --title Reality
Talent [confounder]
Gear [treatment]
Sound [outcome]
Talent -> Gear, Sound
Gear -> Sound"""

HOSTILE = "<b>bold</b> & <img src=x onerror=alert(1)>"


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def open_cells(open_notebook, cells: list[str]):
    nb = open_notebook(["%load_ext causal_magic", *cells])
    nb.run_all()
    roots = nb.page.locator(".jp-Notebook div.cm-dag")
    expect(roots.first).to_have_attribute("data-mode", "live", timeout=20_000)
    return nb, roots


# --------------------------------------------------------------------------- contrast

#: Colours the browser computed for the drawing, and the background they sit on.
COLOURS_JS = r"""
root => {
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c || '');
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const background = (el) => {
    const rect = root.querySelector('rect.cm-background');
    const rc = rect && parse(getComputedStyle(rect).fill);
    if (rc && rc.a > 0.9 && getComputedStyle(rect).fillOpacity > 0.9) return rc;
    for (let a = el; a; a = a.parentElement) {
      const c = parse(getComputedStyle(a).backgroundColor);
      if (c && c.a > 0.9) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const svg = root.querySelector('svg.cm-svg');
  const bg = background(svg);
  const out = {bg, edges: [], labels: [], title: null, panel: null};
  for (const p of root.querySelectorAll('path.cm-edge')) {
    out.edges.push(parse(getComputedStyle(p).stroke));
  }
  for (const n of root.querySelectorAll('g.cm-node')) {
    const circle = n.querySelector('circle');
    out.labels.push({
      id: n.dataset.id,
      text: parse(getComputedStyle(n.querySelector('text')).fill),
      circle: parse(getComputedStyle(circle).fill),
      stroke: parse(getComputedStyle(circle).stroke),
    });
  }
  const t = root.querySelector('text.cm-title');
  if (t) out.title = parse(getComputedStyle(t).fill);
  const panel = root.querySelector('.cm-overlay-panel');
  if (panel && panel.offsetParent) {
    out.panel = {text: parse(getComputedStyle(panel).color), bg: background(panel)};
  }
  return out;
}
"""


def luminance(c: dict) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c["r"]) + 0.7152 * channel(c["g"]) + 0.0722 * channel(c["b"])


def contrast(a: dict, b: dict) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def check_readable(root, theme: str) -> None:
    c = root.evaluate(COLOURS_JS)
    bg = c["bg"]
    problems = []
    for i, stroke in enumerate(c["edges"]):
        if stroke is None or contrast(stroke, bg) < 3:
            problems.append(f"edge {i} stroke {stroke} on {bg}")
    for n in c["labels"]:
        if contrast(n["text"], n["circle"]) < 4.5:
            problems.append(f"label of {n['id']}: {n['text']} on its circle {n['circle']}")
        # The node itself must stand out from the background, by its fill or its outline
        # (WCAG 1.4.11: 3:1 for graphical objects).
        outline = max(contrast(n["circle"], bg), contrast(n["stroke"] or n["circle"], bg))
        if outline < 3:
            problems.append(f"node {n['id']}: fill {n['circle']} on {bg}")
    if c["title"] is None:
        problems.append("no title drawn")
    elif contrast(c["title"], bg) < 4.5:
        problems.append(f"title {c['title']} on {bg}")
    if c["panel"] and contrast(c["panel"]["text"], c["panel"]["bg"]) < 4.5:
        problems.append(f"overlay panel text {c['panel']}")
    assert not problems, f"{theme}: too little contrast:\n" + "\n".join(problems)


def test_drawing_is_readable_in_light_and_dark_themes(open_notebook):
    nb, roots = open_cells(open_notebook, [REALITY])
    root = roots.first
    check_readable(root, "JupyterLab Light")

    nb.page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme', "
        "{theme: 'JupyterLab Dark'})"
    )
    nb.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    # The widget must follow the theme by itself (CSS variables), with no re-render.
    expect(root).to_have_attribute("data-mode", "live")
    nb.page.wait_for_function(
        """root => { const s = getComputedStyle(document.body).backgroundColor;
                     return s && s !== 'rgba(0, 0, 0, 0)'; }""",
        arg=root.element_handle(),
    )
    check_readable(root, "JupyterLab Dark")


# --------------------------------------------------------------------------- text, never HTML


def test_user_strings_are_shown_as_text_never_as_html(open_notebook):
    dialogs: list[str] = []
    name = HOSTILE.replace('"', '\\"')
    cell = f'%%dag H --title "{HOSTILE}"\n"{name}" [treatment] -> Y [outcome]\n"two\\nlines" -> Y'
    nb = open_notebook(["%load_ext causal_magic", cell])
    nb.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    nb.run_all()
    out = nb.cell_output(1)
    root = out.locator("div.cm-dag")
    expect(root).to_have_attribute("data-mode", "live", timeout=20_000)
    assert nb.kernel_eval("sorted(H)") == sorted([HOSTILE, "Y", "two\nlines"])

    expect(root.locator("g.cm-node")).to_have_count(3)
    labels = root.locator("g.cm-node text").all_text_contents()
    assert HOSTILE in labels, labels
    # Markup in names and titles is text: no element was made from it, nothing ran.
    for output in (out, root):
        expect(output.locator("b")).to_have_count(0)
        expect(output.locator('img[src="x"]')).to_have_count(0)
    assert dialogs == []
    # A "\n" in a name is a line break: one tspan per line.
    two = root.locator("g.cm-node", has_text="two").locator("tspan")
    expect(two).to_have_count(2)
    assert [t.strip() for t in two.all_text_contents()] == ["two", "lines"]


# --------------------------------------------------------------------------- view only


def test_zoom_and_pan_change_the_view_not_the_graph(open_notebook):
    nb, roots = open_cells(open_notebook, [REALITY])
    root = roots.first
    viewport = root.locator("g.cm-viewport")
    before = viewport.get_attribute("transform")
    box = root.locator("svg.cm-svg").bounding_box()
    nb.page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    nb.page.keyboard.down("Control")  # a plain wheel scrolls the notebook (issue 12)
    nb.page.mouse.wheel(0, -400)
    nb.page.keyboard.up("Control")
    expect(viewport).not_to_have_attribute("transform", before or "")
    zoomed = viewport.get_attribute("transform")
    # Pan: drag the background.
    x, y = box["x"] + 15, box["y"] + box["height"] - 15
    nb.page.mouse.move(x, y)
    nb.page.mouse.down()
    nb.page.mouse.move(x + 60, y - 20, steps=8)
    nb.page.mouse.up()
    expect(viewport).not_to_have_attribute("transform", zoomed or "")
    panned = viewport.get_attribute("transform")
    assert nb.kernel_eval("[G.nodes[n].get('pos') for n in sorted(G)]") == [None, None, None]
    # Fit brings the whole graph back into view.
    root.locator("button.cm-fit").click()
    expect(viewport).not_to_have_attribute("transform", panned or "")
    nb.page.wait_for_function(
        """root => {
            const s = root.querySelector('svg.cm-svg').getBoundingClientRect();
            return [...root.querySelectorAll('g.cm-node')].every(n => {
                const b = n.getBoundingClientRect();
                return b.left >= s.left && b.right <= s.right
                    && b.top >= s.top && b.bottom <= s.bottom;
            });
        }""",
        arg=root.element_handle(),
    )
    expect(root.locator(".cm-dirty")).to_be_hidden()


# --------------------------------------------------------------------------- side by side


def test_two_graphs_are_drawn_side_by_side(open_notebook):
    gas = "%%dag GAS\nGear [treatment] -> Sound [outcome]"
    nb, _roots = open_cells(open_notebook, [gas, REALITY, "%dag GAS G --title GAS --title Reality"])
    pair = nb.cell_output(3).locator("div.cm-dag")
    expect(pair).to_have_count(2)
    expect(pair.nth(0).locator("g.cm-node")).to_have_count(2)
    expect(pair.nth(1).locator("g.cm-node")).to_have_count(3)
    expect(pair.nth(0).locator("text.cm-title")).to_have_text("GAS")
    expect(pair.nth(1).locator("text.cm-title")).to_have_text("Reality")
    left, right = pair.nth(0).bounding_box(), pair.nth(1).bounding_box()
    assert right["x"] >= left["x"] + left["width"] - 1, (left, right)
    assert abs(right["y"] - left["y"]) < 5, (left, right)


# --------------------------------------------------------------------------- marks and views


def test_latent_nodes_and_edge_labels_are_drawn_distinctly(open_notebook):
    dag = '%%dag L\nX [exposure]\nY [outcome]\nX -> Y [label="strong"]\nU [latent]\nU -> X, Y'
    _nb, roots = open_cells(open_notebook, [dag])
    root = roots.first
    latent = root.locator('g.cm-node[data-id="U"]')
    expect(latent).to_have_attribute("data-role", "latent")
    style = latent.locator("circle").first.evaluate(
        "c => { const s = getComputedStyle(c); return {dash: s.strokeDasharray, fill: s.fill}; }"
    )
    solid = root.locator('g.cm-node[data-id="X"] circle').first.evaluate(
        "c => getComputedStyle(c).fill"
    )
    # Not told apart by colour alone: dashed outline or hollow fill.
    assert style["dash"] not in ("none", "") or style["fill"] in ("none", "transparent"), style
    assert style["fill"] != solid
    expect(root.locator("text.cm-edge-label", has_text="strong")).to_have_count(1)


def test_two_views_of_one_widget_agree_at_once(open_notebook):
    """Displaying one widget twice: a drag in one view moves the node in the other."""
    show_twice = "import causal_magic\nw = causal_magic.show(G)\ndisplay(w)\ndisplay(w)"
    nb, _roots = open_cells(open_notebook, [REALITY, show_twice])
    views = nb.cell_output(2).locator("div.cm-dag")
    expect(views).to_have_count(2)
    expect(views.nth(1)).to_have_attribute("data-mode", "live")

    def offset(view) -> tuple[float, float]:
        svg = view.locator("svg.cm-svg").bounding_box()
        box = view.locator('g.cm-node[data-id="Gear"] circle').first.bounding_box()
        return (box["x"] - svg["x"], box["y"] - svg["y"])

    views.nth(1).scroll_into_view_if_needed()
    before = offset(views.nth(1))
    first = views.nth(0).locator('g.cm-node[data-id="Gear"] circle').first
    first.scroll_into_view_if_needed()
    b = first.bounding_box()
    x, y = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
    page = nb.page
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 3, y + 3, steps=2)
    page.mouse.move(x + 90, y, steps=10)
    page.mouse.up()
    nb.wait_kernel("G.nodes['Gear'].get('pos')", lambda p: p is not None)
    page.wait_for_function(
        """([view, x0]) => {
            const svg = view.querySelector('svg.cm-svg').getBoundingClientRect();
            const gear = view.querySelector('g.cm-node[data-id="Gear"] circle');
            return Math.abs((gear.getBoundingClientRect().left - svg.left) - x0) > 20;
        }""",
        arg=[views.nth(1).element_handle(), before[0]],
    )
