"""The magics through a real IPython shell: registration, %%dag, %dag, %do."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output

# -- the extension ---------------------------------------------------------------


def test_load_ext_registers_magics_and_unload_removes_them(ip):
    magics = ip.magics_manager.magics
    assert "dag" in magics["cell"] and "dag" in magics["line"] and "do" in magics["line"]
    ip.run_line_magic("unload_ext", "causal_magic")
    assert "dag" not in magics["cell"] and "do" not in magics["line"]
    ip.run_line_magic("load_ext", "causal_magic")
    assert "dag" in magics["cell"]


def test_loading_twice_is_harmless(ip):
    import causal_magic

    causal_magic.load_ipython_extension(ip)  # a second, direct load
    ip.run_cell_magic("dag", "G", "A -> B")
    assert list(ip.user_ns["G"].edges) == [("A", "B")]
    hooks = [h for h in ip.events.callbacks["post_run_cell"] if "causal_magic" in repr(h)]
    assert len(hooks) <= 1


def test_import_is_light():
    import subprocess
    import sys

    code = (
        "import sys, causal_magic; "
        "heavy = [m for m in ('scipy', 'pandas', 'anywidget', 'polars', 'dask', 'pyspark', "
        "'pgmpy', 'IPython') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- %%dag -----------------------------------------------------------------------


def test_dag_cell_binds_a_digraph_with_the_seeds_roles(ip, reality):
    ip.run_cell_magic("dag", "G2", reality)
    G2 = ip.user_ns["G2"]
    assert isinstance(G2, nx.DiGraph)
    assert set(G2.edges) == {("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")}
    assert dict(G2.nodes(data="role")) == {
        "Talent": "confounder",
        "Gear": "treatment",
        "Sound": "outcome",
    }


def test_dag_cell_displays_a_drawing_that_shows_without_a_kernel(ip):
    with capture_output() as cap:
        ip.run_cell("%%dag G\nGear [treatment]\nGear -> Sound")
    bundles = [out.data for out in cap.outputs]
    assert any("image/svg+xml" in b for b in bundles), bundles
    svg = next(b["image/svg+xml"] for b in bundles if "image/svg+xml" in b)
    assert "Gear" in svg and "Sound" in svg


def test_failed_dag_leaves_the_earlier_graph_intact(ip):
    ip.run_cell_magic("dag", "G", "A -> B")
    before = ip.user_ns["G"]
    with pytest.raises(UsageError):
        ip.run_cell_magic("dag", "G", "A -> B -> C -> A")
    assert ip.user_ns["G"] is before
    assert list(before.edges) == [("A", "B")]


def test_syntax_error_shows_line_and_caret_without_a_traceback(ip):
    with capture_output() as cap:
        ip.run_cell("%%dag G\nA -> B\nB -> [outcome]\n")
    text = cap.stdout + cap.stderr
    assert "UsageError" in text
    assert "line 2" in text
    assert "^" in text
    assert "Traceback" not in text
    assert "G" not in ip.user_ns


def test_cycle_is_named_in_the_message(ip):
    with pytest.raises(UsageError, match=r"A -> B -> C -> A"):
        ip.run_cell_magic("dag", "G", "A -> B\nB -> C\nC -> A")


def test_unknown_role_lists_the_valid_ones(ip):
    with pytest.raises(UsageError, match=r"treatment.*outcome"):
        ip.run_cell_magic("dag", "G", "A [treatmnet]\nA -> B")


@pytest.mark.parametrize("name", ["1G", "my-graph", "class", "G.x"])
def test_bad_graph_name_is_refused(ip, name):
    with pytest.raises(UsageError, match="not a valid Python name"):
        ip.run_cell_magic("dag", name, "A -> B")


def test_empty_body_is_refused(ip):
    with pytest.raises(UsageError, match="empty"):
        ip.run_cell_magic("dag", "G", "  \n# only a comment\n")


def test_missing_name_is_refused(ip):
    with pytest.raises(UsageError):
        ip.run_cell_magic("dag", "", "A -> B")


def test_rerunning_dag_moves_live_views_to_the_new_graph(ip):
    with capture_output():
        ip.run_cell("%%dag G\nA -> B")
    from causal_magic import sync

    old = ip.user_ns["G"]
    views = list(sync.widgets_for(old))
    assert views, "the displayed widget is registered for its graph"
    with capture_output():
        ip.run_cell("%%dag G\nA -> B -> C")
    new = ip.user_ns["G"]
    assert all(view.graph is new for view in views)


# -- %dag (line) -----------------------------------------------------------------


def test_line_magic_prints_dagitty_dsl_and_dot(ip, reality):
    ip.run_cell_magic("dag", "G", reality)
    with capture_output() as cap:
        ip.run_line_magic("dag", "G --dagitty")
    assert cap.stdout.startswith("dag {") and "exposure" in cap.stdout
    with capture_output() as cap:
        ip.run_line_magic("dag", "G --dsl")
    assert "Talent" in cap.stdout and "->" in cap.stdout
    with capture_output() as cap:
        ip.run_line_magic("dag", "G --dot")
    assert cap.stdout.startswith("digraph")


def test_line_magic_shows_several_graphs_side_by_side(ip, reality):
    with capture_output():
        ip.run_cell("%%dag G\nGear -> Sound")
        ip.run_cell("%%dag G2\n" + reality)
    with capture_output() as cap:
        ip.run_line_magic("dag", "G G2 --title GAS --title Reality")
    svgs = [o.data["image/svg+xml"] for o in cap.outputs if "image/svg+xml" in o.data]
    assert svgs and "Reality" in "".join(svgs) and "GAS" in "".join(svgs)


def test_line_magic_names_what_is_not_a_graph(ip):
    ip.user_ns["G"] = [1, 2]
    with pytest.raises(UsageError, match="'G' is a list, not a graph"):
        ip.run_line_magic("dag", "G")
    with pytest.raises(UsageError, match="no graph named 'H'"):
        ip.run_line_magic("dag", "H")


# -- %do -------------------------------------------------------------------------


def test_do_reproduces_the_seeds_numbers(ip, players, reality):
    ip.user_ns["players"] = players
    with capture_output():
        ip.run_cell("%%dag G2\n" + reality)
    r = ip.run_line_magic("do", "P(Sound=Great | do(Gear=Fancy)) --data players")
    assert round(r.value, 3) == 0.357
    assert round(r.naive, 3) == 0.625
    assert tuple(r.adjustment_set) == ("Talent",)
    assert r.graph_name == "G2"


def test_do_result_can_be_assigned(ip, players, reality):
    ip.user_ns["players"] = players
    with capture_output():
        ip.run_cell("%%dag G2\n" + reality)
        ip.run_cell("r = %do P(Sound=Great | do(Gear=Fancy)) --data players")
    assert round(float(ip.user_ns["r"]), 3) == 0.357


def test_do_query_reaches_the_parser_exactly_as_typed(ip):
    """No IPython {var} / $var expansion: braces and dollars are the query's own text."""
    ip.user_ns["lo"] = "NOT-THIS"
    ip.user_ns["x"] = "NOT-THIS-EITHER"
    ip.user_ns["df"] = pd.DataFrame(
        {"X": ["{lo}", "{lo}", "$x", "$x"], "Y": [1, 0, 1, 1], "Z": [0, 1, 0, 1]}
    )
    for value, estimate in (('"{lo}"', 0.5), ('"$x"', 1.0)):
        result = ip.run_cell(f"r = %do P(Y=1 | do(X={value})) --data df --adjust Z")
        assert result.success, result.error_in_exec
        assert ip.user_ns["r"].query == f"P(Y=1 | do(X={value}))"
        assert ip.user_ns["r"].value == estimate


def test_do_help_lists_every_option(ip):
    doc = ip.find_line_magic("do").__doc__
    for option in ("--data", "--dag", "--adjust", "--ci", "--bootstrap", "--seed", "--positivity"):
        assert option in doc
    assert "error" in doc and "drop" in doc and "default 1000" in doc


def test_do_bad_option_is_a_usage_error_naming_it(ip):
    with pytest.raises(UsageError, match="unknown option --dat; known: --data"):
        ip.run_line_magic("do", "P(Y=1 | do(X=1)) --dat df")
    with pytest.raises(UsageError, match="--ci must be between 0 and 1"):
        ip.run_line_magic("do", "P(Y=1 | do(X=1)) --data df --ci 2")


def test_do_refuses_to_guess_between_graphs(ip, players, reality):
    ip.user_ns["players"] = players
    with capture_output():
        ip.run_cell("%%dag G\nGear [treatment]\nSound [outcome]\nGear -> Sound")
        ip.run_cell("%%dag G2\n" + reality)
    with pytest.raises(UsageError, match=r"several graphs.*G, G2"):
        ip.run_line_magic("do", "P(Sound=Great | do(Gear=Fancy)) --data players")
    r = ip.run_line_magic("do", "P(Sound=Great | do(Gear=Fancy)) --data players --dag G")
    assert round(r.value, 3) == 0.625  # no confounder in G: the naive number, labelled as G's


def test_do_without_any_graph_says_how_to_give_one(ip, players):
    ip.user_ns["players"] = players
    with pytest.raises(UsageError, match="no %%dag graph contains"):
        ip.run_line_magic("do", "P(Sound=Great | do(Gear=Fancy)) --data players")


def test_do_with_unknown_dataframe_is_a_usage_error(ip):
    with pytest.raises(UsageError, match="no DataFrame named 'nope'"):
        ip.run_line_magic("do", "P(Sound=Great | do(Gear=Fancy)) --data nope --adjust Talent")


def test_do_not_identifiable_gives_bounds_and_no_number(ip, players, reality):
    ip.user_ns["seen"] = players.drop(columns=["Talent"])
    with capture_output():
        ip.run_cell("%%dag G2\n" + reality)
    r = ip.run_line_magic("do", "P(Sound=Great | do(Gear=Fancy)) --data seen")
    assert r.value is None and r.bounds == (0.3125, 0.8125)
    assert "Gear <- Talent -> Sound" in r.reason


# -- %dag --check ------------------------------------------------------------------


def test_check_says_the_seed_data_cannot_tell_gas_from_reality(ip, players, reality):
    ip.user_ns["players"] = players
    with capture_output():
        ip.run_cell("%%dag GAS\nGear [treatment]\nSound [outcome]\nGear -> Sound")
        ip.run_cell("%%dag Reality\n" + reality)
    result = ip.run_line_magic("dag", "GAS Reality --check players")
    assert "cannot tell GAS and Reality apart" in result.verdict
    assert "<" in result._repr_html_()


def test_check_finds_a_missing_edge(ip):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    a = rng.integers(0, 2, 5000)
    b = (rng.random(5000) < 0.2 + 0.6 * a).astype(int)
    c = (rng.random(5000) < 0.2 + 0.6 * a).astype(int)  # A -> C, which the graph leaves out
    ip.user_ns["df"] = pd.DataFrame({"A": a, "B": b, "C": c})
    with capture_output():
        ip.run_cell("%%dag Chain\nA -> B -> C")
    result = ip.run_line_magic("dag", "Chain --check df")
    assert result.fits is False
    assert list(result.table["independence"]) == ["A ⫫ C | B"]


def test_check_needs_a_table_and_at_most_two_graphs(ip, players):
    ip.user_ns["players"] = players
    with capture_output():
        ip.run_cell("%%dag G\nA -> B")
    with pytest.raises(UsageError, match=r"no DataFrame named 'nope' \(tables here: players\)"):
        ip.run_line_magic("dag", "G --check nope")
    with pytest.raises(UsageError, match=r"one graph .* or two"):
        ip.run_line_magic("dag", "G G G --check players")


# -- hostile input (issue 11) ---------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "get_ipython",
        "__builtins__",
        "_oh",
        "_ih",
        "_dh",
        "In",
        "Out",
        "exit",
        "quit",
        "_",
        "__",
        "___",
        "_i",
        "_ii",
        "_i1",
        "_12",
        "print",
        "len",
        "open",
        "__name__",
    ],
)
def test_names_of_python_or_ipython_are_refused_and_the_old_value_stays(ip, name):
    old = ip.user_ns.get(name, "absent")
    with pytest.raises(UsageError, match=r"%%dag: .*(IPython's own name|Python builtin)"):
        ip.run_cell_magic("dag", name, "A -> B")
    assert ip.user_ns.get(name, "absent") is old
    assert ip.run_cell("x = get_ipython()").success  # the session still works


def test_ordinary_names_that_look_close_are_accepted(ip):
    with capture_output():
        for name in ("G_", "_G", "In2", "_i_x", "inputs", "G__1"):
            ip.run_cell_magic("dag", name, "A -> B")
            assert isinstance(ip.user_ns[name], nx.DiGraph)


def test_title_in_quotes_is_split_as_a_shell_does(ip):
    with capture_output() as cap:
        ip.run_cell('%%dag G --title "Two words"\nA -> B')
    svg = next(o.data["image/svg+xml"] for o in cap.outputs if "image/svg+xml" in o.data)
    assert ">Two words<" in svg and "&quot;Two" not in svg and '"Two' not in svg
    with capture_output() as cap:
        ip.run_line_magic("dag", "G --title 'It is G'")
    svg = next(o.data["image/svg+xml"] for o in cap.outputs if "image/svg+xml" in o.data)
    assert ">It is G<" in svg


@pytest.mark.parametrize(
    ("option", "value"),
    [("--width", "-5"), ("--height", "0"), ("--width", "49"), ("--height", "100000")],
)
def test_invisible_or_huge_drawing_sizes_are_refused(ip, option, value):
    with pytest.raises(UsageError, match=rf"{option} must be between 50 and 5000 pixels"):
        ip.run_cell_magic("dag", f"G {option} {value}", "A -> B")
    assert "G" not in ip.user_ns


def test_unclosed_quote_in_dag_options_is_a_usage_error(ip):
    with pytest.raises(UsageError, match="cannot read the options"):
        ip.run_cell_magic("dag", 'G --title "open', "A -> B")


def test_do_seed_and_bootstrap_bounds_name_the_option(ip):
    with pytest.raises(UsageError, match=r"--seed must be between 0 and 4294967295, got -1"):
        ip.run_line_magic("do", "P(Y=1 | do(X=1)) --data df --seed -1")
    with pytest.raises(UsageError, match=r"--bootstrap takes 10 to 10,000 resamples"):
        ip.run_line_magic("do", "P(Y=1 | do(X=1)) --data df --bootstrap 10000001")
    doc = ip.find_line_magic("do").__doc__
    assert "10 to 10,000" in doc and "0 to 4294967295" in doc


def test_do_still_finds_the_graph_after_unload_and_load(ip, players, reality):
    ip.user_ns["players"] = players
    with capture_output():
        ip.run_cell("%%dag G2\n" + reality)
    ip.run_line_magic("unload_ext", "causal_magic")
    ip.run_line_magic("load_ext", "causal_magic")
    r = ip.run_line_magic("do", "P(Sound=Great | do(Gear=Fancy)) --data players")
    assert round(r.value, 3) == 0.357 and r.graph_name == "G2"


def test_reload_forgets_a_name_rebound_meanwhile(ip, players, reality):
    ip.user_ns["players"] = players
    with capture_output():
        ip.run_cell("%%dag G2\n" + reality)
    ip.run_line_magic("unload_ext", "causal_magic")
    ip.run_cell("import networkx as nx\nG2 = nx.DiGraph([('Gear', 'Sound')])")
    ip.run_line_magic("load_ext", "causal_magic")
    with pytest.raises(UsageError, match="no %%dag graph contains"):
        ip.run_line_magic("do", "P(Sound=Great | do(Gear=Fancy)) --data players")


@pytest.mark.parametrize("flag", ["--dsl", "--dagitty", "--dot"])
def test_printing_a_graph_made_cyclic_in_python_warns_naming_the_cycle(ip, flag):
    ip.run_cell_magic("dag", "C", "A -> B -> C2")
    ip.run_cell("C.add_edge('C2', 'A')")
    with capture_output() as cap:
        ip.run_line_magic("dag", f"C {flag}")
    assert "A" in cap.stdout
    assert "C has a cycle (" in cap.stderr and "%%dag refuses this text" in cap.stderr
    assert "A -> B -> C2 -> A" in cap.stderr or "B -> C2 -> A -> B" in cap.stderr


def test_printing_an_acyclic_graph_gives_no_warning(ip):
    ip.run_cell_magic("dag", "C", "A -> B")
    with capture_output() as cap:
        ip.run_line_magic("dag", "C --dsl")
    assert cap.stderr == ""


def test_a_multidigraph_is_refused_with_how_to_convert_it(ip):
    ip.user_ns["M"] = nx.MultiDiGraph([("A", "B"), ("A", "B")])
    ip.user_ns["df"] = pd.DataFrame({"A": [0, 1], "B": [1, 0]})
    for line in ("M", "M --dsl", "M --check df"):
        with pytest.raises(UsageError, match=r"'M' is a MultiDiGraph.*nx.DiGraph\(M\)"):
            ip.run_line_magic("dag", line)
    with pytest.raises(UsageError, match="MultiDiGraph"):
        ip.run_line_magic("do", "P(B=1 | do(A=1)) --data df --dag M")


def test_a_graph_the_writers_cannot_write_is_a_usage_error(ip):
    ip.run_cell_magic("dag", "G", "A -> B")
    ip.user_ns["G"].nodes["A"]["pos"] = "nowhere"
    with pytest.raises(UsageError, match="cannot write this graph as text"):
        ip.run_line_magic("dag", "G --dsl")


def test_a_cycle_through_a_50000_node_chain_is_a_short_message(ip):
    text = " -> ".join(f"v{i}" for i in range(50_000)) + " -> v0"
    with pytest.raises(UsageError) as info:
        ip.run_cell_magic("dag", "G", text)
    message = str(info.value)
    assert "the graph has a cycle: v0 -> v1" in message and "(50,000 nodes)" in message
    assert len(message) < 2_000
    assert "G" not in ip.user_ns
