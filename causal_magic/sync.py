"""Which live widgets show which graph, and keeping them in step with Python.

The rules are in docs/state-model.md.  In short: a widget is bound to a graph *object*
and remembers the *name* it was shown under; :func:`rebind` (called by ``%%dag G`` when
it binds a new object) and the ``post_run_cell`` hook make widgets follow the name, or
mark them detached when the name no longer names a graph.  The hook also redraws every
widget whose graph was mutated from Python, found by a cheap fingerprint compare.

This module imports neither anywidget nor the widget: any object with the small
protocol below (``graph``, ``name``, ``refresh_if_changed``, ``follow``, ``detach``) can be
registered, which keeps it testable and import-light.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Hashable
from typing import Any, Protocol

import networkx as nx


class LiveView(Protocol):
    """What the registry needs from a widget."""

    graph: nx.DiGraph
    name: str | None

    def refresh_if_changed(self) -> bool: ...
    def refresh(self) -> None: ...
    def follow(self, graph: nx.DiGraph, source: str | None = None) -> None: ...
    def set_detached(self, reason: str | None) -> None: ...


_live: weakref.WeakSet[Any] = weakref.WeakSet()
# Displayed objects (widgets, rows) -> the (cell id, execution count) of each display.
_places: weakref.WeakKeyDictionary[Any, list[tuple[str, int]]] = weakref.WeakKeyDictionary()
# Widget -> the graph its name named at the last look; and the widgets whose graph was
# set explicitly (`w.graph = H`) since then.  The hook follows a name only when the name
# is rebound, so an explicit swap sticks until then.
_seen: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_swapped: weakref.WeakSet[Any] = weakref.WeakSet()
# id(shell) -> the callback we registered, so unregister removes exactly ours.
_hooks: dict[int, Any] = {}


def add(widget: LiveView) -> None:
    """Start tracking ``widget`` (called by the widget itself)."""
    _live.add(widget)


def discard(widget: LiveView) -> None:
    """Stop tracking ``widget`` (on close)."""
    _live.discard(widget)


def live_widgets() -> list[Any]:
    """Every tracked widget, in no particular order."""
    return list(_live)


def widgets_for(graph: nx.DiGraph) -> list[Any]:
    """The live widgets bound to this very graph object."""
    return [w for w in list(_live) if w.graph is graph]


def graph_changed(graph: nx.DiGraph, *, exclude: Any = None) -> None:
    """Redraw every live widget of ``graph`` now (after an edit made in one of them)."""
    for w in widgets_for(graph):
        if w is not exclude:
            w.refresh()


def rebind(old: nx.DiGraph, new: nx.DiGraph, source: str | None = None) -> int:
    """Make every live widget bound to ``old`` follow ``new``; return how many followed.

    ``%%dag G`` calls this when re-running the cell binds a new object to ``G``: the views
    of the old graph would otherwise go on editing an object nobody can reach.
    """
    moved = 0
    if old is new:
        return 0
    for w in widgets_for(old):
        w.follow(new, source=source)
        moved += 1
    return moved


def is_graph(value: Any) -> bool:
    """True for what a widget can draw: a ``networkx.DiGraph`` that is not a multigraph."""
    return isinstance(value, nx.DiGraph) and not value.is_multigraph()


def swapped(widget: Any) -> None:
    """Note that ``widget.graph`` was set explicitly: the hook keeps it (state-model §2)."""
    _swapped.add(widget)


def check_names(user_ns: dict[str, Any]) -> None:
    """Follow plain-Python rebinding of a widget's name, or detach (state-model §2).

    A widget follows its name when the name is *rebound* (to another graph than the one
    it named at the last look); ``w.graph = H`` leaves the name as it was, so the swap
    stays until the name changes.
    """
    for w in list(_live):
        name = w.name
        if not name:
            continue
        current = user_ns.get(name)
        if not is_graph(current):
            _seen.pop(w, None)
            what = "is no longer defined" if name not in user_ns else "no longer names a graph"
            w.set_detached(
                f"{name} {what}: this view shows the last graph it had and refuses edits; "
                f"run %%dag {name} or causal_magic.show({name}) to edit again"
            )
            continue
        last = _seen.get(w)
        _seen[w] = weakref.ref(current)
        kept = w in _swapped or (last is not None and last() is current)
        _swapped.discard(w)
        if current is w.graph or kept:
            w.set_detached(None)
        else:
            w.follow(current)


def after_cell(ip: Any) -> None:
    """The ``post_run_cell`` work: follow names, then redraw mutated graphs."""
    user_ns = getattr(ip, "user_ns", None)
    if isinstance(user_ns, dict):
        check_names(user_ns)
    for w in list(_live):
        w.refresh_if_changed()


def register(ip: Any) -> None:
    """Install the ``post_run_cell`` hook on shell ``ip`` (idempotent)."""
    if id(ip) in _hooks:
        return

    def _post_run_cell(result: Any = None) -> None:
        after_cell(ip)

    ip.events.register("post_run_cell", _post_run_cell)
    _hooks[id(ip)] = _post_run_cell


def unregister(ip: Any) -> None:
    """Remove the hook :func:`register` installed on ``ip``, if any."""
    callback = _hooks.pop(id(ip), None)
    if callback is not None:
        with contextlib.suppress(ValueError):
            ip.events.unregister("post_run_cell", callback)


def current_cell(ip: Any = None) -> tuple[str, int] | None:
    """``(cell id, execution count)`` of the running cell, when the front end says it.

    JupyterLab, Notebook 7 and VS Code send the cell's id in the execute request's metadata;
    elsewhere (a script, a plain IPython terminal) this is ``None``.
    """
    if ip is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return None
        ip = get_ipython()
    parent = getattr(ip, "parent_header", None)
    if not isinstance(parent, dict):
        return None
    cell_id = (parent.get("metadata") or {}).get("cellId")
    count = getattr(ip, "execution_count", None)
    if not isinstance(cell_id, str) or not isinstance(count, int):
        return None
    return cell_id, count


def note_display(shown: Any, ip: Any = None) -> None:
    """Record that ``shown`` is being displayed by the running cell, and close what this
    same cell displayed in an earlier run.

    Re-running a cell clears its outputs, so a widget that was displayed only there can no
    longer be seen; left open it would keep following its graph's name and redrawing on
    every edit, for nothing (state-model §9).  A widget also displayed by another cell is
    kept.
    """
    cell = current_cell(ip)
    if cell is None:
        return
    cell_id, count = cell
    for other, places in list(_places.items()):
        if other is not shown and places and all(c == cell_id and n != count for c, n in places):
            _places.pop(other, None)
            other.close()
    _places.setdefault(shown, []).append(cell)


def fingerprint(graph: nx.DiGraph) -> str:
    """A cheap O(n + m) summary that changes whenever anything the drawing or the
    copied-back text shows changes (nodes, edges, their attributes, their order).

    The adjacency's own ``repr`` (no list of 20,000 edge tuples first): 4x faster on a
    large graph, and nothing built that the garbage collector must then walk."""
    return repr((graph.nodes.data(), graph.adj, graph.graph))


def node_key(graph: nx.DiGraph, node_id: object) -> Hashable | None:
    """The graph node whose browser id (``str(node)``) is ``node_id``, or ``None``."""
    if not isinstance(node_id, str):
        return None
    if node_id in graph:
        return node_id
    for n in graph.nodes:
        if not isinstance(n, str) and str(n) == node_id:
            return n
    return None
