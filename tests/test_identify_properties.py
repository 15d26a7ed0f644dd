"""Property tests: causal_magic.identify against a brute-force oracle on small random DAGs.

The oracle works at the level of definitions: it lists every simple path of the
skeleton with ``nx.all_simple_paths``, applies the generalized adjustment
criterion of Shpitser, VanderWeele & Robins (forbidden = descendants, in the
graph without edges into X, of nodes on proper causal paths; every proper
non-causal path blocked) and enumerates every subset of the observed nodes.
It shares no code with the module under test.
"""

from __future__ import annotations

import importlib
import itertools
from dataclasses import dataclass

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from causal_magic.graph import add_bidirected

# the module, not the function of the same name that the package re-exports
idf = importlib.import_module("causal_magic.identify")

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Case:
    G: nx.DiGraph
    X: tuple
    Y: tuple
    latent: frozenset  # visible latent nodes (hidden <-> nodes are latent too)
    forced: frozenset  # role "adjusted" or included=
    selected: frozenset
    included: tuple  # the part of `forced` passed as included=
    unmeasured: frozenset = frozenset()  # no role, but left out of observed=

    @property
    def observed(self) -> list | None:
        """The observed= argument (None when every non-latent node is measured)."""
        return [n for n in self.G if n not in self.unmeasured] if self.unmeasured else None

    @property
    def observed_candidates(self) -> list:
        hidden = {n for n, d in self.G.nodes(data=True) if d.get("bidirected")}
        bad = set(self.X) | set(self.Y) | self.latent | hidden | self.unmeasured
        return [n for n in self.G if n not in bad]


@st.composite
def cases(draw, max_nodes=8, allow_selection=True) -> Case:
    n = draw(st.integers(3, max_nodes))
    names = [f"v{i}" for i in range(n)]
    order = draw(st.permutations(names))  # causal order differs from insertion order
    G = nx.DiGraph()
    G.add_nodes_from(names)
    density = draw(st.sampled_from([0.25, 0.4, 0.6]))
    for i, j in itertools.combinations(range(n), 2):
        if draw(st.floats(0, 1)) < density:
            G.add_edge(order[i], order[j])
    for _ in range(draw(st.integers(0, 2))):
        a, b = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
        add_bidirected(G, a, b)
    pool = list(names)
    X = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True)))
    pool = [v for v in pool if v not in X]
    Y = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True)))
    pool = [v for v in pool if v not in Y]
    latent = frozenset(v for v in pool if draw(st.floats(0, 1)) < 0.25)
    pool = [v for v in pool if v not in latent]
    forced = [v for v in pool if draw(st.floats(0, 1)) < 0.15]
    pool = [v for v in pool if v not in forced]
    selected = []
    if allow_selection and pool and draw(st.floats(0, 1)) < 0.1:
        selected = [draw(st.sampled_from(pool))]
    included = tuple(v for v in forced if draw(st.booleans()))
    unmeasured = frozenset(v for v in pool if v not in selected and draw(st.floats(0, 1)) < 0.15)
    for v in X:
        G.nodes[v]["role"] = "treatment"
    for v in Y:
        G.nodes[v]["role"] = "outcome"
    for v in latent:
        G.nodes[v]["role"] = "latent"
    for v in forced:
        if v not in included:
            G.nodes[v]["role"] = "adjusted"
    for v in selected:
        G.nodes[v]["role"] = "selected"
    return Case(G, X, Y, latent, frozenset(forced), frozenset(selected), included, unmeasured)


# --------------------------------------------------------------------------- oracle


class Oracle:
    """The generalized adjustment criterion by listing paths (Shpitser et al. 2010)."""

    def __init__(self, G, X, Y, selected=()):
        self.G, self.X, self.Y = G, set(X), set(Y)
        self.selection_ok = selection_recoverable(G, self.X, self.Y, set(selected))
        H = G.to_undirected()
        self.anc = {v: nx.ancestors(G, v) | {v} for v in G}
        self.proper = []  # (nodes, arrows)
        for x in X:
            for y in Y:
                for p in nx.all_simple_paths(H, x, y):
                    if set(p[1:]) & self.X:
                        continue
                    arrows = tuple(G.has_edge(a, b) for a, b in itertools.pairwise(p))
                    self.proper.append((tuple(p), arrows))
        self.causal_paths = [p for p, a in self.proper if all(a)]
        self.cn = {v for p in self.causal_paths for v in p[1:]}
        Gbar = G.copy()
        Gbar.remove_edges_from([(u, x) for x in X for u in G.pred[x]])
        self.forb = set(X)
        for w in self.cn:
            self.forb |= nx.descendants(Gbar, w) | {w}
        self.noncausal = []
        for p, a in self.proper:
            if all(a):
                continue
            colliders, others = set(), set()
            for i in range(1, len(p) - 1):
                (colliders if a[i - 1] and not a[i] else others).add(p[i])
            self.noncausal.append((p, frozenset(colliders), frozenset(others)))

    def blocked(self, colliders, others, Z) -> bool:
        if others & Z:
            return True
        return any(not any(c in self.anc[z] for z in Z) for c in colliders)

    def valid(self, Z) -> bool:
        Z = set(Z)
        if not self.selection_ok:
            return False
        if Z & (self.X | self.Y) or Z & self.forb:
            return False
        return all(self.blocked(c, o, Z) for _, c, o in self.noncausal)


def selection_recoverable(G, X, Y, S) -> bool:
    """Can adjustment answer at all under selection on ``S``?  (Correa, Tian & Bareinboim 2018)

    For the whole population: Y ⫫ S | X without the edges into X, and every treatment
    that is an ancestor of S d-separated from Y without the edges out of X.  Failing
    that, for the selected population: no selected node descends from the treatment.
    """
    if not S:
        return True
    Gbar = G.copy()
    Gbar.remove_edges_from([(u, x) for x in X for u in G.pred[x]])
    Gund = G.copy()
    Gund.remove_edges_from([(x, c) for x in X for c in G.succ[x]])
    anc_s = set(S).union(*(nx.ancestors(G, s) for s in S))
    if nx.is_d_separator(Gbar, Y, S, X) and all(
        nx.is_d_separator(Gund, {x}, Y, set()) for x in X & anc_s
    ):
        return True
    return not any(nx.descendants(G, x) & S for x in X)


def subsets(items):
    items = list(items)
    for r in range(len(items) + 1):
        yield from (frozenset(c) for c in itertools.combinations(items, r))


def oracle_sets(case: Case):
    o = Oracle(case.G, case.X, case.Y, case.selected)
    base = case.forced | case.selected
    free = [v for v in case.observed_candidates if v not in base]
    valid = {base | s for s in subsets(free) if o.valid(base | s)}
    minimal = {s for s in valid if not any(t < s for t in valid)}
    return o, valid, minimal


def call_kw(case: Case) -> dict:
    kw = {"included": case.included} if case.included else {}
    if case.observed is not None:
        kw["observed"] = case.observed
    return kw


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(cases())
def test_adjustment_sets_match_the_brute_force_oracle(case):
    o, valid, minimal = oracle_sets(case)
    G, kw = case.G, call_kw(case)

    found = idf.minimal_adjustment_set(G, **kw)
    if not valid:
        assert found is None
    else:
        assert found in minimal, (found, minimal)

    listed = list(idf.adjustment_sets(G, **kw))
    assert len(listed) == len(set(listed)), "a minimal set was listed twice"
    assert set(listed) == minimal

    everything = list(idf.adjustment_sets(G, minimal=False, **kw))
    assert len(everything) == len(set(everything))
    assert set(everything) == valid

    smallest = idf.minimum_adjustment_set(G, **kw)
    if not valid:
        assert smallest is None
    else:
        assert smallest in valid
        assert len(smallest) == min(len(s) for s in valid)

    costs = {v: 1 + (sum(map(ord, str(v))) * 7) % 5 for v in G}  # fixed, uneven prices
    cheapest = idf.minimum_adjustment_set(G, cost=costs, **kw)
    if valid:
        assert cheapest in valid
        price = sum(costs[v] for v in cheapest)
        assert price == min(sum(costs[v] for v in s) for s in valid)

    if not case.included:
        best = idf.optimal_adjustment_set(G, observed=case.observed)
        if best is not None:
            assert best in valid

    # a forced node is blamed exactly when it alone stands between us and a valid set
    problem = idf.adjustment_problem(G, **kw)
    possible_unforced = any(o.valid(s) for s in subsets(case.observed_candidates))
    if valid or not (case.forced or case.selected) or not possible_unforced:
        assert problem is None
    else:
        assert problem and " is forced into the adjustment set but " in problem


@SETTINGS
@given(cases(), st.data())
def test_is_adjustment_set_agrees_with_the_oracle_on_random_subsets(case, data):
    o = Oracle(case.G, case.X, case.Y, case.selected)
    cands = case.observed_candidates
    for _ in range(6):
        z = frozenset(data.draw(st.lists(st.sampled_from(cands), unique=True))) if cands else set()
        z_eff = set(z) | case.selected
        expected = o.valid(z_eff)
        assert idf.is_adjustment_set(case.G, case.X, case.Y, z) == expected, z
        check = idf.check_adjustment_set(case.G, case.X, case.Y, z)
        assert check.valid == expected
        if not expected:
            assert check.reason
            assert (check.forbidden is not None) or (check.open_path is not None)
            if check.open_path is not None:
                assert check.open_path.open and check.open_path.kind == "biasing"
        if idf.is_adjustment_set(case.G, case.X, case.Y, z, criterion="backdoor"):
            assert expected, "the back-door criterion must imply the generalized one"


def frontdoor_holds(G, x, y, M) -> bool:
    """Pearl's front-door criterion, checked path by path."""
    for p in nx.all_simple_paths(G, x, y):
        if not set(p) & M:
            return False
    H = G.to_undirected()
    anc_x = nx.ancestors(G, x) | {x}
    for m in M:
        for p in nx.all_simple_paths(H, x, m):
            if G.has_edge(p[1], x) and not path_blocked(G, p, set(), set()):
                return False
        for p in nx.all_simple_paths(H, m, y):
            if G.has_edge(p[1], m) and not path_blocked(G, p, {x}, anc_x):
                return False
    return True


def path_blocked(G, p, Z, anc_z) -> bool:
    for i in range(1, len(p) - 1):
        collider = G.has_edge(p[i - 1], p[i]) and G.has_edge(p[i + 1], p[i])
        if collider and p[i] not in anc_z:
            return True
        if not collider and p[i] in Z:
            return True
    return False


@SETTINGS
@given(cases(max_nodes=7, allow_selection=False))
def test_frontdoor_set_satisfies_the_criterion_by_brute_force(case):
    x, y = case.X[0], case.Y[0]
    G = case.G
    M = idf.frontdoor_set(G, x, y)
    hidden = {n for n, d in G.nodes(data=True) if d.get("bidirected")}
    cands = [v for v in G if v not in hidden and v not in case.latent and v not in (x, y)]
    if M is not None:
        assert frontdoor_holds(G, x, y, set(M))
        assert set(M) <= set(cands)
        assert not any(frontdoor_holds(G, x, y, set(s)) for s in subsets(M) if s < M)
    else:
        assert not any(frontdoor_holds(G, x, y, set(s)) for s in subsets(cands))


@SETTINGS
@given(cases())
def test_implied_independencies_hold_and_cover_every_separable_pair(case):
    G = case.G
    hidden = {n for n, d in G.nodes(data=True) if d.get("bidirected")}
    observed = [v for v in G if v not in case.latent | hidden | case.unmeasured]
    sel = case.selected
    found = idf.implied_independencies(G, observed=case.observed)
    pairs = {}
    for ind in found:
        assert not G.has_edge(ind.a, ind.b) and not G.has_edge(ind.b, ind.a)
        assert ind.given <= set(observed) and sel <= ind.given
        assert nx.is_d_separator(G, {ind.a}, {ind.b}, set(ind.given))
        pairs[(ind.a, ind.b)] = ind
    testable = [v for v in observed if v not in sel]
    for a, b in itertools.combinations(testable, 2):
        if G.has_edge(a, b) or G.has_edge(b, a):
            continue
        rest = [v for v in observed if v not in (a, b) and v not in sel]
        separable = any(nx.is_d_separator(G, {a}, {b}, set(s) | sel) for s in subsets(rest))
        assert ((a, b) in pairs) == separable, (a, b)
        if separable:
            # on small graphs the separator is one of minimum size (max-flow)
            size = min(len(s) for s in subsets(rest) if nx.is_d_separator(G, {a}, {b}, s | sel))
            assert len(pairs[(a, b)].given - sel) == size, (a, b)


@SETTINGS
@given(cases(), st.data())
def test_d_separated_agrees_with_networkx(case, data):
    G = case.G
    nodes = list(G)
    for _ in range(5):
        picked = data.draw(st.lists(st.sampled_from(nodes), min_size=2, unique=True))
        cut1 = data.draw(st.integers(1, len(picked) - 1))
        cut2 = data.draw(st.integers(cut1, len(picked)))
        xs, ys, zs = set(picked[:cut1]), set(picked[cut1:cut2]), set(picked[cut2:])
        if not ys:
            continue
        assert idf.d_separated(G, xs, ys, zs) == nx.is_d_separator(G, xs, ys, zs)


@SETTINGS
@given(cases(max_nodes=7), st.data())
def test_paths_and_path_edges_match_the_listed_paths(case, data):
    G = case.G
    cands = case.observed_candidates
    z = set(data.draw(st.lists(st.sampled_from(cands), unique=True))) if cands else set()
    z_eff = z | case.selected
    anc_z = set(z_eff).union(*(nx.ancestors(G, v) for v in z_eff)) if z_eff else set()
    H = G.to_undirected()
    xs, ys = set(case.X), set(case.Y)
    expected = []
    for x in case.X:
        for y in case.Y:
            for p in nx.all_simple_paths(H, x, y):
                if set(p[1:]) & xs or set(p[:-1]) & ys:
                    continue
                expected.append(tuple(p))
    listed = idf.paths(G, given=z, limit=None)
    assert sorted(p.nodes for p in listed) == sorted(expected)
    assert [len(p.nodes) for p in listed] == sorted(len(p.nodes) for p in listed)
    causal_edges, biasing_edges = set(), set()
    for p in listed:
        directed = all(G.has_edge(a, b) for a, b in itertools.pairwise(p.nodes))
        assert p.kind == ("causal" if directed else "biasing")
        assert p.open == (not path_blocked(G, p.nodes, z_eff, anc_z))
        steps = {(a, b) if G.has_edge(a, b) else (b, a) for a, b in itertools.pairwise(p.nodes)}
        if directed:
            causal_edges |= steps
        elif p.open:
            biasing_edges |= steps
    pe = idf.path_edges(G, given=z)
    assert pe.causal == causal_edges
    # no open biasing path is missed; a walk's detour may add edges, never a whole
    # overlay where no open biasing path exists
    assert pe.biasing >= biasing_edges
    if not biasing_edges:
        assert not pe.biasing


# --------------------------------------------------------------------------- numbers
#
# The strongest oracle: give every node (latent ones too) a random binary
# conditional table, compute P(y | do(x)) by the truncated factorization, and
# compare it with each formula evaluated on the observed joint alone.

ida = importlib.import_module("causal_magic.identify.id_algorithm")
fm = importlib.import_module("causal_magic.formula")


def random_model(G, rng):
    order = list(nx.topological_sort(G))
    cpt = {}
    for v in order:
        parents = sorted(G.pred[v])
        for combo in itertools.product((0, 1), repeat=len(parents)):
            cpt[v, combo] = rng.uniform(0.1, 0.9)
    return order, cpt


def prob_of(G, cpt, v, assign):
    p1 = cpt[v, tuple(assign[p] for p in sorted(G.pred[v]))]
    return p1 if assign[v] == 1 else 1 - p1


def joint_table(G, order, cpt, observed, do=None):
    """P(observed) -- or P(observed | do) by the truncated factorization."""
    do = do or {}
    table = {}
    for combo in itertools.product((0, 1), repeat=len(order)):
        assign = dict(zip(order, combo, strict=True))
        if any(assign[v] != val for v, val in do.items()):
            continue
        p = 1.0
        for v in order:
            if v not in do:
                p *= prob_of(G, cpt, v, assign)
        key = tuple(assign[v] for v in observed)
        table[key] = table.get(key, 0.0) + p
    return table


def effect(G, order, cpt, x_vals, y_vals):
    names = list(y_vals)
    table = joint_table(G, order, cpt, names, do=x_vals)
    return table.get(tuple(y_vals[v] for v in names), 0.0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_nodes=6, allow_selection=False), st.integers(0, 2**32 - 1))
def test_every_formula_gives_the_interventional_probability(case, seed):
    import random

    G = case.G
    order, cpt = random_model(G, random.Random(seed))
    hidden = {n for n, d in G.nodes(data=True) if d.get("bidirected")}
    hidden |= case.latent | case.unmeasured
    observed = tuple(v for v in order if v not in hidden)
    joint = joint_table(G, order, cpt, observed)
    X, Y = case.X, case.Y
    x_vals = {v: 1 for v in X}
    y_vals = {v: 1 for v in Y}
    truth = effect(G, order, cpt, x_vals, y_vals)
    # ID formulas may keep a variable W of do(x, w) free (line 3): any value of it will do
    point = {**dict.fromkeys(observed, 0), **x_vals, **y_vals}

    def value(expr):
        return fm.evaluate(expr, joint, observed, point)

    rank = {v: i for i, v in enumerate(order)}
    z = idf.minimal_adjustment_set(G, X, Y, observed=case.observed)
    if not case.forced and z is not None:
        zs = tuple(sorted(z, key=rank.__getitem__))
        formula = fm.Sum(zs, fm.Product((fm.Prob(Y, X + zs), fm.Prob(zs))))
        if not zs:
            formula = fm.Prob(Y, X)
        assert abs(value(formula) - truth) < 1e-9

    if len(X) == 1 and len(Y) == 1:
        m = idf.frontdoor_set(G, X[0], Y[0], observed=case.observed)
        if m:
            ms = tuple(sorted(m, key=rank.__getitem__))
            inner = fm.Sum(X, fm.Product((fm.Prob(Y, X + ms), fm.Prob(X))))
            formula = fm.Sum(ms, fm.Product((fm.Prob(ms, X), inner)))
            assert abs(value(formula) - truth) < 1e-9  # the inner sum shadows do(x)

    r = idf.identify_effect(G, observed=case.observed)  # roles: the forced nodes count here
    if r.method == "backdoor":
        zs = tuple(sorted(r.adjustment_set, key=rank.__getitem__))
        formula = fm.Sum(zs, fm.Product((fm.Prob(Y, X + zs), fm.Prob(zs))))
        assert abs(value(formula if zs else fm.Prob(Y, X)) - truth) < 1e-9, r.reason
    elif r.method == "frontdoor":
        assert r.frontdoor_set and len(X) == 1

    expr = ida.id_formula(G, X, Y, hidden)
    if r.method == "none" and not case.forced:
        assert expr is None
    identifiable_otherwise = z is not None or (
        len(X) == 1
        and len(Y) == 1
        and idf.frontdoor_set(G, X[0], Y[0], observed=case.observed) is not None
    )
    if identifiable_otherwise:
        assert expr is not None, "the ID algorithm is complete: it must find a formula"
    if expr is not None:
        assert abs(value(expr) - truth) < 1e-9, ida.to_text(expr, fixed=set(X))


@SETTINGS
@given(cases(max_nodes=7, allow_selection=False))
def test_instruments_satisfy_the_definition(case):
    G = case.G
    x, y = case.X[0], case.Y[0]
    found = idf.instrumental_variables(G, x, y)
    de_x = nx.descendants(G, x) | {x}
    cut = G.copy()
    cut.remove_edges_from(list(G.out_edges(x)))
    hidden = {n for n, d in G.nodes(data=True) if d.get("bidirected")}
    allowed = [v for v in G if v not in hidden and v not in case.latent and v not in de_x]
    allowed = [v for v in allowed if v != y]
    listed = {z for z, _ in found}
    for z, W in found:
        assert z in allowed and W.issubset(allowed) and z not in W
        assert not nx.is_d_separator(G, {z}, {x}, set(W))
        assert nx.is_d_separator(cut, {z}, {y}, set(W))

    def works(z, pool):
        rest = [v for v in pool if v != z]
        return any(
            not nx.is_d_separator(G, {z}, {x}, set(W)) and nx.is_d_separator(cut, {z}, {y}, set(W))
            for W in subsets(rest)
        )

    for z in allowed:  # every instrument with an ancestral conditioning set is found
        ancestral = nx.ancestors(cut, z) | nx.ancestors(cut, y)
        if works(z, [v for v in allowed if v in ancestral]):
            assert z in listed
    # and the list is empty only when no instrument exists at all
    assert bool(listed) == any(works(z, allowed) for z in allowed)
