"""Hostile messages from the browser (issue 11): names the parser refuses, a browser that
writes traits, numbers no float holds, ids of megabytes.  Each is refused with a bounded
message and an acknowledgement, and the graph is left as it was."""

from __future__ import annotations

import itertools
import json
import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import causal_magic.edits as edits_module
import causal_magic.widget as widget_module
from causal_magic import static_copy, sync
from causal_magic.dsl import DagSyntaxError, parse_dag
from causal_magic.edits import MAX_MESSAGE
from causal_magic.graph import add_bidirected
from causal_magic.widget import DagWidget


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    for w in sync.live_widgets():
        w.close()


def edit(w: DagWidget, op: str, **payload) -> str | None:
    return w.handle_message({"type": "edit", "op": op, **payload})


def listening(w: DagWidget) -> list:
    """Everything the widget sends to the browser from now on (custom messages and state)."""
    sent: list = []
    w.send = lambda content, buffers=None: sent.append(("custom", content))
    w._send = lambda msg, buffers=None: sent.append((msg["method"], msg.get("state")))
    return sent


def browser_writes(w: DagWidget, **state) -> None:
    """What a front end's ``model.set(...); model.save_changes()`` sends to the kernel."""
    msg = {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}}
    w._handle_msg({**msg, "buffers": []})


# -- item 2: one name rule for the parser and the widget --------------------------------


def merge_trap() -> nx.DiGraph:
    """``A <-> B`` plus a real node called ``"Z<->B"`` (the parser accepts both)."""
    return parse_dag('A <-> B\n"Z<->B" -> C')


def test_rename_that_would_merge_a_hidden_node_into_a_real_one_is_refused():
    G = merge_trap()
    before = sync.fingerprint(G)
    w = DagWidget(G)
    text = edit(w, "rename", id="A", new="Z")
    assert "'Z<->B' already exists" in text and "unchanged" in text
    assert sync.fingerprint(G) == before
    assert G.nodes["Z<->B"] == {} and G.nodes["A<->B"]["bidirected"] is True


def test_the_parser_refuses_the_text_of_that_merge_too():
    with pytest.raises(DagSyntaxError, match="'Z<->B' is taken"):
        parse_dag('Z <-> B\n"Z<->B" -> C')


def test_a_name_with_arrows_is_accepted_where_the_parser_accepts_it():
    G = merge_trap()
    w = DagWidget(G)
    assert edit(w, "add_node", id="P<->Q") is None
    assert edit(w, "rename", id="C", new="C<->D") is None
    assert "P<->Q" in G and "C<->D" in G


def test_a_hidden_nodes_name_is_refused_as_in_the_parser():
    G = merge_trap()
    w = DagWidget(G)
    assert "taken by the hidden common cause" in edit(w, "add_node", id="A<->B")
    assert "taken by the hidden common cause" in edit(w, "rename", id="C", new="A<->B")
    with pytest.raises(DagSyntaxError, match="taken by the hidden common cause"):
        parse_dag('A <-> B\n"A<->B" -> C')


def test_rename_moves_the_hidden_node_when_nothing_clashes():
    G = merge_trap()
    w = DagWidget(G)
    assert edit(w, "rename", id="A", new="Y") is None
    assert G.nodes["Y<->B"]["bidirected"] is True and "A<->B" not in G


def _text(a: str, b: str, extra: list[str]) -> str:
    return "\n".join([f'"{a}" <-> "{b}"', *(f'"{n}" -> Q' for n in extra)])


def _parses(text: str) -> bool:
    try:
        parse_dag(text)
    except DagSyntaxError:
        return False
    return True


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["A", "B", "Z", "A<->B", "Z<->B", "B<->Z", "B<->A"]), max_size=4),
    st.sampled_from(["A", "B"]),
    st.sampled_from(["A", "Z", "Y", "B", "A<->B", "Z<->B", "Y<->B", "B<->Z"]),
)
def test_widget_rename_is_accepted_exactly_when_the_renamed_text_parses(extra, old, new):
    """Oracle: the parser, on the graph's text with ``old`` written as ``new``."""
    if not _parses(_text("A", "B", extra)):
        return
    G = parse_dag(_text("A", "B", extra))
    before = sync.fingerprint(G)
    w = DagWidget(G)

    def sub(n: str) -> str:
        return new if n == old else n

    expected = new != old and new not in G and _parses(_text(sub("A"), sub("B"), map(sub, extra)))
    refused = edit(w, "rename", id=old, new=new)
    assert (refused is None) == expected, (extra, old, new, refused)
    if refused:
        assert sync.fingerprint(G) == before
    w.close()


# -- item 3: Python owns the mode ---------------------------------------------------------


def test_browser_cannot_lift_readonly_mode():
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G, readonly=True)
    sent = listening(w)
    browser_writes(w, mode="live", readonly=False, mode_reason="")
    assert w.mode == "readonly" and w.readonly is True
    assert "read-only" in edit(w, "delete_edge", source="A", target="B")
    assert list(G.edges) == [("A", "B")]
    # the browser is told the truth back
    assert [kind for kind, _ in sent[:2]] == ["echo_update", "update"]
    last_update = sent[1][1]
    assert last_update["mode"] == "readonly" and last_update["readonly"] is True


def test_browser_cannot_lift_detached_mode():
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G, name="G")
    w.set_detached("G is no longer defined")
    listening(w)
    browser_writes(w, mode="live", mode_reason="")
    assert w.mode == "detached"
    assert "no longer defined" in edit(w, "delete_edge", source="A", target="B")
    assert list(G.edges) == [("A", "B")]


def test_edits_read_python_state_even_if_the_mode_trait_were_changed():
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G, readonly=True)
    w.mode = "live"  # whatever the trait says, the handler asks Python-side state
    assert "read-only" in edit(w, "delete_edge", source="A", target="B")
    assert w.mode == "readonly"
    assert list(G.edges) == [("A", "B")]


def test_browser_writes_to_drawing_traits_are_reverted():
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G)
    nodes = json.loads(json.dumps(w.nodes))
    sent = listening(w)
    browser_writes(w, nodes=[{"id": "X", "x": 1e400}], overlay={"error": "<b>x</b>"})
    assert w.nodes == nodes and "error" not in w.overlay
    kinds = [kind for kind, _ in sent]
    assert kinds == ["echo_update", "update"]
    assert sent[1][1]["nodes"] == nodes


# -- item 5: numbers from the browser -----------------------------------------------------


@pytest.mark.parametrize(
    "x", [10**400, -(10**400), math.nan, math.inf, -math.inf, 1e308, 1e8, "12", None, True, [1]]
)
def test_a_move_to_an_impossible_number_is_refused_acknowledged_and_changes_nothing(x):
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G)
    before = sync.fingerprint(G)
    sent = listening(w)
    w._on_msg(w, {"type": "edit", "op": "move", "id": "A", "x": x, "y": 0})
    assert sent[-1] == ("custom", {"type": "ack"})
    assert "'x' must be" in w.message and "unchanged" in w.message
    assert sync.fingerprint(G) == before
    json.dumps(w.get_state(), allow_nan=False)  # the state stays valid JSON


def test_a_move_within_bounds_is_applied():
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G)
    assert edit(w, "move", id="A", x=-9.0e6, y=9e6) is None
    assert all(math.isfinite(c) for c in G.nodes["A"]["pos"])


def test_an_edit_that_fails_midway_is_acknowledged_and_leaves_the_graph_whole(monkeypatch):
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G)
    before = sync.fingerprint(G)
    sent = listening(w)

    def broken(graph: nx.DiGraph) -> None:
        graph.add_node("half-done")
        raise RuntimeError("boom")

    monkeypatch.setattr(
        DagWidget, "_op_move", lambda self, content: self._edit(broken), raising=True
    )
    monkeypatch.setitem(edits_module._OPS, "move", DagWidget._op_move)
    with pytest.raises(RuntimeError):
        w._on_msg(w, {"type": "edit", "op": "move", "id": "A", "x": 1, "y": 1})
    assert sent[-1] == ("custom", {"type": "ack"})
    assert sync.fingerprint(G) == before


# -- item 11: every echoed user string is bounded ------------------------------------------

HUGE = "n" * 10_000_000


@pytest.mark.parametrize(
    "message",
    [
        {"type": "edit", "op": "move", "id": HUGE, "x": 0, "y": 0},
        {"type": "edit", "op": "add_edge", "source": "A", "target": HUGE},
        {"type": "edit", "op": HUGE},
        {"type": HUGE},
        {"type": "edit", "op": "set_role", "id": "A", "role": HUGE},
        {"type": "edit", "op": "relayout", "layout": HUGE},
        {"type": "edit", "op": "move", "id": "A", "x": [HUGE], "y": 0},
        {"type": "edit", "op": "add_node", "id": HUGE},
        {"type": "edit", "op": "rename", "id": "A", "new": {"k": HUGE}},
    ],
)
def test_a_huge_user_string_is_not_echoed_whole(message):
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G)
    text = w.handle_message(message)
    assert text and len(text) <= MAX_MESSAGE and len(w.message) <= MAX_MESSAGE
    assert list(G.edges) == [("A", "B")]


def test_a_huge_id_is_echoed_with_its_length():
    w = DagWidget(nx.DiGraph([("A", "B")]))
    assert "10,000,000 characters" in edit(w, "move", id=HUGE, x=0, y=0)


def test_a_cycle_refusal_through_a_long_chain_is_bounded():
    G = nx.path_graph(5_000, create_using=nx.DiGraph)
    G = nx.relabel_nodes(G, {n: f"v{n}" for n in G})
    w = DagWidget(G)
    text = edit(w, "add_edge", source="v4999", target="v0")
    assert "would make a cycle" in text and "(5,000 nodes)" in text
    assert len(text) <= MAX_MESSAGE


def test_bidirected_clash_is_the_same_rule_in_add_bidirected():
    G = nx.DiGraph([("Z<->B", "C")])
    with pytest.raises(ValueError, match="already exists"):
        add_bidirected(G, "Z", "B")


# -- item 11: bounded outputs ----------------------------------------------------------------


def chain(n: int) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(f"v{i}" for i in range(n))
    G.add_edges_from((f"v{i}", f"v{i + 1}") for i in range(n - 1))
    return G


def test_a_graph_too_large_for_the_file_publishes_a_short_note_once(published, monkeypatch):
    monkeypatch.setattr(static_copy, "MAX_STATIC_ITEMS", 40)
    w = DagWidget(chain(30), name="G")
    monkeypatch.setattr(w, "to_svg", lambda *a, **k: pytest.fail("rendered a too-large SVG"))
    w._ipython_display_()
    (_, static, _), (_, view, _) = published
    assert "image/svg+xml" not in static and "image/svg+xml" not in view
    assert "too large to keep in the notebook (30 nodes and 29 edges)" in static["text/plain"]
    assert "w.save(&#x27;graph.svg&#x27;)" in static["text/html"]  # escaped, as text
    assert f'data-cm-static="{w.static_ids[0]}"' in static["text/html"]  # a live view hides it
    assert len(static["text/html"]) < 1000
    assert "image/svg+xml" not in w._repr_mimebundle_()[0]


def test_a_small_graph_grown_past_the_cap_switches_to_the_note(published, monkeypatch):
    monkeypatch.setattr(static_copy, "MAX_STATIC_ITEMS", 6)
    w = DagWidget(chain(3), name="G")
    w._ipython_display_()
    assert published[0][1]["image/svg+xml"].startswith("<svg")
    for name in ("x", "y"):
        assert edit(w, "add_node", id=name) is None
    kind, data, _ = published[-1]
    assert kind == "update" and "Static copy left out" in data["text/plain"]


def test_an_svg_over_the_byte_cap_becomes_the_note(published, monkeypatch):
    monkeypatch.setattr(static_copy, "MAX_STATIC_BYTES", 2_000)
    w = DagWidget(chain(12), name="G")
    w._ipython_display_()
    static = published[0][1]
    assert "image/svg+xml" not in static and "MB of SVG" in static["text/plain"]


def test_the_widget_output_never_repeats_the_svg(published):
    w = DagWidget(chain(3), name="G")
    w._ipython_display_()
    svg_count = sum("image/svg+xml" in data for _, data, _ in published)
    assert svg_count == 1


def test_copy_back_text_of_a_large_graph_is_a_pointer(monkeypatch):
    monkeypatch.setattr(widget_module, "MAX_COPY_BACK", 20)
    G = chain(15)
    w = DagWidget(G, name="Big")
    assert edit(w, "add_node", id="new") is None
    assert w.dirty and "too large to copy back here; %dag Big --dsl" in w.dsl_text
    assert len(w.dsl_text) < 300


# -- item 10: the edit path stays linear and the overlay current ----------------------------


def test_a_move_does_not_recompute_the_overlay(monkeypatch):
    G = parse_dag("X [treatment]\nY [outcome]\nZ -> X -> Y\nZ -> Y")
    w = DagWidget(G)
    calls = []
    real = widget_module.overlay_for
    monkeypatch.setattr(widget_module, "overlay_for", lambda g: calls.append(1) or real(g))
    assert edit(w, "move", id="Z", x=5, y=5) is None
    assert calls == []
    assert edit(w, "add_edge", source="Z", target="W") is not None  # no W: refused
    assert edit(w, "set_role", id="Z", role="latent") is None
    assert calls == [1] and w.overlay["minimal"] is None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("move"), st.sampled_from("XYZM"), st.integers(-500, 500)),
            st.tuples(st.just("add_edge"), st.sampled_from("XYZM"), st.sampled_from("XYZM")),
            st.tuples(st.just("delete_edge"), st.sampled_from("XYZM"), st.sampled_from("XYZM")),
            st.tuples(
                st.just("set_role"),
                st.sampled_from("XYZM"),
                st.sampled_from([None, "treatment", "outcome", "latent", "adjusted"]),
            ),
            st.tuples(st.just("undo"), st.none(), st.none()),
            st.tuples(st.just("redo"), st.none(), st.none()),
        ),
        max_size=8,
    )
)
def test_after_any_edits_the_overlay_is_what_a_fresh_computation_gives(steps):
    G = parse_dag("X [treatment]\nY [outcome]\nZ -> X -> Y\nZ -> Y\nM")
    w = DagWidget(G)
    for op, a, b in steps:
        if op == "move":
            edit(w, op, id=a, x=b, y=b)
        elif op == "set_role":
            edit(w, op, id=a, role=b)
        elif op in ("undo", "redo"):
            edit(w, op)
        else:
            edit(w, op, source=a, target=b)
        assert w.overlay == widget_module.overlay_for(G)
    w.close()


def test_the_overlay_of_a_graph_made_cyclic_in_python_names_a_bounded_cycle():
    G = chain(3_000)
    G.nodes["v0"]["role"] = "treatment"
    G.nodes["v2999"]["role"] = "outcome"
    G.add_edge("v2999", "v0")
    w = DagWidget(G)
    assert "cycle" in w.overlay["error"] and "(3,000 nodes)" in w.overlay["error"]
    assert len(w.overlay["error"]) < 1_500


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("move"), st.sampled_from("XYZM"), st.integers(-500, 500)),
            st.tuples(st.just("add_edge"), st.sampled_from("XYZM"), st.sampled_from("XYZM")),
            st.tuples(st.just("delete_node"), st.sampled_from("XYZM"), st.none()),
            st.tuples(
                st.just("set_role"), st.sampled_from("XYZM"), st.sampled_from([None, "latent"])
            ),
            st.tuples(st.just("rename"), st.sampled_from("XYZM"), st.sampled_from("PQ")),
        ),
        max_size=8,
    )
)
def test_undoing_every_edit_restores_the_graph_and_redoing_replays_it(steps):
    """Light (node-attribute) and full snapshots mixed: undo all, redo all."""
    G = parse_dag("X [treatment]\nY [outcome]\nZ -> X -> Y\nZ -> Y\nM\nX <-> M")
    w = DagWidget(G)
    states = [sync.fingerprint(G)]
    for op, a, b in steps:
        payload = {
            "move": {"id": a, "x": b, "y": b},
            "add_edge": {"source": a, "target": b},
            "delete_node": {"id": a},
            "set_role": {"id": a, "role": b},
            "rename": {"id": a, "new": b},
        }[op]
        if edit(w, op, **payload) is None:
            states.append(sync.fingerprint(G))
    for expected in reversed(states[:-1]):
        assert edit(w, "undo") is None
        assert sync.fingerprint(G) == expected
    for expected in states[1:]:
        assert edit(w, "redo") is None
        assert sync.fingerprint(G) == expected
    w.close()


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["X", "Y", "Z", "M", 7]), st.integers(-900, 900)), max_size=6
    )
)
def test_the_fast_path_of_a_move_draws_what_a_full_redraw_draws(moves):
    G = parse_dag('X [treatment]\nY [outcome]\nZ -> X -> Y\nZ -> Y\nM [label="m"]\nX <-> M')
    G.add_edge(7, "Y")  # a node that is not a string: its browser id is "7"
    w = DagWidget(G)
    for n, x in moves:
        assert edit(w, "move", id=str(n), x=x, y=-x) is None
        fast = (w.nodes, w.edges, w.bidirected, w.overlay)
        w.refresh()
        assert (w.nodes, w.edges, w.bidirected, w.overlay) == fast
    w.close()


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 9).flatmap(
        lambda n: st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=20)
    )
)
def test_find_cycle_finds_a_real_cycle_exactly_when_networkx_sees_one(edges):
    """The linear cycle finder every refusal names a cycle with, against networkx."""
    from causal_magic.graph import find_cycle

    G = nx.DiGraph(edges)
    cycle = find_cycle(G)
    assert (cycle is None) == nx.is_directed_acyclic_graph(G)
    if cycle is not None:
        assert cycle[0] == cycle[-1] and len(set(cycle[:-1])) == len(cycle) - 1
        assert all(G.has_edge(u, v) for u, v in itertools.pairwise(cycle))


def test_a_50000_node_cycle_is_found_and_named_briefly():
    from causal_magic.graph import find_cycle, format_cycle

    G = chain(50_000)
    G.add_edge("v49999", "v0")
    cycle = find_cycle(G)
    assert len(cycle) == 50_001 and cycle[0] == "v0"
    assert format_cycle(cycle).endswith("-> v49999 -> v0 (50,000 nodes)")


@pytest.mark.parametrize(("what", "value"), [("width", -5), ("height", 10**9), ("width", 2.5)])
def test_an_invisible_or_huge_size_is_refused_from_python_too(what, value):
    with pytest.raises(ValueError, match=rf"{what} must be 50 to 5000 pixels"):
        DagWidget(nx.DiGraph([("A", "B")]), **{what: value})


def test_the_widget_and_the_magics_agree_on_drawing_sizes():
    from causal_magic.magics import PIXELS

    assert PIXELS == widget_module.PIXELS
