"""Static export: ``nbconvert --to html --execute`` shows the graph without kernel or network.

nbconvert prefers a saved widget view and loads the widget manager (and MathJax) from CDNs, so an
offline reader of an exported notebook sees nothing unless the output also carries a static
drawing that the page shows by itself (issue 6, item 4; issue 3, item 6).  The export runs once
per module in a temporary directory with every Jupyter directory isolated; the browser check opens
the HTML from disk in Chromium with every non-file request aborted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.chromium import find_chromium, missing, offline_page

REPO = Path(__file__).resolve().parents[1]
SEED_CSV = REPO / "examples" / "player_data.csv"
NAMES = ("Talent", "Gear", "Sound")

DAG_CELL = """%%dag G
Talent [confounder]
Gear [treatment]
Sound [outcome]
Talent -> Gear, Sound
Gear -> Sound"""

DO_QUERY = "%do P(Sound=Great | do(Gear=Fancy)) --data df"


def has_do() -> bool:
    """``%do`` is only exercised once its estimator module exists."""
    return (REPO / "causal_magic" / "estimate").is_dir()


class SvgText(HTMLParser):
    """Text inside ``<svg>`` elements that are markup, not inside ``<script>``/``<template>``."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0  # depth inside script/template/style
        self.svg = 0
        self.svgs: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "template", "style"):
            self.hidden += 1
        elif tag == "svg" and not self.hidden:
            if self.svg == 0:
                self.svgs.append([])
            self.svg += 1

    def handle_endtag(self, tag):
        if tag in ("script", "template", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag == "svg" and self.svg and not self.hidden:
            self.svg -= 1

    def handle_data(self, data):
        if self.svg and not self.hidden:
            self.svgs[-1].append(data)


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> dict:
    """Write a small notebook, execute and export it with nbconvert; return paths and flags."""
    import nbformat

    work = tmp_path_factory.mktemp("export")
    shutil.copy(SEED_CSV, work / "player_data.csv")
    cells = ["%load_ext causal_magic", DAG_CELL]
    with_do = has_do()
    if with_do:
        cells += ["import pandas as pd\ndf = pd.read_csv('player_data.csv')", DO_QUERY]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, work / "story.ipynb")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ]:
        (work / sub).mkdir()
        env[var] = str(work / sub)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbconvert",
            "--to",
            "html",
            "--execute",
            "--ExecutePreprocessor.timeout=120",
            "story.ipynb",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        log = re.sub(r"\x1b\[[0-9;]*m", "", proc.stderr)
        pytest.fail(f"nbconvert --execute failed (exit {proc.returncode}):\n{log[-3000:]}")
    html_path = work / "story.html"
    return {"html": html_path, "text": html_path.read_text(), "with_do": with_do}


def test_exported_html_carries_the_graph_as_static_svg_markup(export):
    parser = SvgText()
    parser.feed(export["text"])
    drawings = [" ".join(chunks) for chunks in parser.svgs]
    assert any(all(n in d for n in NAMES) for d in drawings), (
        "no <svg> outside <script> names all of Talent, Gear, Sound: the graph would only "
        f"appear through a widget script; svg texts found: {[d[:80] for d in drawings]}"
    )


def test_do_card_is_in_the_exported_html(export):
    if not export["with_do"]:
        pytest.skip("%do's estimator (causal_magic.estimate) does not exist yet")
    text = export["text"]
    assert "Sound" in text and "Gear" in text
    assert "0.357" in text or "0.36" in text, "the adjusted estimate is not in the export"


@pytest.mark.browser
def test_exported_graph_is_visible_offline_in_chromium(export):
    chromium = find_chromium()
    if not chromium:
        missing("chromium not found (apt-get install -y chromium, or set CHROMIUM=/path)")
    # Playwright's sync API refuses to start inside a running event loop, and the browser
    # suite's session-wide Playwright may be running one in this thread: use a thread of our own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_check_offline, chromium, export["html"], export["with_do"]).result()


def _check_offline(chromium: str, html: Path, with_do: bool) -> None:
    from playwright.sync_api import expect

    with offline_page(chromium, html, (1200, 900)) as (page, blocked):
        # One <svg> that shows all three names, laid out with a real size.
        box = page.evaluate(
            """names => {
              for (const svg of document.querySelectorAll('svg')) {
                const t = svg.textContent;
                if (!names.every(n => t.includes(n))) continue;
                const r = svg.getBoundingClientRect();
                if (r.width > 50 && r.height > 50) return {w: r.width, h: r.height};
              }
              return null;
            }""",
            list(NAMES),
        )
        assert box, f"no visible <svg> with all node names offline (blocked: {blocked[:5]})"
        for name in NAMES:
            expect(page.locator("svg text", has_text=name).first).to_be_visible()
        if with_do:
            expect(page.get_by_text("0.357").first).to_be_visible()
