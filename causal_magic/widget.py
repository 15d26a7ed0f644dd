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

import math
import pathlib
import uuid
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import anywidget
import ipywidgets
import networkx as nx
import traitlets as t

from . import layout as _layout
from . import sync
from .graph import (
    ROLES,
    bidirected_pairs,
    check_dag,
    format_cycle,
    hidden_node_name,
    is_hidden,
    nodes_with_role,
    visible_nodes,
)
from .style import FONT_SIZE, NODE_RADIUS, TITLE_BAND
from .style import role_colors as _role_colors
from .svg import bounds, drawing_data, render_svg, render_tikz, side_by_side

_STATIC = pathlib.Path(__file__).parent / "static"
_MISSING_BUNDLE = """
export default { render({ el }) {
  el.textContent = "causal_magic: the widget bundle is missing; run npm install && npm run build";
} };
"""

#: Under the static copy of a drawing (seen where the live widget cannot run).
STATIC_NOTE = "Static copy: run the cell to edit."
#: How many adjustment sets the overlay panel lists at most.
MAX_SETS = 5
MAX_NAME = 200


class StaticFallback:
    """A separate notebook output with the static SVG, kept up to date by ``display_id``.

    Why: JupyterLab shows the widget mime type whenever it is in an output, even when it
    cannot render it ("Error displaying widget: model not found" after a reopen without
    saved widget state; "Loading widget..." with no kernel) -- it never falls back to the
    ``image/svg+xml`` beside it.  So the drawing is also published as its own output, which
    the live view hides (CSS keyed by ``static_id``) and which every refresh updates, so a
    saved notebook shows the graph as last edited, anywhere, with or without a kernel.
    """

    def __init__(self, make_svg: Callable[[str], str]) -> None:
        self.static_id = f"cm-{uuid.uuid4().hex[:12]}"
        self.display_id = f"causal-magic-static-{self.static_id}"
        self._make_svg = make_svg
        self._last = ""

    def _bundle(self, svg: str) -> dict[str, str]:
        # text/html first: front ends then inline the SVG (nbconvert would otherwise make it
        # a base64 <img>), so its text is searchable and a live view can hide it by id.
        return {
            "text/html": svg,
            "image/svg+xml": svg,
            "text/plain": "(static drawing of the graph)",
        }

    def show(self) -> None:
        from IPython.display import display

        self._last = self._make_svg(self.static_id)
        display(self._bundle(self._last), raw=True, display_id=self.display_id)

    def update(self) -> None:
        from IPython.display import update_display

        svg = self._make_svg(self.static_id)
        if svg != self._last:
            self._last = svg
            update_display(self._bundle(svg), raw=True, display_id=self.display_id)


class EditRefused(ValueError):
    """A browser edit that is not applied; the text is shown in the widget."""


Snapshot = tuple[dict, list, list]


def _snapshot(G: nx.DiGraph) -> Snapshot:
    return (
        dict(G.graph),
        [(n, dict(d)) for n, d in G.nodes(data=True)],
        [(u, v, dict(d)) for u, v, d in G.edges(data=True)],
    )


def _restore(G: nx.DiGraph, snap: Snapshot) -> None:
    """Put ``snap`` back into the same object (``G`` stays the graph the user holds)."""
    graph_attrs, nodes, edges = snap
    G.clear()
    G.graph.update(graph_attrs)
    G.add_nodes_from((n, dict(d)) for n, d in nodes)
    G.add_edges_from((u, v, dict(d)) for u, v, d in edges)


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
    except Exception as err:  # the overlay must never break drawing
        out["error"] = f"{type(err).__name__}: {err}"
    return out


def _structure(G: nx.DiGraph) -> tuple[frozenset, frozenset, frozenset]:
    """What a fit check depends on: nodes, edges and which nodes are latent (unmeasured).

    Positions, labels and the other roles are left out: moving a node keeps its marks.
    """
    latent = frozenset(n for n, d in G.nodes(data=True) if d.get("role") == "latent")
    return frozenset(G.nodes), frozenset(G.edges), latent


def _default_height(nodes: Sequence[dict], title: str) -> int:
    _x0, y0, _x1, y1 = bounds(nodes, NODE_RADIUS)
    return int(min(max(y1 - y0 + 60 + (TITLE_BAND if title else 0), 220), 640))


class DagWidget(anywidget.AnyWidget):
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

    nodes = t.List(
        t.Dict(), help="visible nodes: id, label, lines, short, w, role, latent, x, y (px)"
    ).tag(sync=True)
    edges = t.List(t.Dict(), help="directed edges: source, target, label, route (px)").tag(
        sync=True
    )
    bidirected = t.List(t.Dict(), help="<-> edges: id (hidden node), a, b, label").tag(sync=True)
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
    overlay = t.Dict().tag(sync=True)
    can_undo = t.Bool(False).tag(sync=True)
    can_redo = t.Bool(False).tag(sync=True)
    static_ids = t.List(
        t.Unicode(), help="ids of static copies of this drawing that live views hide"
    ).tag(sync=True)
    fit_marks = t.List(
        t.Dict(), help="contradicted implications to mark: a, b, given, text (see show_fit)"
    ).tag(sync=True)

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
        super().__init__(
            title=title or "",
            width=int(width or 0),
            name=name or "",
            layout_kind=layout,
            readonly=bool(readonly),
            **kwargs,
        )
        self._fixed_height = int(height) if height else None
        self._fallbacks: list[StaticFallback] = []
        self._graph = graph
        self._detached_reason: str | None = None
        self._bind(graph, source)
        self.on_msg(self._on_msg)
        sync.add(self)

    # -- binding -------------------------------------------------------------------

    def _bind(self, graph: nx.DiGraph, source: str | None) -> None:
        self._graph = graph
        self.source = source
        self._cell_fp = sync.fingerprint(graph)
        self._px: dict[Hashable, tuple[float, float]] = {}
        self._undo: list[tuple[Snapshot, dict, str]] = []
        self._redo: list[tuple[Snapshot, dict, str]] = []
        self.scale = _layout.choose_scale(graph)
        self._fit_structure: tuple | None = None
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

    def follow(self, graph: nx.DiGraph, source: str | None = None) -> None:
        """Re-bind to ``graph`` (``%%dag`` re-run, ``widget.graph = H``); clears undo."""
        self._detached_reason = None
        self._bind(graph, source)

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

    def refresh(self) -> None:
        """Recompute every drawing trait from the graph (positions, overlay, dirty...)."""
        G = self._graph
        s = self.scale
        previous = {n: (x / s, y / s) for n, (x, y) in self._px.items() if n in G}
        plan = _layout.plan(G, layout=self.layout_kind, previous=previous)
        earlier = (self._px, getattr(self, "_routes", {}))  # unmoved edges keep their route
        self._px, routes = _layout.in_pixels(G, plan, s, earlier=earlier)
        self._routes = routes
        data = drawing_data(G, self._px, routes)
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
            self.overlay = overlay_for(G)
            self.dirty = dirty
            self.dsl_text = self.copy_back_text() if dirty else ""
            self.can_undo = bool(self._undo)
            self.can_redo = bool(self._redo)
            self._update_mode()
        self._drawn_fp = fp
        for fallback in self._fallbacks:
            fallback.update()

    def refresh_if_changed(self) -> bool:
        """Redraw if the graph changed since the last drawing; return whether it did."""
        if sync.fingerprint(self._graph) == self._drawn_fp:
            return False
        self.refresh()
        return True

    def copy_back_text(self) -> str:
        """The graph as a ``%%dag NAME`` cell (with positions) to paste back into the notebook."""
        header = f"%%dag {self.name or 'G'}"
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
        return {"a": a, "b": b, "given": [node(g, "given") for g in given], "text": text}

    # -- export ------------------------------------------------------------------------

    def to_svg(self, static_id: str = "", note: str = "") -> str:
        """A self-contained SVG of the current drawing (same positions and colours)."""
        return render_svg(
            {"nodes": self.nodes, "edges": self.edges, "bidirected": self.bidirected},
            title=self.title,
            width=self.width or None,
            height=self.height or None,
            overlay=self.overlay,
            fit_marks=self.fit_marks,
            static_id=static_id,
            note=note,
        )

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
        fallback = StaticFallback(lambda sid: self.to_svg(sid, note=STATIC_NOTE))
        self._add_fallback(fallback)
        fallback.show()
        data, meta = self._repr_mimebundle_()
        data.pop("image/svg+xml", None)  # already in the output above
        display(data, raw=True, metadata=meta)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict]:
        result = super()._repr_mimebundle_(**kwargs)
        data, meta = result if isinstance(result, tuple) else (result or {}, {})
        data = dict(data)
        data["image/svg+xml"] = self.to_svg()
        data["text/plain"] = self._plain()
        return data, meta

    # -- browser -> Python -----------------------------------------------------------

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        self.handle_message(content)
        if isinstance(content, dict) and content.get("type") == "edit":
            self.send({"type": "ack"})  # the front end warns when this never comes

    def handle_message(self, content: Any) -> str | None:
        """Validate and apply one message from the front end; return the refusal, if any.

        The graph is touched only after the whole message validated.  Refusals are shown in
        the widget (``message`` trait) and change nothing.
        """
        if not isinstance(content, dict):
            return self._refuse(f"malformed message: expected an object, got {content!r:.80}")
        kind = content.get("type")
        if kind == "hello":
            self.send({"type": "hello", "mode": self.mode})
            return None
        if kind != "edit":
            return self._refuse(f"unknown message type {kind!r}; expected 'edit' or 'hello'")
        op = content.get("op")
        handler = _OPS.get(op) if isinstance(op, str) else None
        if handler is None:
            return self._refuse(f"unknown edit {op!r}; expected one of {', '.join(_OPS)}")
        if self.mode != "live":
            return self._refuse(f"edit refused: {self.mode_reason}")
        try:
            handler(self, content)
        except EditRefused as err:
            return self._refuse(str(err))
        return None

    def _refuse(self, text: str) -> str:
        self.message = text
        self.message_seq += 1
        return text

    def _done(self) -> None:
        self.message = ""
        self.refresh()
        sync.graph_changed(self._graph, exclude=self)

    def _edit(self, apply: Callable[[nx.DiGraph], None]) -> None:
        """Run a validated change as one undoable step."""
        G = self._graph
        before = _snapshot(G)
        px_before = dict(self._px)
        apply(G)
        self._undo.append((before, px_before, sync.fingerprint(G)))
        self._redo.clear()
        self._done()

    # validation helpers
    def _node(self, content: dict, key: str = "id") -> Hashable:
        value = content.get(key)
        if not isinstance(value, str):
            raise EditRefused(f"{key!r} must be a node name (a string), got {value!r:.60}")
        n = sync.node_key(self._graph, value)
        if n is None or is_hidden(self._graph, n):
            raise EditRefused(f"there is no node {value!r} in the graph")
        return n

    def _new_name(self, content: dict, key: str) -> str:
        value = content.get(key)
        if not isinstance(value, str):
            raise EditRefused(f"{key!r} must be a string, got {value!r:.60}")
        name = value.strip()
        if not name:
            raise EditRefused("a node needs a name; the name was empty")
        if len(name) > MAX_NAME:
            raise EditRefused(f"a node name is at most {MAX_NAME} characters")
        if "<->" in name:
            raise EditRefused(f"{name!r}: '<->' is reserved for bidirected edges")
        if sync.node_key(self._graph, name) is not None:
            raise EditRefused(f"a node named {name!r} already exists")
        return name

    @staticmethod
    def _number(content: dict, key: str) -> float:
        value = content.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise EditRefused(f"{key!r} must be a number, got {value!r:.60}")
        if not math.isfinite(value):
            raise EditRefused(f"{key!r} must be a finite number, got {value!r}")
        return float(value)

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

        def apply(G: nx.DiGraph) -> None:
            self._freeze_positions(G)
            G.nodes[n]["pos"] = (round(x / self.scale, 3), round(y / self.scale, 3))

        self._edit(apply)

    def _op_add_edge(self, content: dict) -> None:
        u, v = self._node(content, "source"), self._node(content, "target")
        G = self._graph
        if u == v:
            raise EditRefused(f"{u} -> {u} would be a cycle (a node cannot cause itself)")
        if G.has_edge(u, v):
            raise EditRefused(f"the edge {u} -> {v} is already there")
        if nx.has_path(G, v, u):
            back = nx.shortest_path(G, v, u)
            raise EditRefused(
                f"{u} -> {v} would make a cycle: {format_cycle([u, *back])}; the graph is unchanged"
            )
        self._edit(lambda G: G.add_edge(u, v))

    def _op_delete_edge(self, content: dict) -> None:
        u, v = self._node(content, "source"), self._node(content, "target")
        if not self._graph.has_edge(u, v):
            raise EditRefused(f"there is no edge {u} -> {v}")
        self._edit(lambda G: G.remove_edge(u, v))

    def _op_delete_bidirected(self, content: dict) -> None:
        a, b = self._node(content, "a"), self._node(content, "b")
        hidden = [h for h, x, y in bidirected_pairs(self._graph) if {x, y} == {a, b}]
        if not hidden:
            raise EditRefused(f"there is no edge {a} <-> {b}")
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
        new = self._new_name(content, "new")

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
            raise EditRefused(f"unknown role {role!r}; expected one of {', '.join(ROLES)} or null")

        def apply(G: nx.DiGraph) -> None:
            if role is None:
                G.nodes[n].pop("role", None)
            else:
                G.nodes[n]["role"] = role

        self._edit(apply)

    def _op_relayout(self, content: dict) -> None:
        kind = content.get("layout", self.layout_kind)
        if kind not in _layout.LAYOUTS:
            raise EditRefused(f"layout must be one of {', '.join(_layout.LAYOUTS)}, got {kind!r}")

        def apply(G: nx.DiGraph) -> None:
            units = _layout.layered_layout(G) if kind == "layered" else _layout.force_layout(G)
            self.scale = _layout.DEFAULT_SCALE
            self._px = {}
            for n, (x, y) in units.items():
                G.nodes[n]["pos"] = (round(x, 3), round(y, 3))

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
        now, px_now = _snapshot(G), dict(self._px)
        _restore(G, snap)
        self._px = px
        target.append((now, px_now, sync.fingerprint(G)))
        self._done()


_OPS: dict[str, Callable[[DagWidget, dict], None]] = {
    "move": DagWidget._op_move,
    "add_edge": DagWidget._op_add_edge,
    "delete_edge": DagWidget._op_delete_edge,
    "delete_bidirected": DagWidget._op_delete_bidirected,
    "add_node": DagWidget._op_add_node,
    "delete_node": DagWidget._op_delete_node,
    "rename": DagWidget._op_rename,
    "set_role": DagWidget._op_set_role,
    "relayout": DagWidget._op_relayout,
    "undo": DagWidget._op_undo,
    "redo": DagWidget._op_redo,
}


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
        fallback = StaticFallback(lambda sid: self.to_svg(sid, note=STATIC_NOTE))
        for w in self.widgets:
            w._add_fallback(fallback)
        fallback.show()
        data = self._repr_mimebundle_()
        data.pop("image/svg+xml", None)
        display(data, raw=True)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        data = super()._repr_mimebundle_(**kwargs)
        data = dict(data or {})
        data["image/svg+xml"] = self.to_svg()
        data["text/plain"] = "<DagRow " + ", ".join(w._plain() for w in self.widgets) + ">"
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
) -> DagWidget | DagRow:
    """Draw one graph (returns a :class:`DagWidget`) or several side by side (a
    :class:`DagRow`).  ``show([G, G2], title=[...])`` works as in the seed's ``show_dag``.

    ``title`` is one string for all graphs or one per graph; ``names`` gives each graph's
    notebook name (``name`` for a single graph).
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
        )
        for g, ttl, n in zip(graphs, titles, names, strict=True)
    ]
    if len(widgets) == 1:
        return widgets[0]
    return DagRow(widgets)
