"""The cards a :class:`~causal_magic.fit.FitResult` and a :class:`~causal_magic.fit.Comparison`
show themselves as.

The verdict first, in words; then every implication the data contradict, each
with its plain-language reading ("the data say Gear and Sound are still
associated given Talent; the graph says they are not -- an edge may be
missing"); then the whole table with the contradicted rows marked; then the
notes that say how sparse strata and untestable claims were handled.

Same rules as the ``%do`` card: self-contained HTML, inline CSS on the
``--jp-*`` theme variables with fallbacks (fills translucent, so they read under
light and dark text; the two status colours have a dark-theme pair), ``cm-``/``cmc-``
prefixed classes scoped to the card's root (none shared with the widget's), no
script, every user string escaped.  The card only reads the result's fields
and methods (the sentences are written in :mod:`causal_magic.fit.result`), so
it imports nothing from the fit package at run time (the types only for type
checking): the results import the card, never the other way round.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from ..style import INDEP_SIGN, plain_indep
from .caps import MAX_ITEMS, MAX_ROWS, clip, more_html, more_text

if TYPE_CHECKING:
    from ..fit.result import Comparison, FitResult

__all__ = ["render_compare_html", "render_fit_html"]


_CSS = """
.cm-fit-card{font-family:var(--jp-ui-font-family,system-ui,-apple-system,sans-serif);
 color:var(--jp-ui-font-color1,inherit);background:var(--jp-layout-color1,transparent);
 border:1px solid var(--jp-border-color2,rgba(127,127,127,.35));border-radius:8px;
 padding:12px 16px;margin:4px 0;max-width:860px;line-height:1.45;font-size:13px}
.cm-fit-card .cmc-title{font-size:15px;font-weight:600;margin-bottom:6px}
.cm-fit-card .cm-verdict{font-size:14px;margin:4px 0 8px}
.cm-fit-card .cm-ok{color:#1e7e44;font-weight:600}
.cm-fit-card .cm-bad{color:#b03a2e;font-weight:600}
.cm-fit-card .cm-none{opacity:.8;font-weight:600}
.cm-fit-card .cm-contradicted{border-left:4px solid var(--jp-error-color1,#c0392b);
 background:rgba(192,57,43,.12);padding:6px 10px;margin:8px 0;border-radius:4px}
.cm-fit-card .cm-contradicted ul,.cm-fit-card .cmc-notes ul{margin:0;padding-left:18px}
.cm-fit-card .cm-equiv{background:var(--jp-layout-color2,rgba(127,127,127,.08));
 border-radius:6px;padding:6px 10px;margin:8px 0}
.cm-fit-card table.cm-tests{border-collapse:collapse;font-size:12px;margin:6px 0}
.cm-fit-card table.cm-tests th,.cm-fit-card table.cm-tests td{padding:2px 8px;
 border-bottom:1px solid var(--jp-border-color2,rgba(127,127,127,.3));text-align:right;
 vertical-align:top}
.cm-fit-card table.cm-tests th{font-weight:600}
.cm-fit-card table.cm-tests th.cm-text{text-align:left}
.cm-fit-card table.cm-tests td.cm-verdict-cell{white-space:nowrap}
.cm-fit-card table.cm-tests td.cm-claim,.cm-fit-card table.cm-tests td.cm-text{text-align:left}
.cm-fit-card table.cm-tests td.cm-claim{white-space:nowrap}
.cm-fit-card .cmc-indep{letter-spacing:-.45em;margin-right:.45em}
.cm-fit-card tr.cm-rejected td{background:rgba(192,57,43,.12)}
.cm-fit-card .cm-num{font-variant-numeric:tabular-nums}
.cm-fit-card .cmc-notes{font-size:12px;opacity:.85;margin-top:6px}
.cm-fit-card .cm-foot{font-size:11px;opacity:.7;margin-top:8px}
.cm-fit-card details summary{cursor:pointer;font-size:12px;opacity:.85}
[data-jp-theme-light="false"] .cm-fit-card .cm-ok,.vscode-dark .cm-fit-card .cm-ok{color:#7fd99a}
[data-jp-theme-light="false"] .cm-fit-card .cm-bad,.vscode-dark .cm-fit-card .cm-bad{color:#ff9e94}
"""


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _claim(text: str) -> str:
    """An implication, escaped, its ⫫ drawn as two ⊥ (U+2AEB is a box in Linux's fonts)."""
    sign = f'<span class="cmc-indep" title="is independent of">{INDEP_SIGN}</span>'
    return _e(text).replace("⫫", sign)


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _p(v) -> str:
    if _nan(v):
        return "—"
    if v < 1e-15:
        return "< 1e−15"
    if v < 1e-4:
        return f"{v:.1e}".replace("-", "−")
    return f"{v:.3f}"


def _f(v, digits: int = 2) -> str:
    return "—" if _nan(v) else f"{v:.{digits}f}".replace("-", "−")


def _dof(v) -> str:
    return "—" if _nan(v) else str(int(v))


def _rows(df) -> list[dict]:
    cols = {c: df[c].tolist() for c in df.columns}
    return [{c: v[i] for c, v in cols.items()} for i in range(len(df))]


def _shown(df):
    """The rows a card shows: every contradicted row first (up to the cap), then the others."""
    if len(df) <= MAX_ROWS:
        return df
    bad = df[df["rejected"]] if "rejected" in df else df.iloc[:0]
    rest = df[~df["rejected"]] if "rejected" in df else df
    return df.loc[bad.index[:MAX_ROWS].append(rest.index[: max(MAX_ROWS - len(bad), 0)])]


def _table(df, extra: tuple[str, ...] = (), with_tests: bool = True) -> str:
    """The tests table; rejected rows marked (class and a word, not colour alone).

    At most :data:`~.caps.MAX_ROWS` rows, contradicted ones first; a last row
    says how many more there are (all in ``result.table``).
    """
    head = ["implication", *extra]
    if with_tests:
        head += ["test", "statistic", "dof", "p", "p adjusted", "effect", "n", "verdict", "note"]
    text_cols = {"implication", "test", "verdict", "note", *extra}
    ths = "".join(
        f'<th class="cm-text">{_e(h)}</th>' if h in text_cols else f"<th>{_e(h)}</th>" for h in head
    )
    out = [f"<thead><tr>{ths}</tr></thead><tbody>"]
    for r in _rows(_shown(df)):
        cls = ' class="cm-rejected"' if r["rejected"] else ""
        cells = [f'<td class="cm-claim">{_claim(r["independence"])}</td>']
        cells += [f'<td class="cm-text">{_e(clip(r[c]))}</td>' for c in extra]
        if with_tests:
            if r["rejected"]:
                verdict = '<span class="cm-bad">contradicted</span>'
            elif _nan(r["p_value"]):
                verdict = '<span class="cm-none">not tested</span>'
            else:
                verdict = "not rejected"
            n_text = f"{int(r['n']):,}" if r["n"] else "—"
            eff = "" if _nan(r["effect"]) else f"{_e(r['effect_measure'])} {_f(r['effect'])}"
            if eff and not _nan(r.get("ci_low")):
                eff += f" [{_f(r['ci_low'])}, {_f(r['ci_high'])}]"
            cells += [
                f'<td class="cm-text">{_e(r["test"] or "—")}</td>',
                f'<td class="cm-num">{_f(r["statistic"])}</td>',
                f'<td class="cm-num">{_dof(r["dof"])}</td>',
                f'<td class="cm-num">{_p(r["p_value"])}</td>',
                f'<td class="cm-num">{_p(r["p_adjusted"])}</td>',
                f'<td class="cm-num">{eff or "—"}</td>',
                f'<td class="cm-num">{n_text}</td>',
                f'<td class="cm-text cm-verdict-cell">{verdict}</td>',
                f'<td class="cm-text">{_e(clip(r["note"]))}</td>',
            ]
        out.append(f"<tr{cls}>{''.join(cells)}</tr>")
    out.append(more_html(len(df) - MAX_ROWS, "rows", "result.table", len(head)))
    out.append("</tbody>")
    return f'<table class="cm-tests">{"".join(out)}</table>'


def _list(items: list[str], cls: str, title: str) -> str:
    if not items:
        return ""
    lis = "".join(f"<li>{_e(clip(plain_indep(i)))}</li>" for i in items[:MAX_ITEMS])
    more = more_text(len(items) - MAX_ITEMS, "of these", "the result object")
    lis += f"<li>{_e(more)}</li>" if more else ""
    return f'<div class="{cls}" role="note"><b>{_e(title)}</b><ul>{lis}</ul></div>'


def render_fit_html(r: FitResult) -> str:
    """The check_fit card as self-contained HTML (inline CSS, no script)."""
    name = f" {r.graph_name}" if r.graph_name else ""
    out = [f'<div class="cm-fit-card"><style>{_CSS}</style>']
    out.append(f'<div class="cmc-title">Does the graph{_e(name)} fit the data?</div>')
    fits = r.fits
    cls = "cm-ok" if fits else "cm-none" if fits is None else "cm-bad"
    verdict = _e(plain_indep(r.summary()))
    out.append(f'<div class="cm-verdict"><span class="{cls}">{verdict}</span></div>')
    out.append(_list(r.readings(), "cm-contradicted", "Contradicted by the data"))
    if len(r.table):
        opened = " open" if len(r.table) <= 12 else ""
        out.append(
            f"<details{opened}><summary>{len(r.table)} implied independencies "
            f"(result.table)</summary>{_table(r.table)}</details>"
        )
    out.append(_list(r.notes, "cmc-notes", "Notes"))
    bits = [f"graph {_e(r.graph_name)}" if r.graph_name else "graph"]
    if r.engine:
        bits.append(_e(r.engine))
    if r.n_rows:
        bits.append(f"{r.n_rows:,} rows used")
    bits.append(f"alpha {r.alpha:g}, {_e(r.correction_name)}")
    if r.latent:
        bits.append("unmeasured: " + _e(", ".join(r.latent)))
    out.append(f'<div class="cm-foot">{" · ".join(bits)}</div></div>')
    return "".join(out)


def render_compare_html(c: Comparison) -> str:
    """The compare card as self-contained HTML (inline CSS, no script)."""
    a, b = c.names
    out = [f'<div class="cm-fit-card"><style>{_CSS}</style>']
    out.append(f'<div class="cmc-title">{_e(a)} or {_e(b)}: what can the data tell?</div>')
    out.append(f'<div class="cm-verdict">{_e(c.verdict)}</div>')
    eq = "Markov equivalent" if c.equivalent else "undecided" if c.equivalent is None else ""
    label = f"<b>{_e(eq)}</b> — " if eq else ""
    out.append(f'<div class="cm-equiv">{label}{_e(c.equivalence)}</div>')
    if c.has_data:
        out.append(_list(c.readings(), "cm-contradicted", "Contradicted by the data"))
    if len(c.table):
        out.append(
            f"<details open><summary>{len(c.table)} claim(s) only one graph makes "
            f"(result.table)</summary>"
            f"{_table(c.table, ('implied_by',), with_tests=c.has_data)}</details>"
        )
    if c.shared:
        out.append(
            f"<details><summary>{len(c.shared)} claim(s) both make</summary>"
            + _list(c.shared, "cmc-notes", "")
            + "</details>"
        )
    out.append(_list(c.not_comparable, "cmc-notes", "Claims about a variable one graph lacks"))
    out.append(_list(c.notes, "cmc-notes", "Notes"))
    k1, k2 = c.implied_counts
    out.append(
        f'<div class="cm-foot">{_e(a)}: {k1} implied independencies · {_e(b)}: {k2} · '
        f"alpha {c.alpha:g}</div></div>"
    )
    return "".join(out)
