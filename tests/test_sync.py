"""Python -> browser sync: live widgets follow cell mutations, re-runs and renames
(docs/state-model.md §2-3), exercised through a real IPython shell."""

from __future__ import annotations

import gc

import networkx as nx
import pytest
from IPython.core.interactiveshell import InteractiveShell

from causal_magic import sync
from causal_magic.widget import DagWidget


@pytest.fixture
def ip():
    shell = InteractiveShell.instance()
    sync.register(shell)
    yield shell
    sync.unregister(shell)
    for w in sync.live_widgets():
        w.close()
    for name in ("G", "H", "w"):
        shell.user_ns.pop(name, None)


def shown(ip, graph: nx.DiGraph, name: str = "G") -> DagWidget:
    ip.user_ns[name] = graph
    w = DagWidget(graph, name=name)
    ip.user_ns["w"] = w
    return w


def edges(w: DagWidget) -> set[tuple[str, str]]:
    return {(e["source"], e["target"]) for e in w.edges}


def test_a_cell_that_adds_an_edge_redraws_the_widget(ip):
    w = shown(ip, nx.DiGraph([("A", "B")]))
    ip.run_cell("G.add_edge('B', 'C')")
    assert ("B", "C") in edges(w)
    assert "C" in {n["id"] for n in w.nodes}
    assert w.dirty


def test_a_cell_that_removes_a_node_redraws_the_widget(ip):
    w = shown(ip, nx.DiGraph([("A", "B"), ("B", "C")]))
    ip.run_cell("G.remove_node('B')")
    assert {n["id"] for n in w.nodes} == {"A", "C"}
    assert edges(w) == set()


def test_a_cell_that_sets_a_role_redraws_the_widget(ip):
    w = shown(ip, nx.DiGraph([("A", "B")]))
    ip.run_cell("G.nodes['A']['role'] = 'latent'")
    a = next(n for n in w.nodes if n["id"] == "A")
    assert a["role"] == "latent" and a["latent"]


def test_an_unrelated_cell_does_not_redraw(ip, monkeypatch):
    w = shown(ip, nx.DiGraph([("A", "B")]))
    calls = []
    monkeypatch.setattr(w, "refresh", lambda: calls.append(1))
    ip.run_cell("x = 1 + 1")
    assert calls == []


def test_rebind_makes_views_of_the_old_graph_follow_the_new_one(ip):
    old = nx.DiGraph([("A", "B")])
    w = shown(ip, old)
    w.handle_message({"type": "edit", "op": "set_role", "id": "A", "role": "latent"})
    new = nx.DiGraph([("X", "Y")])
    ip.user_ns["G"] = new
    assert sync.rebind(old, new, source="X -> Y") == 1
    assert w.graph is new and w.source == "X -> Y"
    assert {n["id"] for n in w.nodes} == {"X", "Y"}
    assert not w.dirty and not w.can_undo
    w.handle_message({"type": "edit", "op": "add_edge", "source": "Y", "target": "Z"})
    assert "Z" not in old
    w.handle_message({"type": "edit", "op": "add_node", "id": "Z"})
    assert "Z" in new and "Z" not in old


def test_reassigning_the_name_in_python_is_followed(ip):
    w = shown(ip, nx.DiGraph([("A", "B")]))
    ip.run_cell("import networkx as nx\nG = nx.DiGraph([('P', 'Q')])")
    assert w.graph is ip.user_ns["G"]
    assert {n["id"] for n in w.nodes} == {"P", "Q"}


def test_a_view_whose_name_is_gone_is_detached_and_refuses_edits(ip):
    G = nx.DiGraph([("A", "B")])
    w = shown(ip, G)
    ip.run_cell("del G")
    assert w.mode == "detached"
    assert "G is no longer defined" in w.mode_reason
    assert w.handle_message({"type": "edit", "op": "add_node", "id": "C"}) is not None
    assert "C" not in G
    ip.run_cell("G = 42")
    assert "no longer names a graph" in w.mode_reason
    ip.user_ns["G"] = G
    ip.run_cell("pass")
    assert w.mode == "live"


def test_anonymous_views_stay_bound_to_their_object(ip):
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G)
    ip.run_cell("G = 'something else'")
    assert w.graph is G and w.mode == "live"


def test_widgets_for_lists_only_views_of_that_object():
    G, H = nx.DiGraph([("A", "B")]), nx.DiGraph([("A", "B")])
    a, b, c = DagWidget(G), DagWidget(G), DagWidget(H)
    try:
        assert set(map(id, sync.widgets_for(G))) == {id(a), id(b)}
        assert sync.widgets_for(H) == [c]
    finally:
        for w in (a, b, c):
            w.close()


def test_closed_widgets_are_forgotten():
    G = nx.DiGraph([("A", "B")])
    w = DagWidget(G)
    w.close()
    del w
    gc.collect()
    assert sync.widgets_for(G) == []


def test_register_is_idempotent_and_unregister_removes_the_hook():
    shell = InteractiveShell.instance()
    before = len(shell.events.callbacks["post_run_cell"])
    sync.register(shell)
    sync.register(shell)
    assert len(shell.events.callbacks["post_run_cell"]) == before + 1
    sync.unregister(shell)
    assert len(shell.events.callbacks["post_run_cell"]) == before
    sync.unregister(shell)  # a second time is harmless


def test_fingerprint_changes_with_structure_roles_labels_and_pos():
    G = nx.DiGraph([("A", "B")])
    seen = {sync.fingerprint(G)}
    G.nodes["A"]["role"] = "treatment"
    seen.add(sync.fingerprint(G))
    G.nodes["A"]["pos"] = (1.0, 2.0)
    seen.add(sync.fingerprint(G))
    G.edges["A", "B"]["label"] = "0.3"
    seen.add(sync.fingerprint(G))
    G.add_edge("B", "C")
    seen.add(sync.fingerprint(G))
    assert len(seen) == 5


class FakeShell:
    """Just what current_cell reads from ipykernel's shell."""

    def __init__(self) -> None:
        self.parent_header: dict = {}
        self.execution_count = 1

    def run(self, cell_id: str) -> None:
        self.execution_count += 1
        self.parent_header = {"metadata": {"cellId": cell_id}}


def test_current_cell_is_none_outside_a_notebook_front_end():
    assert sync.current_cell(FakeShell()) is None
    assert sync.current_cell(object()) is None


def test_rerunning_a_cell_closes_the_widgets_it_displayed_before():
    shell = FakeShell()
    G = nx.DiGraph([("A", "B")])
    shell.run("cell-1")
    old = DagWidget(G, name="G")
    sync.note_display(old, shell)
    shell.run("cell-2")
    elsewhere = DagWidget(G, name="G")
    sync.note_display(elsewhere, shell)
    shell.run("cell-1")  # the first cell again
    new = DagWidget(nx.DiGraph([("A", "B")]), name="G")
    sync.note_display(new, shell)
    try:
        assert old.comm is None, "the old view's output was cleared: closed"
        assert old not in sync.live_widgets()
        assert elsewhere.comm is not None and new.comm is not None
    finally:
        for w in (elsewhere, new):
            w.close()


def test_a_widget_shown_twice_in_one_run_stays_open():
    shell = FakeShell()
    shell.run("cell-1")
    a = DagWidget(nx.DiGraph([("A", "B")]))
    sync.note_display(a, shell)
    sync.note_display(a, shell)
    b = DagWidget(nx.DiGraph([("A", "B")]))
    sync.note_display(b, shell)
    try:
        assert a.comm is not None and b.comm is not None
    finally:
        a.close()
        b.close()


def test_a_widget_also_shown_by_another_cell_is_kept():
    shell = FakeShell()
    shell.run("cell-1")
    w = DagWidget(nx.DiGraph([("A", "B")]))
    sync.note_display(w, shell)
    shell.run("cell-2")
    sync.note_display(w, shell)  # `w` displayed again elsewhere
    shell.run("cell-1")
    other = DagWidget(nx.DiGraph())
    sync.note_display(other, shell)
    try:
        assert w.comm is not None
    finally:
        w.close()
        other.close()


def test_setting_widget_graph_in_a_cell_sticks_after_the_cell(ip):
    G = nx.DiGraph([("A", "B")])
    w = shown(ip, G)
    ip.run_cell("import networkx as nx\nH = nx.DiGraph([('P', 'Q')])\nw.graph = H")
    H = ip.user_ns["H"]
    assert w.graph is H and w.mode == "live"
    ip.run_cell("x = 1")
    assert w.graph is H and {n["id"] for n in w.nodes} == {"P", "Q"}
    assert w.handle_message({"type": "edit", "op": "add_node", "id": "R"}) is None
    assert "R" in H and "R" not in G


def test_after_a_swap_rebinding_the_name_is_followed_again(ip):
    w = shown(ip, nx.DiGraph([("A", "B")]))
    ip.run_cell("import networkx as nx\nw.graph = nx.DiGraph([('P', 'Q')])")
    ip.run_cell("G = nx.DiGraph([('X', 'Y')])")
    assert w.graph is ip.user_ns["G"]


def test_a_swap_in_the_cell_that_showed_the_widget_sticks(ip):
    ip.user_ns["G"] = nx.DiGraph([("A", "B")])
    ip.run_cell(
        "import networkx as nx\nfrom causal_magic.widget import DagWidget\n"
        "w = DagWidget(G, name='G')\nw.graph = nx.DiGraph([('P', 'Q')])"
    )
    w = ip.user_ns["w"]
    assert set(w.graph.nodes) == {"P", "Q"}


def test_a_multigraph_under_the_name_detaches_instead_of_following(ip):
    w = shown(ip, nx.DiGraph([("A", "B")]))
    ip.run_cell("import networkx as nx\nG = nx.MultiDiGraph([('P', 'Q'), ('P', 'Q')])")
    assert w.mode == "detached" and set(w.graph.nodes) == {"A", "B"}
