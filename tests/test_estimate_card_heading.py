"""The %do card's heading: names are coloured on the text, never inside produced markup."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from causal_magic.cards.do_card import render_html
from causal_magic.estimate import do
from causal_magic.query import format_name

HTML_WORDS = [
    "class",
    "Treatment",
    "outcome_long",
    "span",
    "style",
    "div",
    "b",
    "cm",
    "x",
    "y",
    "td",
    "lt",
    "amp",
    "quot",
]
SPECIALS = ["<b>", "a&b", 'q"t', "x<y", "&lt;", "a b", "</span>", "=", "cm-x"]


class _Heading(HTMLParser):
    """The text of the card's query heading and the text of each coloured span in it."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # > 0 inside the heading div
        self.text = ""
        self.spans: list[tuple[str, str]] = []
        self._span: str | None = None

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class", "")
        if self.depth:
            self.depth += 1
            assert tag == "span", f"only spans inside the heading, got <{tag}>"
            self._span = cls
            self.spans.append((cls, ""))
        elif tag == "div" and cls == "cm-query":
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self._span = None

    def handle_data(self, data):
        if self.depth:
            self.text += data
            if self._span is not None:
                cls, seen = self.spans[-1]
                self.spans[-1] = (cls, seen + data)


def _heading(card: str) -> _Heading:
    p = _Heading()
    p.feed(card)
    p.close()
    return p


def _card_for(x: str, y: str) -> tuple[str, object]:
    rng = np.random.default_rng(1)
    df = pd.DataFrame({x: rng.integers(0, 2, 60), y: rng.integers(0, 2, 60)})
    df.loc[:3, x] = [0, 0, 1, 1]
    df.loc[:3, y] = [0, 1, 0, 1]
    r = do(f"P({format_name(y)}=1 | do({format_name(x)}=1))", df, adjust=[])
    return render_html(r), r


def test_variable_named_class_colours_only_its_own_occurrences():
    # a longer name is coloured first; its span's own class="..." must not be touched
    card, r = _card_for("Treatment", "class")
    h = _heading(card)
    assert h.text == r.query == "P(class=1 | do(Treatment=1))"
    assert h.spans == [("cm-y", "class"), ("cm-x", "Treatment")]


names = st.one_of(
    st.sampled_from(HTML_WORDS + SPECIALS),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names, names)
def test_heading_text_is_the_query_whatever_the_names(x, y):
    if x == y or x.lower() in ("do", "p", "e") or y.lower() in ("do", "p", "e"):
        return
    card, r = _card_for(x, y)
    h = _heading(card)
    assert h.text == r.query  # markup never leaks into (or eats) the text
    simple = {n for n in (x, y) if format_name(n) == n}
    assert sorted(t for _, t in h.spans) == sorted(simple)
    for cls, t in h.spans:
        assert cls == ("cm-x" if t == x else "cm-y")
