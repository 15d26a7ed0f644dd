"""``DagWidget``: the live, editable drawing of a causal graph (anywidget + D3).

The Python graph is the source of truth (docs/state-model.md).  The widget computes what
to draw (positions from causal_magic/layout.py, drawing data from causal_magic/svg.py,
the causal overlay from causal_magic/identify.py) and syncs it to the browser as traits.
The browser asks for edits with small messages (:meth:`DagWidget.handle_message`), which
are validated here, applied to the very graph object the user holds, and then redrawn in
every live widget of that graph (causal_magic/sync.py).  The DOM the front end builds is
described in docs/widget-dom.md.
"""

from __future__ import annotations

import contextlib
import gc
import pathlib
import weakref
from collections.abc import Hashable, Iterator, Sequence
from typing import Any

import anywidget
import ipywidgets
import networkx as nx
import traitlets as t
from ipywidgets.widgets.widget import _remove_buffers

from . import layout as _layout
from . import sync
from .edits import EditHandling, EditRefused, Snapshot, _shown
from .graph import (
    BIDIRECTED_ATTR,
    adjacency,
    check_dag,
    is_hidden,
    nodes_with_role,
    visible_nodes,
)
from .static_copy import STATIC_NOTE, StaticFallback, small_svg
from .style import FONT_SIZE, NODE_RADIUS, PRESENT_SCALE, TITLE_BAND, plain_indep
from .style import role_colors as _role_colors
from .svg import _finite, bounds, drawing_data, render_svg, render_tikz, scaled, side_by_side

_STATIC = pathlib.Path(__file__).parent / "static"
_MISSING_BUNDLE = """
export default { render({ el }) {
  el.textContent = "causal_magic: the widget bundle is missing; run npm install && npm run build";
} };
"""

#: How many adjustment sets the overlay panel lists at most.
MAX_SETS = 5
#: A drawing's width / height in pixels (as %%dag's --width / --height): below, it cannot
#: be seen; above, no screen shows it.
PIXELS = (50, 5000)
#: Past this many edges the causal overlay and the panel's lists are computed on request (the
#: panel's button, or :meth:`DagWidget.compute_overlay`), not on every edit: at 20,000 edges
#: they cost 0.6 s and an edit must answer in 0.1 s (benchmarks/bench_large_graph.py).  The
#: panel says so; a drawing this size is an overview, and drags keep what was computed.
LIVE_OVERLAY_EDGES = 5_000
#: Above this many nodes + edges the copy-back text (synced, saved) is a pointer instead.
MAX_COPY_BACK = 5_000
#: The replaced edits a new view offers back are cut at this many characters (a notebook
#: file carries the text forever).
MAX_LOST_TEXT = 20_000

#: Traits that hold plain JSON (lists, dicts, strings, numbers; never bytes), sent without
#: ipywidgets' search for binary buffers.
PLAIN_TRAITS = ("nodes", "edges", "bidirected", "overlay", "explore", "fit_marks")

#: Edits made in the browser that a ``%%dag`` re-run replaced, as ``%%dag`` text, keyed by
#: the graph that replaced them: the new cell's view offers them back (state-model §2).
_lost_edits: weakref.WeakKeyDictionary[nx.DiGraph, str] = weakref.WeakKeyDictionary()


def _shape(G: nx.DiGraph) -> str:
    """The graph without positions: what a drag does not change."""
    nodes = [(n, {k: v for k, v in d.items() if k != "pos"}) for n, d in G.nodes(data=True)]
    succ, _ = adjacency(G)
    if any("pos" in d for nbrs in succ.values() for d in nbrs.values()):  # a bend: a position
        succ = {u: {v: _unbent(d) for v, d in nbrs.items()} for u, nbrs in succ.items()}
    return repr((nodes, succ, G.graph))  # the adjacency's repr: no list of edge tuples


def _unbent(d: dict) -> dict:
    return d if "pos" not in d else {k: x for k, x in d.items() if k != "pos"}


def overlay_for(G: nx.DiGraph) -> dict[str, Any]:
    """The causal overlay for the graph's treatment and outcome roles.

    ``{}`` when there is no treatment or no outcome.  Otherwise ``causal`` and ``biasing``
    edge lists, ``minimal`` (``None`` = no valid adjustment set; ``[]`` = the empty set is
    valid), ``sets`` (at most :data:`MAX_SETS`), and ``error`` when the engine could not
    answer (e.g. it is not installed yet, or the graph has a cycle).
    """
    xs = [n for n in nodes_with_role(G, "treatment") if not is_hidden(G, n)]
    ys = [n for n in nodes_with_role(G, "outcome") if not is_hidden(G, n)]
    if not xs or not ys:
        return {}
    out: dict[str, Any] = {
        "treatment": [str(n) for n in xs],
        "outcome": [str(n) for n in ys],
        "causal": [],
        "biasing": [],
        "minimal": None,
        "sets": [],
        "error": "",
    }
    from . import identify  # lazily: the overlay is the widget's only use of the engine
    from .panel import panel_for

    x, y = tuple(xs), tuple(ys)
    given = tuple(n for n in nodes_with_role(G, "adjusted") if not is_hidden(G, n))
    try:
        check_dag(G)
        pe = identify.path_edges(G, x, y, given)
        out["causal"] = sorted([str(u), str(v)] for u, v in pe.causal)
        out["biasing"] = sorted([str(u), str(v)] for u, v in pe.biasing)
        minimal = identify.minimal_adjustment_set(G, x, y)
        out["minimal"] = None if minimal is None else sorted(str(n) for n in minimal)
        sets = identify.adjustment_sets(G, x, y, limit=MAX_SETS)
        out["sets"] = [sorted(str(n) for n in s) for s in list(sets)[:MAX_SETS]]
        out["panel"] = panel_for(G, x, y, out["minimal"])  # the lists the panel shows
    except Exception as err:  # the overlay must never break drawing
        out["error"] = f"{type(err).__name__}: {err}"
    return out


def deferred_overlay(G: nx.DiGraph) -> dict[str, Any]:
    """The overlay of a graph past :data:`LIVE_OVERLAY_EDGES`: the question only, and
    ``deferred`` (the number of edges) for the panel to say that the analysis is computed
    on request.  ``{}`` when there is no treatment or no outcome, as :func:`overlay_for`."""
    xs = [str(n) for n in nodes_with_role(G, "treatment") if not is_hidden(G, n)]
    ys = [str(n) for n in nodes_with_role(G, "outcome") if not is_hidden(G, n)]
    if not xs or not ys:
        return {}
    return {
        "treatment": xs,
        "outcome": ys,
        "causal": [],
        "biasing": [],
        "minimal": [],  # not None: that would read "no adjustment set exists"
        "sets": [],
        "error": "",
        "deferred": G.number_of_edges(),
    }


def _overlay_key(G: nx.DiGraph) -> tuple:
    """What the overlay depends on: nodes with their role and hidden flag, and the edges.

    O(n + m) and cheap; a move or a label change keeps it, so the overlay (the costly
    part of a redraw on a large graph) is not recomputed for them."""
    return (
        tuple((n, d.get("role"), d.get("bidirected")) for n, d in G.nodes(data=True)),
        tuple(G.edges),
    )


def _redrawn(
    G: nx.DiGraph,
    drawn: dict[str, list[dict]],
    px: dict[Hashable, tuple[float, float]],
    routes: dict,
    old_routes: dict,
    scale: float | None = None,
) -> dict[str, list[dict]]:
    """:func:`svg.drawing_data`, reusing the last drawing's entries (``drawn``) that did not
    change: a node whose name and role are the same (moved to its new place), an edge with
    no attribute but its label, the same label, and the very route list it had
    (``layout.in_pixels`` keeps it; an edge with other attributes is always drawn afresh,
    whatever ``drawing_data`` makes of them).  Only new and changed items go through
    ``drawing_data``; equal to a full rebuild (tests check), 3x faster at 20,000 edges and
    with far fewer new objects to collect."""
    first = not drawn["nodes"] and not drawn["edges"]
    if first or drawn["bidirected"] or any(d.get(BIDIRECTED_ATTR) for _n, d in G.nodes(data=True)):
        return drawing_data(G, px, routes, scale)  # a first drawing, or <-> edges (rare when big)
    old_nodes = {d["id"]: d for d in drawn["nodes"]}
    nodes: list[Any] = []
    todo: list[int] = []
    for n, attrs in G.nodes(data=True):
        d = old_nodes.get(_id(n))
        label, role = attrs.get("label"), attrs.get("role")
        text = str(label) if label not in (None, "") else _id(n)
        role = role if isinstance(role, str) else None
        if d is None or d["label"] != text or d["role"] != role:
            todo.append(len(nodes))
            nodes.append(n)
            continue
        x, y = _finite(px[n][0]), _finite(px[n][1])
        nodes.append(d if d["x"] == x and d["y"] == y else {**d, "x": x, "y": y})
    if todo:  # (a small subgraph view lists its nodes in no fixed order: matched by id)
        fresh = drawing_data(G.subgraph([nodes[i] for i in todo]), px)["nodes"]
        by_id = {d["id"]: d for d in fresh}
        for i in todo:
            nodes[i] = by_id[_id(nodes[i])]
    old_edges = {(d["source"], d["target"]): d for d in drawn["edges"]}
    edges: list[Any] = []
    changed = []
    succ, _pred = adjacency(G)  # (one tuple an edge: the hot loop of an edit at 20k edges)
    for u, nbrs in succ.items():
        su = _id(u)
        for v, attrs in nbrs.items():
            e = (u, v)
            d = old_edges.get(e if su is u and v.__class__ is str else (su, _id(v)))
            label = attrs.get("label")
            if (
                d is None
                or len(attrs) > ("label" in attrs)  # any other attribute: drawn afresh
                or "bend" in d  # (it was bent: straightened now)
                or d["label"] != ("" if label is None else str(label))
                or routes.get(e) is not old_routes.get(e)
            ):
                changed.append(len(edges))
                edges.append(e)
            else:
                edges.append(d)
    if len(changed) > len(edges) // 2:
        fresh = drawing_data(G, px, routes, scale)["edges"]
        return {"nodes": nodes, "edges": fresh, "bidirected": []}
    if changed:
        sub = G.edge_subgraph([edges[i] for i in changed])
        fresh = drawing_data(sub, px, routes, scale)["edges"]
        by_ends = {(d["source"], d["target"]): d for d in fresh}
        for i in changed:
            u, v = edges[i]
            edges[i] = by_ends[(_id(u), _id(v))]
    return {"nodes": nodes, "edges": edges, "bidirected": []}


def _moved(
    G: nx.DiGraph,
    drawn: dict[str, list[dict]],
    px: dict[Hashable, tuple[float, float]],
    routes: dict,
    old_routes: dict,
    scale: float | None = None,
) -> dict[str, list[dict]]:
    """:func:`_redrawn` after a move (nothing but positions changed): new entries for the
    moved nodes, and from ``drawing_data`` for the edges at a moved node, whose route is
    not the very list it was, or that are (or were) bent -- a bend is a position too; the
    edge list itself is kept when none changed."""
    nodes, moved = [], []
    for n, d in zip(visible_nodes(G), drawn["nodes"], strict=True):
        x, y = _finite(px[n][0]), _finite(px[n][1])
        if d["x"] != x or d["y"] != y:
            d = {**d, "x": x, "y": y}
            moved.append(n)
        nodes.append(d)
    changed = {e for e, r in routes.items() if old_routes.get(e) is not r}
    changed.update(e for e in old_routes if e not in routes)
    changed.update(G.in_edges(moved))
    changed.update(G.out_edges(moved))
    changed.update((u, v) for u, v, d in G.edges(data=True) if "pos" in d)
    was_bent = [(d["source"], d["target"]) for d in drawn["edges"] if "bend" in d]
    if was_bent:
        ids = {_id(n): n for n in G}
        changed.update((ids[a], ids[b]) for a, b in was_bent if a in ids and b in ids)
    edges = drawn["edges"]
    if changed:
        changed = {e for e in changed if G.has_edge(*e)}
        fresh = drawing_data(G.edge_subgraph(changed), px, routes, scale)["edges"]
        by_ends = {(d["source"], d["target"]): d for d in fresh}
        edges = [by_ends.get((d["source"], d["target"]), d) for d in edges]
    return {"nodes": nodes, "edges": edges, "bidirected": drawn["bidirected"]}


def _id(n: Hashable) -> str:
    return n if isinstance(n, str) else str(n)


@contextlib.contextmanager
def _collected_after() -> Iterator[None]:
    """Run a redraw without Python's cyclic garbage collector, which runs again after it.

    A big graph's layout and drawing lists are an allocation burst of long-lived objects:
    the collector walked the whole heap eight times during one ``show()`` of a 20,000-edge
    graph (a quarter of its time).  Nothing here makes reference cycles to wait for, and
    reference counting frees everything else as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _structure(G: nx.DiGraph) -> tuple[frozenset, frozenset, frozenset]:
    """What a fit check depends on: nodes, edges and which nodes are latent (unmeasured).

    Positions, labels and the other roles are left out: moving a node keeps its marks.
    """
    latent = frozenset(n for n, d in G.nodes(data=True) if d.get("role") == "latent")
    return frozenset(G.nodes), frozenset(G.edges), latent


def _default_height(nodes: Sequence[dict], title: str) -> int:
    _x0, y0, _x1, y1 = bounds(nodes, NODE_RADIUS)
    return int(min(max(y1 - y0 + 60 + (TITLE_BAND if title else 0), 220), 640))


class DagWidget(EditHandling, anywidget.AnyWidget):
    """An editable drawing of a causal graph, in sync with the ``networkx.DiGraph``.

    Parameters
    ----------
    graph : the graph to draw (an empty one if ``None``); edits change this very object.
    name : the name the graph has in the notebook; used for the copy-back ``%%dag NAME``
        text and to follow ``%%dag NAME`` re-runs (see docs/state-model.md).
    title, width, height : the drawing's title and size in pixels (``width=None`` fills the
        output area; ``height=None`` fits the layout).
    layout : ``"layered"`` (causal order, top to bottom) or ``"force"``.
    readonly : refuse every edit (for teaching).
    source : the cell text the graph came from (kept for reference).
    """

    _esm = _STATIC / "widget.js" if (_STATIC / "widget.js").exists() else _MISSING_BUNDLE
    _css = _STATIC / "widget.css" if (_STATIC / "widget.css").exists() else ""

    # Plain lists: Python builds them (the browser cannot write them, see set_state), and
    # checking each element's type cost 60 ms per redraw at 20,000 edges.
    nodes = t.List(help="visible nodes: id, label, lines, short, w, role, latent, x, y (px)").tag(
        sync=True
    )
    edges = t.List(help="directed edges: source, target, label, route (px)").tag(sync=True)
    bidirected = t.List(help="<-> edges: id (hidden node), a, b, label").tag(sync=True)
    title = t.Unicode("").tag(sync=True)
    width = t.Int(0, help="px; 0 fills the output area").tag(sync=True)
    height = t.Int(300, help="px").tag(sync=True)
    radius = t.Int(NODE_RADIUS).tag(sync=True)
    role_colors = t.Dict(
        _role_colors(), help="node fill per role (graph.ROLE_COLORS); 'default' for no role"
    ).tag(sync=True)
    font_size = t.Int(FONT_SIZE).tag(sync=True)
    layout_kind = t.Enum(list(_layout.LAYOUTS), default_value="layered").tag(sync=True)
    readonly = t.Bool(False).tag(sync=True)
    mode = t.Enum(["live", "readonly", "detached"], default_value="live").tag(sync=True)
    mode_reason = t.Unicode("").tag(sync=True)
    name = t.Unicode("").tag(sync=True)
    scale = t.Float(_layout.DEFAULT_SCALE, help="px per DAGitty unit").tag(sync=True)
    message = t.Unicode("", help="the last refusal or error").tag(sync=True)
    message_seq = t.Int(0).tag(sync=True)
    dirty = t.Bool(False, help="the graph differs from the cell that made it").tag(sync=True)
    dsl_text = t.Unicode("", help="%%dag NAME text of the graph, when dirty").tag(sync=True)
    structure_changed = t.Bool(
        False, help="dirty by more than moved nodes (the copy-back text opens only then)"
    ).tag(sync=True)
    lost_text = t.Unicode(
        "", help="%%dag text of browser edits that the last %%dag run replaced"
    ).tag(sync=True)
    overlay = t.Dict().tag(sync=True)
    can_undo = t.Bool(False).tag(sync=True)
    can_redo = t.Bool(False).tag(sync=True)
    static_ids = t.List(
        t.Unicode(), help="ids of static copies of this drawing that live views hide"
    ).tag(sync=True)
    fit_marks = t.List(
        t.Dict(), help="contradicted implications to mark: a, b, given, text (see show_fit)"
    ).tag(sync=True)
    explore = t.Dict(
        help="the d-separation explorer's answer: a, b, given, separated, verdict, paths"
    ).tag(sync=True)
    present = t.Bool(False, help="presenting mode: larger type and nodes").tag(sync=True)

    def __init__(
        self,
        graph: nx.DiGraph | None = None,
        *,
        name: str | None = None,
        title: str = "",
        width: int | None = None,
        height: int | None = None,
        layout: str = "layered",
        readonly: bool = False,
        source: str | None = None,
        **kwargs: Any,
    ) -> None:
        if graph is None:
            graph = nx.DiGraph()
        if not isinstance(graph, nx.DiGraph) or graph.is_multigraph():
            raise TypeError(f"DagWidget needs a networkx.DiGraph, got {type(graph).__name__}")
        if layout not in _layout.LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(_layout.LAYOUTS)}, got {layout!r}")
        for what, value in (("width", width), ("height", height)):
            if value and not (isinstance(value, int) and PIXELS[0] <= value <= PIXELS[1]):
                raise ValueError(
                    f"{what} must be {PIXELS[0]} to {PIXELS[1]} pixels (or None to fit), "
                    f"got {_shown(value)}"
                )
        super().__init__(
            title=title or "",
            width=int(width or 0),
            name=name or "",
            layout_kind=layout,
            readonly=bool(readonly),
            **kwargs,
        )
        self._fixed_height = int(height) if height else None
        self._overlay_of: tuple | None = None  # the _overlay_key the overlay was made for
        self._fallbacks: list[StaticFallback] = []
        self._graph = graph
        self._detached_reason: str | None = None
        self._bind(graph, source)
        self.lost_text = _lost_edits.pop(graph, "")  # said once, by the re-run's own view
        self.on_msg(self._on_msg)
        sync.add(self)

    # -- binding -------------------------------------------------------------------

    def _bind(self, graph: nx.DiGraph, source: str | None) -> None:
        self._graph = graph
        self.source = source
        self._cell_fp = sync.fingerprint(graph)
        self._cell_shape = _shape(graph)
        self._px: dict[Hashable, tuple[float, float]] = {}
        self._undo: list[tuple[Snapshot, dict, str]] = []
        self._redo: list[tuple[Snapshot, dict, str]] = []
        self.scale = _layout.choose_scale(graph)
        self._fit_structure: tuple | None = None
        self._explore_q: tuple | None = None
        self.explore = {}
        self.fit_marks = []  # they described the graph this widget drew before
        self.refresh()
        for note in _layout.position_notes(graph):  # unusable pos= values: say so
            self._refuse(note)
        if self._fixed_height is None:
            self.height = _default_height(self.nodes, self.title)
        else:
            self.height = self._fixed_height

    @property
    def graph(self) -> nx.DiGraph:
        """The graph this widget draws and edits; setting it swaps the graph and redraws."""
        return self._graph

    @graph.setter
    def graph(self, new: nx.DiGraph) -> None:
        if not isinstance(new, nx.DiGraph) or new.is_multigraph():
            raise TypeError(f"DagWidget.graph must be a networkx.DiGraph, got {type(new).__name__}")
        self.follow(new)
        sync.swapped(self)  # the end-of-cell hook keeps this choice (state-model §2)

    def follow(self, graph: nx.DiGraph, source: str | None = None) -> None:
        """Re-bind to ``graph`` (``%%dag`` re-run, ``widget.graph = H``); clears undo.

        Edits made here since the cell ran, which ``graph`` does not have, are not dropped
        silently: their ``%%dag`` text goes to ``lost_text`` (here and in the new cell's view).
        """
        lost = self._lost_text_for(graph)
        self._detached_reason = None
        self._bind(graph, source)
        self.lost_text = lost
        if lost:
            _lost_edits[graph] = lost

    def _lost_text_for(self, graph: nx.DiGraph) -> str:
        """The ``%%dag`` text of this view's edits if following ``graph`` would lose them."""
        old = self._graph
        if old is graph or not self.dirty or sync.fingerprint(old) == sync.fingerprint(graph):
            return ""
        return self.copy_back_text()[:MAX_LOST_TEXT]

    def set_detached(self, reason: str | None) -> None:
        """Refuse edits with ``reason`` (``None`` re-attaches); see docs/state-model.md §2."""
        if reason == self._detached_reason:
            return
        self._detached_reason = reason
        self._update_mode()

    def close(self) -> None:
        sync.discard(self)
        super().close()

    # -- Python -> browser -----------------------------------------------------------

    def send_state(self, key: Any = None) -> None:
        """ipywidgets' ``send_state``, without its search for binary buffers in the drawing's
        lists (:data:`PLAIN_TRAITS` hold JSON only: no bytes): at 20,000 edges that search
        walked 200,000 lists and dicts on every edit."""
        state = self.get_state(key=key)
        if not state:
            return
        for name, value in state.items():  # as ipywidgets: keep the lock's values current
            if name in self._property_lock:
                self._property_lock[name] = value
        plain = {k: state.pop(k) for k in PLAIN_TRAITS if k in state}
        state, buffer_paths, buffers = _remove_buffers(state)
        state.update(plain)
        self._send({"method": "update", "state": state, "buffer_paths": buffer_paths}, buffers)

    def _update_mode(self) -> None:
        if getattr(self, "_detached_reason", None):
            self.mode, self.mode_reason = "detached", self._detached_reason
        elif self.readonly:
            self.mode, self.mode_reason = "readonly", "read-only view: edits are turned off"
        else:
            self.mode, self.mode_reason = "live", ""

    @t.observe("readonly")
    def _readonly_changed(self, change: dict) -> None:
        self._update_mode()

    def refresh(self, moved: bool = False) -> None:
        """Recompute every drawing trait from the graph (positions, overlay, dirty...).

        Without the cyclic garbage collector while it runs (:func:`_collected_after`)."""
        with _collected_after():
            self._refresh(moved)

    def _refresh(self, moved: bool) -> None:
        """:meth:`refresh`'s work.

        ``moved``: only positions changed since the last drawing (a move, the hot path of
        dragging a large graph): the overlay is kept, edges that do not touch a moved
        node keep their routes (:func:`layout.in_pixels`), and only moved nodes and
        re-routed edges get new drawing entries."""
        G = self._graph
        s = self.scale
        previous = {n: (x / s, y / s) for n, (x, y) in self._px.items() if n in G}
        plan = _layout.plan(G, layout=self.layout_kind, previous=previous)
        # what this view drew before: unmoved edges keep their route (and are not re-checked)
        old_routes = getattr(self, "_routes", {})
        earlier = (self._px, old_routes, getattr(self, "_drawn", frozenset()))
        edges = _layout.drawn_edges(G)
        self._px, routes = _layout.in_pixels(G, plan, s, earlier=earlier, edges=edges)
        self._routes = routes
        if not moved:
            self._drawn = frozenset(edges)
        drawn = {"nodes": self.nodes, "edges": self.edges, "bidirected": self.bidirected}
        if moved and drawn["nodes"] and not drawn["bidirected"]:
            data = _moved(G, drawn, self._px, routes, old_routes, s)
        else:
            data = _redrawn(G, drawn, self._px, routes, old_routes, s)
        fp = sync.fingerprint(G)
        dirty = fp != self._cell_fp
        stale_marks = self._fit_structure is not None and self._fit_structure != _structure(G)
        with self.hold_sync():
            if stale_marks:
                self.fit_marks = []
                self._fit_structure = None
            self.nodes = data["nodes"]
            self.edges = data["edges"]
            self.bidirected = data["bidirected"]
            key = self._overlay_of if moved else _overlay_key(G)
            if key != self._overlay_of:
                live = G.number_of_edges() <= LIVE_OVERLAY_EDGES
                self.overlay = overlay_for(G) if live else deferred_overlay(G)
                self._overlay_of = key
                self._recompute_explore()  # the explorer's answer follows the structure
            self.dirty = dirty
            if not moved:  # a move changes no shape (and moves only when nothing else did)
                self.structure_changed = dirty and _shape(G) != self._cell_shape
            self.dsl_text = self.copy_back_text() if dirty else ""
            self.can_undo = bool(self._undo)
            self.can_redo = bool(self._redo)
            self._update_mode()
        self._drawn_fp = fp
        for fallback in self._fallbacks:
            fallback.update()

    def compute_overlay(self) -> dict[str, Any]:
        """Compute the causal overlay and the panel's lists now, and show them; returns the
        overlay.  Past :data:`LIVE_OVERLAY_EDGES` edges they are computed only on request
        (this call, or the panel's button); a move keeps them, a change of structure asks
        again."""
        self.refresh_if_changed()
        G = self._graph
        self.overlay = overlay_for(G)
        self._overlay_of = _overlay_key(G)
        for fallback in self._fallbacks:
            fallback.update()
        return self.overlay

    def refresh_if_changed(self) -> bool:
        """Redraw if the graph changed since the last drawing; return whether it did."""
        if sync.fingerprint(self._graph) == self._drawn_fp:
            return False
        self.refresh()
        return True

    def copy_back_text(self) -> str:
        """The graph as a ``%%dag NAME`` cell (with positions) to paste back into the notebook."""
        header = f"%%dag {self.name or 'G'}"
        G = self._graph
        n, m = G.number_of_nodes(), G.number_of_edges()
        if n + m > MAX_COPY_BACK:  # the text is synced and saved with the notebook
            name = self.name or "G"
            return (
                f"{header}\n# {n:,} nodes and {m:,} edges: too large to copy back here; "
                f"%dag {name} --dsl prints the text (or causal_magic.to_dsl({name}))"
            )
        try:
            from .dsl import to_dsl
        except ImportError:
            return header + "\n# (causal_magic.dsl is not available to write the graph)"
        try:
            return header + "\n" + to_dsl(self._graph).rstrip("\n")
        except Exception as err:  # e.g. a cycle made from Python: say so, do not break drawing
            return header + f"\n# cannot write this graph as text: {err}"

    # -- fit marks -----------------------------------------------------------------------

    def show_fit(self, result: Any) -> DagWidget:
        """Mark on the drawing each implication the data contradict; returns ``self``.

        ``result`` is a ``causal_magic.fit.FitResult`` (``check_fit(G, data)``), or the
        list its ``marks()`` returns: dicts with ``a``, ``b`` (two different nodes of the
        graph), ``given`` (node names) and ``text`` (the reading, shown as a tooltip).  The
        whole list is validated before anything is shown; a bad mark raises ``ValueError``
        and leaves the current marks as they are.  The marks describe the graph as it was
        checked, so they are cleared when its structure changes (docs/state-model.md §8).
        """
        raw = result.marks() if hasattr(result, "marks") else result
        if isinstance(raw, (str, bytes, dict)) or not isinstance(raw, (list, tuple)):
            raise TypeError(
                "show_fit() takes a FitResult (from check_fit) or a list of marks, "
                f"got {type(result).__name__}"
            )
        marks = [self._fit_mark(i, m) for i, m in enumerate(raw)]
        with self.hold_sync():
            self.fit_marks = marks
            self._fit_structure = _structure(self._graph) if marks else None
        for fallback in self._fallbacks:
            fallback.update()
        return self

    def _fit_mark(self, i: int, mark: Any) -> dict[str, Any]:
        where = f"show_fit: mark {i}"
        if not isinstance(mark, dict):
            raise ValueError(f"{where} must be a dict with a, b, given, text; got {mark!r:.80}")
        G = self._graph

        def node(value: Any, what: str) -> str:
            key = sync.node_key(G, value) if isinstance(value, str) else None
            if key is None and not isinstance(value, str) and value in G:
                key = value  # a non-string node name, as check_fit gives it back
            if key is None or is_hidden(G, key):
                raise ValueError(
                    f"{where}: {what} {value!r:.60} is not a node of the graph "
                    f"(nodes: {', '.join(map(str, list(visible_nodes(G))[:12]))})"
                )
            return str(key)

        a, b = node(mark.get("a"), "a"), node(mark.get("b"), "b")
        if a == b:
            raise ValueError(f"{where}: a and b are both {a!r}; a mark joins two nodes")
        given = mark.get("given", [])
        if isinstance(given, (str, bytes)) or not isinstance(given, (list, tuple)):
            raise ValueError(f"{where}: 'given' must be a list of node names, got {given!r:.60}")
        text = mark.get("text", "")
        if not isinstance(text, str):
            raise ValueError(f"{where}: 'text' must be a string, got {type(text).__name__}")
        # The tooltip's ⫫ as a glyph every font has (the static SVG's <title> reads it too).
        text = plain_indep(text)
        return {"a": a, "b": b, "given": [node(g, "given") for g in given], "text": text}

    # -- export ------------------------------------------------------------------------

    def to_svg(self, static_id: str = "", note: str = "") -> str:
        """A self-contained SVG of the current drawing (same positions and colours); larger in
        presenting mode."""
        svg = render_svg(
            {"nodes": self.nodes, "edges": self.edges, "bidirected": self.bidirected},
            title=self.title,
            width=self.width or None,
            height=self.height or None,
            overlay=self.overlay,
            fit_marks=self.fit_marks,
            static_id=static_id,
            note=note,
        )
        return scaled(svg, PRESENT_SCALE) if self.present else svg

    def to_tikz(self) -> str:
        """The drawing as a TikZ picture (needs ``\\usetikzlibrary{arrows.meta}``)."""
        return render_tikz(
            {"nodes": self.nodes, "edges": self.edges, "bidirected": self.bidirected}
        )

    def save(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write the drawing to ``path``: ``.svg``, or ``.tex`` for TikZ.

        No PNG from Python: that needs a browser (use the widget's PNG button) or an SVG
        converter, and causal_magic adds no dependency for it.
        """
        path = pathlib.Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text(self.to_svg(), encoding="utf-8")
        elif suffix in (".tex", ".tikz"):
            path.write_text(self.to_tikz(), encoding="utf-8")
        else:
            raise ValueError(
                f"save() writes .svg or .tex (TikZ) files; got {path.name!r}. For a PNG use the "
                "widget's PNG button in the notebook"
            )
        return path

    def _plain(self) -> str:
        G = self._graph
        n = len(visible_nodes(G))
        m = len(self.edges) + len(self.bidirected)
        who = f"{self.name}: " if self.name else ""
        return f"<DagWidget {who}{n} nodes, {m} edges>"

    def __repr__(self) -> str:
        return self._plain()

    def _add_fallback(self, fallback: StaticFallback) -> None:
        self._fallbacks.append(fallback)
        self.static_ids = [*self.static_ids, fallback.static_id]

    def _ipython_display_(self) -> None:
        """Display = the static SVG output (see :class:`StaticFallback`), then the widget."""
        from IPython.display import display

        sync.note_display(self)
        fallback = StaticFallback(lambda sid: self.to_svg(sid, note=STATIC_NOTE), self._size)
        self._add_fallback(fallback)
        fallback.show()
        data, meta = self._view_bundle()  # the SVG is in the output above: never twice
        display(data, raw=True, metadata=meta)

    def _size(self) -> tuple[int, int]:
        return len(self.nodes), len(self.edges) + len(self.bidirected)

    def _view_bundle(self, **kwargs: Any) -> tuple[dict, dict]:
        result = super()._repr_mimebundle_(**kwargs)
        data, meta = result if isinstance(result, tuple) else (result or {}, {})
        data = dict(data)
        data["text/plain"] = self._plain()
        return data, meta

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict]:
        data, meta = self._view_bundle(**kwargs)
        svg = small_svg(self._size(), self.to_svg)
        if svg:
            data["image/svg+xml"] = svg
        return data, meta

    # -- the d-separation explorer ---------------------------------------------------

    def explain(self, a: Hashable, b: Hashable, given: Sequence[Hashable] = ()) -> None:
        """Show the explorer's answer for ``a``, ``b`` given ``given`` (``IdentificationError``
        when the question is bad); kept up to date on every edit."""
        from .panel import explanation_state

        self.explore = explanation_state(self._graph, a, b, given)
        self._explore_q = (a, b, tuple(given))

    def _recompute_explore(self) -> None:
        if self._explore_q is None:
            return
        try:
            self.explain(*self._explore_q)
        except Exception:  # a node of the question is gone (or the graph has a cycle)
            self._explore_q = None
            self.explore = {}

    def _on_explore(self, content: dict) -> str | None:
        """``{"type": "explore", "a", "b", "given": [...]}``; ``a`` null clears the question."""
        if content.get("a") is None:
            self._explore_q = None
            self.explore = {}
            return None
        try:
            a, b = self._node(content, "a"), self._node(content, "b")
            raw = content.get("given", [])
            if not isinstance(raw, list) or len(raw) > self._graph.number_of_nodes():
                raise EditRefused("'given' must be a list of node names")
            given = [self._node({"id": g}) for g in raw]
            if a == b or a in given or b in given:
                raise EditRefused("pick two different nodes, neither of them in the given set")
            self.explain(a, b, given)
        except EditRefused as err:
            return self._refuse(str(err))
        except Exception as err:  # e.g. the graph has a cycle: say so, change nothing
            return self._refuse(f"cannot explore: {err}")
        return None


class DagRow(ipywidgets.HBox):
    """Several :class:`DagWidget` side by side (``show(G, G2)``); ``.widgets`` lists them."""

    def __init__(self, widgets: Sequence[DagWidget]) -> None:
        super().__init__(
            children=list(widgets),
            layout=ipywidgets.Layout(flex_flow="row wrap", grid_gap="12px"),
        )
        self.widgets = list(widgets)
        for w in self.widgets:  # share the row; a fixed width stays fixed
            w.layout.flex = "0 0 auto" if w.width else "1 1 320px"
            w.layout.min_width = "0" if w.width else "280px"

    def close(self) -> None:
        for w in self.widgets:
            w.close()
        super().close()

    def to_svg(self, static_id: str = "", note: str = "") -> str:
        """All drawings in one SVG, left to right."""
        svg = side_by_side([w.to_svg(note=note) for w in self.widgets])
        if static_id:
            svg = svg.replace("<svg ", f'<svg data-cm-static="{static_id}" ', 1)
        return svg

    def _ipython_display_(self) -> None:
        """Display = one static SVG of all graphs, then the row (see :class:`StaticFallback`)."""
        from IPython.display import display

        sync.note_display(self)
        fallback = StaticFallback(lambda sid: self.to_svg(sid, note=STATIC_NOTE), self._size)
        for w in self.widgets:
            w._add_fallback(fallback)
        fallback.show()
        display(self._view_bundle(), raw=True)  # the SVG is in the output above

    def _size(self) -> tuple[int, int]:
        sizes = [w._size() for w in self.widgets]
        return sum(n for n, _ in sizes), sum(m for _, m in sizes)

    def _view_bundle(self, **kwargs: Any) -> dict:
        data = dict(super()._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = "<DagRow " + ", ".join(w._plain() for w in self.widgets) + ">"
        return data

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        data = self._view_bundle(**kwargs)
        svg = small_svg(self._size(), self.to_svg)
        if svg:
            data["image/svg+xml"] = svg
        return data


def show(
    G: nx.DiGraph | Sequence[nx.DiGraph],
    *more: nx.DiGraph,
    title: str | Sequence[str] | None = None,
    width: int | None = None,
    height: int | None = None,
    layout: str = "layered",
    readonly: bool = False,
    name: str | None = None,
    names: Sequence[str | None] | None = None,
    source: str | None = None,
    present: bool = False,
) -> DagWidget | DagRow:
    """Draw one graph (returns a :class:`DagWidget`) or several side by side (a
    :class:`DagRow`).  ``show([G, G2], title=[...])`` works as in the seed's ``show_dag``.

    ``title`` is one string for all graphs or one per graph; ``names`` gives each graph's
    notebook name (``name`` for a single graph); ``present`` starts in presenting mode
    (larger type and nodes, for a class).
    """
    graphs = list(G) if isinstance(G, (list, tuple)) else [G]
    graphs.extend(more)
    if not graphs:
        raise ValueError("show() needs at least one graph")
    for g in graphs:
        if not isinstance(g, nx.DiGraph):
            raise TypeError(f"show() draws networkx.DiGraph objects, got {type(g).__name__}")
    if title is None or isinstance(title, str):
        titles = [title or ""] * len(graphs)
    else:
        titles = [str(x) if x is not None else "" for x in title]
        if len(titles) != len(graphs):
            raise ValueError(f"{len(titles)} titles for {len(graphs)} graphs; give one per graph")
    if names is None:
        names = [name] + [None] * (len(graphs) - 1) if name else [None] * len(graphs)
    names = list(names)
    if len(names) != len(graphs):
        raise ValueError(f"{len(names)} names for {len(graphs)} graphs; give one per graph")
    widgets = [
        DagWidget(
            g,
            name=n,
            title=ttl,
            width=width,
            height=height,
            layout=layout,
            readonly=readonly,
            source=source if len(graphs) == 1 else None,
            present=bool(present),
        )
        for g, ttl, n in zip(graphs, titles, names, strict=True)
    ]
    if len(widgets) == 1:
        return widgets[0]
    return DagRow(widgets)
