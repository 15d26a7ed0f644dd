"""How the widget takes edits from the browser: validated messages, one undoable step each.

Why a module of its own: the browser is untrusted input (docs/state-model.md §7).  Every
message is checked here -- its type, the node ids it names, the numbers it carries (NaN,
inf, 1e400 are refused), the new names (by the parser's own rule) -- before the graph the
user holds is touched, and a refusal is a short, bounded text shown in the widget.  The
thirteen edit operations, undo/redo and the refusal of browser writes to traits live here as
a mixin of :class:`causal_magic.widget.DagWidget`, which keeps the traits, the drawing and
the display.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx
from ipywidgets.widgets.widget import _remove_buffers

from . import layout as _layout
from . import sync
from .graph import (
    ROLES,
    adjacency,
    bidirected_pairs,
    format_cycle,
    hidden_node_name,
    is_hidden,
    name_taken,
    rename_problem,
    shorten,
    visible_nodes,
)
from .layout.bends import carry, control_from_handle

__all__ = ["ECHO", "MAX_COORD", "MAX_MESSAGE", "MAX_NAME", "EditHandling", "EditRefused"]

#: A browser-sent position (px) beyond this is refused: far past any drawing, and
#: ``x / scale`` stays a finite float in the graph and in the JSON of the state.
MAX_COORD = 1e7
#: Every refusal text is cut to this many characters (the ``message`` trait is saved).
MAX_MESSAGE = 500
#: How much of a browser-sent value a refusal echoes.
ECHO = 60
#: The longest node name an edit may give.
MAX_NAME = 200


def _shown(value: Any) -> str:
    """``repr(value)`` for a message, bounded: a 10 MB id is echoed as its first
    characters and its length, a big list as its first items."""
    if isinstance(value, str) and len(value) > ECHO:
        return f"{value[:ECHO]!r}... ({len(value):,} characters)"
    return _REPR.repr(value)


_REPR = reprlib.Repr()
_REPR.maxstring = ECHO
_REPR.maxother = ECHO
_REPR.maxlong = 40
_REPR.maxlevel = 2


class EditRefused(ValueError):
    """A browser edit that is not applied; the text is shown in the widget."""


Snapshot = tuple[dict | None, list, list | None]

#: A bent edge: the graph edges that carry its ``pos`` (one, or a ``<->``'s two), its two
#: drawn ends, and its name for messages.
Bent = tuple[list[tuple[Hashable, Hashable]], Hashable, Hashable, str]


def _snapshot(G: nx.DiGraph, nodes_only: bool = False) -> Snapshot:
    """The graph's state for undo; ``nodes_only`` keeps just the node attributes, for
    the edits that change nothing else (a move: 5x cheaper at 20,000 edges)."""
    nodes = [(n, dict(d)) for n, d in G.nodes.items()]
    if nodes_only:
        return (None, nodes, None)
    succ, _pred = adjacency(G)  # the edge view's generator is 3x slower at 20,000 edges
    # an edge without attributes is kept as (u, v): 20,000 empty dicts fewer to collect
    edges = [(u, v, dict(d)) if d else (u, v) for u, nbrs in succ.items() for v, d in nbrs.items()]
    return (dict(G.graph), nodes, edges)


def _restore(G: nx.DiGraph, snap: Snapshot) -> None:
    """Put ``snap`` back into the same object (``G`` stays the graph the user holds)."""
    graph_attrs, nodes, edges = snap
    if edges is None:  # node attributes only; callers check the nodes are the same ones
        for n, d in nodes:
            data = G.nodes[n]
            data.clear()
            data.update(d)
        return
    G.clear()
    G.graph.update(graph_attrs)
    G.add_nodes_from((n, dict(d)) for n, d in nodes)
    G.add_edges_from((e[0], e[1], dict(e[2])) if len(e) == 3 else e for e in edges)


class EditHandling:
    """The browser -> Python half of :class:`~causal_magic.widget.DagWidget` (a mixin)."""

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        try:
            self.handle_message(content)
        finally:
            if isinstance(content, dict) and content.get("type") == "edit":
                self.send({"type": "ack"})  # the front end warns when this never comes

    def set_state(self, sync_data: dict) -> None:
        """Python owns every trait (docs/state-model.md §7): a write from the browser is
        ignored and the true values are sent back, so no view can lift read-only or
        detached mode, or plant nodes, numbers or marks.  The browser asks with edit
        messages instead.  (The front end never writes a trait; only a hostile or broken
        one would.)"""
        keys = [k for k in sync_data if k in self.keys]
        if not keys:
            return
        # An echo first (a front end waiting for the echo of its write ignores other
        # updates of that trait), then the true values, which it applies.
        state, paths, buffers = _remove_buffers(self.get_state(keys))
        self._send({"method": "echo_update", "state": state, "buffer_paths": paths}, buffers)
        self.send_state(keys)

    def _edit_refusal(self) -> str | None:
        """Why edits are refused now, from Python-side state only (never the ``mode``
        trait, which is what the browser is shown)."""
        if self._detached_reason:
            return self._detached_reason
        if self.readonly:
            return "read-only view: edits are turned off"
        return None

    def handle_message(self, content: Any) -> str | None:
        """Validate and apply one message from the front end; return the refusal, if any.

        The graph is touched only after the whole message validated.  Refusals are shown in
        the widget (``message`` trait) and change nothing.
        """
        if not isinstance(content, dict):
            return self._refuse(f"malformed message: expected an object, got {_shown(content)}")
        kind = content.get("type")
        if kind == "hello":
            self._update_mode()  # whatever a view was told, it hears Python's mode
            self.send({"type": "hello", "mode": self.mode})
            return None
        if kind == "explore":  # a question, not an edit: answered in any mode
            return self._on_explore(content)
        if kind == "overlay":  # the analysis a large graph computes on request: any mode
            self.compute_overlay()
            return None
        if kind != "edit":
            return self._refuse(
                f"unknown message type {_shown(kind)}; "
                "expected 'edit', 'explore', 'overlay' or 'hello'"
            )
        op = content.get("op")
        handler = _OPS.get(op) if isinstance(op, str) else None
        if handler is None:
            return self._refuse(f"unknown edit {_shown(op)}; expected one of {', '.join(_OPS)}")
        refusal = self._edit_refusal()
        if refusal:
            self._update_mode()
            return self._refuse(f"edit refused: {refusal}")
        try:
            handler(self, content)
        except EditRefused as err:
            return self._refuse(str(err))
        return None

    def _refuse(self, text: str) -> str:
        if len(text) > MAX_MESSAGE:
            text = text[: MAX_MESSAGE - 1] + "…"
        self.message = text
        self.message_seq += 1
        return text

    def _done(self, moved: bool = False) -> None:
        self.message = ""
        self.refresh(moved=moved)
        sync.graph_changed(self._graph, exclude=self)

    def _edit(
        self, apply: Callable[[nx.DiGraph], None], nodes_only: bool = False, moved: bool = False
    ) -> None:
        """Run a validated change as one undoable step (``nodes_only``: ``apply`` changes
        node attributes only, so only they are kept for undo; ``moved``: only positions)."""
        G = self._graph
        moved = moved and sync.fingerprint(G) == self._drawn_fp  # drawn as it is: only moves
        before = _snapshot(G, nodes_only)
        px_before = dict(self._px)
        try:
            apply(G)
        except Exception:  # nothing half-done: the graph is put back as it was
            _restore(G, before)
            self._px = px_before
            raise
        self._undo.append((before, px_before, None))
        self._redo.clear()
        self._done(moved)
        self._undo[-1] = (before, px_before, self._drawn_fp)  # the fingerprint refresh took

    # validation helpers
    def _node(self, content: dict, key: str = "id") -> Hashable:
        value = content.get(key)
        if not isinstance(value, str):
            raise EditRefused(f"{key!r} must be a node name (a string), got {_shown(value)}")
        n = sync.node_key(self._graph, value)
        if n is None or is_hidden(self._graph, n):
            raise EditRefused(f"there is no node {_shown(value)} in the graph")
        return n

    def _new_name(self, content: dict, key: str, old: Hashable | None = None) -> str:
        """The new node name in ``content[key]``, checked by the parser's own rule
        (:func:`graph.name_taken`, :func:`graph.rename_problem`) plus a length bound."""
        value = content.get(key)
        if not isinstance(value, str):
            raise EditRefused(f"{key!r} must be a string, got {_shown(value)}")
        name = value.strip()
        if not name:
            raise EditRefused("a node needs a name; the name was empty")
        if len(name) > MAX_NAME:
            raise EditRefused(
                f"a node name is at most {MAX_NAME} characters; this one has {len(name):,}"
            )
        existing = sync.node_key(self._graph, name)
        if existing is not None and existing != old:
            raise EditRefused(
                name_taken(self._graph, existing) or f"a node named {name!r} already exists"
            )
        problem = (
            name_taken(self._graph, name) if old is None else rename_problem(self._graph, old, name)
        )
        if problem:
            raise EditRefused(f"{problem}; the graph is unchanged")
        return name

    @staticmethod
    def _number(content: dict, key: str) -> float:
        """A browser-sent coordinate: a finite number within ``MAX_COORD`` px.

        JSON can carry 10**400 (a Python int no float holds), NaN, Infinity or 1e308
        (finite, but ``x / scale`` or the next layout step overflows)."""
        value = content.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise EditRefused(
                f"{key!r} must be a number, got {_shown(value)}; the graph is unchanged"
            )
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number) or abs(number) > MAX_COORD:
            raise EditRefused(
                f"{key!r} must be a finite number of pixels within ±{MAX_COORD:.0e}, "
                f"got {_shown(value)}; the graph is unchanged"
            )
        return number

    def _freeze_positions(self, G: nx.DiGraph) -> None:
        """Write every visible node's shown position as ``pos`` (state-model §4)."""
        s = self.scale
        for n in visible_nodes(G):
            if _layout.read_pos(G.nodes[n].get("pos")) is None and n in self._px:
                x, y = self._px[n]
                G.nodes[n]["pos"] = (round(x / s, 3), round(y / s, 3))

    # ops
    def _op_move(self, content: dict) -> None:
        n = self._node(content)
        x, y = self._number(content, "x"), self._number(content, "y")
        bent = _bent_edges(self._graph, n)

        def apply(G: nx.DiGraph) -> None:
            self._freeze_positions(G)
            old = _layout.read_pos(G.nodes[n].get("pos"))
            G.nodes[n]["pos"] = new = (round(x / self.scale, 3), round(y / self.scale, 3))
            if old is not None:
                _carry_bends(G, bent, n, old, new)

        # a bent edge's pos changes too, so undo then keeps the edges as well
        self._edit(apply, nodes_only=not bent, moved=True)

    def _edge(self, content: dict) -> tuple[Hashable, Hashable]:
        """The directed edge ``source -> target`` a message names (it must exist)."""
        u, v = self._node(content, "source"), self._node(content, "target")
        if not self._graph.has_edge(u, v):
            raise EditRefused(
                f"there is no edge {shorten(u)} -> {shorten(v)}; the graph is unchanged"
            )
        return u, v

    def _bent(self, content: dict) -> Bent:
        """What a bend message names: ``source``/``target`` a directed edge, ``a``/``b`` a
        ``<->`` (whose two hidden edges both carry the ``pos``, as the parser writes it)."""
        if "a" not in content and "b" not in content:
            u, v = self._edge(content)
            return [(u, v)], u, v, f"{shorten(u)} -> {shorten(v)}"
        a, b = self._node(content, "a"), self._node(content, "b")
        hidden = [h for h, x, y in bidirected_pairs(self._graph) if {x, y} == {a, b}]
        name = f"{shorten(a)} <-> {shorten(b)}"
        if not hidden:
            raise EditRefused(f"there is no edge {name}; the graph is unchanged")
        return [(h, n) for h in hidden for n in (a, b)], a, b, name

    def _op_bend(self, content: dict) -> None:
        """Bend an edge so that its curve passes (at its middle) through ``x``, ``y`` px;
        kept as DAGitty's edge ``pos``, the curve's control point."""
        edges, u, v, name = self._bent(content)
        x, y = self._number(content, "x"), self._number(content, "y")
        a, b = self._px.get(u), self._px.get(v)
        if a is None or b is None:
            raise EditRefused(f"{name} is not drawn; nothing to bend")
        cx, cy = control_from_handle(a, (x, y), b)
        c = (round(cx / self.scale, 3), round(cy / self.scale, 3))
        if max(abs(c[0]), abs(c[1])) > _layout.POS_LIMIT:
            raise EditRefused(
                f"that bend of {name} lies beyond ±{_layout.POS_LIMIT:.0e} units, outside "
                "the drawing; the graph is unchanged"
            )

        def apply(G: nx.DiGraph) -> None:
            self._freeze_positions(G)  # a bend means nothing without its ends' positions
            for e in edges:
                G.edges[e]["pos"] = c

        self._edit(apply, moved=True)

    def _op_straighten(self, content: dict) -> None:
        edges, _u, _v, name = self._bent(content)
        if all(self._graph.edges[e].get("pos") is None for e in edges):
            raise EditRefused(f"the edge {name} is not bent")

        def apply(G: nx.DiGraph) -> None:
            for e in edges:
                G.edges[e].pop("pos", None)

        self._edit(apply, moved=True)

    def _op_add_edge(self, content: dict) -> None:
        u, v = self._node(content, "source"), self._node(content, "target")
        G = self._graph
        a, b = shorten(u), shorten(v)
        if u == v:
            raise EditRefused(f"{a} -> {a} would be a cycle (a node cannot cause itself)")
        if G.has_edge(u, v):
            raise EditRefused(f"the edge {a} -> {b} is already there")
        if nx.has_path(G, v, u):  # one linear search; the path is looked up only on refusal
            back = nx.shortest_path(G, v, u)
            raise EditRefused(
                f"{a} -> {b} would make a cycle: {format_cycle([u, *back])}; the graph is unchanged"
            )
        self._edit(lambda G: G.add_edge(u, v))

    def _op_delete_edge(self, content: dict) -> None:
        u, v = self._node(content, "source"), self._node(content, "target")
        if not self._graph.has_edge(u, v):
            raise EditRefused(f"there is no edge {shorten(u)} -> {shorten(v)}")
        self._edit(lambda G: G.remove_edge(u, v))

    def _op_delete_bidirected(self, content: dict) -> None:
        a, b = self._node(content, "a"), self._node(content, "b")
        hidden = [h for h, x, y in bidirected_pairs(self._graph) if {x, y} == {a, b}]
        if not hidden:
            raise EditRefused(f"there is no edge {shorten(a)} <-> {shorten(b)}")
        self._edit(lambda G: G.remove_nodes_from(hidden))

    def _op_add_node(self, content: dict) -> None:
        name = self._new_name(content, "id")
        has_xy = "x" in content or "y" in content
        x = self._number(content, "x") if has_xy else None
        y = self._number(content, "y") if has_xy else None

        def apply(G: nx.DiGraph) -> None:
            if has_xy:
                self._freeze_positions(G)
                G.add_node(name, pos=(round(x / self.scale, 3), round(y / self.scale, 3)))
            else:
                G.add_node(name)

        self._edit(apply)

    def _op_delete_node(self, content: dict) -> None:
        n = self._node(content)

        def apply(G: nx.DiGraph) -> None:
            hidden = [p for p in G.predecessors(n) if is_hidden(G, p)]
            G.remove_nodes_from([*hidden, n])

        self._edit(apply)

    def _op_rename(self, content: dict) -> None:
        n = self._node(content)
        new = self._new_name(content, "new", old=n)
        if new == n:
            raise EditRefused(f"the node is already called {new!r}")

        def apply(G: nx.DiGraph) -> None:
            mapping: dict[Hashable, Hashable] = {n: new}
            for h, a, b in bidirected_pairs(G):
                if n in (a, b):
                    mapping[h] = hidden_node_name(new if a == n else a, new if b == n else b)
            # A relabelled copy keeps node and edge order (stable layout and text); it is
            # then put back into the same object.
            _restore(G, _snapshot(nx.relabel_nodes(G, mapping, copy=True)))
            G.nodes[new].pop("label", None)
            if n in self._px:
                self._px[new] = self._px.pop(n)

        self._edit(apply)

    def _op_set_role(self, content: dict) -> None:
        n = self._node(content)
        if "role" not in content:
            raise EditRefused("'role' is missing; give one of the roles or null")
        role = content["role"]
        if role is not None and role not in ROLES:
            raise EditRefused(
                f"unknown role {_shown(role)}; expected one of {', '.join(ROLES)} or null"
            )

        def apply(G: nx.DiGraph) -> None:
            if role is None:
                G.nodes[n].pop("role", None)
            else:
                G.nodes[n]["role"] = role

        self._edit(apply, nodes_only=True)

    def _op_relayout(self, content: dict) -> None:
        kind = content.get("layout", self.layout_kind)
        if kind not in _layout.LAYOUTS:
            raise EditRefused(
                f"layout must be one of {', '.join(_layout.LAYOUTS)}, got {_shown(kind)}"
            )

        def apply(G: nx.DiGraph) -> None:
            units = _layout.layered_layout(G) if kind == "layered" else _layout.force_layout(G)
            self.scale = _layout.DEFAULT_SCALE
            self._px = {}
            for n, (x, y) in units.items():
                G.nodes[n]["pos"] = (round(x, 3), round(y, 3))
            for _u, _v, d in G.edges(data=True):  # the new layout routes every edge, as
                d.pop("pos", None)  # DAGitty's "layout" drops its bends

        self._edit(apply)

    def _op_undo(self, content: dict) -> None:
        self._step(self._undo, self._redo, "undo")

    def _op_redo(self, content: dict) -> None:
        self._step(self._redo, self._undo, "redo")

    def _step(self, source: list, target: list, what: str) -> None:
        if not source:
            raise EditRefused(f"nothing to {what}")
        G = self._graph
        snap, px, expected = source[-1]
        if sync.fingerprint(G) != expected:
            self._undo.clear()
            self._redo.clear()
            self.can_undo = self.can_redo = False
            raise EditRefused(
                f"cannot {what}: the graph was changed from Python since that edit; "
                "the edit history is cleared"
            )
        source.pop()
        now, px_now = _snapshot(G, nodes_only=snap[2] is None), dict(self._px)
        _restore(G, snap)
        self._px = px
        target.append((now, px_now, sync.fingerprint(G)))
        self._done()


def _bent_edges(G: nx.DiGraph, n: Hashable) -> list[Bent]:
    """The drawn edges at ``n`` that carry a bend (``pos``): directed ones and ``<->``."""
    out: list[Bent] = []
    for v, d in G.succ[n].items():
        if d.get("pos") is not None:
            out.append(([(n, v)], n, v, ""))
    for u, d in G.pred[n].items():
        if d.get("pos") is None:
            continue
        if not is_hidden(G, u):
            out.append(([(u, n)], u, n, ""))
        elif len(G.succ[u]) == 2:  # the hidden node of n <-> other
            other = next(x for x in G.succ[u] if x != n)
            out.append(([(u, n), (u, other)], n, other, ""))
    return out


def _carry_bends(G: nx.DiGraph, bent: list[Bent], n: Hashable, old: tuple, new: tuple) -> None:
    """Node ``n`` moved from ``old`` to ``new`` (units): its bent edges keep their shape
    (``layout.bends.carry``), so a bend follows its nodes."""
    for edges, u, v, _name in bent:
        c = _layout.read_pos(G.edges[edges[0]]["pos"])
        other = _layout.read_pos(G.nodes[v if u == n else u].get("pos"))
        if c is None or other is None:
            continue
        a, b, a2, b2 = (old, other, new, other) if u == n else (other, old, other, new)
        x, y = carry(c, a, b, a2, b2)
        for e in edges:
            G.edges[e]["pos"] = (round(x, 3), round(y, 3))


_OPS: dict[str, Callable[[Any, dict], None]] = {
    "move": EditHandling._op_move,
    "bend": EditHandling._op_bend,
    "straighten": EditHandling._op_straighten,
    "add_edge": EditHandling._op_add_edge,
    "delete_edge": EditHandling._op_delete_edge,
    "delete_bidirected": EditHandling._op_delete_bidirected,
    "add_node": EditHandling._op_add_node,
    "delete_node": EditHandling._op_delete_node,
    "rename": EditHandling._op_rename,
    "set_role": EditHandling._op_set_role,
    "relayout": EditHandling._op_relayout,
    "undo": EditHandling._op_undo,
    "redo": EditHandling._op_redo,
}
