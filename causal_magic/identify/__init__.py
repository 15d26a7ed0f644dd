"""Identification of causal effects on a ``networkx.DiGraph``.

The analysis engine of causal_magic: d-separation, causal and biasing paths,
adjustment sets (test, find, list, minimum, optimal), the front-door criterion,
instrumental variables and the independencies a graph implies.  Pure
functions on DiGraphs; nothing here imports IPython or pandas.

Conventions (see :mod:`causal_magic.graph`)
-------------------------------------------
* Treatment (``x``) and outcome (``y``) arguments take a node or a collection
  of nodes and default to the nodes whose ``role`` is ``treatment`` /
  ``outcome``.
* Nodes with role ``latent`` -- including the hidden nodes that stand for
  ``A <-> B`` -- are never adjustable.  ``observed=`` (any iterable of node
  names, e.g. a DataFrame's columns) narrows this further: a node not in it is
  unobserved.
* Nodes with role ``adjusted``, plus ``included=``, are *forced*: they are put
  into every adjustment set, and a function answers ``None`` when no valid set
  contains them (:func:`adjustment_problem` says why).
* Nodes with role ``selected`` mark selection: the data are conditioned on
  them, so they are in every adjustment set, every separating set and the
  ``given`` set of path queries.  An adjustment set is valid under selection on
  S when it is valid with S added *and* the answer means something: for the
  whole population when Y ⫫ S | X once the edges into X are cut and every
  treatment that is an ancestor of S is d-separated from Y once X's out-edges
  are cut (type-1 generalized adjustment under selection, Correa, Tian &
  Bareinboim 2018; Bareinboim, Tian & Pearl 2014); else, when no selection node
  descends from the treatment, for the selected population, P(y | do(x), s)
  (DAGitty answers for the whole population only: a documented difference);
  else no set is valid.  :class:`Identification` says which (``population``).

Algorithms
----------
Everything that can be linear is linear, O(n + m), by reachability on the
adjacency dicts (Bayes-ball, [1]_) -- the graph is never copied:

* the *generalized adjustment criterion* ([2]_, [3]_) is tested via the proper
  back-door graph (the first edge of every proper causal path removed) and the
  forbidden set (descendants of nodes on proper causal paths) [3]_;
* a minimal adjustment set is found by the two-pass reachability of van der
  Zander & Liśkiewicz [4]_;
* all minimal sets are listed with polynomial delay as the minimal vertex
  separators of the moralized ancestral proper back-door graph ([3]_, listing
  by the Kloks-Kratsch step [5]_); a minimum set is a minimum vertex cut there;
* the optimal set is the O-set of Henckel, Perković & Maathuis [6]_;
* the front-door criterion is Pearl's [7]_; instruments use the nearest
  separator of [8]_.

When neither adjustment nor the front-door criterion applies, :func:`identify_effect`
falls back to the complete ID algorithm of Shpitser & Pearl, in
:mod:`causal_magic.identify.id_algorithm`.

Layout of the package
---------------------
One module per concern; this ``__init__`` only re-exports the public names.

* ``_reach`` -- the reachability primitives (Bayes-ball, REACHABLE, ancestors);
* ``_problem`` -- argument checks and ``_Problem``, one checked question with its
  cached structure (proper causal paths, forbidden nodes, proper back-door graph);
* ``results`` -- the answer types (:class:`Path`, :class:`Identification`, ...);
* ``separation`` -- d-separation, ancestors/descendants, implied independencies;
* ``paths`` -- path listing and the overlay's path edges;
* ``separators`` -- adjustment sets as vertex separators (listing, minimum cut);
* ``adjustment`` -- test, find, list, minimum, optimal sets; ``adjustment_problem``;
* ``explain`` -- the sentences behind verdicts;
* ``frontdoor``, ``instruments``, ``id_algorithm`` -- the other strategies;
* ``effect`` -- :func:`identify_effect`, which chooses among them;
* ``explore`` -- :func:`explain_paths`, the d-separation explorer (every path, why open).

>>> import networkx as nx
>>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
>>> identify_effect(G, "Gear", "Sound").formula
'Σ_Talent P(Sound | Gear, Talent) P(Talent)'

References
----------
.. [1] Shachter, R. D. "Bayes-ball: the rational pastime." UAI 1998.
.. [2] Shpitser, I., VanderWeele, T., Robins, J. M. "On the validity of
   covariate adjustment for estimating causal effects." UAI 2010.
.. [3] van der Zander, B., Liśkiewicz, M., Textor, J. "Separators and adjustment
   sets in causal graphs: complete criteria and an algorithmic framework."
   Artificial Intelligence 270 (2019).
.. [4] van der Zander, B., Liśkiewicz, M. "Finding minimal d-separators in
   linear time and applications." UAI 2020.
.. [5] Kloks, T., Kratsch, D. "Listing all minimal separators of a graph."
   SIAM J. Computing 27(3) (1998).
.. [6] Henckel, L., Perković, E., Maathuis, M. H. "Graphical criteria for
   efficient total effect estimation via adjustment in causal linear models."
   JRSS-B 84(2) (2022).
.. [7] Pearl, J. "Causal diagrams for empirical research." Biometrika 82 (1995).
.. [8] van der Zander, B., Textor, J., Liśkiewicz, M. "Efficiently finding
   conditional instruments for causal inference." IJCAI 2015.
"""

from __future__ import annotations

from ._problem import IdentificationError
from ._problem import Node as Node  # type aliases, importable as before
from ._problem import NodeArg as NodeArg
from .adjustment import (
    adjustment_problem,
    adjustment_sets,
    check_adjustment_set,
    is_adjustment_set,
    minimal_adjustment_set,
    minimum_adjustment_set,
    optimal_adjustment_set,
)
from .effect import identify_effect
from .explore import ExplainedPath, PathExplanation, explain_paths
from .frontdoor import frontdoor_set
from .instruments import instrumental_variables
from .paths import path_edges, paths
from .results import AdjustmentCheck, Identification, Independence, Path, PathEdges
from .separation import (
    ancestors,
    d_separated,
    descendants,
    implied_independencies,
    mutilated_graph,
)

__all__ = [
    "AdjustmentCheck",
    "ExplainedPath",
    "Identification",
    "IdentificationError",
    "Independence",
    "Path",
    "PathEdges",
    "PathExplanation",
    "adjustment_problem",
    "adjustment_sets",
    "ancestors",
    "check_adjustment_set",
    "d_separated",
    "descendants",
    "explain_paths",
    "frontdoor_set",
    "identify_effect",
    "implied_independencies",
    "instrumental_variables",
    "is_adjustment_set",
    "minimal_adjustment_set",
    "minimum_adjustment_set",
    "mutilated_graph",
    "optimal_adjustment_set",
    "path_edges",
    "paths",
]
