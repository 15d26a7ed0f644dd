"""``%dag G --explain A B --given C,D`` and ``--present`` in a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output

from causal_magic import sync
from causal_magic.identify import explain_paths

SEED = "%%dag G\nTalent -> Practice -> Sound\nTalent -> Sound\nSound -> Applause\nLuck -> Applause"


def test_explain_shows_the_drawing_with_the_explorers_answer_and_the_words(ip):
    with capture_output():
        ip.run_cell(SEED)
    with capture_output() as cap:
        ip.run_line_magic("dag", "G --explain Practice Sound --given Talent")
    G = ip.user_ns["G"]
    expected = explain_paths(G, "Practice", "Sound", ["Talent"])
    views = [w for w in sync.widgets_for(G) if w.explore]
    assert views and views[-1].explore["given"] == ["Talent"]
    assert [p["reason"] for p in views[-1].explore["paths"]] == [p.reason for p in expected.paths]
    html = "".join(o.data.get("text/html", "") for o in cap.outputs)
    assert "blocked: Talent is conditioned on (a fork)" in html
    assert "d-connected given {Talent}" in html


def test_explain_a_collider_opened_by_its_descendant(ip):
    with capture_output():
        ip.run_cell(SEED)
    with capture_output() as cap:
        ip.run_line_magic("dag", "G --explain Talent Luck --given Applause")
    text = "".join(o.data.get("text/plain", "") for o in cap.outputs)
    assert "Talent and Luck are d-connected given {Applause}: 2 open paths." in text
    assert "open: Applause is a collider and is conditioned on" in text


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("G --explain Talent Nope", "not a node of the graph"),
        ("G --explain Talent Sound --given Sond", "did you mean 'Sound'"),
        ("G --given Talent", "--given goes with --explain"),
        ("G G --explain Talent Sound", "takes one graph"),
        ("G --explain Talent Talent", "two different nodes"),
    ],
)
def test_bad_explain_questions_are_usage_errors_that_say_what(ip, line, words):
    with capture_output():
        ip.run_cell(SEED)
    with pytest.raises(UsageError, match=words):
        ip.run_line_magic("dag", line)


def test_explain_belongs_to_the_line_magic(ip):
    with pytest.raises(UsageError, match="belong to the line magic"):
        ip.run_cell_magic("dag", "G --explain A B", "A -> B")


def test_present_starts_the_drawing_in_presenting_mode(ip):
    with capture_output():
        ip.run_cell("%%dag G --present\nA -> B")
    assert any(w.present for w in sync.widgets_for(ip.user_ns["G"]))
    with capture_output():
        ip.run_cell("%%dag H\nA -> B")
    assert not any(w.present for w in sync.widgets_for(ip.user_ns["H"]))
