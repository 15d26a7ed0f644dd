"""The harness itself, with no causal_magic code involved.

When a widget test fails, these say whether the fault is in the harness (server, kernel, page
helpers) or in the widget: if these pass, the plumbing works.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def test_cell_output_html_is_rendered_and_kernel_is_reachable(open_notebook):
    nb = open_notebook(
        [
            "from IPython.display import HTML\n"
            "HTML('<div class=\"probe\">hello <b>harness</b></div>')",
            "answer = 6 * 7",
        ]
    )
    nb.run_all()
    probe = nb.page.locator(".jp-OutputArea .probe")
    probe.wait_for(state="visible")
    assert probe.inner_text() == "hello harness"
    assert nb.kernel_eval("answer") == 42
    assert nb.cell_count() == 2


def test_kernel_is_the_test_interpreter_and_sees_the_repository(open_notebook):
    nb = open_notebook(["import sys"])
    nb.run_all()
    # The venv's interpreter (whichever of its python/python3 names started it).
    assert nb.kernel_eval("sys.prefix") == sys.prefix
    # The kernel must import the package from this checkout, installed or not.
    assert nb.kernel_eval("__import__('importlib.util').util.find_spec('causal_magic') is not None")


def test_a_cell_added_in_the_page_runs_in_the_same_kernel(open_notebook):
    nb = open_notebook(["x = 1"])
    nb.run_all()
    index = nb.add_and_run("x += 1\nprint('x is', x)")
    assert index == 1
    assert nb.cell_count() == 2
    assert nb.kernel_eval("x") == 2
    assert "x is 2" in nb.cell_output(index).inner_text()


def test_cell_errors_are_reported_with_their_traceback(open_notebook):
    nb = open_notebook(["1 / 0"])
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        nb.run_all()


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_a_notebook_can_be_opened_without_any_kernel(open_notebook, server):
    nb = open_notebook(["print('saved output')"])
    nb.run_all()
    nb.save()
    nb.page.close()
    server.shutdown_sessions(nb.path)

    again = open_notebook(name=nb.path, kernel=False)
    assert "saved output" in again.cell_output(0).inner_text()
    assert server.sessions_for(nb.path) == []


@pytest.mark.parametrize("app", ["lab"], indirect=True)
def test_the_kernel_imports_this_checkouts_package(open_notebook):
    # Not an installed copy from elsewhere (an editable install may point at another tree).
    nb = open_notebook(["import causal_magic"])
    nb.run_all()
    assert Path(nb.kernel_eval("causal_magic.__file__")).resolve().is_relative_to(REPO)
