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
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .estimate import DoResult

__all__ = ["render_html", "render_latex", "render_text"]

#: Strata written out term by term; the rest are summarised (all are in the table).
MAX_TERMS = 8

_CSS = """
.cm-do-card{font-family:var(--jp-ui-font-family,system-ui,-apple-system,sans-serif);
 color:var(--jp-ui-font-color1,inherit);background:var(--jp-layout-color1,transparent);
 border:1px solid var(--jp-border-color2,rgba(127,127,127,.35));border-radius:8px;
 padding:12px 16px;margin:4px 0;max-width:820px;line-height:1.45;font-size:13px}
.cm-do-card .cm-query{font-family:var(--jp-content-font-family,Georgia,serif);font-size:16px;
 margin-bottom:8px}
.cm-do-card .cm-x{color:var(--cm-treatment,#c0392b);font-weight:600}
.cm-do-card .cm-y{color:var(--cm-outcome,#1e8449);font-weight:600}
.cm-do-card .cm-numbers{display:flex;gap:28px;align-items:flex-end;flex-wrap:wrap;margin:6px 0 10px}
.cm-do-card .cm-big{font-size:30px;font-weight:700;letter-spacing:.5px}
.cm-do-card .cm-mid{font-size:20px;font-weight:600;opacity:.85}
.cm-do-card .cm-label{display:block;font-size:11px;text-transform:none;opacity:.75}
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
.cm-do-card .cm-warnings{border-left:4px solid var(--jp-warn-color0,#d68910);
 background:var(--jp-warn-color3,rgba(214,137,16,.12));padding:6px 10px;margin:8px 0;
 border-radius:4px}
.cm-do-card .cm-warnings ul{margin:0;padding-left:18px}
.cm-do-card .cm-foot{font-size:11px;opacity:.7;margin-top:8px}
.cm-do-card details summary{cursor:pointer;font-size:12px;opacity:.85}
.cm-do-card sub{font-size:70%}
"""


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _num(v: float | None, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "undefined"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "−∞"
    s = f"{v:,.{digits}f}" if abs(v) < 1e6 else f"{v:.4g}"
    return s.replace("-", "−")


def _signed(v: float | None) -> str:
    if v is None:
        return "undefined"
    return ("+" if v >= 0 else "") + _num(v)


def _val(v: object) -> str:
    """A column value in a formula (short form: just the value)."""
    from .query import format_name

    return format_name(str(v)) if isinstance(v, str) else str(v)


# -- the pieces of a term, in plain text (escaped later) ----------------------------


def _term_parts(r: DoResult) -> dict:
    """Names of the pieces of the formula of a one-term result."""
    from .query import format_name

    t = r.term
    y = format_name(t.outcome)
    yv = r.details.get("y_value")
    y_full = f"{y}={_val(yv)}" if yv is not None else y
    x_names = [format_name(n) for n, _ in t.interventions]
    x_full = r.details.get("x_text", "")
    w_full = ", ".join(f"{format_name(n)}={v}" for n, v in t.conditions)
    return {"y": y, "y_full": y_full, "yv": yv, "x_names": x_names, "x_full": x_full, "w": w_full}


def _formula_lines(r: DoResult) -> list[tuple[str, str]]:
    """(lhs, rhs) lines of the worked formula, as plain text."""
    from .query import format_name

    if r.method == "id" and r.term is not None and r.details.get("id_formula"):
        lines = [(str(r.term), r.details["id_formula"])]
        if r.value is not None:
            lines.append(("", _num(r.value)))
        return lines
    if r.term is None or r.table is None:
        return []
    p = _term_parts(r)
    numeric = r.term.kind == "E"
    P = "E" if numeric else "P"
    ob, cb = ("[", "]") if numeric else ("(", ")")
    lhs = str(r.term)
    tbl = r.table
    lines: list[tuple[str, str]] = []
    w = p["w"]
    given = ", ".join(s for s in (p["x_full"], w) if s)
    if r.method == "frontdoor":
        m = ", ".join(format_name(c) for c in r.frontdoor_set)
        xs = p["x_full"]
        lines.append(
            (
                lhs,
                f"Σ_{{{m}}} P({m} | {xs}) · Σ_x' {P}{ob}{p['y_full']} | {m}, x'{cb} · P(x')",
            )
        )
        terms_sym, terms_cnt, terms_num = [], [], []
        for row, inner in zip(_rows(tbl), r.details.get("inner", []), strict=False):
            mv = ", ".join(_val(row[c]) for c in r.frontdoor_set)
            inner_sym = " + ".join(
                f"{P}{ob}{_val(p['yv']) if p['yv'] is not None else p['y']} | {mv}, "
                f"{', '.join(_val(v) for v in it['x'].values())}{cb}"
                f"·P({', '.join(_val(v) for v in it['x'].values())})"
                for it in inner
            )
            terms_sym.append(f"P({mv} | {xs})·[{inner_sym}]")
            inner_cnt = " + ".join(
                f"{_count(it['num'])}/{it['den']} × {it['n_x']}/{it['total']}" for it in inner
            )
            terms_cnt.append(f"{_count(row['n(m, x)'])}/{_count(row['n(x)'])} × [{inner_cnt}]")
            inner_num = " + ".join(
                f"{_num(it['p_y'])}×{_num(it['n_x'] / it['total'])}" for it in inner
            )
            terms_num.append(f"{_num(row['P(m | x)'])}×[{inner_num}]")
        lines += _expand(terms_sym, terms_cnt, terms_num)
    else:
        z = ", ".join(format_name(c) for c in r.adjustment_set)
        pz = f"P({z} | {w})" if w else f"P({z})"
        if not r.adjustment_set:
            rhs = f"{P}{ob}{p['y_full']} | {given}{cb}" if given else f"{P}{ob}{p['y_full']}{cb}"
            lines.append((lhs, rhs + ("  (nothing to adjust for)" if r.term.is_causal else "")))
            row = next(_rows(tbl))
            if numeric:
                lines.append(("", f"{_count(row['sum(y | x, z)'])}/{_count(row['n(x, z)'])}"))
                lines.append(("", _num(row["E[y | x, z]"])))
            elif "P(y | x, z)" in tbl:
                lines.append(("", f"{_count(row['n(y, x, z)'])}/{_count(row['n(x, z)'])}"))
                lines.append(("", _num(row["P(y | x, z)"])))
            return lines
        lines.append((lhs, f"Σ_{{{z}}} {P}{ob}{p['y_full']} | {given}, {z}{cb} · {pz}"))
        if "product" not in tbl:  # a whole distribution: the table carries the terms
            return lines
        yshort = _val(p["yv"]) if p["yv"] is not None else p["y"]
        xshort = ", ".join(_val(v.value) for _, v in r.term.interventions)
        terms_sym, terms_cnt, terms_num = [], [], []
        for row in _rows(tbl):
            zv = ", ".join(_val(row[c]) for c in r.adjustment_set)
            cond = f"{xshort}{', ' + w if w else ''}, {zv}"
            terms_sym.append(f"{P}{ob}{yshort} | {cond}{cb}·P({zv})")
            top = _count(row["sum(y | x, z)"] if numeric else row["n(y, x, z)"])
            terms_cnt.append(
                f"{top}/{_count(row['n(x, z)'])} × {_count(row['n'])}/{r.details['denominator']}"
            )
            key = "E[y | x, z]" if numeric else "P(y | x, z)"
            terms_num.append(f"{_num(row[key])}×{_num(row['P(z)'])}")
        lines += _expand(terms_sym, terms_cnt, terms_num)
    lines.append(("", _num(r.value)))
    return lines


def _rows(tbl):
    """Rows of a table as dicts, each value keeping its column's dtype (iterrows would not)."""
    cols = {c: tbl[c].tolist() for c in tbl.columns}
    for i in range(len(tbl)):
        yield {c: vals[i] for c, vals in cols.items()}


def _count(v: float) -> str:
    """A count as an integer; a sum of a numeric outcome to one decimal."""
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _expand(sym: list[str], cnt: list[str], num: list[str]) -> list[tuple[str, str]]:
    extra = len(sym) - MAX_TERMS
    tail = [f"… ({extra} more strata: see result.table)"] if extra > 0 else []
    return [
        ("", " + ".join(sym[:MAX_TERMS] + tail)),
        ("", " + ".join(cnt[:MAX_TERMS] + tail)),
        ("", " + ".join(num[:MAX_TERMS] + tail)),
    ]


# -- HTML ------------------------------------------------------------------------------


def _query_html(text: str, r: DoResult) -> str:
    """The query with the treatment and outcome names coloured."""
    out = _e(text)
    terms = [p.term for p in r.parts] if r.parts else [r.term]
    names = set()
    for t in terms:
        if t is None:
            continue
        names |= {("x", n) for n, _ in t.interventions} | {("y", t.outcome)}
    # colour whole-word occurrences only of simple names (quoted ones stay plain)
    import re

    for role, n in sorted(names, key=lambda rn: -len(rn[1])):
        en = _e(n)
        if not re.fullmatch(r"[\w.]+", n):
            continue
        out = re.sub(
            rf"(?<![\w.]){re.escape(en)}(?=\s*=|\s*[|)\]])",
            f'<span class="cm-{role}">{en}</span>',
            out,
        )
    return out


def _formula_html(r: DoResult) -> str:
    lines = _formula_lines(r)
    if not lines:
        return ""
    rows = []
    for i, (lhs, rhs) in enumerate(lines):
        rhs_h = _e(rhs)
        # Σ_{Z} -> Σ with a subscript
        import re

        rhs_h = re.sub(r"Σ_\{([^}]*)\}", r"Σ<sub>\1</sub>", rhs_h)
        rhs_h = rhs_h.replace("Σ_x&#x27;", "Σ<sub>x&#x27;</sub>")
        cls = ' class="cm-num"' if i >= 2 else ""
        rows.append(f'<tr><td class="cm-lhs">{_e(lhs)}</td><td>=</td><td{cls}>{rhs_h}</td></tr>')
    return f'<div class="cm-formula"><table>{"".join(rows)}</table></div>'


def _table_html(r: DoResult) -> str:
    tbl = r.table
    if tbl is None or not len(tbl):
        return ""
    head = "".join(f"<th>{_e(c)}</th>" for c in tbl.columns)
    body = []
    for row in _rows(tbl):
        cells = []
        for c in tbl.columns:
            v = row[c]
            text = _num(v) if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v)
            cells.append(f"<td>{_e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    what = "front-door terms" if r.method == "frontdoor" else "strata"
    opened = " open" if len(tbl) <= MAX_TERMS and len(tbl.columns) <= 9 else ""
    return (
        f"<details{opened}><summary>{len(tbl)} {what} (result.table)</summary>"
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
    ci = r.details.get("ci_distribution") or {}
    rows = []
    for lv, p in (r.distribution or {}).items():
        nv = (r.naive_distribution or {}).get(lv)
        ci_text = f"[{_num(ci[lv][0])}, {_num(ci[lv][1])}]" if lv in ci else ""
        rows.append(
            f"<tr><td>{_e(_val(lv))}</td><td><b>{_num(p)}</b></td><td>{_num(nv)}</td>"
            f"<td>{_signed(None if nv is None else p - nv)}</td><td>{_e(ci_text)}</td></tr>"
        )
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
            f'<span class="cm-ci">{round(r.ci_level * 100)}% CI [{_num(r.ci[0])}, '
            f"{_num(r.ci[1])}] · {r.bootstrap:,} resamples"
            + (f", {r.bootstrap_excluded:,} excluded" if r.bootstrap_excluded else "")
            + "</span>"
        )
    parts = [
        f'<div><span class="cm-big cm-num">{_num(r.value)}</span>'
        f'<span class="cm-label">{label}{exact}</span>{ci}</div>'
    ]
    if is_causal:
        naive_label = "naive P(y | x)" if r.term is None or r.term.kind == "P" else "naive E[y | x]"
        if r.parts:
            naive_label = f"naive ({'difference' if r.op == '-' else 'ratio'} of conditionals)"
        parts.append(
            f'<div><span class="cm-mid cm-num">{_num(r.naive)}</span>'
            f'<span class="cm-label">{_e(naive_label)}</span></div>'
        )
        parts.append(
            f'<div><span class="cm-mid cm-num">{_signed(r.difference)}</span>'
            '<span class="cm-label">difference (causal − naive)</span></div>'
        )
    return f'<div class="cm-numbers">{"".join(parts)}</div>'


def _warnings_html(r: DoResult) -> str:
    if not r.warnings:
        return ""
    items = "".join(f"<li>{_e(w)}</li>" for w in r.warnings)
    return f'<div class="cm-warnings" role="note"><b>⚠ check</b><ul>{items}</ul></div>'


def _foot_html(r: DoResult) -> str:
    bits = []
    if r.graph_name:
        bits.append(f"graph {_e(r.graph_name)}")
    else:
        bits.append("no graph")
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
    out = [f'<div class="cm-do-card"><style>{_CSS}</style>']
    out.append(f'<div class="cm-query">{_query_html(r.query, r)}</div>')
    if r.value is not None or r.parts:
        out.append(_numbers_html(r))
    out.append(_warnings_html(r))
    if r.parts:
        word = "difference" if r.op == "-" else "ratio"
        a, b = r.parts
        out.append(
            f'<div class="cm-formula">{word}: {_num(a.value)} {"−" if r.op == "-" else "÷"} '
            f"{_num(b.value)} = {_num(r.value)}</div>"
        )
        for part in r.parts:
            out.append(
                f"<details open><summary>{_e(part.query)} = {_num(part.value)}"
                f" (naive {_num(part.naive)})</summary>{_part_html(part)}</details>"
            )
    else:
        out.append(_part_html(r))
    out.append(_foot_html(r))
    out.append("</div>")
    return "".join(out)


# -- LaTeX ------------------------------------------------------------------------------

_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "_": r"\_",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "&": r"\&",
    "^": r"\^{}",
    "~": r"\~{}",
    "\n": " ",
}


def _tex_text(s: object) -> str:
    return "".join(_TEX.get(ch, ch) for ch in str(s))


def _tex_line(s: str) -> str:
    """A plain formula line -> LaTeX (names in \\text{}, operators as symbols)."""
    import re

    out = []
    pos = 0
    token = re.compile(
        r"Σ_\{([^}]*)\}|Σ_x'|(\d+)/(\d+)|[A-Za-z][\w.]*(?: [A-Za-z][\w.]*)*"
        r"|\d+(?:,\d{3})*(?:\.\d+)?|\S"
    )
    for m in token.finditer(s):
        out.append(" " if s[pos : m.start()] else "")
        pos = m.end()
        tok = m.group(0)
        if tok.startswith("Σ_{"):
            out.append(r"\sum_{\text{" + _tex_text(m.group(1)) + "}}")
        elif tok == "Σ_x'":
            out.append(r"\sum_{x'}")
        elif m.group(2):
            out.append(r"\tfrac{" + m.group(2) + "}{" + m.group(3) + "}")
        elif tok in ("P", "E"):
            out.append(tok)
        elif tok == "do":
            out.append(r"\mathit{do}")
        elif tok[0].isalpha():
            out.append(r"\text{" + _tex_text(tok) + "}")
        elif tok[0].isdigit():
            out.append(tok.replace(",", "{,}"))
        else:
            out.append(
                {
                    "|": r"\mid ",
                    "·": r"\cdot ",
                    "×": r"\times ",
                    "−": "-",
                    "[": "[",
                    "]": "]",
                    "{": r"\{",
                    "}": r"\}",
                    "…": r"\ldots ",
                    "'": "'",
                    '"': "",
                    "%": r"\%",
                    "&": r"\&",
                    "#": r"\#",
                    "$": r"\$",
                    "_": r"\_",
                    "^": r"\hat{}",
                    "~": r"\sim ",
                    "\\": r"\backslash ",
                }.get(tok, tok)
            )
    return "".join(out).strip()


def render_latex(r: DoResult) -> str:
    """The worked formula as a LaTeX ``aligned`` block wrapped in ``$$``."""
    if r.parts:
        rows = []
        for part in r.parts:
            rows += [_tex_aligned_rows(part), r"\\[4pt]"]
        op = "-" if r.op == "-" else "/"
        rows.append(
            r"\text{"
            + _tex_text(r.query)
            + "} &= "
            + f"{_num(r.parts[0].value)} {op} {_num(r.parts[1].value)} = {_num(r.value)}".replace(
                "−", "-"
            )
        )
        body = "\n".join(rows)
    else:
        body = _tex_aligned_rows(r)
    naive = ""
    if r.naive is not None and (r.term is None or r.term.is_causal):
        naive = r"\\ &\qquad(\text{naive: } " + _num(r.naive).replace("−", "-") + ")"
    return "$$\\begin{aligned}\n" + body + naive + "\n\\end{aligned}$$"


def _tex_aligned_rows(r: DoResult) -> str:
    if r.method == "id" and r.details.get("id_latex") and r.value is not None:
        head = r"\text{" + _tex_text(r.query) + "} &= " + r.details["id_latex"]
        return head + " \\\\\n &= " + _num(r.value).replace("−", "-")
    lines = _formula_lines(r)
    if not lines:
        text = r"\text{" + _tex_text(r.query) + "}"
        if r.distribution:
            vals = ", ".join(
                rf"\text{{{_tex_text(k)}}}: {_num(v)}" for k, v in r.distribution.items()
            )
            return text + r" &= \{" + vals + r"\}"
        return text + " &= " + _num(r.value).replace("−", "-")
    out = []
    for i, (lhs, rhs) in enumerate(lines):
        left = _tex_line(lhs) if i == 0 else ""
        out.append(f"{left} &= {_tex_line(rhs)}")
    return " \\\\\n".join(out)


# -- text ---------------------------------------------------------------------------------


def render_text(r: DoResult) -> str:
    """A short plain-text summary (the ``text/plain`` repr)."""
    head = f"{r.query} = "
    if r.value is not None:
        head += _num(r.value).replace("−", "-")
    elif r.distribution is not None:
        head += "{" + ", ".join(f"{k}: {_num(v)}" for k, v in r.distribution.items()) + "}"
    if r.ci is not None:
        head += f"  [{round(r.ci_level * 100)}% CI {_num(r.ci[0])}, {_num(r.ci[1])}]"
    lines = [head]
    if r.naive is not None and (r.term is None or r.term.is_causal):
        diff = r.difference
        kind = "E[y | x]" if r.query.startswith("E") else "P(y | x)"
        lines.append(
            f"  naive {kind} = {_num(r.naive)}"
            + (f" (difference {_signed(diff)})" if diff is not None else "")
        )
    how = r.method
    if r.frontdoor_set:
        how += f" through {{{', '.join(map(str, r.frontdoor_set))}}}"
    elif r.method == "id":
        how += f" formula {r.details.get('id_formula', '')}"
    elif r.term is None or r.term.is_causal:
        how += f", adjusted for {{{', '.join(map(str, r.adjustment_set))}}}"
    lines.append(
        f"  {how}; {'graph ' + r.graph_name if r.graph_name else 'no graph'}; "
        f"{r.n_used:,} rows"
        + (f" ({r.n_dropped_missing:,} dropped)" if r.n_dropped_missing else "")
    )
    lines += [f"  ! {w}" for w in r.warnings]
    return "\n".join(lines).replace("−", "-")
