"""The package's shape, checked: layers, no import cycles, rooms of a livable size.

``docs/architecture.md`` describes the layers (text -> graph -> questions ->
answers, with the magics and the widget as shells).  These tests keep the code
honest to that page: they read every module's source with :mod:`ast` (nothing
is imported or run), so a lazy import inside a function counts as much as one
at the top, and only imports under ``if TYPE_CHECKING:`` are left out.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "causal_magic"

#: The layer of each top-level module or subpackage; an import may only point to the
#: same layer or a lower one.  A new module must be placed here (and in the docs).
LAYERS: dict[str, int] = {
    # 0: vocabulary -- no knowledge of anything else in the package
    "graph": 0,
    "formula": 0,
    "hints": 0,
    "style": 0,
    # 1: text <-> graph, questions on graphs, the query language, data engines, drawing
    "dsl": 1,
    "identify": 1,
    "query": 1,
    "backends": 1,
    "layout": 1,
    "svg": 1,
    # 2: cards render results they are handed (typed fields), knowing no estimator
    "cards": 2,
    "panel": 2,  # the widget panel's lists, computed from identify
    # 3: answers from data
    "estimate": 3,
    "fit": 3,
    # 4: the live widget and its sync with the user's namespace
    "sync": 4,
    "widget": 4,
    "static_copy": 4,
    "edits": 4,
    # 5: the notebook shell
    "magics": 5,
    "__init__": 5,
}

MAX_MODULE_LINES = 1000
MAX_FUNCTION_LINES = 80
LONG_FUNCTION_MARK = "# why long:"


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, pathlib.Path] = {
    _module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "static" not in p.parts
}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Every import node in ``tree``, at any depth, except under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for part in node.orelse for n in _imports_of(part))
            continue
        yield from _imports_of(node)


def _imports_of(node: ast.AST):
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    yield from _imports(node)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _targets(module: str, path: pathlib.Path) -> set[str]:
    """The package's modules that ``module`` imports (a ``from pkg import sub`` names ``sub``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
            continue
        target = _resolve(module, path.name == "__init__.py", node)
        for alias in node.names:
            sub = f"{target}.{alias.name}"
            if sub in MODULES:
                found.add(sub)
            elif target in MODULES:
                found.add(target)
    found.discard(module)
    return found


IMPORTS: dict[str, set[str]] = {m: _targets(m, p) for m, p in MODULES.items()}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1] if len(parts) > 1 else "__init__")


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                return [*stack[stack.index(t) :], t]
            if t not in state and (cycle := visit(t)):
                return cycle
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (cycle := visit(m)):
            return cycle
    return None


def test_the_import_walk_sees_lazy_imports():
    """The walker is not blind: a function-level import inside a module is an edge."""
    assert "causal_magic.magics" in IMPORTS["causal_magic"]  # load_ipython_extension's import


def test_cycle_finder_finds_a_planted_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_in_the_package():
    cycle = _find_cycle(IMPORTS)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in MODULES if _layer(m) is None)
    assert not unplaced, f"place these in LAYERS and docs/architecture.md: {unplaced}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module):
    here = _layer(module)
    upward = sorted(t for t in IMPORTS[module] if (_layer(t) or 0) > (here or 0))
    assert not upward, f"{module} (layer {here}) imports upward: {upward}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_a_livable_size(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines (limit {MAX_MODULE_LINES})"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_long_functions_say_why(module):
    source = MODULES[module].read_text(encoding="utf-8")
    lines = source.splitlines()
    too_long = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = lines[node.lineno - 1 : node.end_lineno]
            if len(body) > MAX_FUNCTION_LINES and not any(LONG_FUNCTION_MARK in b for b in body):
                too_long.append(f"{node.name} ({len(body)} lines)")
    assert not too_long, (
        f"{module}: functions over {MAX_FUNCTION_LINES} lines without a "
        f"'{LONG_FUNCTION_MARK}' comment: {too_long}"
    )
