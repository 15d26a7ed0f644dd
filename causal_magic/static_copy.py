"""The static copy of a drawing: an output of its own, with a size cap.

Where the live widget cannot run (a notebook reopened without a kernel, GitHub,
``nbconvert``) the reader sees this copy; a live view hides it.  The copy is stored in the
notebook file for good, so a graph too large for it (a 100,000-edge SVG is 22.8 MB) gets a
short note saying how to export the drawing instead.  Layer 4, beside the widget.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from html import escape

#: Under the static copy of a drawing (seen where the live widget cannot run).
STATIC_NOTE = "Static copy: run the cell to edit."
#: Above this many nodes + edges the SVG is not even rendered; above this many bytes it is
#: not published: a note says how to export it.
MAX_STATIC_ITEMS = 5_000
MAX_STATIC_BYTES = 1_000_000


def small_svg(size: tuple[int, int], make_svg: Callable[[], str]) -> str | None:
    """``make_svg()`` when a drawing of ``size`` (nodes, edges) fits the caps, else ``None``."""
    if sum(size) > MAX_STATIC_ITEMS:
        return None
    svg = make_svg()
    return svg if len(svg) <= MAX_STATIC_BYTES else None


class StaticFallback:
    """A separate notebook output with the static SVG, kept up to date by ``display_id``.

    Why: JupyterLab shows the widget mime type whenever it is in an output, even when it
    cannot render it ("Error displaying widget: model not found" after a reopen without
    saved widget state; "Loading widget..." with no kernel) -- it never falls back to the
    ``image/svg+xml`` beside it.  So the drawing is also published as its own output, which
    the live view hides (CSS keyed by ``static_id``) and which every refresh updates, so a
    saved notebook shows the graph as last edited, anywhere, with or without a kernel.
    """

    def __init__(
        self, make_svg: Callable[[str], str], size: Callable[[], tuple[int, int]] | None = None
    ) -> None:
        self.static_id = f"cm-{uuid.uuid4().hex[:12]}"
        self.display_id = f"causal-magic-static-{self.static_id}"
        self._make_svg = make_svg
        self._size = size  # (nodes, edges) drawn: a graph too large is not even rendered
        self._last: dict[str, str] = {}

    def _bundle(self) -> dict[str, str]:
        """The output: the SVG, or a short note when it would be too large to keep in the
        notebook file (:data:`MAX_STATIC_ITEMS`, :data:`MAX_STATIC_BYTES`)."""
        n, m = self._size() if self._size else (0, 0)
        if n + m > MAX_STATIC_ITEMS:
            return self._note(f"{n:,} nodes and {m:,} edges")
        svg = self._make_svg(self.static_id)
        if len(svg) > MAX_STATIC_BYTES:
            return self._note(f"{len(svg) / 1e6:.1f} MB of SVG")
        # text/html first: front ends then inline the SVG (nbconvert would otherwise make it
        # a base64 <img>), so its text is searchable and a live view can hide it by id.
        return {
            "text/html": svg,
            "image/svg+xml": svg,
            "text/plain": "(static drawing of the graph)",
        }

    def _note(self, what: str) -> dict[str, str]:
        text = (
            f"Static copy left out: the drawing is too large to keep in the notebook "
            f"({what}). Export it with w.save('graph.svg') (w = the widget, e.g. "
            f"w = causal_magic.show(G)) or the widget's SVG button."
        )
        html = (
            f'<div data-cm-static="{self.static_id}" class="cm-static-note" '
            f'style="font: 13px sans-serif; color: #555; padding: 4px 0">{escape(text)}</div>'
        )
        return {"text/html": html, "text/plain": text}

    def show(self) -> None:
        from IPython.display import display

        self._last = self._bundle()
        display(self._last, raw=True, display_id=self.display_id)

    def update(self) -> None:
        from IPython.display import update_display

        bundle = self._bundle()
        if bundle != self._last:
            self._last = bundle
            update_display(bundle, raw=True, display_id=self.display_id)
