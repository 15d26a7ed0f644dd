"""Finding and launching Debian's Chromium, shared by the browser suite and the export test.

One place for the launch flags and for the policy that a missing browser is a skip on a
developer's machine but a failure under ``CI=true`` (a browser test that skips in CI proves
nothing).
"""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

#: Flags for Debian's Chromium; the network ones keep it from calling home in a closed sandbox.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """``$CHROMIUM``, else ``chromium`` / ``chromium-browser`` on the PATH."""
    env = os.environ.get("CHROMIUM")
    return env or shutil.which("chromium") or shutil.which("chromium-browser")


def missing(reason: str) -> None:
    """Skip locally, fail in CI: a browser suite that skips in CI proves nothing."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)


@contextlib.contextmanager
def offline_page(chromium: str, path, viewport: tuple[int, int]):
    """A Chromium page showing the file ``path`` with every network request refused.

    Yields ``(page, blocked)``: ``blocked`` lists the URLs the page tried to load, so a
    test can assert that a saved output needs nothing from the network.
    """
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def only_files(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            ctx.route("**/*", only_files)
            page = ctx.new_page()
            page.goto(path.as_uri(), wait_until="load")
            yield page, blocked
        finally:
            browser.close()
