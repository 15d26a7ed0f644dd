"""The card's section for a model-based estimate (gformula, ipw, aipw): how, and how well.

Why a module of its own: a model-based number has no worked formula of counts
to show; what a reader needs instead is the method and the models in words,
why ``auto`` chose them, the interval and how it was computed, what the models
had to do (a ridge penalty, trimmed rows), and two pictures that say whether
the weights can be trusted -- the balance of each adjuster before and after
weighting, and the overlap of the propensity across the arms -- plus the
dose-response curve of a numeric treatment.  All drawings are small inline
SVG (they read without a kernel, in exported HTML too), coloured with
``currentColor`` and ``var(--jp-..., fallback)`` so they read in light and
dark themes, every user string escaped, every list capped (:mod:`.caps`).
Fields are read duck-typed: cards never import the estimator.
"""

from __future__ import annotations

import html
import math

from .caps import MAX_ITEMS, MAX_ROWS, clip, more_html
from .worked_formula import num

__all__ = ["MODELS_CSS", "models_html", "models_text"]

MODELS_CSS = """
.cm-do-card .cm-models{margin:6px 0 10px;font-size:12.5px}
.cm-do-card .cm-models ul{margin:2px 0;padding-left:18px}
.cm-do-card .cm-models .cm-plots{display:flex;gap:18px;flex-wrap:wrap;margin:6px 0}
.cm-do-card .cm-models figure{margin:0}
.cm-do-card .cm-models figcaption{font-size:11px;opacity:.8}
.cm-do-card .cm-models svg{display:block;max-width:100%}
"""

_ARM_COLOURS = (
    "var(--cm-treatment,#b03a2e)",
    "var(--jp-brand-color1,#1f77b4)",
    "#7d3c98",
    "#b9770e",
)


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _finite(v) -> bool:
    return v is not None and isinstance(v, (int, float)) and math.isfinite(v)


def models_html(r) -> str:
    """The section, or ``""`` when the result was not made with models."""
    info = getattr(r, "models", None)
    if info is None:
        return ""
    items = [f"<li><b>method</b>: {_e(info.method)} — {_e(clip(info.why))}</li>"]
    if info.outcome:
        items.append(f"<li><b>outcome model</b>: {_e(info.outcome)}</li>")
    if info.propensity:
        items.append(f"<li><b>propensity model</b>: {_e(info.propensity)}</li>")
    if info.folds > 1:
        items.append(
            f"<li><b>cross-fitting</b>: {info.folds} folds (each row predicted by models "
            f"fitted on the other folds; {_e(info.folds_by)} fixes the folds)</li>"
        )
    if info.interval:
        se = f"standard error {num(r.se)}; " if _finite(r.se) else ""
        items.append(f"<li><b>interval</b>: {se}{_e(info.interval)}</li>")
    for note in info.notes[:MAX_ITEMS]:
        items.append(f"<li>{_e(clip(note))}</li>")
    out = [f'<div class="cm-models"><ul>{"".join(items)}</ul><div class="cm-plots">']
    diag = getattr(r, "diagnostics", None) or {}
    smd = diag.get("smd")
    if smd is not None and len(smd):
        out.append(_balance_svg(smd))
    if info.overlap:
        out.append(_overlap_svg(info.overlap, info.overlap_of))
    curve = getattr(r, "curve", None)
    if curve is not None and len(curve):
        out.append(_curve_svg(curve))
    out.append("</div></div>")
    return "".join(out)


def _balance_svg(smd) -> str:
    """One row per adjuster: ○ before, ● after weighting, on |SMD| with a 0.1 guide."""
    shown = smd.iloc[:MAX_ROWS]
    top = max(0.25, *(abs(v) for v in shown.to_numpy().ravel() if math.isfinite(v)))
    w, left, row = 300, 110, 16
    h = 22 + row * len(shown)

    def x(v: float) -> float:
        return round(left + min(abs(v), top) / top * (w - left - 10), 1)

    parts = [
        f'<line x1="{x(0.1)}" y1="4" x2="{x(0.1)}" y2="{h - 16}" stroke="currentColor" '
        'stroke-dasharray="3 3" stroke-opacity=".5"/>',
        f'<text x="{x(0.1)}" y="{h - 4}" font-size="9" text-anchor="middle" '
        'fill="currentColor">0.1</text>',
        f'<text x="{x(top)}" y="{h - 4}" font-size="9" text-anchor="end" '
        f'fill="currentColor">{num(top)}</text>',
    ]
    for i, (name, (b, a)) in enumerate(zip(shown.index, shown.to_numpy(), strict=True)):
        y = 12 + i * row
        parts.append(
            f'<text x="{left - 6}" y="{y + 4}" font-size="10" text-anchor="end" '
            f'fill="currentColor">{_e(clip(name, 18))}</text>'
        )
        if math.isfinite(b):
            parts.append(f'<circle cx="{x(b)}" cy="{y}" r="4" fill="none" stroke="currentColor"/>')
        if math.isfinite(a):
            parts.append(f'<circle cx="{x(a)}" cy="{y}" r="4" fill="{_ARM_COLOURS[0]}"/>')
    label = "standardised mean differences before (open) and after (filled) weighting"
    more = more_html(len(smd) - len(shown), "adjusters", "result.diagnostics['smd']")
    return (
        f'<figure><svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="{label}">{"".join(parts)}</svg><figcaption>balance: |SMD| before ○ '
        f"and after ● weighting (below 0.1 is good)</figcaption>{more}</figure>"
    )


def _overlap_svg(overlap: dict, of: str) -> str:
    """The propensity's histogram per arm, on [0, 1], each arm scaled to its own peak."""
    w, h, pad = 260, 90, 10
    arms = list(overlap.items())[:4]
    parts = [
        f'<line x1="{pad}" y1="{h - 18}" x2="{w - pad}" y2="{h - 18}" stroke="currentColor" '
        'stroke-opacity=".5"/>'
    ]
    for t in (0, 0.5, 1):
        parts.append(
            f'<text x="{pad + t * (w - 2 * pad)}" y="{h - 5}" font-size="9" '
            f'text-anchor="middle" fill="currentColor">{t:g}</text>'
        )
    legend = []
    for k, (arm, counts) in enumerate(arms):
        peak = max(counts) or 1
        step = (w - 2 * pad) / len(counts)
        pts = " ".join(
            f"{round(pad + (i + 0.5) * step, 1)},{round(h - 18 - c / peak * (h - 30), 1)}"
            for i, c in enumerate(counts)
        )
        colour = _ARM_COLOURS[k % len(_ARM_COLOURS)]
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
        legend.append(f'<span style="color:{colour}">━</span> {_e(clip(arm, 20))}')
    return (
        f'<figure><svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="propensity overlap by arm">{"".join(parts)}</svg>'
        f"<figcaption>overlap: {_e(of)} by arm ({', '.join(legend)})</figcaption></figure>"
    )


def _curve_svg(curve) -> str:
    """The dose-response curve with its band, and the naive curve dashed."""
    w, h, pad = 300, 140, 30
    xs = curve["x"].to_numpy(float)
    cols = [c for c in ("value", "ci_low", "ci_high", "naive") if c in curve]
    ys = curve[cols].to_numpy(float)
    ys = ys[ys == ys]
    lo, hi = (float(ys.min()), float(ys.max())) if len(ys) else (0.0, 1.0)
    hi = hi if hi > lo else lo + 1
    x0, x1 = float(xs.min()), float(xs.max()) if xs.max() > xs.min() else float(xs.min()) + 1

    def px(v):
        return round(pad + (v - x0) / (x1 - x0) * (w - pad - 8), 1)

    def py(v):
        return round(h - 20 - (v - lo) / (hi - lo) * (h - 30), 1)

    def line(col, extra):
        pts = " ".join(f"{px(a)},{py(b)}" for a, b in zip(xs, curve[col], strict=True) if b == b)
        return f'<polyline points="{pts}" fill="none" {extra}/>'

    parts = [line("value", f'stroke="{_ARM_COLOURS[0]}" stroke-width="2"')]
    for col in ("ci_low", "ci_high"):
        if col in curve and curve[col].notna().any():
            parts.append(line(col, f'stroke="{_ARM_COLOURS[0]}" stroke-opacity=".45"'))
    if "naive" in curve:
        parts.append(line("naive", 'stroke="currentColor" stroke-dasharray="4 3"'))
    for v, y in ((lo, py(lo)), (hi, py(hi))):
        parts.append(
            f'<text x="{pad - 4}" y="{y}" font-size="9" text-anchor="end" '
            f'fill="currentColor">{num(v)}</text>'
        )
    for v, anchor in ((x0, "start"), (x1, "end")):
        parts.append(
            f'<text x="{px(v)}" y="{h - 6}" font-size="9" text-anchor="{anchor}" '
            f'fill="currentColor">{num(v)}</text>'
        )
    return (
        f'<figure><svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="dose-response curve">{"".join(parts)}</svg><figcaption>dose-response: '
        "causal ━ with its interval, naive (Y on the treatment alone) dashed</figcaption></figure>"
    )


def models_text(r) -> list[str]:
    """The plain-text lines: method, models, interval, notes, the curve's first points."""
    info = getattr(r, "models", None)
    if info is None:
        return []
    out = [f"  {clip(info.why)}"]
    if info.outcome:
        out.append(f"  outcome model: {info.outcome}")
    if info.propensity:
        out.append(f"  propensity model: {info.propensity}")
    if _finite(getattr(r, "se", None)):
        out.append(f"  standard error {num(r.se)} ({info.interval})")
    out += [f"  note: {clip(n)}" for n in info.notes[:MAX_ITEMS]]
    curve = getattr(r, "curve", None)
    if curve is not None:
        for _, row in curve.head(MAX_ROWS).iterrows():
            band = (
                f" [{num(row['ci_low'])}, {num(row['ci_high'])}]"
                if math.isfinite(row["ci_low"])
                else ""
            )
            out.append(f"  x={num(row['x'])}: {num(row['value'])}{band}")
    return out
