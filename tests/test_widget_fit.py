"""DagWidget.show_fit: a contradicted implication drawn on the graph (issue 7 item 2).

The marks come from a real ``check_fit`` on simulated data whose graph misses an edge;
the browser side of the drawing is tested in js/fitmarks.test.js.
"""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from IPython.utils.capture import capture_output

from causal_magic import sync
from causal_magic.fit import check_fit
from causal_magic.svg import fit_mark_shape
from causal_magic.widget import DagWidget


def chain() -> nx.DiGraph:
    """A -> B -> C: implies A _||_ C | B."""
    return nx.DiGraph([("A", "B"), ("B", "C")])


@pytest.fixture
def missing_edge_data() -> pd.DataFrame:
    """Data from A -> B -> C plus A -> C, so the chain's A _||_ C | B is false."""
    rng = np.random.default_rng(7)
    n = 1500
    a = rng.normal(size=n)
    b = 0.8 * a + rng.normal(size=n)
    c = 0.8 * b + 0.6 * a + rng.normal(size=n)
    return pd.DataFrame({"A": a, "B": b, "C": c})


def widget_with_marks(data: pd.DataFrame) -> DagWidget:
    G = chain()
    return DagWidget(G, name="G").show_fit(check_fit(G, data))


def test_show_fit_marks_the_pair_the_missing_edge_joins(missing_edge_data):
    w = widget_with_marks(missing_edge_data)
    assert len(w.fit_marks) == 1
    (mark,) = w.fit_marks
    assert {mark["a"], mark["b"]} == {"A", "C"}
    assert mark["given"] == ["B"]
    assert "A" in mark["text"] and "C" in mark["text"]


def test_show_fit_returns_the_widget_and_no_contradiction_means_no_mark():
    rng = np.random.default_rng(3)
    a = rng.normal(size=800)
    b = a + rng.normal(size=800)
    c = b + rng.normal(size=800)  # truly a chain
    G = chain()
    w = DagWidget(G)
    assert w.show_fit(check_fit(G, pd.DataFrame({"A": a, "B": b, "C": c}))) is w
    assert w.fit_marks == []


@pytest.mark.parametrize(
    ("mark", "complaint"),
    [
        ({"a": "A", "b": "Nope", "given": [], "text": ""}, "Nope"),
        ({"a": "A", "b": "A", "given": [], "text": ""}, "both"),
        ({"a": "A", "b": "C", "given": "B", "text": ""}, "given"),
        ({"a": "A", "b": "C", "given": ["Zed"], "text": ""}, "Zed"),
        ({"a": "A", "b": "C", "given": [], "text": 3}, "text"),
        ("A -- C", "dict"),
    ],
)
def test_invalid_marks_are_refused_and_the_old_ones_kept(missing_edge_data, mark, complaint):
    w = widget_with_marks(missing_edge_data)
    before = list(w.fit_marks)
    with pytest.raises(ValueError, match=complaint):
        w.show_fit([mark])
    assert w.fit_marks == before


def test_show_fit_refuses_what_is_not_a_result_or_a_list():
    with pytest.raises(TypeError, match="FitResult"):
        DagWidget(chain()).show_fit("A -> C")


def test_moving_a_node_or_setting_a_role_keeps_the_marks(missing_edge_data):
    w = widget_with_marks(missing_edge_data)
    w.handle_message({"type": "edit", "op": "move", "id": "A", "x": 10.0, "y": 5.0})
    w.handle_message({"type": "edit", "op": "set_role", "id": "A", "role": "treatment"})
    assert len(w.fit_marks) == 1


def test_adding_the_missing_edge_in_the_browser_clears_the_marks(missing_edge_data):
    w = widget_with_marks(missing_edge_data)
    assert (
        w.handle_message({"type": "edit", "op": "add_edge", "source": "A", "target": "C"}) is None
    )
    assert w.fit_marks == []


@pytest.mark.parametrize(
    "change",
    [
        lambda G: G.remove_node("B"),
        lambda G: G.add_edge("C", "D"),
        lambda G: G.nodes["B"].update(role="latent"),
    ],
    ids=["node gone", "edge elsewhere", "node made latent"],
)
def test_a_structure_change_from_python_clears_the_marks(missing_edge_data, change):
    w = widget_with_marks(missing_edge_data)
    change(w.graph)
    sync.graph_changed(w.graph)
    assert w.fit_marks == []


def test_rebinding_to_another_graph_clears_the_marks(missing_edge_data):
    w = widget_with_marks(missing_edge_data)
    w.graph = chain()
    assert w.fit_marks == []


def test_static_svg_draws_the_mark_with_its_reading_as_tooltip(missing_edge_data):
    w = widget_with_marks(missing_edge_data)
    svg = w.to_svg()
    path = re.search(r'<path class="cm-fit-mark"[^>]*>', svg)
    assert path, svg
    assert {re.search(r'data-a="(\w+)"', path[0])[1], re.search(r'data-b="(\w+)"', path[0])[1]} == {
        "A",
        "C",
    }
    assert "stroke-dasharray" in path[0], "not colour alone"
    assert "\u2260" in svg
    assert "<title>the data say A and C" in svg
    assert svg.index("cm-fit-mark") < svg.index('data-id="A"'), "drawn under the nodes"


def test_the_mark_in_the_static_svg_escapes_its_text():
    G = chain()
    w = DagWidget(G).show_fit([{"a": "A", "b": "C", "given": [], "text": "<b>&</b>"}])
    assert "<title>&lt;b&gt;&amp;&lt;/b&gt;</title>" in w.to_svg()


def test_fit_mark_curve_passes_beside_a_node_between_the_pair():
    # A, B, C in one column 100 px apart: the glyph must not sit on B.
    _d, mx, my = fit_mark_shape(0, 0, 0, 200, 26)
    assert abs(my - 100) < 1e-9
    assert abs(mx) > 26 + 9


def test_check_magic_with_a_contradiction_shows_the_marked_drawing_above_the_card(
    ip, missing_edge_data
):
    ip.user_ns["df"] = missing_edge_data
    with capture_output():
        ip.run_cell("%%dag G\nA -> B -> C")
    G = ip.user_ns["G"]
    before = set(map(id, sync.widgets_for(G)))
    with capture_output() as cap:
        result = ip.run_cell("%dag G --check df")
    assert result.success, result.error_in_exec
    new = [w for w in sync.widgets_for(G) if id(w) not in before]
    assert len(new) == 1
    assert [{m["a"], m["b"]} for m in new[0].fit_marks] == [{"A", "C"}]
    views = [o.data for o in cap.outputs if "application/vnd.jupyter.widget-view+json" in o.data]
    assert views and views[0]["application/vnd.jupyter.widget-view+json"]["model_id"] == (
        new[0].model_id
    )


def test_check_magic_without_a_contradiction_shows_only_the_card(ip):
    rng = np.random.default_rng(5)
    a = rng.normal(size=600)
    b, c = a + rng.normal(size=600), rng.normal(size=600)
    ip.user_ns["df"] = pd.DataFrame({"A": a, "B": b, "C": c})
    with capture_output():
        ip.run_cell("%%dag G\nA -> B\nC")
    G = ip.user_ns["G"]
    n = len(list(sync.widgets_for(G)))
    with capture_output():
        ip.run_cell("%dag G --check df")
    assert len(list(sync.widgets_for(G))) == n


def test_the_static_picture_is_wide_enough_for_the_marks_glyph(missing_edge_data):
    w = widget_with_marks(missing_edge_data)
    svg = w.to_svg()
    vx, vy, vw, vh = map(float, re.search(r'viewBox="([^"]+)"', svg)[1].split())
    glyph = re.search(r'<circle cx="([-\d.]+)" cy="([-\d.]+)" r="9"', svg)
    gx, gy = float(glyph[1]), float(glyph[2])
    assert vx + 9 < gx < vx + vw - 9 and vy + 9 < gy < vy + vh - 9
