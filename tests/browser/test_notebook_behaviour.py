"""Cards that read in every theme, a widget that behaves in a notebook (issue 12, sections 1, 3).

Each test runs in JupyterLab 4 and Notebook 7 unless it says otherwise; everything is measured
in the page: bounding boxes for overlap, computed colours for contrast, scrollTop for the
wheel, the notebook model's execution counts for Shift+Enter.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import REPO
from tests.browser.test_dag_widget import centre, drag, node
from tests.browser.test_dag_widget_display import contrast

pytestmark = pytest.mark.browser

REALITY = """%%dag G
Talent [confounder]
Gear [treatment]
Sound [outcome]
Talent -> Gear, Sound
Gear -> Sound"""

SEED_CSV = str(REPO / "examples" / "player_data.csv")
PLAYERS = f"import pandas as pd\nplayers = pd.read_csv({SEED_CSV!r})"

#: Data that contradict A -> B -> C (A and C stay associated given B), and the chain.
CHAIN_DATA = """import numpy as np, pandas as pd
rng = np.random.default_rng(0)
A = rng.integers(0, 2, 3000); B = rng.integers(0, 2, 3000)
C = np.where(rng.random(3000) < 0.1, 1 - A, A)
df = pd.DataFrame({"A": A, "B": B, "C": C})"""
CHAIN = "%%dag H\nA -> B -> C\nU [latent]\nU -> B"


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def live(nb, index: int):
    root = nb.cell_output(index).locator("div.cm-dag")
    expect(root.first).to_have_attribute("data-mode", "live", timeout=30_000)
    return root.first


def run_cell(nb, index: int) -> None:
    """Run cell ``index`` the way a user does (select it, notebook:run-cell), wait idle."""
    nb.page.evaluate(
        """async ([path, i]) => {
            const p = window.__cm.panel(path);
            p.content.activeCellIndex = i;
            p.content.mode = 'command';
            await window.jupyterapp.commands.execute('notebook:run-cell');
        }""",
        [nb.path, index],
    )
    nb.wait_idle()


def notebook_state(nb) -> dict:
    return nb.page.evaluate(
        """path => { const p = window.__cm.panel(path);
            const cells = p.content.model.cells;
            const counts = [];
            for (let i = 0; i < cells.length; i++) counts.push(cells.get(i).executionCount ?? null);
            return {active: p.content.activeCellIndex, mode: p.content.mode, counts}; }""",
        nb.path,
    )


# --------------------------------------------------------------------------- 1. overlap

#: Every pair of text boxes (one box per line of each text node) that overlap in the page.
OVERLAPS_JS = r"""
card => {
  const boxes = [];
  const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const hidden = 'style, details:not([open]) > :not(summary)';
    if (!t.textContent.trim() || t.parentElement.closest(hidden)) continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    for (const r of range.getClientRects()) {
      if (r.width > 0.5 && r.height > 0.5) boxes.push({text: t.textContent.trim().slice(0, 30), r});
    }
  }
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 2) out.push([boxes[i].text, boxes[j].text]);
    }
  }
  return {count: boxes.length, overlaps: out.slice(0, 10)};
}
"""


def test_fit_card_after_a_widget_has_no_overlapping_text(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", REALITY, CHAIN_DATA, CHAIN, "%dag H --check df"])
    nb.run_all()
    live(nb, 1)  # a widget is on the page, with its stylesheet
    card = nb.cell_output(4).locator(".cm-fit-card")
    expect(card).to_be_visible()
    expect(card.locator(".cm-contradicted")).to_be_visible()
    expect(card.locator(".cmc-notes, .cm-notes").first).to_be_visible()
    found = card.evaluate(OVERLAPS_JS)
    assert found["count"] > 10, found
    assert found["overlaps"] == [], f"overlapping text in the fit card: {found['overlaps']}"
    # The widget's rules stay inside the widget: the card's notes are in the normal flow.
    assert card.locator(".cmc-notes, .cm-notes").first.evaluate(
        "e => getComputedStyle(e).position"
    ) == ("static")
    # "is independent of" is a glyph every font has, never the empty-box U+2AEB.
    text = card.inner_text()
    assert "\u2aeb" not in text and "\u22a5\u22a5" in text
    marks = nb.cell_output(4).locator("div.cm-dag path.cm-fit-mark")
    if marks.count():
        titles = nb.cell_output(4).locator("div.cm-dag g.cm-fit-mark-group title")
        assert all("\u2aeb" not in t for t in titles.all_text_contents())


# --------------------------------------------------------------------------- 2. contrast

#: Every visible text in the cards and the widget: its colour and the colour behind it, both
#: composited through the ancestors' translucent backgrounds and opacities.
TEXTS_JS = r"""
roots => {
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c || '');
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, under) => {
    const a = top.a;
    return {r: top.r * a + under.r * (1 - a), g: top.g * a + under.g * (1 - a),
            b: top.b * a + under.b * (1 - a), a: 1};
  };
  const chain = (el) => {
    const c = [];
    for (let a = el; a; a = a.parentElement) c.unshift(a);
    return c;
  };
  const behind = (el) => {
    let bg = {r: 255, g: 255, b: 255, a: 1};
    let opacity = 1;
    for (const a of chain(el)) {
      const s = getComputedStyle(a);
      const c = parse(s.backgroundColor);
      if (c && c.a > 0) bg = over(c, bg);
      opacity *= Number(s.opacity);
    }
    return {bg, opacity};
  };
  const out = [];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const el = t.parentElement;
      if (!t.textContent.trim() || el.closest('style, title, svg')) continue;
      if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
      const {bg, opacity} = behind(el);
      const c = parse(getComputedStyle(el).color);
      const fg = over({...c, a: c.a * opacity}, bg);
      out.push({text: t.textContent.trim().slice(0, 40), fg, bg});
    }
    // SVG text with its own backdrop: edge labels (halo in the background colour), badges.
    const svgTexts = 'text.cm-edge-label, g.cm-badge text, text.cm-title';
    for (const label of root.querySelectorAll(svgTexts)) {
      const s = getComputedStyle(label);
      const back = label.closest('g.cm-badge')
        ? parse(getComputedStyle(label.closest('g.cm-badge').querySelector('circle')).fill)
        : parse(getComputedStyle(root.querySelector('rect.cm-background')).fill);
      out.push({text: 'svg:' + label.textContent, fg: parse(s.fill), bg: back});
    }
  }
  return out;
}
"""


def low_contrast(page, roots) -> list[str]:
    texts = page.evaluate(TEXTS_JS, [r.element_handle() for r in roots])
    assert len(texts) > 20, texts
    return [
        f"{t['text']!r}: {contrast(t['fg'], t['bg']):.2f}:1 ({t['fg']} on {t['bg']})"
        for t in texts
        if contrast(t["fg"], t["bg"]) < 4.5
    ]


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_every_text_of_cards_and_widget_reads_in_light_and_dark(open_notebook):
    do_cell = "%do P(Sound=Great | do(Gear=Fancy)) --data players --sensitivity"
    # Talent left out: not identified, so the card draws the bounds instead of a number
    bounds_cell = (
        "%do P(Sound=Great | do(Gear=Fancy)) --data no_talent",
        "no_talent = players.drop(columns='Talent')",
    )
    cells = ["%load_ext causal_magic", REALITY, PLAYERS, do_cell, CHAIN_DATA, CHAIN]
    nb = open_notebook([*cells, "%dag H --check df", bounds_cell[1], bounds_cell[0]])
    nb.run_all()
    widget = live(nb, 1)
    do_card = nb.cell_output(3).locator(".cm-do-card")
    fit_card = nb.cell_output(6).locator(".cm-fit-card")
    bounds_card = nb.cell_output(8).locator(".cm-do-card")
    expect(do_card.locator(".cm-warnings")).to_be_visible()
    expect(fit_card.locator(".cm-contradicted")).to_be_visible()
    expect(bounds_card).to_contain_text("0.8125")
    # The widget's notes and panels, visible: a hint, the help, the legend.
    widget.locator("button.cm-help-button").click()
    widget.locator("button.cm-connect").click()
    expect(widget.locator(".cm-message.cm-info")).to_be_visible()
    roots = [widget, do_card, fit_card, bounds_card]
    assert low_contrast(nb.page, roots) == [], "JupyterLab Light"

    theme = "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: '%s'})"
    nb.page.evaluate(theme % "JupyterLab Dark")
    try:
        nb.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
        nb.page.wait_for_timeout(500)  # the theme's stylesheet applies
        (REPO / "artifacts").mkdir(exist_ok=True)
        nb.page.screenshot(path=str(REPO / "artifacts" / "cards-dark.png"), full_page=True)
        assert low_contrast(nb.page, roots) == [], "JupyterLab Dark"
    finally:  # the theme is a server-wide setting: later tests expect Light
        nb.page.evaluate(theme % "JupyterLab Light")
        nb.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'")


# --------------------------------------------------------------------------- 3. messages


def test_hints_and_successes_are_not_errors_and_the_connect_hint_goes(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", "%%dag G\nA -> B\nC"])
    nb.run_all()
    root = live(nb, 1)
    message = root.locator(".cm-message")
    is_info = "m => m.classList.contains('cm-info')"
    root.locator("button.cm-connect").click()
    expect(message).to_be_visible()
    assert message.evaluate(is_info), "the connect hint is styled as an error"
    node(root, "A").click()
    expect(message).to_contain_text("now click the effect of A")
    assert message.evaluate(is_info)
    node(root, "C").click()
    nb.wait_kernel("G.has_edge('A', 'C')", bool)
    expect(message).to_be_hidden()  # the edge is made: the hint is gone
    node(root, "A").click()
    node(root, "B").click()  # A -> B exists: refused, in the error style
    expect(message).to_be_visible()
    assert not message.evaluate(is_info), message.inner_text()
    root.locator("button.cm-connect").click()
    root.locator("button.cm-copy-svg").click()  # copied, or "not available here": not an error
    expect(message).to_contain_text("clipboard")
    assert message.evaluate(is_info)


# --------------------------------------------------------------------------- 5, 9. the look


def test_legend_badges_halo_and_tooltips_say_what_is_drawn(open_notebook):
    dag = (
        "%%dag L\nX [treatment]\nY [outcome]\nM [mediator]\nS [selected]\n"
        'X -> M -> Y [label="+0.3"]\nY -> S\nX <-> Y'
    )
    nb = open_notebook(["%load_ext causal_magic", dag])
    nb.run_all()
    root = live(nb, 1)
    # Badges: treatment and outcome differ by a letter, not by colour alone.
    for name, letter in (("X", "T"), ("Y", "O"), ("M", "M"), ("S", "S")):
        expect(node(root, name).locator("g.cm-badge text")).to_have_text(letter)
        expect(node(root, name).locator("g.cm-badge")).to_be_visible()
    # Hovering a node shows its name and role (an SVG <title>, as text).
    expect(node(root, "M").locator("title")).to_have_text("M: mediator")
    # The legend lists the roles and edge styles on the drawing, and nothing else.
    keys = root.locator(".cm-legend .cm-legend-item").evaluate_all(
        "items => items.map(i => i.dataset.key)"
    )
    for key in ("role-treatment", "role-outcome", "role-mediator", "role-selected", "bidirected"):
        assert key in keys, keys
    assert "role-latent" not in keys and "fit" not in keys, keys
    # <-> has its own look: not the biasing dash.
    dash = root.locator("path.cm-edge.cm-bidirected").evaluate(
        "p => getComputedStyle(p).strokeDasharray"
    )
    assert dash.replace("px", "").replace(",", " ").split() == ["1", "5"], dash
    # The edge label has a halo in the background's colour (its edge never strikes it).
    label = root.locator("text.cm-edge-label", has_text="+0.3").first
    halo = label.evaluate("t => [getComputedStyle(t).stroke, getComputedStyle(t).paintOrder]")
    background = root.locator("rect.cm-background").evaluate("r => getComputedStyle(r).fill")
    assert halo[0] == background and halo[1].startswith("stroke"), (halo, background)
    # Selection: a halo that stands out from a blue node and from the background.
    node(root, "M").click()
    halo_ring = node(root, "M").locator("circle.cm-halo")
    expect(halo_ring).to_be_visible()
    ring, fill = halo_ring.evaluate(
        """c => [getComputedStyle(c).stroke,
                 getComputedStyle(c.parentElement.querySelector('circle.cm-circle')).fill]"""
    )
    rgb = [
        dict(zip("rgb", map(float, c[c.index("(") + 1 : -1].split(",")[:3]), strict=True))
        for c in (ring, fill, background)
    ]
    assert contrast(rgb[0], rgb[1]) >= 3 and contrast(rgb[0], rgb[2]) >= 3, (ring, fill)
    # "?" shows the keys and gestures.
    help_panel = root.locator(".cm-help")
    expect(help_panel).to_be_hidden()
    root.locator("button.cm-help-button").click()
    expect(help_panel).to_be_visible()
    expect(help_panel).to_contain_text("Shift + Enter")
    expect(help_panel).to_contain_text("Ctrl/⌘ + wheel")
    # The static copy has the badges and the legend too.
    svg = nb.kernel_eval("__import__('causal_magic').show(L).to_svg()")
    assert 'class="cm-legend"' in svg and ">T</text>" in svg and "<title>M: mediator</title>" in svg


# --------------------------------------------------------------------------- 6. the wheel


def test_wheel_over_a_drawing_scrolls_the_notebook_and_ctrl_wheel_zooms(open_notebook):
    tall = "print('\\n'.join(map(str, range(150))))"
    nb = open_notebook(["%load_ext causal_magic", tall, REALITY, tall])
    nb.run_all()
    root = live(nb, 2)
    svg = root.locator("svg.cm-svg")
    viewport = root.locator("g.cm-viewport")

    def scale() -> str:  # the zoom (a refit on resize may move the drawing, never zoom it)
        return (viewport.get_attribute("transform") or "").partition("scale(")[2]

    scroller = root.evaluate_handle(
        """r => { for (let a = r.parentElement; a; a = a.parentElement) {
                    const s = getComputedStyle(a).overflowY;
                    const scrolls = s === 'auto' || s === 'scroll';
                    if (scrolls && a.scrollHeight > a.clientHeight + 100) return a;
                  } return document.scrollingElement; }"""
    )
    # The drawing in the middle of the view (Run All left the notebook at its end).
    svg.evaluate("s => s.scrollIntoView({block: 'center'})")
    nb.page.wait_for_timeout(300)
    top = scroller.evaluate("s => s.scrollTop")
    before = scale()
    box = svg.bounding_box()
    assert box["y"] > 100 and box["y"] + box["height"] < 850, box
    nb.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    nb.page.mouse.wheel(0, 300)
    nb.page.wait_for_function("([s, t]) => s.scrollTop > t", arg=[scroller, top])
    assert scale() == before, "a plain wheel zoomed the drawing"
    # Ctrl + wheel (a trackpad pinch sends the same) zooms and does not scroll.
    box = svg.bounding_box()
    nb.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    nb.page.keyboard.down("Control")
    nb.page.mouse.wheel(0, -300)
    nb.page.keyboard.up("Control")
    nb.page.wait_for_function(
        "([v, k]) => !v.getAttribute('transform').endsWith('scale(' + k)",
        arg=[viewport.element_handle(), before],
    )


# --------------------------------------------------------------------------- 7. keys


def test_shift_enter_in_the_widget_runs_the_cell_and_esc_gives_focus_back(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", REALITY, "x = 1"])
    nb.run_all()
    root = live(nb, 1)
    before = notebook_state(nb)
    cells = nb.cells()
    # Focus the widget by clicking a node; its own keys stay its own.
    node(root, "Talent").click()
    assert root.evaluate("r => r.contains(document.activeElement)")
    nb.page.keyboard.press("m")
    nb.wait_kernel("G.nodes['Talent'].get('role')", lambda r: r == "mediator")
    assert len(nb.cells()) == len(cells), "a widget key reached the notebook"
    # Shift+Enter runs the cell (a new execution count) and selects the next one.
    nb.page.keyboard.press("Shift+Enter")
    nb.page.wait_for_function(
        """([path, n]) => { const p = window.__cm.panel(path);
              const c = p.content.model.cells.get(1).executionCount;
              return c !== null && c > n && p.content.activeCellIndex === 2; }""",
        arg=[nb.path, before["counts"][1]],
    )
    nb.wait_idle()
    root = live(nb, 1)
    assert nb.kernel_eval("G.nodes['Talent'].get('role')") == "confounder", "the cell re-ran"
    # Esc leaves the widget for the notebook's command mode.
    node(root, "Gear").click()
    assert root.evaluate("r => r.contains(document.activeElement)")
    nb.page.keyboard.press("Escape")
    nb.page.wait_for_function("r => !r.contains(document.activeElement)", arg=root.element_handle())
    assert notebook_state(nb)["mode"] == "command"
    expect(root.locator("g.cm-node.cm-selected")).to_have_count(0)


# --------------------------------------------------------------------------- 10. lost edits


def test_rerun_says_edits_were_replaced_and_offers_them(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", REALITY])
    nb.run_all()
    root = live(nb, 1)
    expect(root.locator(".cm-lost")).to_be_hidden()
    # A drag alone: dirty, but the text area does not push the output down.
    x, y = centre(node(root, "Talent"))
    drag(nb.page, (x, y), (x + 60, y + 10))
    expect(root.locator(".cm-dirty")).to_be_visible()
    expect(root.locator(".cm-dirty")).to_have_text("moved since the cell ran")
    expect(root.locator("button.cm-copy-dsl")).to_be_visible()
    expect(root.locator("textarea.cm-dsl-text")).to_be_hidden()
    # A structural edit opens it.
    node(root, "Talent").click()
    nb.page.keyboard.press("u")
    nb.wait_kernel("G.nodes['Talent'].get('role')", lambda r: r == "latent")
    expect(root.locator("textarea.cm-dsl-text")).to_be_visible()
    # Re-running the cell resets the graph to its text, and says so in the new output.
    run_cell(nb, 1)
    root = live(nb, 1)
    lost = root.locator(".cm-lost")
    expect(lost).to_be_visible()
    expect(lost).to_contain_text("replaced edits")
    root.locator("button.cm-lost-show").click()
    area = root.locator("textarea.cm-lost-text")
    expect(area).to_be_visible()
    text = area.input_value()
    assert text.startswith("%%dag G") and "latent" in text, text
    assert nb.kernel_eval("G.nodes['Talent'].get('role')") == "confounder"
    root.locator("button.cm-lost-dismiss").click()
    expect(lost).to_be_hidden()


# --------------------------------------------------------------------------- 11. connecting

WATCH_NOTES_JS = r"""
() => {
  window.__cmNotes = new Set();
  window.__cmWatch = setInterval(() => {
    for (const n of document.querySelectorAll('.cm-dag .cm-mode-note')) {
      if (n.textContent) window.__cmNotes.add(n.textContent);
    }
  }, 50);
}
"""


def test_a_busy_kernel_after_run_all_reads_connecting_not_no_kernel(open_notebook):
    nb = open_notebook(["%load_ext causal_magic", REALITY, "import time\ntime.sleep(4)"])
    nb.page.evaluate(WATCH_NOTES_JS)
    nb.run_all()
    live(nb, 1)
    notes = nb.page.evaluate("() => (clearInterval(window.__cmWatch), [...window.__cmNotes])")
    assert any("Connecting" in n for n in notes), notes
    assert not any("No kernel" in n for n in notes), notes
    expect(nb.cell_output(1).locator(".cm-mode-note")).to_be_hidden()
