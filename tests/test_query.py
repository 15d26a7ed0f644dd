"""The query language: what parses into what, and where errors point."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from causal_magic.magics import parse_magic_line
from causal_magic.query import (
    DoOptionsError,
    QuerySyntaxError,
    format_term,
    parse_query,
    split_magic_line,
)


def test_seed_query_parses_into_outcome_value_and_intervention():
    q = parse_query("P(Sound=Great | do(Gear=Fancy))")
    t = q.left
    assert (t.kind, t.outcome, t.outcome_value.value) == ("P", "Sound", "Great")
    assert [(n, v.value) for n, v in t.interventions] == [("Gear", "Fancy")]
    assert t.conditions == () and q.op is None and q.right is None
    assert q.variables == ["Sound", "Gear"]


def test_whitespace_is_free_between_tokens():
    a = parse_query("P(Sound=Great|do(Gear=Fancy))")
    b = parse_query("  P ( Sound = Great  |  do ( Gear = Fancy ) )  ")
    assert format_term(a.left) == format_term(b.left) == "P(Sound=Great | do(Gear=Fancy))"


def test_distribution_query_has_no_outcome_value():
    t = parse_query("P(Sound | do(Gear=Fancy))").left
    assert t.outcome_value is None and t.is_distribution


@pytest.mark.parametrize("text", ["E[Score | do(Tutor=1)]", "E(Score | do(Tutor=1))"])
def test_expectation_accepts_brackets_or_parentheses(text):
    t = parse_query(text).left
    assert t.kind == "E" and t.outcome == "Score" and t.interventions[0][1].value == 1


def test_several_interventions_and_extra_conditions_keep_their_order():
    t = parse_query("P(Y=1 | do(X1=a, X2=b), W=w, V=2)").left
    assert [n for n, _ in t.interventions] == ["X1", "X2"]
    assert [(n, v.value) for n, v in t.conditions] == [("W", "w"), ("V", 2)]


def test_conditions_may_come_before_the_do():
    t = parse_query("P(Y=1 | W=0, do(X=1))").left
    assert [n for n, _ in t.interventions] == ["X"] and [n for n, _ in t.conditions] == ["W"]


def test_no_do_conditional_is_a_non_causal_term():
    t = parse_query("P(Y=1 | X=1)").left
    assert not t.is_causal and t.conditions[0][0] == "X"


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("1", "number", 1),
        ("-2", "number", -2),
        ("0.5", "number", 0.5),
        ("1e3", "number", 1000.0),
        ("true", "bool", True),
        ("False", "bool", False),
        ("Fancy", "word", "Fancy"),
        ('"very fancy"', "string", "very fancy"),
        ('"1"', "string", "1"),
        ('"say \\"hi\\""', "string", 'say "hi"'),
        ("état", "word", "état"),
    ],
)
def test_values_keep_their_lexical_kind(raw, kind, value):
    v = parse_query(f"P(Y=1 | do(X={raw}))").left.interventions[0][1]
    assert (v.kind, v.value) == (kind, value)
    assert type(v.value) is type(value)


def test_quoted_names_take_escapes_like_the_edge_language():
    t = parse_query('P("Signal\\nProc"=1 | do("carry matches"=yes))').left
    assert t.outcome == "Signal\nProc"
    assert t.interventions[0][0] == "carry matches"


def test_names_with_dots_digits_and_unicode_are_bare():
    t = parse_query("P(y.2=1 | do(Größe_1=3))").left
    assert t.outcome == "y.2" and t.interventions[0][0] == "Größe_1"


def test_contrast_and_ratio_hold_two_terms():
    d = parse_query("P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))")
    r = parse_query("P(Y=1 | do(X=1)) / P(Y=1 | do(X=0))")
    assert d.op == "-" and r.op == "/"
    assert d.right.interventions[0][1].value == 0


def test_negative_value_after_equals_is_not_a_contrast():
    q = parse_query("P(Y=1 | do(X=-1))")
    assert q.op is None and q.left.interventions[0][1].value == -1


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("P(Y=1 | do(X=))", 14, "expected a value for X"),
        ("P(Y=1 | do(X=1)", 16, "expected ')' to close P("),
        ("Q(Y=1)", 1, "expected P(...) or E[...]"),
        ("P(Y=1 | do(X 1))", 14, "expected '=' and a value after 'X'"),
        ("P(Y=1 | do(X=1)) extra", 18, "expected the end of the query"),
        ("E[Y=1 | do(X=1)]", 4, "takes no value for Y"),
        ("P(Y=1 | do(X=1, X=2))", 17, "'X' is given twice"),
        ("P(Y=1 | do(Y=2))", 12, "'Y' is the outcome"),
        ('P(Y="open | do(X=1))', 5, "unterminated quoted string"),
        ("P(Y=1 | do(X=1)) - P(Y | do(X=0))", 33, "needs single probabilities"),
        ("", 1, "expected a query"),
        ("P(=1)", 3, "expected the outcome variable"),
    ],
)
def test_syntax_errors_point_at_the_column_and_say_what_was_expected(text, column, words):
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(text)
    assert words in info.value.msg
    assert info.value.offset == column
    assert isinstance(info.value, SyntaxError)
    # the message shows the text with a caret under the column
    lines = str(info.value).splitlines()
    assert lines[-1].index("^") - 2 == column - 1


def test_magic_line_splits_after_the_query_even_with_quotes_and_dashes_inside():
    line = """P(Y="it's --not an option" | do(X=1)) --data df --dag G"""
    q, opts = split_magic_line(line)
    assert q == """P(Y="it's --not an option" | do(X=1))"""
    assert opts == "--data df --dag G"


def test_magic_line_options_are_parsed():
    q, o = parse_magic_line(
        "P(Sound=Great | do(Gear=Fancy)) --data df --dag G --adjust A,B "
        "--ci 0.9 --bootstrap 200 --seed 7 --positivity drop"
    )
    assert q.left.outcome == "Sound"
    assert (o.data, o.dag, o.adjust, o.ci, o.bootstrap, o.seed, o.positivity) == (
        "df",
        "G",
        ("A", "B"),
        0.9,
        200,
        7,
        "drop",
    )


def test_magic_line_accepts_equals_form_and_percent_ci():
    _, o = parse_magic_line("P(Y=1 | do(X=1)) --data=df --ci=95 --adjust A B")
    assert o.data == "df" and o.ci == 0.95 and o.adjust == ("A", "B")


def test_magic_line_defaults():
    _, o = parse_magic_line("P(Y=1 | do(X=1))")
    assert (o.data, o.dag, o.adjust, o.ci, o.bootstrap, o.seed) == (
        None,
        None,
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("P(Y=1 | do(X=1)) --date df", "unknown option --date"),
        ("P(Y=1 | do(X=1)) --ci abc", "--ci expects a level"),
        ("P(Y=1 | do(X=1)) --ci 2", "between 0 and 1"),
        ("P(Y=1 | do(X=1)) --data", "--data needs a value"),
        ("P(Y=1 | do(X=1)) --seed x", "--seed expects an integer"),
        ("P(Y=1 | do(X=1)) --data a --data b", "given twice"),
        ("P(Y=1 | do(X=1)) --positivity maybe", "'error' or 'drop'"),
    ],
)
def test_bad_options_are_refused_with_what_would_be_right(line, words):
    with pytest.raises(DoOptionsError, match=words.replace("(", r"\(")):
        parse_magic_line(line)


def test_text_between_query_and_options_is_a_syntax_error():
    with pytest.raises(QuerySyntaxError) as info:
        split_magic_line("P(Y=1 | do(X=1)) df --data df")
    assert info.value.offset == 18


def test_options_errors_are_query_syntax_errors_so_one_except_catches_the_line():
    with pytest.raises(QuerySyntaxError):
        parse_magic_line("P(Y=1 | do(X=1)) --nope 1")


_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8
)
_values = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.sampled_from(["true", "false", "Fancy", "0.25"]),
    _names.map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)


@given(y=_names, x=_names, w=_names, xv=_values, yv=_values)
def test_canonical_text_parses_back_to_the_same_term(y, x, w, xv, yv):
    if len({y, x, w}) < 3:
        return
    from causal_magic.query import format_name

    text = f"P({format_name(y)}={yv} | do({format_name(x)}={xv}), {format_name(w)}=1)"
    t = parse_query(text).left
    again = parse_query(format_term(t)).left
    assert (again.outcome, again.interventions[0][0], again.conditions[0][0]) == (y, x, w)
    assert again.outcome_value.value == t.outcome_value.value
    assert again.interventions[0][1].value == t.interventions[0][1].value


# -- threshold events and dose-response curves (issue 14) ---------------------------------


@pytest.mark.parametrize("op", [">", ">=", "<", "<="])
def test_threshold_event_is_parsed_with_its_comparison(op):
    q = parse_query(f"P(Y {op} -1.5 | do(X=1))")
    t = q.left
    assert t.outcome_op == op and t.outcome_value.value == -1.5
    assert str(q) == f"P(Y {op} -1.5 | do(X=1))"
    assert parse_query(str(q)) == q  # the text round-trips


def test_threshold_contrast_parses_and_writes_back():
    q = parse_query("P(Y>0|do(X=1)) - P(Y>0|do(X=0))")
    assert q.op == "-" and str(q) == "P(Y > 0 | do(X=1)) - P(Y > 0 | do(X=0))"


def test_threshold_needs_a_number_and_points_at_it():
    with pytest.raises(QuerySyntaxError) as e:
        parse_query("P(Y >= high | do(X=1))")
    assert "needs a number" in e.value.msg and e.value.offset == 8


def test_expectation_takes_no_threshold():
    with pytest.raises(QuerySyntaxError, match=r"takes no threshold") as e:
        parse_query("E[Y > 2 | do(X=1)]")
    assert e.value.offset == 5


def test_a_bare_treatment_in_do_asks_for_the_whole_curve():
    q = parse_query("E[Y | do(Dose)]")
    ((name, v),) = q.left.interventions
    assert name == "Dose" and v.kind == "all" and str(q) == "E[Y | do(Dose)]"


def test_a_bare_name_outside_do_still_needs_a_value():
    with pytest.raises(QuerySyntaxError, match="expected '='"):
        parse_query("E[Y | do(X=1), W]")


def test_split_magic_line_keeps_a_threshold_query_whole():
    assert split_magic_line("P(Y > 3 | do(X=1)) --data df --method aipw") == (
        "P(Y > 3 | do(X=1))",
        "--data df --method aipw",
    )
