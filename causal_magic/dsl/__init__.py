r"""The ``%%dag`` edge language: parse it into a ``networkx.DiGraph`` and write graphs back.

The language is a superset of DAGitty's model text, so anything copied from dagitty.net
or from R's ``dagitty('dag{ x -> y }')`` parses unchanged, plus what people ask DAGitty
for: ``#`` comments, ``A -> B, C`` lists, roles in our words (``[treatment]``,
``[confounder]``), acyclicity checked with the cycle named, and errors that give line,
column and what was expected.  Graph conventions (roles, ``pos``, hidden nodes for
``<->``) come from :mod:`causal_magic.graph`.

The language in brief::

    dag Smoking {                       # optional header: [strict] dag|digraph [NAME] {
      bb="0,0,1,1"                      # graph attribute -> G.graph["bb"]
      Gear [treatment, pos="0,1"]       # node with a role and a position
      "Signal\nProc" [label="DSP"]      # quoted name with escapes \" \\ \n
      Talent -> Gear, Sound             # lists; chains A -> B <- C; A <-> B
      {A B} -> C [beta=-0.3]            # groups; brackets closing a chain are edge
      X -> Y [outcome]                  # attributes, unless they hold a role
      a -> {b -> {c}}                   # nested groups keep their inner edges
    }

Why hand-written: one linear pass over the text (a tokenizer whose regular expressions
are single character-class runs, then recursive descent) keeps 10,000-edge texts fast
(about 4x ``networkx.parse_edgelist``, see ``benchmarks/bench_parse.py``) and lets every
error point at a precise column.

Representation decisions:

* statements end at a newline or ``;`` (DAGitty treats both as white space; its
  juxtaposed statements ``x y -> z`` are still read); inside ``{...}`` groups and
  ``[...]`` lists a newline is white space, and a line that ends with an arrow or a comma
  goes on on the next line;
* attribute values are kept as the strings written (``beta=-0.3`` gives ``"-0.3"``);
  only a node's ``pos`` becomes ``(float, float)``; an edge's ``pos`` stays a string;
* graph attributes (``bb="..."`` or ``graph [bb="..."]``) go to ``G.graph``; the name of
  ``dag NAME {`` goes to ``G.graph["name"]``; ``node [...]`` / ``edge [...]`` defaults go
  to the dicts ``G.graph["node"]`` / ``G.graph["edge"]`` (as networkx's DOT readers do);
* a bare ``dir=both`` on an edge (how :func:`to_dot` writes ``<->`` for DoWhy) reads as
  ``<->``, and a bare ``observed="no"`` on a node (DoWhy's unobserved node) as ``latent``;
  quoted keys (``"dir"=both``) are plain attributes, and the writers quote such keys;
* names: bare ``[\w.]+`` (Unicode letters and digits too); ``graph`` and ``node`` are
  reserved, and a bare ``smoking-status`` is refused with a hint to quote it (DAGitty
  would silently read two nodes).

Layout: ``errors`` (the exceptions), ``lexer`` (tokens and the quoting rules both
directions share), ``parser`` (:func:`parse_dag`), ``writers`` (:func:`to_dsl`,
:func:`to_dagitty`, :func:`to_dot`); this ``__init__`` re-exports them.
"""

from __future__ import annotations

from .errors import DagCycleError, DagSyntaxError, format_error
from .lexer import Token
from .parser import MAX_GROUP_DEPTH, parse_dag
from .writers import to_dagitty, to_dot, to_dsl

__all__ = [
    "MAX_GROUP_DEPTH",
    "DagCycleError",
    "DagSyntaxError",
    "Token",
    "format_error",
    "parse_dag",
    "to_dagitty",
    "to_dot",
    "to_dsl",
]
