"""Harness for the end-to-end tests: real JupyterLab 4 / Notebook 7 servers driven by Playwright.

Why a real browser: the widget's two-way sync, JupyterLab's command-mode shortcuts that steal
single letters, and the saved-output view of a reopened notebook can only be checked where they
happen.  The pieces, all session-scoped except the page:

* ``chromium`` -- Debian's ``/usr/bin/chromium`` (``playwright install`` cannot download browsers
  here).  Missing: skipped locally, a failure when ``CI=true`` so CI can never go green silently.
* ``lab_server`` / ``notebook_server`` -- ``python -m jupyterlab`` / ``python -m notebook`` from the
  test's own interpreter on 127.0.0.1, a free port and a random token, with every Jupyter
  directory (config, data, runtime, settings, workspaces, IPython) in a temporary directory so that
  nothing in ``~/.jupyter`` or ``~/.local/share/jupyter`` leaks in.  The kernel is the native
  ``python3`` spec, which jupyter_client launches with the server's own ``sys.executable`` (the
  venv), and ``PYTHONPATH`` points at the repository so ``import causal_magic`` needs no install.
* ``app`` -- parametrized over ``"lab"`` and ``"notebook"``; a test that only makes sense in one of
  them overrides it with ``@pytest.mark.parametrize("app", ["lab"], indirect=True)``.
* ``open_notebook`` -- writes a notebook (with ``kernelspec`` metadata, or a kernel-picker dialog
  appears), opens it in a fresh browser context, waits for an idle kernel (or, in JupyterLab with
  ``kernel=False``, opens it with no kernel at all) and returns a
  :class:`NotebookPage` with helpers to run cells, count cells, save, and read values from the
  very kernel the page started (through its connection file, found via ``/api/sessions``).

On failure a screenshot, the browser console and the server log tail go to ``artifacts/``.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import CHROMIUM_ARGS, find_chromium, missing

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"

SERVER_START_TIMEOUT = 90.0
KERNEL_TIMEOUT = 60.0

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

#: User settings written for both apps: no news/update requests (the network is closed) and no
#: toasts that could cover the widget and swallow clicks.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
}

#: Helpers installed in every page.  They find the notebook panel by path (robust to the shell
#: having a launcher or another tab current) and work in JupyterLab 4 and Notebook 7 alike, both
#: of which expose ``window.jupyterapp`` with ``--*.expose_app_in_browser=True``.
PAGE_HELPERS = r"""
window.__cm = {
  panel(path) {
    const app = window.jupyterapp;
    if (!app || !app.shell) return null;
    const cur = app.shell.currentWidget;
    if (cur && cur.context && cur.context.path === path) return cur;
    try {
      for (const w of app.shell.widgets('main')) {
        if (w.context && w.context.path === path) return w;
      }
    } catch (e) { /* shells without widgets('main') */ }
    return null;
  },
  kernelIdle(path) {
    const p = this.panel(path);
    if (!p || !p.content || !p.sessionContext) return false;
    const k = p.sessionContext.session && p.sessionContext.session.kernel;
    return !!k && k.status === 'idle' && k.connectionStatus === 'connected'
      && p.content.widgets.length === p.content.model.cells.length;
  },
  errors(path, index) {
    const p = this.panel(path);
    const out = [];
    const cells = p.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
      if (index !== undefined && index !== null && i !== index) continue;
      const c = cells.get(i);
      if (c.type !== 'code') continue;
      for (const o of c.outputs.toJSON()) {
        if (o.output_type === 'error') {
          out.push(`cell ${i}: ${o.ename}: ${o.evalue}\n` + (o.traceback || []).join('\n')
            .replace(/\u001b\[[0-9;]*m/g, ''));
        }
      }
    }
    return out;
  },
  summary(path) {
    const p = this.panel(path);
    const cells = p.content.model.cells;
    const res = [];
    for (let i = 0; i < cells.length; i++) {
      const c = cells.get(i);
      res.push({
        type: c.type,
        source: c.sharedModel.getSource(),
        outputs: c.type === 'code' ? c.outputs.length : 0,
      });
    }
    return res;
  },
  async runAll(path) {
    const app = window.jupyterapp;
    const p = this.panel(path);
    app.shell.activateById(p.id);
    await app.commands.execute('notebook:run-all-cells');
    return this.errors(path);
  },
  async addAndRun(path, source) {
    const app = window.jupyterapp;
    const p = this.panel(path);
    app.shell.activateById(p.id);
    const nb = p.content;
    nb.mode = 'command';
    nb.activeCellIndex = nb.widgets.length - 1;
    await app.commands.execute('notebook:insert-cell-below');
    const index = nb.activeCellIndex;
    nb.activeCell.model.sharedModel.setSource(source);
    await app.commands.execute('notebook:run-cell');
    return {index, errors: this.errors(path, index)};
  },
  async save(path) {
    const p = this.panel(path);
    await p.context.save();
    return p.context.model.dirty;
  },
};
"""


# --------------------------------------------------------------------------- small utilities


def wait_until(
    predicate: Callable[[], Any], timeout: float = 20.0, interval: float = 0.1, what: str = ""
) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail with ``what`` after ``timeout``.

    For state outside the page (a kernel variable, a server answer) there is no event to await,
    so a bounded poll is the honest way; in the page use Playwright's own waits instead.
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout:.0f}s waiting for {what or predicate!r}; last={last!r}"
            )
        time.sleep(interval)


def free_port() -> int:
    """A port the OS just handed out; the server is told ``port_retries=0`` and we retry."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:120]


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write a notebook of code cells (``"md:"`` prefix makes a markdown cell) with kernelspec."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for src in cells:
        if src.startswith("md:"):
            nb.cells.append(nbformat.v4.new_markdown_cell(src[3:]))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(src))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


# --------------------------------------------------------------------------- servers


class JupyterServer:
    """One ``jupyter lab`` or ``jupyter notebook`` process, isolated in its own directories."""

    def __init__(self, app: str, base: Path) -> None:
        self.app = app
        self.base = base
        self.root = base / "root"
        self.token = secrets.token_hex(16)
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = base / "server.log"
        self.dirs = {
            "JUPYTER_CONFIG_DIR": base / "config",
            "JUPYTER_DATA_DIR": base / "data",
            "JUPYTER_RUNTIME_DIR": base / "runtime",
            "JUPYTERLAB_SETTINGS_DIR": base / "user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": base / "workspaces",
            "IPYTHONDIR": base / "ipython",
        }

    # -- life cycle

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
        env.update({k: str(v) for k, v in self.dirs.items()})
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
        )
        env["PYTHONUNBUFFERED"] = "1"
        env.pop("JUPYTER_PATH", None)
        return env

    def command(self) -> list[str]:
        module = "jupyterlab" if self.app == "lab" else "notebook"
        app_cls = "LabApp" if self.app == "lab" else "JupyterNotebookApp"
        return [
            sys.executable,
            "-m",
            module,
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            f"--{app_cls}.expose_app_in_browser=True",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        ]

    def start(self) -> None:
        for d in [self.root, *self.dirs.values()]:
            d.mkdir(parents=True, exist_ok=True)
        for rel, value in USER_SETTINGS.items():
            f = self.dirs["JUPYTERLAB_SETTINGS_DIR"] / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(value))
        errors = []
        for _attempt in range(3):
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    self.command(),
                    cwd=self.root,
                    env=self.env(),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            try:
                self._wait_ready()
                return
            except RuntimeError as exc:  # port taken between free_port() and bind: try again
                errors.append(str(exc))
                self.stop()
        raise RuntimeError(f"{self.app} server did not start:\n" + "\n".join(errors))

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError, urllib.error.URLError):
                status = self.api("GET", "/api/status", timeout=2)
                if isinstance(status, dict) and "started" in status:
                    return
            time.sleep(0.2)
        raise RuntimeError(
            f"no answer on /api/status in {SERVER_START_TIMEOUT}s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(Exception):
                for s in self.api("GET", "/api/sessions", timeout=5):
                    self.api("DELETE", f"/api/sessions/{s['id']}", timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.proc = None

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    # -- HTTP

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, body: Any = None, timeout: float = 10) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def notebook_url(self, path: str, workspace: str) -> str:
        if self.app == "lab":
            # A fresh, named workspace: JupyterLab would otherwise restore the tabs (and start the
            # kernels) of notebooks opened by earlier tests.
            ws = f"{self.base_url}/lab/workspaces/{workspace}"
            return f"{ws}/tree/{path}?reset&token={self.token}"
        return f"{self.base_url}/notebooks/{path}?token={self.token}"

    # -- kernels

    def sessions_for(self, path: str) -> list[dict[str, Any]]:
        return [s for s in self.api("GET", "/api/sessions") if s.get("path") == path]

    def kernel_id(self, path: str) -> str:
        sessions = wait_until(
            lambda: [s for s in self.sessions_for(path) if s.get("kernel")],
            timeout=KERNEL_TIMEOUT,
            what=f"a kernel session for {path}",
        )
        return sessions[0]["kernel"]["id"]

    def connection_file(self, kernel_id: str) -> Path:
        return self.dirs["JUPYTER_RUNTIME_DIR"] / f"kernel-{kernel_id}.json"

    def shutdown_sessions(self, path: str) -> None:
        for s in self.sessions_for(path):
            with contextlib.suppress(Exception):
                self.api("DELETE", f"/api/sessions/{s['id']}", timeout=15)


class Kernel:
    """A second client on the page's kernel: read values the way the user's code would see them."""

    def __init__(self, connection_file: Path) -> None:
        from jupyter_client import BlockingKernelClient

        self.client = BlockingKernelClient()
        self.client.load_connection_file(str(connection_file))
        self.client.start_channels()
        self.client.wait_for_ready(timeout=KERNEL_TIMEOUT)

    def _request(self, code: str, expressions: dict[str, str]) -> dict[str, Any]:
        msg_id = self.client.execute(
            code, silent=True, store_history=False, user_expressions=expressions
        )
        deadline = time.monotonic() + KERNEL_TIMEOUT
        while True:
            reply = self.client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]

    def execute(self, code: str) -> None:
        """Run statements silently (no output in the notebook); raise on an error."""
        content = self._request(code, {})
        if content["status"] != "ok":
            raise AssertionError(
                f"kernel error in {code!r}: {content.get('ename')}: {content.get('evalue')}"
            )

    def eval(self, expr: str) -> Any:
        """Value of ``expr`` in the user namespace: ``repr`` parsed back by ``literal_eval``.

        Pass expressions whose repr is a literal (``list(G.edges)``, ``dict(G.nodes['X'])``);
        anything else comes back as its repr string.
        """
        content = self._request("", {"v": expr})
        if content["status"] != "ok":
            raise AssertionError(f"kernel request failed: {content}")
        value = content["user_expressions"]["v"]
        if value.get("status") != "ok":
            raise AssertionError(f"{expr!r} raised {value.get('ename')}: {value.get('evalue')}")
        text = value["data"]["text/plain"]
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.stop_channels()


# --------------------------------------------------------------------------- the page


class NotebookPage:
    """One notebook open in one browser page, with its kernel."""

    def __init__(self, server: JupyterServer, page: Any, path: str) -> None:
        self.server = server
        self.page = page
        self.path = path
        self._kernel: Kernel | None = None

    # -- waiting

    def wait_ready(self) -> None:
        """The app is up, the notebook's panel exists and its kernel is connected and idle."""
        self.page.wait_for_function(
            "p => window.__cm && window.__cm.kernelIdle(p)",
            arg=self.path,
            timeout=KERNEL_TIMEOUT * 1000,
            polling=100,
        )

    def wait_idle(self) -> None:
        self.wait_ready()

    # -- cells

    def run_all(self, allow_errors: bool = False) -> None:
        """Run every cell (the app's own command, awaited to the last reply); fail on errors."""
        self.wait_ready()
        errors = self.page.evaluate("p => window.__cm.runAll(p)", self.path)
        if errors and not allow_errors:
            raise AssertionError("cells raised errors:\n" + "\n\n".join(errors))
        self.wait_ready()

    def add_and_run(self, source: str, allow_errors: bool = False) -> int:
        """Append a code cell with ``source``, run it in the page; return its index."""
        self.wait_ready()
        result = self.page.evaluate("([p, s]) => window.__cm.addAndRun(p, s)", [self.path, source])
        if result["errors"] and not allow_errors:
            raise AssertionError("cell raised:\n" + "\n".join(result["errors"]))
        self.wait_ready()
        return result["index"]

    def cells(self) -> list[dict[str, Any]]:
        """Type, source and number of outputs of each cell, from the notebook model."""
        return self.page.evaluate("p => window.__cm.summary(p)", self.path)

    def cell_count(self) -> int:
        return len(self.cells())

    def save(self) -> None:
        dirty = self.page.evaluate("p => window.__cm.save(p)", self.path)
        assert not dirty, "notebook still dirty after save"

    def cell_output(self, index: int) -> Any:
        """Locator of the output area of cell ``index`` (JupyterLab and Notebook 7 share it)."""
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea")

    # -- kernel

    @property
    def kernel(self) -> Kernel:
        if self._kernel is None:
            kid = self.server.kernel_id(self.path)
            cf = self.server.connection_file(kid)
            wait_until(cf.exists, timeout=KERNEL_TIMEOUT, what=f"connection file {cf}")
            self._kernel = Kernel(cf)
        return self._kernel

    def kernel_eval(self, expr: str) -> Any:
        return self.kernel.eval(expr)

    def wait_kernel(
        self, expr: str, predicate: Callable[[Any], bool], timeout: float = 15.0
    ) -> Any:
        """Poll ``expr`` in the kernel until ``predicate(value)``; return the value."""
        box: list[Any] = []

        def check() -> bool:
            box[:] = [self.kernel_eval(expr)]
            return bool(predicate(box[0]))

        try:
            wait_until(check, timeout=timeout, interval=0.2, what=expr)
        except AssertionError as exc:
            raise AssertionError(f"{expr} never satisfied the check; last value: {box}") from exc
        return box[0]

    def close(self) -> None:
        if self._kernel is not None:
            self._kernel.close()
            self._kernel = None


# --------------------------------------------------------------------------- fixtures


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's report on the item, so fixtures can tell a failed test at teardown."""
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if not path:
        missing("chromium not found (apt-get install -y chromium, or set CHROMIUM=/path)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """One Chromium for the whole session; each test gets its own context (cookies, storage)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("python playwright is not installed (pip install playwright)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        pw.stop()
        missing(f"chromium at {chromium_path} did not launch: {exc}")
    yield b
    b.close()
    pw.stop()


def _server(app: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    server = JupyterServer(app, tmp_path_factory.mktemp(f"jupyter-{app}"))
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.fail(str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    yield from _server("lab", tmp_path_factory)


@pytest.fixture(scope="session")
def notebook_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    yield from _server("notebook", tmp_path_factory)


@pytest.fixture(params=["lab", "notebook"])
def app(request: pytest.FixtureRequest) -> str:
    """Which front end: ``lab`` (JupyterLab 4) or ``notebook`` (Notebook 7)."""
    return request.param


@pytest.fixture
def server(app: str, request: pytest.FixtureRequest) -> JupyterServer:
    return request.getfixturevalue("lab_server" if app == "lab" else "notebook_server")


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context; on failure, a screenshot and the console go to artifacts/.

    An uncaught exception thrown by the widget's own code (anywidget loads it from a ``blob:``
    URL, which is how its frames are told apart from JupyterLab's) fails the test at teardown
    even when every assertion held: a half-working widget must not pass quietly.
    """
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(PAGE_HELPERS)
    ctx.set_default_timeout(20_000)
    console: list[str] = []
    widget_errors: list[str] = []

    def on_error(error: Any) -> None:
        stack = getattr(error, "stack", None) or str(error)
        console.append(f"[pageerror] {stack}")
        if "blob:" in stack:
            widget_errors.append(stack)

    def on_page(page: Any) -> None:
        page.on("console", lambda m: console.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", on_error)

    ctx.on("page", on_page)
    yield ctx
    rep = getattr(request.node, "rep_call", None)
    failed = rep is not None and rep.failed
    if failed or widget_errors:
        ARTIFACTS.mkdir(exist_ok=True)
        name = slug(request.node.nodeid)
        for i, page in enumerate(ctx.pages):
            with contextlib.suppress(Exception):
                page.screenshot(path=str(ARTIFACTS / f"{name}-{i}.png"), full_page=True)
        (ARTIFACTS / f"{name}.console.txt").write_text("\n".join(console))
    ctx.close()
    if widget_errors and not failed:
        pytest.fail("the widget's code threw in the page:\n" + "\n\n".join(widget_errors[:3]))


@pytest.fixture
def open_notebook(
    server: JupyterServer, context: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., NotebookPage]]:
    """``open_notebook(cells, name=None)`` -> a :class:`NotebookPage` with a ready kernel.

    Every notebook opened through it has its kernel shut down at teardown, so kernels do not pile
    up over the session on a 2-core machine.
    """
    opened: list[NotebookPage] = []
    counter = iter(range(1000))

    def _open(
        cells: list[str] | None = None, name: str | None = None, kernel: bool = True
    ) -> NotebookPage:
        n = next(counter)
        name = name or f"{slug(request.node.name)}-{n}.ipynb"
        if cells is not None:
            write_notebook(server.root / name, cells)
        page = context.new_page()
        nb = NotebookPage(server, page, name)
        opened.append(nb)
        workspace = f"w{secrets.token_hex(4)}"
        if kernel:
            page.goto(server.notebook_url(name, workspace=workspace))
            nb.wait_ready()
            return nb
        if server.app != "lab":
            raise ValueError("opening without a kernel is only scripted for JupyterLab")
        # JupyterLab opens a notebook with no kernel when its widget factory may not start one
        # (what a user gets by choosing "No Kernel"); the page is the same, just kernel-less.
        page.goto(f"{server.base_url}/lab/workspaces/{workspace}?reset&token={server.token}")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started")
        page.evaluate(
            """async path => {
                const app = window.jupyterapp;
                await app.restored;
                const f = app.docRegistry.getWidgetFactory('Notebook');
                f._preferKernel = false;
                f._canStartKernel = false;
                await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
            }""",
            name,
        )
        page.wait_for_function(
            """p => { const w = window.__cm.panel(p);
                      return w && w.context.isReady && w.sessionContext.hasNoKernel
                        && w.content.widgets.length === w.content.model.cells.length; }""",
            arg=name,
        )
        return nb

    yield _open
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"{slug(request.node.nodeid)}.server.log").write_text(server.log_tail(400))
    for nb in opened:
        nb.close()
        server.shutdown_sessions(nb.path)
