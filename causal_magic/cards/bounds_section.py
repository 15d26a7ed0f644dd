"""The card's section for an interval (``%do --bounds``) and for an E-value (``--sensitivity``).

Why a module of its own: an effect that is not identified has no number to
write big, so the card shows what is known instead -- the interval drawn on
its scale with the naive value marked, as a small inline SVG that reads
without a kernel (exported HTML, a PDF, GitHub's viewer), and in words what
would narrow it.  The E-value of an identified estimate is one sentence
beside the estimate.  Everything reads the result's typed fields
(``bounds_info``, ``sensitivity``) duck-typed: cards sit below the estimator
and never import it.  Every user string is escaped.
"""

from __future__ import annotations

import html
import math

from ..formula import tex_name
from .worked_formula import num

__all__ = [
    "BOUNDS_CSS",
    "bounds_html",
    "bounds_latex",
    "bounds_text",
    "interval_text",
    "sensitivity_html",
    "sensitivity_text",
]

BOUNDS_CSS = """
.cm-do-card .cm-bounds{margin:6px 0 10px}
.cm-do-card .cm-bounds .cm-interval{font-size:26px;font-weight:700}
.cm-do-card .cm-bounds svg{display:block;margin:4px 0;max-width:100%}
.cm-do-card .cm-bounds ul{margin:4px 0;padding-left:18px}
.cm-do-card .cm-bounds .cm-note{font-size:12px;opacity:.8}
.cm-do-card .cm-evalue{margin:6px 0;padding:4px 10px;border-left:3px solid
 var(--cm-treatment,#c0392b)}
"""

_W, _H, _PAD = 360, 46, 14  # the drawing's size in px; the axis runs from _PAD to _W - _PAD

_METHOD_WORDS = {
    "natural": "natural bounds (no assumption about the hidden confounder)",
    "Balke-Pearl": "Balke-Pearl bounds (the instrument in the graph, by linear programming)",
    "response-function LP": "the graph's sharp bounds (linear programming, response functions)",
    "identified": "identified: the bounds collapse to the point estimate",
}


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _scale(info, op: str | None) -> tuple[float, float] | None:
    """The axis the interval is drawn on: [0, 1] for a probability, [-1, 1] for a
    difference; a ratio has no natural scale and is not drawn."""
    if op == "/":
        return None
    return (-1.0, 1.0) if op == "-" else (0.0, 1.0)


def _svg(info, op: str | None) -> str:
    scale = _scale(info, op)
    if scale is None:
        return ""
    a, b = scale

    def x(v: float) -> float:
        v = min(max(v, a), b)
        return round(_PAD + (v - a) / (b - a) * (_W - 2 * _PAD), 1)

    lo, hi = x(info.low), x(info.high)
    parts = [
        f'<line x1="{_PAD}" y1="24" x2="{_W - _PAD}" y2="24" stroke="currentColor" '
        'stroke-opacity=".45"/>'
    ]
    for t in (a, (a + b) / 2, b):
        parts.append(
            f'<line x1="{x(t)}" y1="20" x2="{x(t)}" y2="28" stroke="currentColor" '
            f'stroke-opacity=".45"/><text x="{x(t)}" y="42" font-size="10" '
            f'text-anchor="middle" fill="currentColor">{num(t)}</text>'
        )
    parts.append(
        f'<rect class="cm-bounds-bar" x="{lo}" y="17" width="{max(hi - lo, 2)}" height="14" '
        'rx="3" fill="var(--cm-outcome,#1e8449)" fill-opacity=".55"/>'
    )
    if info.naive is not None and math.isfinite(info.naive):
        n = x(info.naive)
        parts.append(
            f'<path class="cm-bounds-naive" d="M{n} 12 l-5 -7 h10 z" fill="currentColor"/>'
            f'<line x1="{n}" y1="12" x2="{n}" y2="34" stroke="currentColor" '
            'stroke-dasharray="2 2"/>'
        )
    label = f"interval from {_b(info.low)} to {_b(info.high)}"
    if info.naive is not None:
        label += f"; naive value {num(info.naive)} marked with a triangle"
    return (
        f'<svg width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{_e(label)}">{"".join(parts)}</svg>'
    )


def _b(v: float) -> str:
    """A bound to four decimals, trailing zeros dropped: 0.3125, 0.8125, 0.392."""
    return f"{v:.4f}".rstrip("0").rstrip(".").replace("-", "−")


def interval_text(info) -> str:
    """``[0.3125, 0.8125]``; an unbounded ratio says so."""
    high = "no upper limit" if math.isinf(info.high) else _b(info.high)
    return f"[{_b(info.low)}, {high}]"


def bounds_html(r) -> str:
    """The interval, its drawing, how it was found and what would narrow it."""
    info = getattr(r, "bounds_info", None)
    if info is None:
        return ""
    how = _METHOD_WORDS.get(info.method, info.method)
    out = ['<div class="cm-bounds">']
    if info.method != "identified":
        out.append(f'<div class="cm-why"><b>not identified</b> — why: {_e(r.reason)}</div>')
        out.append(
            f'<div><span class="cm-interval cm-num">{_e(interval_text(info))}</span>'
            f'<span class="cmc-label">{_e(how)}</span></div>'
        )
        out.append(_svg(info, r.op))
        if info.naive is not None:
            out.append(
                f'<div class="cm-note">▼ naive {num(info.naive)}: the plain conditional, '
                "which would be the effect only if nothing confounded it</div>"
            )
        for name, lo, hi in info.parts:
            out.append(f'<div class="cm-note">{_e(name)} ∈ [{_b(lo)}, {_b(hi)}]</div>')
    else:
        out.append(f'<div class="cm-note">{_e(how)}</div>')
    if info.narrow:
        items = "".join(f"<li>{_e(s)}</li>" for s in info.narrow)
        out.append(f"<div><b>What would narrow it</b><ul>{items}</ul></div>")
    out += [f'<div class="cm-note">{_e(n)}</div>' for n in info.notes]
    out.append("</div>")
    return "".join(out)


def bounds_text(r) -> list[str]:
    """Plain-text lines of the same."""
    info = getattr(r, "bounds_info", None)
    if info is None:
        return []
    if info.method == "identified":
        return [f"  {n}" for n in info.notes]
    lines = [f"  bounds {interval_text(info)}: {_METHOD_WORDS.get(info.method, info.method)}"]
    lines += [f"    {name} in [{_b(lo)}, {_b(hi)}]" for name, lo, hi in info.parts]
    lines += [f"  - {s}" for s in info.narrow]
    lines += [f"  ({n})" for n in info.notes]
    return lines


def bounds_latex(r) -> str:
    """``$$P(...) \\in [low, high]$$`` for a result with bounds and no number."""
    info = r.bounds_info
    high = r"\infty" if math.isinf(info.high) else _b(info.high)
    interval = f"[{_b(info.low)}, {high}]".replace("−", "-")
    return f"$${tex_name(r.query)} \\in {interval}\\quad(\\text{{{info.method} bounds}})$$"


def sensitivity_html(r) -> str:
    s = getattr(r, "sensitivity", None)
    if s is None:
        return ""
    return (
        f'<div class="cm-evalue"><b>E-value {s.e_value:.2f}</b>'
        + (f" (interval: {s.e_value_ci:.2f})" if s.e_value_ci is not None else "")
        + f" — {_e(s.sentence)}</div>"
    )


def sensitivity_text(r) -> list[str]:
    s = getattr(r, "sensitivity", None)
    return [] if s is None else [f"  E-value {s.e_value:.2f}: {s.sentence}"]
