"""DagWidget: traits, browser -> Python edits (the exact messages js/ sends), undo,
modes, overlay, export.  The browser side itself is tested in tests/browser/."""

from __future__ import annotations

import json
import math

import networkx as nx
import pytest

from causal_magic import sync
from causal_magic.graph import add_bidirected
from causal_magic.widget import DagRow, DagWidget, show


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    for w in sync.live_widgets():
        w.close()


def gas() -> nx.DiGraph:
    """The seed's "Reality" graph."""
    G = nx.DiGraph()
    G.add_node("Gear", role="treatment")
    G.add_node("Sound", role="outcome")
    G.add_node("Talent", role="confounder")
    G.add_edges_from([("Gear", "Sound"), ("Talent", "Sound"), ("Talent", "Gear")])
    return G


def edit(w: DagWidget, op: str, **payload) -> str | None:
    return w.handle_message({"type": "edit", "op": op, **payload})


def node(w: DagWidget, name: str) -> dict:
    return next(n for n in w.nodes if n["id"] == name)


# -- traits ---------------------------------------------------------------------------


def test_traits_list_visible_nodes_edges_and_bidirected_pairs():
    G = gas()
    hidden = add_bidirected(G, "Gear", "Sound", label="U")
    w = DagWidget(G, name="G", title="Reality")
    assert [n["id"] for n in w.nodes] == ["Gear", "Sound", "Talent"]
    assert hidden not in {n["id"] for n in w.nodes}
    assert {(e["source"], e["target"]) for e in w.edges} == {
        ("Gear", "Sound"),
        ("Talent", "Sound"),
        ("Talent", "Gear"),
    }
    assert w.bidirected == [{"id": hidden, "a": "Gear", "b": "Sound", "label": "U"}]
    assert node(w, "Gear")["role"] == "treatment"
    assert w.title == "Reality" and w.name == "G" and w.mode == "live"


def test_state_serializes_to_json():
    w = DagWidget(gas(), name="G")
    state = {k: v for k, v in w.get_state().items() if not k.startswith("_")}
    assert json.loads(json.dumps(state))["nodes"] == w.nodes
    assert state["role_colors"]["treatment"] == "#c0392b"
    assert state["role_colors"]["default"] == "#2471a3"


def test_layered_positions_put_causes_above_effects():
    w = DagWidget(gas())
    y = {n["id"]: n["y"] for n in w.nodes}
    assert y["Talent"] < y["Gear"] < y["Sound"]


def test_stored_positions_are_drawn_where_they_say():
    G = gas()
    for i, n in enumerate(G):
        G.nodes[n]["pos"] = (i * 2.0, 1.0 - i)
    w = DagWidget(G)
    s = w.scale
    for i, n in enumerate(G):
        assert node(w, n)["x"] == pytest.approx(i * 2.0 * s, abs=0.01)
        assert node(w, n)["y"] == pytest.approx((1.0 - i) * s, abs=0.01)


def test_empty_and_none_graph_draw_nothing():
    w = DagWidget()
    assert w.nodes == [] and w.edges == [] and isinstance(w.graph, nx.DiGraph)


def test_non_graph_is_refused_with_its_type():
    with pytest.raises(TypeError, match="list"):
        DagWidget([1, 2])


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="layered, force"):
        DagWidget(gas(), layout="circle")


def test_force_layout_option_places_every_node():
    w = DagWidget(gas(), layout="force")
    assert len(w.nodes) == 3
    assert len({(n["x"], n["y"]) for n in w.nodes}) == 3


# -- browser -> Python -----------------------------------------------------------------


def test_move_writes_pos_in_dagitty_units_into_the_same_graph():
    G = gas()
    w = DagWidget(G, name="G")
    assert edit(w, "move", id="Gear", x=250.0, y=-50) is None
    assert G.nodes["Gear"]["pos"] == pytest.approx((250 / w.scale, -50 / w.scale))
    assert node(w, "Gear")["x"] == pytest.approx(250.0)
    assert w.graph is G


def test_first_move_freezes_every_position_so_the_drawing_is_reproducible():
    G = gas()
    w = DagWidget(G)
    before = {n["id"]: (n["x"], n["y"]) for n in w.nodes}
    edit(w, "move", id="Gear", x=0, y=0)
    assert all("pos" in G.nodes[n] for n in G)
    for n in ("Sound", "Talent"):
        assert (node(w, n)["x"], node(w, n)["y"]) == pytest.approx(before[n], abs=0.2)


def test_add_edge_adds_it_to_the_graph():
    G = gas()
    G.add_node("Money")
    w = DagWidget(G)
    assert edit(w, "add_edge", source="Money", target="Gear") is None
    assert G.has_edge("Money", "Gear")
    assert {"source": "Money", "target": "Gear", "label": ""} in w.edges


def test_cycle_is_refused_and_named():
    G = gas()
    before = sync.fingerprint(G)
    w = DagWidget(G)
    seq = w.message_seq
    text = edit(w, "add_edge", source="Sound", target="Talent")
    assert text is not None
    assert "Sound -> Talent -> Sound" in text and "cycle" in text
    assert w.message == text and w.message_seq == seq + 1
    assert sync.fingerprint(G) == before
    assert not w.can_undo


def test_self_loop_is_refused():
    G = gas()
    w = DagWidget(G)
    assert "cycle" in edit(w, "add_edge", source="Gear", target="Gear")
    assert not G.has_edge("Gear", "Gear")


def test_existing_edge_is_refused():
    w = DagWidget(gas())
    assert "already" in edit(w, "add_edge", source="Gear", target="Sound")


def test_delete_edge():
    G = gas()
    w = DagWidget(G)
    assert edit(w, "delete_edge", source="Talent", target="Gear") is None
    assert not G.has_edge("Talent", "Gear")
    assert "no edge" in edit(w, "delete_edge", source="Talent", target="Gear")


def test_delete_node_also_removes_its_bidirected_edges():
    G = gas()
    hidden = add_bidirected(G, "Gear", "Sound")
    w = DagWidget(G)
    assert edit(w, "delete_node", id="Gear") is None
    assert "Gear" not in G and hidden not in G
    assert w.bidirected == []
    assert "Gear" not in {n["id"] for n in w.nodes}


def test_delete_bidirected_removes_the_hidden_node_only():
    G = gas()
    hidden = add_bidirected(G, "Gear", "Sound")
    w = DagWidget(G)
    assert edit(w, "delete_bidirected", a="Sound", b="Gear") is None
    assert hidden not in G and "Gear" in G and "Sound" in G


def test_add_node_at_a_position():
    G = gas()
    w = DagWidget(G)
    assert edit(w, "add_node", id="  Money ", x=100, y=100) is None
    assert G.nodes["Money"]["pos"] == pytest.approx((100 / w.scale, 100 / w.scale))
    assert node(w, "Money")["x"] == pytest.approx(100)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Gear", "already exists"),
        ("   ", "empty"),
        ("Gear<->Sound", "taken by the hidden common cause"),
        ("x" * 201, "at most"),
    ],
)
def test_bad_new_node_names_are_refused(name, why):
    G = gas()
    add_bidirected(G, "Gear", "Sound")
    w = DagWidget(G)
    assert why in edit(w, "add_node", id=name)
    assert len(G) == 4


def test_rename_keeps_edges_roles_and_bidirected_edges():
    G = gas()
    add_bidirected(G, "Gear", "Sound")
    w = DagWidget(G)
    assert edit(w, "rename", id="Gear", new="Equipment") is None
    assert "Gear" not in G
    assert G.nodes["Equipment"]["role"] == "treatment"
    assert G.has_edge("Equipment", "Sound") and G.has_edge("Talent", "Equipment")
    assert "Equipment<->Sound" in G
    assert {w.bidirected[0]["a"], w.bidirected[0]["b"]} == {"Equipment", "Sound"}
    assert [n["id"] for n in w.nodes] == ["Equipment", "Sound", "Talent"], "order kept"


def test_set_role_and_clear_it():
    G = gas()
    w = DagWidget(G)
    assert edit(w, "set_role", id="Talent", role="latent") is None
    assert G.nodes["Talent"]["role"] == "latent" and node(w, "Talent")["latent"]
    assert edit(w, "set_role", id="Talent", role=None) is None
    assert "role" not in G.nodes["Talent"]


def test_relayout_writes_layered_positions():
    G = gas()
    w = DagWidget(G)
    assert edit(w, "relayout", layout="layered") is None
    assert G.nodes["Talent"]["pos"][1] < G.nodes["Gear"]["pos"][1] < G.nodes["Sound"]["pos"][1]


MALFORMED = [
    ("not an object", "malformed"),
    ({"type": "nonsense"}, "unknown message type"),
    ({"type": "edit"}, "unknown edit"),
    ({"type": "edit", "op": "explode"}, "unknown edit"),
    ({"type": "edit", "op": ["move"]}, "unknown edit"),
    ({"type": "edit", "op": "move", "id": "Nope", "x": 1, "y": 1}, "no node 'Nope'"),
    ({"type": "edit", "op": "move", "id": 3, "x": 1, "y": 1}, "must be a node name"),
    ({"type": "edit", "op": "move", "id": "Gear", "x": "1", "y": 1}, "must be a number"),
    ({"type": "edit", "op": "move", "id": "Gear", "x": True, "y": 1}, "must be a number"),
    ({"type": "edit", "op": "move", "id": "Gear", "x": math.nan, "y": 1}, "finite"),
    ({"type": "edit", "op": "move", "id": "Gear", "x": 1}, "must be a number"),
    ({"type": "edit", "op": "add_edge", "source": "Gear"}, "must be a node name"),
    ({"type": "edit", "op": "add_edge", "source": "Gear", "target": None}, "node name"),
    ({"type": "edit", "op": "set_role", "id": "Gear", "role": "boss"}, "unknown role"),
    ({"type": "edit", "op": "set_role", "id": "Gear"}, "'role' is missing"),
    ({"type": "edit", "op": "set_role", "id": "Gear", "role": 1}, "unknown role"),
    ({"type": "edit", "op": "rename", "id": "Gear", "new": 5}, "must be a string"),
    ({"type": "edit", "op": "delete_node", "id": "Gear<->Sound"}, "no node"),
    ({"type": "edit", "op": "relayout", "layout": "spiral"}, "layout must be"),
    ({"type": "edit", "op": "undo"}, "nothing to undo"),
    ({"type": "edit", "op": "redo"}, "nothing to redo"),
]


@pytest.mark.parametrize(("message", "why"), MALFORMED)
def test_malformed_messages_are_refused_without_touching_the_graph(message, why):
    G = gas()
    add_bidirected(G, "Gear", "Sound")
    before = sync.fingerprint(G)
    w = DagWidget(G)
    text = w.handle_message(message)
    assert text is not None and why in text
    assert w.message == text
    assert sync.fingerprint(G) == before


def test_hidden_bidirected_node_cannot_be_edited_as_a_node():
    G = gas()
    hidden = add_bidirected(G, "Gear", "Sound")
    w = DagWidget(G)
    assert "no node" in edit(w, "set_role", id=hidden, role="outcome")


def test_non_string_node_names_are_addressed_by_their_text():
    G = nx.DiGraph([(1, 2)])
    w = DagWidget(G)
    assert [n["id"] for n in w.nodes] == ["1", "2"]
    assert edit(w, "set_role", id="2", role="outcome") is None
    assert G.nodes[2]["role"] == "outcome"


def test_successful_edit_clears_the_last_refusal():
    w = DagWidget(gas())
    edit(w, "add_edge", source="Sound", target="Gear")
    assert w.message
    edit(w, "set_role", id="Talent", role="latent")
    assert w.message == ""


# -- undo / redo -------------------------------------------------------------------------


def test_undo_and_redo_restore_the_same_graph_object():
    G = gas()
    w = DagWidget(G)
    edit(w, "delete_node", id="Talent")
    edit(w, "set_role", id="Gear", role="latent")
    assert w.can_undo and not w.can_redo
    edit(w, "undo")
    assert G.nodes["Gear"]["role"] == "treatment"
    edit(w, "undo")
    assert "Talent" in G and G.has_edge("Talent", "Gear")
    assert G.nodes["Talent"]["role"] == "confounder"
    assert not w.can_undo and w.can_redo
    edit(w, "redo")
    assert "Talent" not in G
    assert w.graph is G


def test_undo_puts_a_moved_node_back():
    G = gas()
    w = DagWidget(G)
    before = (node(w, "Gear")["x"], node(w, "Gear")["y"])
    edit(w, "move", id="Gear", x=500, y=500)
    edit(w, "undo")
    assert (node(w, "Gear")["x"], node(w, "Gear")["y"]) == pytest.approx(before)
    assert "pos" not in G.nodes["Gear"]


def test_new_edit_clears_redo():
    w = DagWidget(gas())
    edit(w, "set_role", id="Talent", role="latent")
    edit(w, "undo")
    assert w.can_redo
    edit(w, "set_role", id="Talent", role="selected")
    assert not w.can_redo


def test_undo_is_refused_after_the_graph_changed_in_python():
    G = gas()
    w = DagWidget(G)
    edit(w, "set_role", id="Talent", role="latent")
    G.add_edge("Gear", "Extra")
    text = edit(w, "undo")
    assert "changed from Python" in text
    assert G.has_edge("Gear", "Extra") and G.nodes["Talent"]["role"] == "latent"
    assert not w.can_undo


# -- modes ---------------------------------------------------------------------------------


def test_readonly_refuses_every_edit_and_says_so():
    G = gas()
    before = sync.fingerprint(G)
    w = DagWidget(G, readonly=True)
    assert w.mode == "readonly" and "read-only" in w.mode_reason
    for op, payload in [
        ("move", {"id": "Gear", "x": 1, "y": 1}),
        ("add_edge", {"source": "Sound", "target": "Talent"}),
        ("delete_node", {"id": "Gear"}),
        ("set_role", {"id": "Gear", "role": None}),
        ("undo", {}),
    ]:
        assert "read-only" in edit(w, op, **payload)
    assert sync.fingerprint(G) == before


def test_readonly_can_be_turned_off():
    w = DagWidget(gas(), readonly=True)
    w.readonly = False
    assert w.mode == "live"
    assert edit(w, "set_role", id="Gear", role=None) is None


def test_detached_view_refuses_edits_with_its_reason():
    G = gas()
    w = DagWidget(G, name="G")
    w.set_detached("G no longer names this graph")
    assert w.mode == "detached"
    assert "no longer names" in edit(w, "set_role", id="Gear", role=None)
    w.set_detached(None)
    assert w.mode == "live"


def test_hello_is_answered_so_the_front_end_knows_a_kernel_is_there():
    w = DagWidget(gas())
    sent = []
    w.send = lambda content, buffers=None: sent.append(content)
    assert w.handle_message({"type": "hello"}) is None
    assert sent == [{"type": "hello", "mode": "live"}]


def test_every_edit_message_is_acknowledged_even_when_refused():
    w = DagWidget(gas())
    sent = []
    w.send = lambda content, buffers=None: sent.append(content)
    w._on_msg(w, {"type": "edit", "op": "set_role", "id": "Gear", "role": None})
    w._on_msg(w, {"type": "edit", "op": "add_edge", "source": "Sound", "target": "Gear"})
    assert sent == [{"type": "ack"}, {"type": "ack"}]


# -- dirty state and copy-back -------------------------------------------------------------


def test_dirty_after_an_edit_with_copy_back_text():
    G = gas()
    w = DagWidget(G, name="G")
    assert not w.dirty and w.dsl_text == ""
    edit(w, "move", id="Gear", x=10, y=20)
    assert w.dirty
    assert w.dsl_text.startswith("%%dag G\n")
    assert "Gear" in w.dsl_text and "pos=" in w.dsl_text


def test_copy_back_text_parses_to_the_edited_graph():
    dsl = pytest.importorskip("causal_magic.dsl")
    G = gas()
    w = DagWidget(G, name="G")
    edit(w, "add_node", id="Money", x=0, y=0)
    edit(w, "add_edge", source="Money", target="Gear")
    body = w.dsl_text.split("\n", 1)[1]
    H = dsl.parse_dag(body)
    assert set(H.edges) == set(G.edges)
    assert H.nodes["Gear"]["role"] == "treatment"
    assert H.nodes["Money"]["pos"] == pytest.approx(G.nodes["Money"]["pos"])


def test_undoing_every_edit_makes_the_widget_clean_again():
    w = DagWidget(gas(), name="G")
    edit(w, "set_role", id="Talent", role="latent")
    assert w.dirty
    edit(w, "undo")
    assert not w.dirty


# -- graph swap and several widgets ----------------------------------------------------------


def test_setting_graph_swaps_and_redraws():
    w = DagWidget(gas(), name="G")
    edit(w, "set_role", id="Talent", role="latent")
    H = nx.DiGraph([("X", "Y")])
    w.graph = H
    assert w.graph is H
    assert [n["id"] for n in w.nodes] == ["X", "Y"]
    assert not w.dirty and not w.can_undo


def test_an_edit_in_one_widget_reaches_the_other_widgets_of_the_graph_at_once():
    G = gas()
    a, b = DagWidget(G, name="G"), DagWidget(G, name="G")
    other = DagWidget(gas())
    edit(a, "add_node", id="Money")
    edit(a, "add_edge", source="Money", target="Gear")
    assert {"source": "Money", "target": "Gear", "label": ""} in b.edges
    assert "Money" not in {n["id"] for n in other.nodes}
    edit(a, "move", id="Gear", x=321, y=123)
    assert node(b, "Gear")["x"] == pytest.approx(321)


# -- overlay -----------------------------------------------------------------------------------


def test_overlay_marks_causal_and_biasing_edges_and_the_set():
    w = DagWidget(gas())
    o = w.overlay
    assert o["treatment"] == ["Gear"] and o["outcome"] == ["Sound"]
    assert o["causal"] == [["Gear", "Sound"]]
    assert sorted(o["biasing"]) == [["Talent", "Gear"], ["Talent", "Sound"]]
    assert o["minimal"] == ["Talent"] and o["error"] == ""


def test_overlay_tells_no_valid_set_from_the_empty_set():
    G = nx.DiGraph([("X", "Y")])
    G.nodes["X"]["role"] = "treatment"
    G.nodes["Y"]["role"] = "outcome"
    assert DagWidget(G).overlay["minimal"] == []
    add_bidirected(G, "X", "Y")
    assert DagWidget(G).overlay["minimal"] is None


def test_overlay_is_recomputed_on_every_edit():
    G = gas()
    w = DagWidget(G)
    edit(w, "delete_edge", source="Talent", target="Gear")
    assert w.overlay["biasing"] == [] and w.overlay["minimal"] == []


def test_no_overlay_without_treatment_and_outcome():
    assert DagWidget(nx.DiGraph([("A", "B")])).overlay == {}


# -- display and export -----------------------------------------------------------------------


def test_mimebundle_has_the_widget_view_static_svg_and_text():
    w = DagWidget(gas(), name="G")
    data, _meta = w._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    assert data["image/svg+xml"].startswith("<svg")
    assert 'data-id="Talent"' in data["image/svg+xml"]
    assert data["text/plain"] == "<DagWidget G: 3 nodes, 3 edges>"


def test_to_svg_follows_edits():
    w = DagWidget(gas())
    edit(w, "add_node", id="Money")
    assert 'data-id="Money"' in w.to_svg()


def test_save_writes_svg_and_refuses_png_with_a_hint(tmp_path):
    w = DagWidget(gas())
    out = w.save(tmp_path / "g.svg")
    assert out.read_text().startswith("<svg")
    with pytest.raises(ValueError, match="PNG button"):
        w.save(tmp_path / "g.png")
    tex = w.save(tmp_path / "g.tex").read_text()
    assert tex.startswith("\\begin{tikzpicture}") and "{Talent}" in tex


def test_bundle_paths_point_into_the_package():
    from causal_magic import widget

    assert widget._STATIC.name == "static"
    assert widget._STATIC.parent.name == "causal_magic"


# -- show ---------------------------------------------------------------------------------------


def test_show_one_graph_returns_a_widget():
    G = gas()
    w = show(G, title="Reality", name="G", readonly=True, source="Gear -> Sound")
    assert isinstance(w, DagWidget) and w.graph is G
    assert w.title == "Reality" and w.readonly and w.source == "Gear -> Sound"


def test_show_several_graphs_side_by_side_with_one_title_each():
    G, G2 = nx.DiGraph([("Gear", "Sound")]), gas()
    row = show([G, G2], title=["Gear Acquisition Syndrome", "Reality"], width=330, height=320)
    assert isinstance(row, DagRow)
    assert [w.graph for w in row.widgets] == [G, G2]
    assert [w.title for w in row.widgets] == ["Gear Acquisition Syndrome", "Reality"]
    assert all(w.width == 330 and w.height == 320 for w in row.widgets)
    data = row._repr_mimebundle_()
    assert data["image/svg+xml"].count("<svg") == 3
    assert "application/vnd.jupyter.widget-view+json" in data


def test_show_with_positional_graphs_and_names():
    row = show(gas(), gas(), names=["G", "H"], title="same")
    assert [w.name for w in row.widgets] == ["G", "H"]
    assert [w.title for w in row.widgets] == ["same", "same"]


def test_show_refuses_a_wrong_number_of_titles():
    with pytest.raises(ValueError, match="2 graphs"):
        show(gas(), gas(), title=["only one"])


# -- static fallback output ----------------------------------------------------------------


def test_display_publishes_a_static_svg_output_then_the_widget(published):
    w = DagWidget(gas(), name="G")
    w._ipython_display_()
    (kind1, static, kw1), (kind2, view, _kw2) = published
    assert kind1 == kind2 == "display"
    assert static["image/svg+xml"].startswith("<svg")
    assert static["text/html"] == static["image/svg+xml"]
    sid = w.static_ids[0]
    assert f'data-cm-static="{sid}"' in static["image/svg+xml"]
    assert kw1["display_id"].endswith(sid)
    assert view["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    assert "image/svg+xml" not in view, "the drawing is not shown twice without a widget manager"
    assert "run the cell to edit" in static["image/svg+xml"]
    assert "run the cell" not in w.to_svg(), "exports carry no note"


def test_edits_update_the_static_output_in_place(published):
    w = DagWidget(gas(), name="G")
    w._ipython_display_()
    display_id = published[0][2]["display_id"]
    edit(w, "add_node", id="Money")
    kind, data, kw = published[-1]
    assert kind == "update" and kw["display_id"] == display_id
    assert 'data-id="Money"' in data["image/svg+xml"]
    n = len(published)
    w.refresh()  # nothing changed: no update sent
    assert len(published) == n


def test_a_row_publishes_one_static_svg_that_each_graph_keeps_current(published):
    G = gas()
    row = show(G, nx.DiGraph([("A", "B")]))
    row._ipython_display_()
    static = published[0][1]["image/svg+xml"]
    sid = row.widgets[0].static_ids[0]
    assert row.widgets[1].static_ids == [sid]
    assert static.count("<svg") == 3 and f'data-cm-static="{sid}"' in static
    edit(row.widgets[0], "add_node", id="Money")
    assert 'data-id="Money"' in published[-1][1]["image/svg+xml"]


# -- edits a re-run replaces (issue 12, item 10) -----------------------------------------


def _views_of(graph: nx.DiGraph) -> list[DagWidget]:
    return [w for w in sync.live_widgets() if w.graph is graph]


def test_rerun_that_replaces_browser_edits_says_so_and_offers_them(ip):
    ip.run_cell_magic("dag", "G", "A -> B")
    (first,) = _views_of(ip.user_ns["G"])
    assert first.lost_text == ""
    assert edit(first, "add_node", id="C", x=10, y=10) is None
    assert edit(first, "add_edge", source="B", target="C") is None
    assert first.dirty and first.structure_changed

    ip.run_cell_magic("dag", "G", "A -> B")
    new_graph = ip.user_ns["G"]
    assert sorted(new_graph.edges) == [("A", "B")], "the cell text wins, as before"
    views = _views_of(new_graph)
    fresh = [w for w in views if w is not first]
    assert fresh, "the re-run displays a new view"
    for w in views:  # the new output and the old view (if still shown) both offer them
        assert w.lost_text.startswith("%%dag G\n")
        assert "B -> C" in w.lost_text
    # The offered text is the edited graph: parsed back, it has the lost edge.
    from causal_magic.dsl import parse_dag

    assert ("B", "C") in parse_dag(fresh[0].lost_text.split("\n", 1)[1]).edges
    # Said once: a later view of the same graph (%dag G in another cell) does not repeat it.
    assert show(new_graph, name="G").lost_text == ""


def test_rerun_without_edits_or_with_them_copied_back_loses_nothing(ip):
    ip.run_cell_magic("dag", "G", "A -> B")
    ip.run_cell_magic("dag", "G", "A -> B")
    assert all(w.lost_text == "" for w in _views_of(ip.user_ns["G"]))
    view = _views_of(ip.user_ns["G"])[-1]
    edit(view, "add_node", id="C", x=0, y=0)
    edit(view, "add_edge", source="B", target="C")
    copied = view.copy_back_text().split("\n", 1)[1]
    ip.run_cell_magic("dag", "G", copied)  # the user pasted the edits into the cell
    assert all(w.lost_text == "" for w in _views_of(ip.user_ns["G"]))


def test_a_drag_alone_is_dirty_but_not_a_structural_change():
    w = DagWidget(gas(), name="G")
    edit(w, "move", id="Gear", x=5.0, y=7.0)
    assert w.dirty and not w.structure_changed
    assert w.dsl_text.startswith("%%dag G"), "the positions stay copyable"
    edit(w, "set_role", id="Talent", role="mediator")
    assert w.structure_changed


def test_lost_text_is_bounded():
    from causal_magic.widget import MAX_LOST_TEXT

    G = nx.DiGraph([(f"N{i:05d}" * 3, f"N{i + 1:05d}" * 3) for i in range(3000)])
    w = DagWidget(G, name="G")
    edit(w, "delete_node", id=f"N{0:05d}" * 3)
    w.follow(nx.DiGraph([("A", "B")]))
    assert 0 < len(w.lost_text) <= MAX_LOST_TEXT


# -- stylesheets: scoped, and readable without theme variables (issue 12, items 1 and 2) ---


def _rules(css: str) -> list[tuple[str, str]]:
    """(selector list, body) of each rule, @keyframes' inner steps left out."""
    import re

    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@keyframes[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
    return [(m.group(1).strip(), m.group(2)) for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css)]


def _unscoped(css: str, roots: tuple[str, ...]) -> list[str]:
    bad = []
    for selectors, _body in _rules(css):
        for sel in selectors.split(","):
            sel = sel.strip()
            # a theme's own marker may come first ([data-jp-theme-light=false], .vscode-dark)
            for prefix in ('[data-jp-theme-light="false"] ', ".vscode-dark "):
                sel = sel.removeprefix(prefix)
            if not sel.startswith(roots):
                bad.append(sel)
    return bad


def _theme_vars_without_fallback(css: str) -> list[str]:
    import re

    return re.findall(r"var\(--jp-[\w-]+\)", css)


def test_every_widget_rule_is_scoped_to_the_widget_root():
    import pathlib

    css = (pathlib.Path(__file__).parents[1] / "js" / "widget.css").read_text()
    assert len(_rules(css)) > 50
    assert _unscoped(css, (".cm-dag",)) == []
    assert _theme_vars_without_fallback(css) == []


def test_cards_scope_their_css_share_no_class_with_the_widget_and_read_without_theme():
    import pathlib
    import re

    from causal_magic.cards import do_card, fit_card

    widget_css = (pathlib.Path(__file__).parents[1] / "js" / "widget.css").read_text()
    widget_classes = set(re.findall(r"\.(cm-[\w-]+)", widget_css))
    for module, root in ((do_card, ".cm-do-card"), (fit_card, ".cm-fit-card")):
        css = module._CSS
        assert _unscoped(css, (root,)) == [], module.__name__
        assert _theme_vars_without_fallback(css) == [], module.__name__
        card_classes = set(re.findall(r"\.(cm-[\w-]+)", css)) - {root[1:]}
        assert card_classes & widget_classes == set(), module.__name__
        # No light fill under the theme's (possibly white) text: fills are translucent.
        assert not re.search(r"background:var\(--jp-(warn|error|success)-color3", css)
