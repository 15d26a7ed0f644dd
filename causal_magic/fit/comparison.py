"""``compare``: which testable claims tell two graphs apart, and what the data say.

Each graph's implications (as in ``check_fit``) are looked up in the other
graph by d-separation.  Claims only one graph makes are the ones data can
use to choose between them; with data they are tested (with the registered
test, corrected as one family).  A claim about a variable the other graph
does not have is listed apart: that graph is silent about it.  Whether the
two are Markov equivalent (then no data can tell them apart) comes from
:mod:`.equivalence`; the verdict sentence is written here.
"""

from __future__ import annotations

import math

import networkx as nx

from .correction import apply_correction, check_alpha, normalise_correction
from .equivalence import equivalence
from .errors import FitError
from .measured import adjacent_pairs, check_graph, observed, prepare, profile, table_columns
from .registry import DEFAULT_TEST, find_test, run_tests
from .result import Comparison, frame_of, join_names

__all__ = ["compare"]


def compare(
    G1: nx.DiGraph,
    G2: nx.DiGraph,
    data=None,
    alpha: float = 0.05,
    correction: str | None = "holm",
    *,
    names: tuple[str, str] | None = None,
    test: str = DEFAULT_TEST,
) -> Comparison:
    """Which testable claims tell two graphs apart, and what the data say about them.

    Each graph's implications (as in :func:`~causal_magic.fit.check_fit`) are
    looked up in the other graph by d-separation.  Claims only one graph
    makes are the ones data can use to choose; with ``data`` they are tested
    (with the independence test named ``test``, Holm over those tests).  A
    claim about a variable the other graph does not have is listed apart:
    that graph is silent about it.

    Markov equivalence: for two graphs over the same measured variables with
    no unmeasured nodes, by skeleton and v-structures (Verma & Pearl 1990);
    otherwise by comparing every d-separation among the measured variables
    both contain (up to :data:`~causal_magic.fit.equivalence.MAX_EXHAUSTIVE`
    of them), i.e. equivalence of the independencies they imply there.

    Examples
    --------
    >>> gas = nx.DiGraph([("Gear", "Sound")])
    >>> reality = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> print(compare(gas, reality, names=("GAS", "Reality")).verdict.split(":")[0])
    No conditional-independence test can tell GAS and Reality apart
    """
    from ..identify import implied_independencies

    correction = normalise_correction(correction)
    check_alpha(alpha)
    find_test(test)
    n1, n2 = _names_of(names)
    cols = _check_inputs(G1, G2, data, (n1, n2))
    notes1: list[str] = []
    notes2: list[str] = []
    obs1, _ = observed(G1, cols, notes1)
    obs2, _ = observed(G2, cols, notes2)
    notes = [f"{n1}: {x}" for x in notes1] + [f"{n2}: {x}" for x in notes2]
    imps1 = implied_independencies(G1, observed=obs1)
    imps2 = implied_independencies(G2, observed=obs2)
    only, shared, silent = _sort_claims(G1, G2, imps1, imps2, obs1, obs2, (n1, n2))
    equivalent, how = equivalence(G1, G2, (n1, n2), obs1, obs2)
    if data is not None and only:
        used = sorted({str(v) for imp, _ in only for v in (imp.a, imp.b, *imp.given)})
        rows = run_tests(data, only, profile(data, used), notes, test)
        apply_correction(rows, alpha, correction)
    else:
        rows = [_untested_row(imp, extra) for imp, extra in only]
    table = frame_of(rows, ["implied_by"])
    verdict = _verdict(
        n1, n2, table, imps1, imps2, silent, equivalent, data is not None, G1, G2, obs1, obs2
    )
    return Comparison(
        (n1, n2),
        table,
        shared,
        silent,
        equivalent,
        how,
        verdict,
        notes,
        alpha,
        data is not None,
        (len(imps1), len(imps2)),
    )


def _names_of(names: tuple[str, str] | None) -> tuple[str, str]:
    """The two graphs' names in sentences; two equal names are told apart."""
    n1, n2 = names or ("G1", "G2")
    if n1 == n2:
        n1, n2 = f"{n1} (1)", f"{n2} (2)"
    return n1, n2


def _check_inputs(G1, G2, data, names: tuple[str, str]) -> list[str] | None:
    """Check both graphs (and each against the data); the data's columns, if any."""
    pairs = tuple(zip((G1, G2), names, strict=True))
    for G, n in pairs:
        try:
            check_graph(G)
        except FitError as e:
            raise FitError(f"{n}: {e}") from None
    if data is None:
        return None
    cols = table_columns(data)
    for G, n in pairs:
        try:
            prepare(G, data)
        except FitError as e:
            raise FitError(f"{n}: {e}") from None
    return cols


def _sort_claims(G1, G2, imps1, imps2, obs1, obs2, names):
    """Claims only one graph makes (with ``implied_by``), claims both make, silent ones."""
    from ..identify import d_separated

    n1, n2 = names
    o1, o2 = {str(n): n for n in obs1}, {str(n): n for n in obs2}
    only, shared, silent = [], [], []
    for imps, other_map, other_G, me, other in (
        (imps1, o2, G2, n1, n2),
        (imps2, o1, G1, n2, n1),
    ):
        for imp in imps:
            vs = [str(imp.a), str(imp.b), *map(str, imp.given)]
            missing = [v for v in vs if v not in other_map]
            if missing:
                silent.append(f"{imp} ({me}; {other} does not measure {join_names(missing)})")
                continue
            a, b = other_map[str(imp.a)], other_map[str(imp.b)]
            if d_separated(other_G, a, b, {other_map[str(g)] for g in imp.given}):
                if me == n1:
                    shared.append(str(imp))
            else:
                only.append((imp, {"implied_by": me}))
    return only, shared, silent


def _untested_row(imp, extra: dict) -> dict:
    """A claim listed without data: the test columns empty."""
    return {
        "independence": str(imp),
        "a": str(imp.a),
        "b": str(imp.b),
        "given": tuple(sorted(map(str, imp.given))),
        **extra,
        "test": "",
        "statistic": math.nan,
        "dof": math.nan,
        "p_value": math.nan,
        "effect": math.nan,
        "effect_measure": "",
        "ci_low": math.nan,
        "ci_high": math.nan,
        "p_adjusted": math.nan,
        "rejected": False,
        "n": 0,
        "note": "",
    }


def _complete_why(G, obs, name) -> str:
    pairs, adj = adjacent_pairs(G, obs)
    vs = join_names([str(o) for o in obs])
    if len(obs) < 2:
        return f"{name} has fewer than two measured variables"
    if adj == pairs:
        return f"{name} joins every pair of its variables ({vs}) by an edge"
    return f"{name} leaves no pair of {vs} separable by measured variables"


def _verdict(n1, n2, table, imps1, imps2, silent, equivalent, has_data, G1, G2, obs1, obs2):
    apart = f"{n1} and {n2} apart"
    if len(table) == 0:
        same_vars = {str(n) for n in obs1} == {str(n) for n in obs2}
        if equivalent is False and same_vars:
            return (
                f"No claim in either graph's list separates {apart}, yet their independencies "
                "differ (see the equivalence line): a test of that particular d-separation "
                "would."
            )
        if not imps1 and not imps2:
            why = (
                f"neither graph implies any conditional independence among its measured "
                f"variables: {_complete_why(G1, obs1, n1)} and {_complete_why(G2, obs2, n2)}, "
                "so every distribution of the data fits both equally well (they differ in "
                "what an intervention would do, which observational data cannot show)"
            )
        else:
            why = (
                "every conditional independence either graph implies among the variables "
                "both measure (one separating set per non-adjacent pair) is implied by the "
                "other as well"
            )
        head = (
            f"These data cannot tell {apart}"
            if has_data
            else f"No conditional-independence test can tell {apart}"
        )
        tail = ""
        if silent:
            tail = (
                f" ({len(silent)} claim(s) involve a variable only one graph measures: "
                "they test that graph alone; see check_fit.)"
            )
        return (
            f"{head}: {why}. Telling them apart needs other knowledge: an experiment "
            "(intervening on a variable), the time order of the variables, or a variable "
            "that one graph says is separated from another." + tail
        )
    k1 = int((table["implied_by"] == n1).sum())
    k2 = int((table["implied_by"] == n2).sum())
    head = f"{n1} makes {k1} claim(s) that {n2} does not, and {n2} makes {k2} that {n1} does not"
    if not has_data:
        return head + "; data can test these to choose between them."
    rej = table[table["rejected"]]
    r1 = int((rej["implied_by"] == n1).sum())
    r2 = int((rej["implied_by"] == n2).sum())
    tested = int(table["p_value"].notna().sum())
    if tested == 0:
        return head + "; none of them could be tested on these data (see the notes)."
    if r1 and not r2:
        return (
            head + f". The data reject {r1} of {n1}'s claims and none of {n2}'s: they favour {n2}."
        )
    if r2 and not r1:
        return (
            head + f". The data reject {r2} of {n2}'s claims and none of {n1}'s: they favour {n1}."
        )
    if r1 and r2:
        return head + ". The data reject claims of both: neither graph fits."
    return (
        head + ". The data reject none of them: at these sample sizes they do not favour "
        "either graph (not rejecting a claim is not evidence that it holds)."
    )
