"""demo.ipynb runs top to bottom in a real kernel and tells the seed's story with its numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo.ipynb"


def _text(cell) -> str:
    """Everything a reader sees of a cell's outputs, as plain text."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
        else:
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(DEMO, as_version=4)
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


def _cell_after(nb, source_fragment: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "code" and source_fragment in cell.source:
            return _text(cell)
    raise AssertionError(f"no demo cell contains {source_fragment!r}")


def test_demo_reproduces_the_seeds_naive_and_adjusted_numbers(executed):
    assert "naive 0.625, adjusted 0.357" in _cell_after(executed, "r = %do")
    gas = _cell_after(executed, "--dag GAS")
    assert "= 0.625" in gas


def test_demo_shows_talent_unmeasured_gives_bounds_not_a_number(executed):
    text = _cell_after(executed, "--data players_seen")
    assert "not identifiable" in text and "Gear <- Talent -> Sound" in text
    assert "in [0.3125, 0.8125] (not identified: bounds)" in text
    assert "Fancy)) = " not in text  # no number given, only the interval and the naive value
    assert "(0.3125, 0.8125), None" in _cell_after(executed, "r_seen = cm.bounds")


def test_demo_shows_the_e_value_when_talent_is_measured(executed):
    text = _cell_after(executed, "--sensitivity")
    assert "= 2.5" in text and "E-value 4.44" in text
    assert "Gear and Sound by a risk ratio of 4.44" in text


def test_demo_large_example_recovers_the_truth(executed):
    text = _cell_after(executed, "big = %do")
    truth, estimate = (float(v) for v in re.findall(r"(?:truth|estimate) (\d\.\d+)", text))
    assert abs(truth - estimate) < 0.01
    assert "CI" in text


def test_demo_draws_every_graph_with_a_static_svg(executed):
    svgs = [
        out.data["image/svg+xml"]
        for cell in executed.cells
        for out in cell.get("outputs", [])
        if out.output_type == "display_data" and "image/svg+xml" in out.get("data", {})
    ]
    drawn = "".join(svgs)
    for node in ("Gear", "Sound", "Talent", "Recording", "Region"):
        assert node in drawn


def test_saved_demo_is_small_and_carries_no_widget_bundles():
    raw = DEMO.read_text()
    assert len(raw) < 300_000
    nb = json.loads(raw)
    assert "widgets" not in nb["metadata"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_demo_teaches_why_a_fork_blocks_and_a_collider_opens(executed):
    fork = _cell_after(executed, "--explain Gear Sound --given Talent")
    assert "blocked: Talent is conditioned on (a fork)" in fork
    assert "Gear and Sound are d-connected given {Talent}: 1 open path." in fork
    collider = _cell_after(executed, "cm.explain_paths(Studio")
    assert "Talent and Gear are d-separated: every path between them is blocked." in collider
    assert "open: Recording is a collider and Sound, its descendant, is conditioned on" in collider
