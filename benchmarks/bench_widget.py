"""How fast the widget draws and drags a large graph, in headless Chromium.

Run by hand (not by CI), after ``npm run build``::

    .venv/bin/python benchmarks/bench_widget.py            # 500 nodes
    .venv/bin/python benchmarks/bench_widget.py --nodes 1000 --screenshot big.png

It builds a random DAG, lets :class:`causal_magic.DagWidget` compute the synced state
(layout included), serves a static page on 127.0.0.1 that imports the built bundle with a
fake anywidget model, and measures (1) the time from ``render()`` to the first painted
frame, (2) frame times while dragging a node, and (3) the Python side (layout + state).
The issue's targets: drawn within 2 s, dragging smooth (frames well under 33 ms).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import pathlib
import random
import shutil
import statistics
import tempfile
import threading
import time

import networkx as nx

ROOT = pathlib.Path(__file__).resolve().parents[1]
STATIC = ROOT / "causal_magic" / "static"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="widget.css">
<style>body { font-family: sans-serif; margin: 16px; width: 1000px; }</style></head>
<body><div id="host"></div>
<script type="module">
import widget from "./widget.js";
const state = await (await fetch("state.json")).json();
const handlers = new Map();
window.__sent = [];
const model = {
  get: (k) => state[k],
  set: (k, v) => { state[k] = v; },
  save_changes() {},
  on(name, fn) {
    if (!handlers.has(name)) handlers.set(name, new Set());
    handlers.get(name).add(fn);
  },
  off(name, fn) { handlers.get(name)?.delete(fn); },
  send(msg) {
    window.__sent.push(msg);
    const reply = msg.type === "hello" ? { type: "hello" } : { type: "ack" };
    setTimeout(() => emit("msg:custom", reply), 0);
  },
};
function emit(name, ...args) { for (const fn of handlers.get(name) ?? []) fn(...args); }
window.__emit = emit;
window.__state = state;
const t0 = performance.now();
// Like anywidget, render into an element that is attached to the page only afterwards.
const el = document.createElement("div");
widget.render({ model, el });
document.getElementById("host").appendChild(el);
const t1 = performance.now();
requestAnimationFrame(() => requestAnimationFrame(() => {
  window.__timing = { render: t1 - t0, painted: performance.now() - t0 };
}));
</script></body></html>
"""


def random_dag(n: int, seed: int = 1) -> nx.DiGraph:
    """A random DAG with about 1.6 edges per node, a treatment and an outcome."""
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(f"v{i}" for i in range(n))
    for i in range(1, n):
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            j = rng.randrange(max(0, i - 40), i)
            G.add_edge(f"v{j}", f"v{i}")
    G.nodes["v10"]["role"] = "treatment"
    G.nodes[f"v{n - 5}"]["role"] = "outcome"
    return G


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: pathlib.Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/index.html"


def widget_state(G: nx.DiGraph, height: int) -> tuple[dict, float, float]:
    """The synced state, the seconds to build it, and the seconds one edit takes in Python."""
    from causal_magic.widget import DagWidget

    t0 = time.perf_counter()
    w = DagWidget(G, name="G", title=f"{G.number_of_nodes()} nodes", height=height)
    state = {k: v for k, v in w.get_state().items() if not k.startswith("_")}
    seconds = time.perf_counter() - t0
    state = json.loads(json.dumps(state))
    node = state["nodes"][len(state["nodes"]) // 2]
    t0 = time.perf_counter()
    for i in range(10):  # move = validate, write pos, layout, overlay, traits
        w.handle_message({"type": "edit", "op": "move", "id": node["id"], "x": i, "y": i})
    edit_seconds = (time.perf_counter() - t0) / 10
    w.close()
    return state, seconds, edit_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--height", type=int, default=600)
    parser.add_argument("--steps", type=int, default=60, help="mouse moves while dragging")
    parser.add_argument("--screenshot", type=pathlib.Path, default=None)
    args = parser.parse_args()
    if not (STATIC / "widget.js").exists():
        raise SystemExit("build the bundle first: npm install && npm run build")

    from playwright.sync_api import sync_playwright

    G = random_dag(args.nodes)
    state, py_seconds, edit_seconds = widget_state(G, args.height)
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        shutil.copy(STATIC / "widget.js", folder / "widget.js")
        shutil.copy(STATIC / "widget.css", folder / "widget.css")
        (folder / "state.json").write_text(json.dumps(state))
        (folder / "index.html").write_text(PAGE)
        server, url = serve(folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                    args=CHROMIUM_ARGS,
                )
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.goto(url)
                page.wait_for_function("window.__timing !== undefined")
                timing = page.evaluate("window.__timing")
                drawn = page.locator("g.cm-node").count()
                box = page.locator("g.cm-node").nth(args.nodes // 2).bounding_box()
                page.evaluate(
                    """() => { window.__frames = []; let last = performance.now();
                    const tick = (t) => { window.__frames.push(t - last); last = t;
                      if (window.__frames.length < 100000) requestAnimationFrame(tick); };
                    requestAnimationFrame(tick); }"""
                )
                x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
                page.mouse.move(x, y)
                page.mouse.down()
                page.evaluate("window.__frames.length = 0")
                t0 = time.perf_counter()
                for i in range(args.steps):
                    page.mouse.move(x + i * 3, y + i * 2)
                    page.evaluate("new Promise(r => requestAnimationFrame(() => r()))")
                drag_seconds = time.perf_counter() - t0
                frames = page.evaluate("window.__frames.slice(1)")
                page.mouse.up()
                sent = page.evaluate("window.__sent.map(m => m.op || m.type)")
                if args.screenshot:
                    page.screenshot(path=str(args.screenshot))
                browser.close()
        finally:
            server.shutdown()

    frames = [f for f in frames if f > 0]
    print(f"graph: {args.nodes} nodes, {G.number_of_edges()} edges; drawn nodes: {drawn}")
    print(f"python  DagWidget(G) (layout + state): {py_seconds * 1000:.0f} ms")
    print(f"python  one edit (move) applied:        {edit_seconds * 1000:.0f} ms")
    print(f"browser render() call:                  {timing['render']:.0f} ms")
    print(f"browser render to painted frame:        {timing['painted']:.0f} ms")
    if frames:
        print(
            f"drag: {len(frames)} frames over {args.steps} moves ({drag_seconds:.2f} s); "
            f"median {statistics.median(frames):.1f} ms, "
            f"p95 {sorted(frames)[int(0.95 * (len(frames) - 1))]:.1f} ms, max {max(frames):.1f} ms"
        )
    print(f"messages sent: {sorted(set(sent))}")


if __name__ == "__main__":
    main()
