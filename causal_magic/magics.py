"""The notebook shell: ``%%dag``, ``%dag`` and ``%do``.

Argument parsing, user-namespace lookup and display -- nothing else.  Every
power here is a plain function elsewhere (``parse_dag``, ``show``, ``do``);
this module only turns user mistakes into :class:`UsageError` (shown without
a traceback) and keeps track of which names ``%%dag`` defined, so that
``%do`` can find "the" graph only when exactly one fits.
"""

from __future__ import annotations

import argparse
import builtins
import keyword
import re
import shlex
import weakref
from typing import Any

import networkx as nx
from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import ArgDecorator, argument, magic_arguments
from IPython.display import display

from .query import DoOptions, DoOptionsError, Query, parse_query, split_magic_line

_MAGIC_NAMES = {"line": ("dag", "do"), "cell": ("dag",)}

#: Names IPython writes itself: _, __, ___, _i, _ii, _iii, _5, _i5, _ih, _oh, _dh, and the
#: dunder names (__builtins__, __name__ ...).
_IPYTHON_NAMES = re.compile(r"_{1,3}|_i{1,3}|_i?\d+|_[iod]h|__\w+__")
#: --width / --height of a drawing, in pixels: below, it cannot be seen; above, no screen.
PIXELS = (50, 5000)
#: --bootstrap at most: more resamples move a 95 % interval by less than its Monte Carlo
#: error at 10,000, and each resample costs one pass over the count table.
MAX_RESAMPLES = 10_000
_SEED_MAX = 2**32 - 1  # numpy's seed range

# id(shell) -> the %%dag names (and the graphs they named) of a CausalMagics that was
# unloaded, for the next load.
_REMEMBERED: dict[int, list[tuple[str, weakref.ref]]] = {}


def _check_name(name: str, shell: Any = None) -> None:
    """Refuse a graph name that is not a Python name or would shadow Python's or IPython's
    own (``%%dag get_ipython`` would break the session); the old value stays."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(
            f"%%dag: {name[:60]!r} is not a valid Python name for the graph; "
            "use letters, digits and underscores, not starting with a digit (e.g. %%dag G)"
        )
    hidden = getattr(shell, "user_ns_hidden", None) or {}
    if name in hidden or _IPYTHON_NAMES.fullmatch(name):
        whose = "IPython's own name"
    elif hasattr(builtins, name):
        whose = "a Python builtin"
    else:
        return
    raise UsageError(
        f"%%dag: {name!r} is {whose}; a graph bound to it would break the notebook session. "
        f"Choose another name, e.g. %%dag G or %%dag {name.strip('_') or 'G'}_dag"
    )


def _parse_line(magic: Any, line: str) -> argparse.Namespace:
    """Split a magic's line as a shell does (``--title "Two words"`` is one value without
    its quotes), then read it with the parser ``@argument`` built (errors: UsageError)."""
    try:
        words = shlex.split(line)
    except ValueError as err:
        raise UsageError(f"cannot read the options {line[:200]!r}: {err}") from None
    return magic.parser.parse_args(words)


# -- the options of %do: one parser (built by @argument below), these its checks ---------


class _Once(argparse.Action):
    """Store an option's value, refusing a second occurrence of it."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, f"_seen_{self.dest}", False):
            raise argparse.ArgumentError(self, f"{option_string} is given twice")
        setattr(namespace, f"_seen_{self.dest}", True)
        setattr(namespace, self.dest, values)


class _SpelledOut(ArgDecorator):
    """Options are spelled out: ``--dat`` is unknown, not an abbreviation of ``--data``."""

    def add_to_parser(self, parser, group):
        parser.allow_abbrev = False


def _ci_level(text: str) -> float:
    try:
        ci = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--ci expects a level such as 0.95, got {text!r}"
        ) from None
    if 50 <= ci < 100:
        ci = ci / 100  # --ci 95 means 95 %
    if not 0 < ci < 1:
        raise argparse.ArgumentTypeError(
            f"--ci must be between 0 and 1 (e.g. 0.95) or a percentage like 95, got {text}"
        )
    return ci


def _integer(option: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{option} expects an integer, got {text!r}") from None


def _resamples(text: str) -> int:
    n = _integer("--bootstrap", text)
    if not 10 <= n <= MAX_RESAMPLES:
        raise argparse.ArgumentTypeError(
            f"--bootstrap takes 10 to {MAX_RESAMPLES:,} resamples, got {n:,} (more resamples "
            f"move the interval by less than its Monte Carlo error)"
        )
    return n


def _seed(text: str) -> int:
    n = _integer("--seed", text)
    if not 0 <= n <= _SEED_MAX:
        raise argparse.ArgumentTypeError(f"--seed must be between 0 and {_SEED_MAX}, got {n}")
    return n


def _pixels(option: str):
    low, high = PIXELS

    def read(text: str) -> int:
        n = _integer(option, text)
        if not low <= n <= high:
            raise argparse.ArgumentTypeError(
                f"{option} must be between {low} and {high} pixels, got {n}"
            )
        return n

    read.__name__ = option.strip("-")
    return read


def _method(text: str) -> str:
    known = ("auto", "strata", "gformula", "ipw", "aipw")
    if text not in known:
        raise argparse.ArgumentTypeError(f"--method is one of {', '.join(known)}; got {text!r}")
    return text


def _folds(text: str) -> int:
    n = _integer("--folds", text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"--folds/--grid needs a whole number >= 1, got {n}")
    return n


def _trim(text: str) -> float:
    try:
        q = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--trim expects a number such as 0.01, got {text!r}"
        ) from None
    if not 0 <= q < 0.5:
        raise argparse.ArgumentTypeError(f"--trim is a propensity cut-off in [0, 0.5), got {text}")
    return q


def _carry_positions(old: nx.DiGraph, new: nx.DiGraph) -> None:
    """A re-run keeps where each surviving node was: its ``pos`` in the old graph, else
    where a live view of the old graph showed it (the text's own ``pos=`` wins)."""
    from . import sync
    from .layout import carry_positions
    from .svg import node_id

    shown = []
    for w in sync.widgets_for(old):
        at = {d["id"]: (d["x"] / w.scale, d["y"] / w.scale) for d in w.nodes}
        shown.append({n: at[node_id(n)] for n in old if node_id(n) in at})
    carry_positions(old, new, shown)


def _positivity(text: str) -> str:
    if text not in ("error", "drop"):
        raise argparse.ArgumentTypeError(f"--positivity is 'error' or 'drop', got {text!r}")
    return text


@magics_class
class CausalMagics(Magics):
    """``%%dag`` / ``%dag`` draw and store graphs; ``%do`` estimates interventions."""

    def __init__(self, shell=None):
        super().__init__(shell)
        #: Names that ``%%dag`` bound, oldest first: ``%do`` picks its graph among them.
        self.dag_names: list[str] = []

    # -- namespace helpers -------------------------------------------------

    def _lookup(self, name: str, what: str) -> Any:
        ns = self.shell.user_ns
        if name not in ns:
            raise UsageError(f"no {what} named {name!r} in the notebook's namespace")
        return ns[name]

    def _graph(self, name: str) -> nx.DiGraph:
        value = self._lookup(name, "graph")
        if isinstance(value, nx.DiGraph) and value.is_multigraph():
            raise UsageError(
                f"{name!r} is a {type(value).__name__}: a causal graph is a plain "
                f"networkx.DiGraph with one edge per pair; convert it with "
                f"{name} = nx.DiGraph({name}) (parallel edges merge) or define it with %%dag"
            )
        if not isinstance(value, nx.DiGraph):
            raise UsageError(
                f"{name!r} is a {type(value).__name__}, not a graph; define it with %%dag {name}"
            )
        return value

    # -- %%dag / %dag ------------------------------------------------------

    @magic_arguments()
    @argument(
        "names",
        nargs="+",
        metavar="NAME",
        help="the graph's name in the notebook (several, on the line magic, side by side)",
    )
    @argument("--title", action="append", help="a title above the drawing (repeat for several)")
    @argument(
        "--width",
        type=_pixels("--width"),
        help=f"width of the drawing in pixels ({PIXELS[0]} to {PIXELS[1]})",
    )
    @argument(
        "--height",
        type=_pixels("--height"),
        help=f"height of the drawing in pixels ({PIXELS[0]} to {PIXELS[1]})",
    )
    @argument(
        "--layout",
        choices=("layered", "force"),
        default="layered",
        help="layered top-to-bottom causal order (default) or a force layout",
    )
    @argument("--readonly", action="store_true", help="refuse edits in the browser (teaching)")
    @argument("--present", action="store_true", help="presenting mode: larger type and nodes")
    @argument(
        "--explain",
        nargs=2,
        metavar=("A", "B"),
        help="the d-separation explorer: every path between A and B, open or blocked, and why",
    )
    @argument("--given", metavar="C,D", help="the conditioning set for --explain (comma-separated)")
    @argument("--dagitty", action="store_true", help="print the graph as DAGitty text (line magic)")
    @argument(
        "--dsl", action="store_true", help="print the graph as edge-language text (line magic)"
    )
    @argument("--dot", action="store_true", help="print the graph as Graphviz DOT (line magic)")
    @argument(
        "--check",
        metavar="DF",
        help="test the graph's implied independencies against a table; two graphs: compare them",
    )
    @argument("--alpha", type=float, default=0.05, help="significance level for --check")
    @argument(
        "--correction",
        choices=("holm", "bonferroni", "bh", "none"),
        default="holm",
        help="multiple-testing correction for --check (default holm)",
    )
    @argument(
        "--test",
        metavar="NAME",
        default="auto",
        help="independence test for --check: auto (default: G-test when every column is "
        "categorical, partial correlation otherwise), g-test or linear",
    )
    @line_cell_magic
    def dag(self, line: str, cell: str | None = None):
        """Define a causal graph from edge text (``%%dag``), or show graphs (``%dag``).

        Cell magic -- the body is the edge language, a superset of DAGitty's text::

            %%dag G
            Talent [confounder]
            Gear [treatment]
            Sound [outcome]
            Talent -> Gear, Sound
            Gear -> Sound

        stores a ``networkx.DiGraph`` as ``G`` and draws it.  A failed parse
        reports the line and column and leaves an earlier ``G`` untouched.

        Line magic::

            %dag G G2 --title GAS --title Reality   # side by side
            %dag G --dagitty                        # DAGitty text (also --dsl, --dot)
            %dag G --check df                       # do the data contradict the graph?
                                                    # (if so, the drawing marks the pairs)
            %dag GAS Reality --check df             # which graph do the data prefer?
            %dag G --explain Gear Sound --given Talent   # which paths are open, and why
        """
        args = _parse_line(self.dag, line)
        if cell is None:
            return self._show_graphs(args)
        if len(args.names) != 1:
            raise UsageError("%%dag takes one graph name, e.g. %%dag G")
        if args.dagitty or args.dsl or args.dot or args.check or args.explain or args.given:
            raise UsageError(
                "--dagitty/--dsl/--dot/--check/--explain/--given belong to the line magic: "
                "%dag NAME --dagitty"
            )
        name = args.names[0]
        _check_name(name, self.shell)
        graph = self._parse_cell(cell)
        self._bind(name, graph)
        display(
            _show(
                graph,
                name=name,
                title=_one_title(args.title),
                **_drawing_options(args),
                source=cell,
            )
        )
        return None

    @staticmethod
    def _parse_cell(cell: str) -> nx.DiGraph:
        from .dsl import DagSyntaxError, format_error, parse_dag

        try:
            return parse_dag(cell)
        except DagSyntaxError as err:
            raise UsageError(_bounded(format_error(err))) from None

    def _bind(self, name: str, graph: nx.DiGraph) -> None:
        """Store ``graph`` as ``name``; live views of the old graph follow the new one."""
        from . import sync

        old = self.shell.user_ns.get(name)
        if isinstance(old, nx.DiGraph) and old is not graph:
            _carry_positions(old, graph)
        self.shell.user_ns[name] = graph
        if isinstance(old, nx.DiGraph) and old is not graph:
            sync.rebind(old, graph)
        if name in self.dag_names:
            self.dag_names.remove(name)
        self.dag_names.append(name)

    def _show_graphs(self, args):
        graphs = [self._graph(n) for n in args.names]
        if args.check:
            return self._check(args, graphs)
        if args.explain or args.given:
            return self._explain(args, graphs)
        writers = _chosen_writers(args)
        if writers:
            for name, graph in zip(args.names, graphs, strict=True):
                for writer in writers:
                    if len(args.names) > 1:
                        print(f"# {name}")
                    print(_written(writer, graph, name))
                _warn_if_cyclic(graph, name)
            return None
        titles = args.title or []
        if titles and len(titles) not in (1, len(graphs)):
            raise UsageError(
                f"{len(titles)} --title values for {len(graphs)} graphs; give one, or one per graph"
            )
        display(
            _show(
                *graphs,
                names=list(args.names),
                title=titles if len(titles) > 1 else _one_title(titles),
                **_drawing_options(args),
            )
        )
        return None

    def _explain(self, args, graphs: list[nx.DiGraph]):
        """``%dag G --explain A B --given C,D``: the drawing with the explorer's answer."""
        from .identify import IdentificationError, explain_paths

        if not args.explain:
            raise UsageError("--given goes with --explain: %dag G --explain A B --given C,D")
        if len(graphs) != 1:
            raise UsageError("%dag --explain A B takes one graph: %dag G --explain A B")
        given = [g.strip() for g in (args.given or "").split(",") if g.strip()]
        a, b = args.explain
        try:
            explanation = explain_paths(graphs[0], a, b, given)
        except IdentificationError as err:
            raise UsageError(f"%dag {args.names[0]} --explain: {err}") from None
        w = _show(
            graphs[0],
            name=args.names[0],
            title=_one_title(args.title),
            **_drawing_options(args),
        )
        w.explain(a, b, given)  # the panel lists the paths; open ones are highlighted
        display(w)
        display(explanation)  # the same words as text/HTML: readable in a saved notebook too
        return None

    def _check(self, args, graphs: list[nx.DiGraph]):
        """``%dag G --check DF`` tests G's implications; with two graphs, compares them."""
        from .fit import check_fit, compare

        if len(graphs) > 2:
            raise UsageError("%dag --check DF takes one graph (check) or two (compare)")
        data = self._table(args.check)
        try:
            if len(graphs) == 1:
                result = check_fit(
                    graphs[0],
                    data,
                    alpha=args.alpha,
                    correction=args.correction,
                    graph_name=args.names[0],
                    test=args.test,
                )
            else:
                return compare(
                    *graphs,
                    data,
                    alpha=args.alpha,
                    correction=args.correction,
                    names=tuple(args.names),
                    test=args.test,
                )
        except ValueError as err:
            raise UsageError(f"%dag --check: {err}") from None
        if result.marks():  # the drawing, with the contradicted pairs marked, above the card
            display(
                _show(
                    graphs[0],
                    name=args.names[0],
                    title=_one_title(args.title),
                    **_drawing_options(args),
                ).show_fit(result)
            )
        return result

    def _table(self, name: str | None, option: str = "--data DF"):
        """The table named ``name``; a wrong or missing name lists the tables there are."""
        ns = self.shell.user_ns
        if name and name in ns:
            return ns[name]
        from .backends import engine_of

        tables = [n for n, v in ns.items() if not n.startswith("_") and engine_of(v)]
        here = f" (tables here: {', '.join(tables[:10])})" if tables else ""
        missing = f"no DataFrame named {name!r}" if name else f"no {option}"
        raise UsageError(f"{missing}{here}; give the data with {option}")

    # -- %do ---------------------------------------------------------------

    @magic_arguments()
    @_SpelledOut()
    @argument("--data", metavar="DF", action=_Once, help="the table to estimate from (required)")
    @argument(
        "--dag",
        metavar="G",
        action=_Once,
        help="the graph; may be left out when exactly one %%%%dag graph "
        "holds the query's variables",
    )
    @argument(
        "--adjust",
        metavar="Z",
        nargs="+",
        action=_Once,
        help="force an adjustment set, Z1,Z2 or Z1 Z2 ('' for none); "
        "warns when the graph says it is invalid",
    )
    @argument(
        "--ci",
        metavar="LEVEL",
        type=_ci_level,
        action=_Once,
        help="level of a bootstrap interval, e.g. 0.95 (or 95)",
    )
    @argument(
        "--bootstrap",
        metavar="N",
        type=_resamples,
        default=None,
        action=_Once,
        help=f"bootstrap resamples (default 1000; 10 to {MAX_RESAMPLES:,}); with --method "
        "ipw/aipw a bootstrap interval instead of the influence function's",
    )
    @argument(
        "--seed",
        metavar="S",
        type=_seed,
        action=_Once,
        help=f"seed of the bootstrap (0 to {_SEED_MAX})",
    )
    @argument(
        "--positivity",
        metavar="{error,drop}",
        type=_positivity,
        default="error",
        action=_Once,
        help="error (default): refuse strata without treated rows; drop: leave them out and say so",
    )
    @argument(
        "--bounds",
        action="store_true",
        help="bounds on the effect (given anyway when it is not identified); "
        "for an identified one they collapse to the estimate",
    )
    @argument(
        "--sensitivity",
        action="store_true",
        help="the E-value of a ratio or difference: how strong a hidden confounder must be",
    )
    @argument(
        "--method",
        type=_method,
        default="auto",
        action=_Once,
        help="auto (default: strata for categorical adjusters, else aipw, or gformula for a "
        "numeric treatment), strata, gformula, ipw or aipw",
    )
    @argument("--outcome-model", metavar="NAME", action=_Once, help="a model in the namespace")
    @argument("--propensity-model", metavar="NAME", action=_Once, help="a model in the namespace")
    @argument("--folds", metavar="K", type=_folds, default=5, action=_Once, help="aipw's folds (5)")
    @argument(
        "--trim",
        metavar="Q",
        type=_trim,
        action=_Once,
        help="keep rows with propensity in [Q, 1-Q] (the overlap population)",
    )
    @argument("--grid", metavar="K", type=_folds, action=_Once, help="points of a dose curve")
    @argument(
        "query",
        nargs="*",
        metavar="QUERY",
        help="P(Y=y | do(X=x)), E[Y | do(X=x)], or a difference or ratio of two (first)",
    )
    @no_var_expand
    @line_magic("do")
    def do(self, line: str):
        """Estimate an interventional probability from data, identified from a DAG.

        ::

            %do P(Sound=Great | do(Gear=Fancy)) --data df
            %do P(Sound | do(Gear=Fancy)) --data df --dag G --ci 0.95 --seed 0
            %do E[Score | do(Tutor=1)] --data df --adjust Age,School
            %do P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)) --data df
            r = %do P(Sound=Great | do(Gear=Fancy)) --data df

        The query comes first, exactly as typed (no ``{var}`` or ``$var``
        expansion), then the options.  The result shows the estimate beside the
        naive one with the adjustment formula in numbers; its attributes
        (``r.value``, ``r.naive``, ``r.table`` ...) hold the parts.
        """
        from .estimate import do as estimate_do
        from .query import QuerySyntaxError, format_query_error

        try:
            query, options = parse_magic_line(line)
        except QuerySyntaxError as err:
            raise UsageError(_bounded(format_query_error(err))) from None
        try:
            data = self._table(options.data)
        except UsageError as err:
            raise UsageError(f"%do: {err}") from None
        graph, graph_name = self._graph_for(query, options)
        try:
            return estimate_do(
                query,
                data,
                dag=graph,
                adjust=options.adjust,
                ci=options.ci,
                bootstrap=options.bootstrap,
                seed=options.seed,
                positivity=options.positivity,
                dag_name=graph_name,
                bounds=True if options.bounds else None,
                sensitivity=options.sensitivity,
                **self._model_args(options),
            )
        except (ValueError, KeyError, TypeError) as err:
            raise UsageError(f"%do: {err}") from None

    def _model_args(self, options) -> dict:
        """``--method`` and friends as ``do()`` arguments; model names looked up."""
        out = {"method": options.method, "folds": options.folds, "trim": options.trim}
        out["grid"] = options.grid
        for key in ("outcome_model", "propensity_model"):
            name = getattr(options, key)
            out[key] = None if name is None else self._lookup(name, key.replace("_", " "))
        return out

    def _graph_for(self, query, options) -> tuple[nx.DiGraph | None, str | None]:
        """The graph named by ``--dag``, else the only ``%%dag`` graph that fits.

        A silent default could return a naive number labelled causal, so with
        none or several candidates this refuses and lists them.
        """
        if options.dag:
            return self._graph(options.dag), options.dag
        if options.adjust is not None:
            return None, None
        needed = set(query.variables)
        ns = self.shell.user_ns
        live = [n for n in self.dag_names if _is_graph(ns.get(n))]
        fits = [n for n in live if needed <= set(ns[n].nodes)]
        if len(fits) == 1:
            return ns[fits[0]], fits[0]
        wanted = ", ".join(sorted(map(str, needed)))
        if not fits:
            known = ", ".join(live) or "none defined yet"
            raise UsageError(
                f"%do: no %%dag graph contains all of {wanted} (graphs: {known}); "
                "define one with %%dag, name it with --dag G, or give --adjust Z1,Z2"
            )
        raise UsageError(
            f"%do: several graphs contain {wanted}: {', '.join(fits)}; "
            f"say which with --dag, e.g. --dag {fits[-1]}"
        )


# -- the %do line: the query (query grammar), then options (the magic's own parser) -----


def parse_magic_line(line: str) -> tuple[Query, DoOptions]:
    """Parse a whole ``%do`` line into a :class:`Query` and :class:`DoOptions`.

    The query is read with the query grammar first, so quotes, ``|`` and
    ``--`` inside it never confuse the split; the options after it are read by
    the parser that ``@argument`` builds for ``%do`` (the same one ``%do?``
    prints), so the help cannot drift from what is accepted.

    >>> q, o = parse_magic_line("P(Y=1 | do(X=1)) --data df --adjust A B --ci 95")
    >>> str(q), o.data, o.adjust, o.ci
    ('P(Y=1 | do(X=1))', 'df', ('A', 'B'), 0.95)
    """
    query_text, options_text = split_magic_line(line)
    return parse_query(query_text), _parse_options(options_text)


def _parse_options(text: str) -> DoOptions:
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise DoOptionsError(f"cannot read the options {text!r}: {e}") from None
    parser = CausalMagics.do.parser
    try:
        args, unknown = parser.parse_known_args(words)
    except UsageError as err:
        raise DoOptionsError(_option_message(str(err))) from None
    if unknown:
        key = unknown[0].partition("=")[0]
        known = ", ".join(a.option_strings[0] for a in parser._actions if a.option_strings)
        if key.startswith("-"):
            raise DoOptionsError(f"unknown option {key}; known: {known}")
        raise DoOptionsError(f"expected an option such as --data, found {key!r}")
    if args.query:
        raise DoOptionsError(f"expected an option such as --data, found {args.query[0]!r}")
    adjust = None
    if args.adjust is not None:  # "--adjust ''" forces no adjustment
        adjust = tuple(n.strip() for n in ",".join(args.adjust).split(",") if n.strip())
    return DoOptions(
        data=args.data,
        dag=args.dag,
        adjust=adjust,
        ci=args.ci,
        bootstrap=args.bootstrap,
        seed=args.seed,
        positivity=args.positivity,
        bounds=args.bounds,
        sensitivity=args.sensitivity,
        method=args.method,
        outcome_model=args.outcome_model,
        propensity_model=args.propensity_model,
        folds=args.folds,
        trim=args.trim,
        grid=args.grid,
    )


def _option_message(message: str) -> str:
    """argparse's wording -> ours: '--data needs a value', not 'expected one argument'."""
    option, _, detail = message.removeprefix("argument ").partition(": ")
    if detail.startswith("expected") and "argument" in detail:
        return f"{option.split('/')[0]} needs a value"
    return detail or message


#: A message line (a quoted source line under a caret, say) is cut to this many characters.
MESSAGE_LINE = 240


def _bounded(message: str, line: int = MESSAGE_LINE, lines: int = 20) -> str:
    """``message`` with each line cut to ``line`` characters and at most ``lines`` lines:
    an error on a 1 MB line of text quotes that line's start, not the megabyte."""
    out = [t if len(t) <= line else t[: line - 1] + "…" for t in message.splitlines()[:lines]]
    return "\n".join(out)


def _is_graph(value: Any) -> bool:
    return isinstance(value, nx.DiGraph) and not value.is_multigraph()


def _written(writer, graph: nx.DiGraph, name: str) -> str:
    """``writer(graph)``; a graph the writers cannot write (a bad ``pos`` or role set
    from Python) is a UsageError naming the graph, not a traceback."""
    from .graph import GraphError

    try:
        return writer(graph)
    except GraphError as err:
        raise UsageError(f"%dag {name}: cannot write this graph as text: {err}") from None


def _warn_if_cyclic(graph: nx.DiGraph, name: str) -> None:
    """After printing a graph made cyclic from Python: say that %%dag will refuse the text."""
    import sys

    from .graph import find_cycle, format_cycle, is_acyclic

    if is_acyclic(graph):
        return
    cycle = format_cycle(find_cycle(graph) or [])
    print(
        f"%dag {name}: warning: {name} has a cycle ({cycle}); a causal graph cannot hold one, "
        f"so %%dag refuses this text until an edge of the cycle is removed",
        file=sys.stderr,
    )


def _one_title(titles: list[str] | None) -> str:
    return titles[0] if titles else ""


def _chosen_writers(args) -> list:
    from .dsl import to_dagitty, to_dot, to_dsl

    chosen = [(args.dsl, to_dsl), (args.dagitty, to_dagitty), (args.dot, to_dot)]
    return [writer for wanted, writer in chosen if wanted]


def _drawing_options(args) -> dict:
    """The options every drawing the %dag magics show takes from the line."""
    return {
        "width": args.width,
        "height": args.height,
        "layout": args.layout,
        "readonly": args.readonly,
        "present": args.present,
    }


def _show(*graphs, **kwargs):
    from .widget import show

    return show(*graphs, **kwargs)


def register(ipython) -> None:
    """Register the magics and the widget-sync hook; idempotent."""
    from . import sync

    existing = ipython.magics_manager.registry.get(CausalMagics.__name__)
    if existing is None:
        existing = CausalMagics(ipython)
        # A reload keeps what the first load knew (%do still finds the graphs of %%dag):
        # each name that still names the graph it named at the unload.
        ns = ipython.user_ns
        remembered = _REMEMBERED.pop(id(ipython), [])
        existing.dag_names = [n for n, ref in remembered if ns.get(n) is ref()]
    ipython.register_magics(existing)
    sync.register(ipython)


def unregister(ipython) -> None:
    """Undo :func:`register`."""
    from . import sync

    manager = ipython.magics_manager
    existing = manager.registry.get(CausalMagics.__name__)
    if existing is not None:
        ns = ipython.user_ns
        _REMEMBERED[id(ipython)] = [
            (n, weakref.ref(ns[n])) for n in existing.dag_names if _is_graph(ns.get(n))
        ]
    for kind, names in _MAGIC_NAMES.items():
        for name in names:
            manager.magics[kind].pop(name, None)
    manager.registry.pop(CausalMagics.__name__, None)
    sync.unregister(ipython)
