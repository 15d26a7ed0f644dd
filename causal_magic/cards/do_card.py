"""The card a :class:`~causal_magic.estimate.DoResult` shows itself as.

This is the teaching moment of ``%do``: the causal estimate big, beside the
naive conditional it corrects, the reason for the adjustment set, and the
adjustment formula written out with every term's counts and numbers, so that
a reader can redo the arithmetic by hand::

    P(Sound=Great | do(Gear=Fancy)) = Σ_Talent P(Great | Fancy, Talent) · P(Talent)
      = P(Great | Fancy, High)·P(High) + P(Great | Fancy, Low)·P(Low)
      = 5/7 × 8/16 + 0/1 × 8/16
      = 0.714×0.500 + 0.000×0.500 = 0.357

Three renderings: :func:`render_html` (self-contained: inline CSS using the
``--jp-*`` theme variables with fallbacks, no script, no MathJax, so it reads
the same offline, in exported HTML, dark or light), :func:`render_latex` (an
``aligned`` block for PDFs and papers) and :func:`render_text`.  Every user
string -- column names, values, graph names, messages -- is escaped.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from ..formula import tex_name, to_text
from .bounds_section import (
    BOUNDS_CSS,
    bounds_html,
    bounds_latex,
    bounds_text,
    interval_text,
    sensitivity_html,
    sensitivity_text,
)
from .caps import MAX_COLUMNS, MAX_ITEMS, MAX_ROWS, clip, more_html, more_text
from .models_section import MODELS_CSS, models_html, models_text
from .worked_formula import MAX_TERMS, formula_lines, html_of, num, short_value, tex_of

if TYPE_CHECKING:
    from ..estimate.result import DoResult

__all__ = ["render_html", "render_latex", "render_text"]

_CSS = """
.cm-do-card{font-family:var(--jp-ui-font-family,system-ui,-apple-system,sans-serif);
 color:var(--jp-ui-font-color1,inherit);background:var(--jp-layout-color1,transparent);
 border:1px solid var(--jp-border-color2,rgba(127,127,127,.35));border-radius:8px;
 padding:12px 16px;margin:4px 0;max-width:820px;line-height:1.45;font-size:13px}
.cm-do-card .cm-query{font-family:var(--jp-content-font-family,Georgia,serif);font-size:16px;
 margin-bottom:8px}
.cm-do-card .cm-x{color:var(--cm-treatment,#b03a2e);font-weight:600}
.cm-do-card .cm-y{color:var(--cm-outcome,#1e7e44);font-weight:600}
.cm-do-card .cm-numbers{display:flex;gap:28px;align-items:flex-end;flex-wrap:wrap;margin:6px 0 10px}
.cm-do-card .cm-big{font-size:30px;font-weight:700;letter-spacing:.5px}
.cm-do-card .cm-mid{font-size:20px;font-weight:600;opacity:.85}
.cm-do-card .cmc-label{display:block;font-size:11px;text-transform:none;opacity:.75}
.cm-do-card .cm-ci{font-size:12px;opacity:.85}
.cm-do-card .cm-why{margin:6px 0}
.cm-do-card .cm-formula{font-family:var(--jp-content-font-family,Georgia,serif);font-size:14px;
 background:var(--jp-layout-color2,rgba(127,127,127,.08));border-radius:6px;padding:8px 12px;
 margin:8px 0;overflow-x:auto}
.cm-do-card .cm-formula td{padding:1px 4px;border:none;text-align:left;vertical-align:top;
 background:transparent}
.cm-do-card .cm-formula td.cm-lhs{text-align:right;white-space:nowrap}
.cm-do-card .cm-frac{font-variant-numeric:tabular-nums;white-space:nowrap}
.cm-do-card .cm-num{font-variant-numeric:tabular-nums}
.cm-do-card table.cm-strata{border-collapse:collapse;font-size:12px;margin:6px 0}
.cm-do-card table.cm-strata th,.cm-do-card table.cm-strata td{padding:2px 8px;
 border-bottom:1px solid var(--jp-border-color2,rgba(127,127,127,.3));text-align:right}
.cm-do-card table.cm-strata th{font-weight:600}
.cm-do-card .cm-warnings{border-left:4px solid var(--jp-warn-color1,#d68910);
 background:rgba(214,137,16,.14);padding:6px 10px;margin:8px 0;border-radius:4px}
.cm-do-card .cm-warnings ul{margin:0;padding-left:18px}
.cm-do-card .cm-foot{font-size:11px;opacity:.7;margin-top:8px}
.cm-do-card details summary{cursor:pointer;font-size:12px;opacity:.85}
.cm-do-card sub{font-size:70%}
[data-jp-theme-light="false"] .cm-do-card .cm-x,.vscode-dark .cm-do-card .cm-x{color:#ff9e94}
[data-jp-theme-light="false"] .cm-do-card .cm-y,.vscode-dark .cm-do-card .cm-y{color:#7fd99a}
"""


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _signed(v: float | None) -> str:
    if v is None:
        return "undefined"
    return ("+" if v >= 0 else "") + num(v)


def _rows(tbl):
    """Rows of a table as dicts, each value keeping its column's dtype (iterrows would not)."""
    cols = {c: tbl[c].tolist() for c in tbl.columns}
    for i in range(len(tbl)):
        yield {c: vals[i] for c, vals in cols.items()}


# -- HTML ------------------------------------------------------------------------------


def _query_html(text: str, r: DoResult) -> str:
    """The query with the treatment and outcome names coloured.

    The names are found in the query's *text* in one pass, and the text
    between and inside the hits is escaped as it is copied: nothing is ever
    substituted inside markup this function produced, so a variable named
    ``class``, ``span`` or ``b`` colours its own occurrences and nothing else.
    """
    terms = [p.term for p in r.parts] if r.parts else [r.term]
    roles: dict[str, str] = {}
    for t in terms:
        if t is None:
            continue
        for n, _ in t.interventions:
            roles.setdefault(str(n), "x")
        roles.setdefault(str(t.outcome), "y")
    # colour whole-word occurrences only of simple names (quoted ones stay plain)
    names = sorted((n for n in roles if re.fullmatch(r"[\w.]+", n)), key=lambda n: -len(n))
    if not names:
        return _e(text)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?=\s*=|\s*[|)\]])")
    out, at = [], 0
    for m in pattern.finditer(text):
        name = m.group(1)
        out.append(_e(text[at : m.start()]))
        out.append(f'<span class="cm-{roles[name]}">{_e(name)}</span>')
        at = m.end()
    out.append(_e(text[at:]))
    return "".join(out)


def _formula_html(r: DoResult) -> str:
    lines = formula_lines(r)
    if not lines:
        return ""
    rows = []
    for i, (lhs, rhs) in enumerate(lines):
        left = html_of(lhs) if lhs else ""
        cls = ' class="cm-num"' if i >= 2 else ""
        rows.append(
            f'<tr><td class="cm-lhs">{left}</td><td>=</td><td{cls}>{html_of(rhs)}</td></tr>'
        )
    return f'<div class="cm-formula"><table>{"".join(rows)}</table></div>'


def _table_html(r: DoResult) -> str:
    """The strata table: its first :data:`~.caps.MAX_ROWS` rows; the whole is ``result.table``."""
    tbl = r.table
    if tbl is None or not len(tbl):
        return ""
    columns = list(tbl.columns[:MAX_COLUMNS])
    head = "".join(f"<th>{_e(clip(c))}</th>" for c in columns)
    if len(tbl.columns) > MAX_COLUMNS:
        head += f"<th>… {len(tbl.columns) - MAX_COLUMNS:,} more columns</th>"
    body = []
    for row in _rows(tbl.iloc[:MAX_ROWS, :MAX_COLUMNS]):
        cells = []
        for c in columns:
            v = row[c]
            text = num(v) if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v)
            cells.append(f"<td>{_e(clip(text))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    what = "front-door terms" if r.method == "frontdoor" else "strata"
    body.append(more_html(len(tbl) - MAX_ROWS, what, "result.table", len(columns)))
    opened = " open" if len(tbl) <= MAX_TERMS and len(tbl.columns) <= 9 else ""
    return (
        f"<details{opened}><summary>{len(tbl):,} {what} (result.table)</summary>"
        f'<table class="cm-strata"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></details>"
    )


def _why_html(r: DoResult) -> str:
    if r.term is not None and not r.term.is_causal:
        return f'<div class="cm-why">{_e(r.reason)}</div>'
    if r.method == "frontdoor":
        m = ", ".join(map(str, r.frontdoor_set))
        head = f"front-door through {{{_e(m)}}}"
    elif r.method == "id":
        head = "the ID formula (no adjustment or front-door set exists)"
    elif r.adjustment_set:
        head = f"adjusted for {{{_e(', '.join(map(str, r.adjustment_set)))}}}"
    else:
        head = "no adjustment needed (the empty set is valid)"
        if r.method.startswith("adjustment"):
            head = "no adjustment (empty set given)"
    if r.method == "adjustment (user-given)":
        head += " (user-given)"
    lead = " — " if r.method == "adjustment (user-given)" else " — why: "
    reason = f"{lead}{_e(r.reason)}" if r.reason else ""
    return f'<div class="cm-why"><b>{head}</b>{reason}</div>'


def _distribution_html(r: DoResult) -> str:
    ci = r.details.ci_distribution or {}
    rows = []
    dist = list((r.distribution or {}).items())
    for lv, p in dist[:MAX_ROWS]:
        nv = (r.naive_distribution or {}).get(lv)
        ci_text = f"[{num(ci[lv][0])}, {num(ci[lv][1])}]" if lv in ci else ""
        rows.append(
            f"<tr><td>{_e(clip(short_value(lv)))}</td><td><b>{num(p)}</b></td><td>{num(nv)}</td>"
            f"<td>{_signed(None if nv is None else p - nv)}</td><td>{_e(ci_text)}</td></tr>"
        )
    rows.append(more_html(len(dist) - MAX_ROWS, "values", "result.distribution", 5))
    ci_head = f"{round(r.ci_level * 100)}% CI" if ci else ""
    return (
        '<table class="cm-strata"><thead><tr><th>value</th><th>P(y | do(x))</th>'
        f"<th>naive P(y | x)</th><th>difference</th><th>{ci_head}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _numbers_html(r: DoResult) -> str:
    is_causal = not r.term or r.term.is_causal
    label = "causal estimate" if is_causal else "conditional (no do)"
    small = r.exact is not None and 1 < r.exact.denominator <= 10_000
    exact = f" = {_e(r.exact)}" if small else ""
    ci = ""
    if r.ci is not None:
        ci = (
            f'<span class="cm-ci">{round(r.ci_level * 100)}% CI [{num(r.ci[0])}, '
            f"{num(r.ci[1])}]"
            + (f" · {r.bootstrap:,} resamples" if r.bootstrap else "")
            + (f", {r.bootstrap_excluded:,} excluded" if r.bootstrap_excluded else "")
            + "</span>"
        )
    parts = [
        f'<div><span class="cm-big cm-num">{num(r.value)}</span>'
        f'<span class="cmc-label">{label}{exact}</span>{ci}</div>'
    ]
    if is_causal:
        naive_label = "naive P(y | x)" if r.term is None or r.term.kind == "P" else "naive E[y | x]"
        if r.parts:
            naive_label = f"naive ({'difference' if r.op == '-' else 'ratio'} of conditionals)"
        parts.append(
            f'<div><span class="cm-mid cm-num">{num(r.naive)}</span>'
            f'<span class="cmc-label">{_e(naive_label)}</span></div>'
        )
        parts.append(
            f'<div><span class="cm-mid cm-num">{_signed(r.difference)}</span>'
            '<span class="cmc-label">difference (causal − naive)</span></div>'
        )
    return f'<div class="cm-numbers">{"".join(parts)}</div>'


def _warnings_html(r: DoResult) -> str:
    if not r.warnings:
        return ""
    items = "".join(f"<li>{_e(clip(w))}</li>" for w in r.warnings[:MAX_ITEMS])
    more = more_text(len(r.warnings) - MAX_ITEMS, "warnings", "result.warnings")
    items += f"<li>{_e(more)}</li>" if more else ""
    return f'<div class="cm-warnings" role="note"><b>⚠ check</b><ul>{items}</ul></div>'


#: How ``do()`` names a graph passed without ``dag_name`` (in its messages too).
UNNAMED_GRAPH = "the graph"


def graph_words(name: str | None) -> str:
    """How the card names the graph: ``graph G``, ``the graph passed as dag=``, ``no graph``."""
    if not name:
        return "no graph"
    return "the graph passed as dag=" if name == UNNAMED_GRAPH else f"graph {name}"


def _foot_html(r: DoResult) -> str:
    bits = [_e(graph_words(r.graph_name))]
    bits.append(_e(r.method))
    bits.append(f"{r.n_used:,} rows used")
    if r.n_dropped_missing:
        bits.append(f"{r.n_dropped_missing:,} dropped (missing values)")
    return f'<div class="cm-foot">{" · ".join(bits)}</div>'


def _part_html(r: DoResult) -> str:
    body = _why_html(r)
    if r.distribution is not None:
        body += _distribution_html(r)
    body += _formula_html(r) + _table_html(r)
    return body


def render_html(r: DoResult) -> str:
    """The card as self-contained HTML (inline CSS, no script)."""
    out = [f'<div class="cm-do-card"><style>{_CSS}{BOUNDS_CSS}{MODELS_CSS}</style>']
    out.append(f'<div class="cm-query">{_query_html(r.query, r)}</div>')
    if r.value is not None or r.parts:
        out.append(_numbers_html(r))
    out.append(sensitivity_html(r) + bounds_html(r) + models_html(r))
    out.append(_warnings_html(r))
    if r.parts:
        word = "difference" if r.op == "-" else "ratio"
        a, b = r.parts
        out.append(
            f'<div class="cm-formula">{word}: {num(a.value)} {"−" if r.op == "-" else "÷"} '
            f"{num(b.value)} = {num(r.value)}</div>"
        )
        for part in r.parts:
            out.append(
                f"<details open><summary>{_e(part.query)} = {num(part.value)}"
                f" (naive {num(part.naive)})</summary>{_part_html(part)}</details>"
            )
    elif r.value is not None or r.bounds is None:
        out.append(_part_html(r))
    out.append(_foot_html(r))
    out.append("</div>")
    return "".join(out)


# -- LaTeX ------------------------------------------------------------------------------


def render_latex(r: DoResult) -> str:
    """The worked formula as a LaTeX ``aligned`` block wrapped in ``$$``."""
    if r.value is None and r.bounds is not None:
        return bounds_latex(r)
    if r.parts:
        rows = []
        for part in r.parts:
            rows += [_tex_aligned_rows(part), r"\\[4pt]"]
        op = "-" if r.op == "-" else "/"
        rows.append(
            tex_name(r.query)
            + " &= "
            + f"{num(r.parts[0].value)} {op} {num(r.parts[1].value)} = {num(r.value)}".replace(
                "−", "-"
            )
        )
        body = "\n".join(rows)
    else:
        body = _tex_aligned_rows(r)
    naive = ""
    if r.naive is not None and (r.term is None or r.term.is_causal):
        naive = r"\\ &\qquad(\text{naive: } " + num(r.naive).replace("−", "-") + ")"
    if r.sensitivity is not None:
        naive += r"\\ &\qquad(\text{E-value: } " + f"{r.sensitivity.e_value:.2f})"
    return "$$\\begin{aligned}\n" + body + naive + "\n\\end{aligned}$$"


def _tex_aligned_rows(r: DoResult) -> str:
    lines = formula_lines(r)
    if r.method == "id" and lines:  # the query as text, then the ID formula's own LaTeX
        out = [tex_name(r.query) + " &= " + tex_of(lines[0][1])]
        out += [" &= " + tex_of(rhs) for _, rhs in lines[1:]]
        return " \\\\\n".join(out)
    if not lines:
        text = tex_name(r.query)
        if r.distribution:
            dist = list(r.distribution.items())
            vals = ", ".join(f"{tex_name(clip(k))}: {num(v)}" for k, v in dist[:MAX_ROWS])
            if len(dist) > MAX_ROWS:
                vals += rf", \ldots\text{{ ({len(dist) - MAX_ROWS:,} more)}}"
            return text + r" &= \{" + vals + r"\}"
        return text + " &= " + num(r.value).replace("−", "-")
    out = []
    for i, (lhs, rhs) in enumerate(lines):
        left = tex_of(lhs) if i == 0 and lhs else ""
        out.append(f"{left} &= {tex_of(rhs)}")
    return " \\\\\n".join(out)


# -- text ---------------------------------------------------------------------------------


def render_text(r: DoResult) -> str:
    """A short plain-text summary (the ``text/plain`` repr)."""
    head = f"{r.query} = "
    if r.value is not None:
        head += num(r.value).replace("−", "-")
    elif r.distribution is not None:
        dist = list(r.distribution.items())
        head += "{" + ", ".join(f"{clip(k)}: {num(v)}" for k, v in dist[:MAX_ROWS])
        head += f", ... {len(dist) - MAX_ROWS:,} more" if len(dist) > MAX_ROWS else ""
        head += "}"
    elif getattr(r, "curve", None) is not None:
        head += f"a dose-response curve over {len(r.curve)} points (result.curve)"
    elif r.bounds is not None:
        head = f"{r.query} in {interval_text(r.bounds_info)} (not identified: bounds)"
    if r.ci is not None:
        head += f"  [{round(r.ci_level * 100)}% CI {num(r.ci[0])}, {num(r.ci[1])}]"
    lines = [head]
    if r.naive is not None and (r.term is None or r.term.is_causal):
        diff = r.difference
        kind = "E[y | x]" if r.query.startswith("E") else "P(y | x)"
        lines.append(
            f"  naive {kind} = {num(r.naive)}"
            + (f" (difference {_signed(diff)})" if diff is not None else "")
        )
    how = r.method
    if r.frontdoor_set:
        how += f" through {{{', '.join(map(str, r.frontdoor_set))}}}"
    elif r.method.startswith("bounds"):
        how += "; not identified: " + r.reason
    elif r.method == "id":
        d = r.details
        how += " formula " + ("" if d.expression is None else to_text(d.expression, fixed=d.fixed))
    elif r.term is None or r.term.is_causal:
        how += f", adjusted for {{{', '.join(map(str, r.adjustment_set))}}}"
    lines.append(
        f"  {how}; {graph_words(r.graph_name)}; "
        f"{r.n_used:,} rows"
        + (f" ({r.n_dropped_missing:,} dropped)" if r.n_dropped_missing else "")
    )
    lines += sensitivity_text(r) + bounds_text(r) + models_text(r)
    lines += [f"  ! {clip(w)}" for w in r.warnings[:MAX_ITEMS]]
    more = more_text(len(r.warnings) - MAX_ITEMS, "warnings", "result.warnings")
    lines += [f"  ! {more}"] if more else []
    return "\n".join(lines).replace("−", "-")
