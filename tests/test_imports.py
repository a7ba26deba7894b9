"""Import contracts, checked by walking the source (issue 10, item 3).

- ``checks`` (the engine) never imports ``tui`` or ``textual`` — anywhere, function bodies included.
- ``tui.cli`` (the headless CLI) never imports ``textual``, ``tui.app`` or ``tui.screens``.
- No front-end (``tui``, the CLI included) imports a check module (``checks.builtin``).
- The modules of ``checks`` import each other without a cycle (module-level imports; the ones
  under ``if TYPE_CHECKING:`` are annotations only), and the network checks import no function
  of a sibling check: what they share lives in ``checks/probes/``.

The walk resolves relative imports, so ``from ..app import X`` inside ``tui/cli`` counts as
``tui.app``. The test's own helpers are exercised on small sources first, so a walk that finds
nothing cannot pass silently.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def imports(source: str, module: str, package: bool, top_level_only: bool = False) -> Iterator[tuple[str, int]]:
    """(absolute module name, line) of every import in ``source``; with ``top_level_only`` only
    those that run when the module is imported (not in functions, not under TYPE_CHECKING)."""
    base = module.split(".") if package else module.split(".")[:-1]

    def walk(node: ast.AST) -> Iterator[ast.AST]:
        for child in ast.iter_child_nodes(node):
            if top_level_only and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if top_level_only and isinstance(child, ast.If) and _type_checking(child):
                yield from (n for s in child.orelse for n in [s, *walk(s)])
                continue
            yield child
            yield from walk(child)

    for node in walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parent = base[:len(base) - node.level + 1]
                target = ".".join(parent + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target, node.lineno
            for a in node.names:  # `from pkg import submodule`
                yield f"{target}.{a.name}", node.lineno


def _files(package: str) -> list[Path]:
    return sorted((REPO / package.replace(".", "/")).rglob("*.py"))


def _violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in _files(package):
        mod = module_name(path)
        for target, line in imports(path.read_text(encoding="utf-8"), mod, _is_package(path)):
            if any(target == f or target.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(REPO)}:{line}: imports {target}")
    return sorted(set(out))


def test_the_walk_resolves_relative_and_nested_imports() -> None:
    src = ("import os\nfrom ..app import run\nfrom . import common\n"
           "def f():\n    import textual.widgets\n"
           "if TYPE_CHECKING:\n    from ..screens import x\n")
    found = {t for t, _ in imports(src, "tui.cli.run_cmd", False)}
    assert {"os", "tui.app", "tui.cli", "tui.cli.common", "textual.widgets", "tui.screens", "tui.screens.x"} <= found
    top = {t for t, _ in imports(src, "tui.cli.run_cmd", False, top_level_only=True)}
    assert "textual.widgets" not in top and "tui.screens" not in top and "tui.app" in top
    assert {t for t, _ in imports("from .x import y", "checks.probes", True)} == {"checks.probes.x", "checks.probes.x.y"}


def test_the_walk_sees_the_packages() -> None:
    assert len(_files("checks")) > 40 and len(_files("tui.cli")) >= 10


@pytest.mark.parametrize("package, forbidden", [
    ("checks", ("tui", "textual")),
    ("tui.cli", ("textual", "tui.app", "tui.screens", "tui.widgets")),
    # Front-ends run checks through the runner and render their results and artifacts; they never
    # import helpers from a check module (checks.evidence_checks hands them the check to run).
    ("tui", ("checks.builtin",)),
])
def test_import_contract(package: str, forbidden: tuple[str, ...]) -> None:
    bad = _violations(package, forbidden)
    assert not bad, "\n".join(bad)


def _graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in _files("checks")}
    graph: dict[str, set[str]] = {m: set() for m in paths}
    for mod, path in paths.items():
        for target, _ in imports(path.read_text(encoding="utf-8"), mod, _is_package(path), top_level_only=True):
            if target in paths and target != mod:
                graph[mod].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_checks() -> None:
    cycles = _cycles(_graph())
    assert not cycles, cycles


def test_builtin_checks_import_no_sibling_check() -> None:
    graph = _graph()
    for mod, targets in graph.items():
        if mod.startswith("checks.builtin."):
            siblings = sorted(t for t in targets if t.startswith("checks.builtin.") and t != mod)
            assert not siblings, f"{mod} imports {siblings}: shared helpers belong in checks/probes/ or checks/"


# ------------------------------------------------------------------ lazy discovery
def test_discovery_lists_checks_without_importing_them() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from checks.registry import Registry\n"
        "reg = Registry.discover()\n"
        "loaded = lambda: sorted(m for m in sys.modules if m.startswith('checks.builtin.'))\n"
        "ids = reg.ids()\n"
        "assert 'xsp.urls' in ids and 'xsp.tls' in ids and len(ids) >= 10, ids\n"
        "assert loaded() == [], loaded()\n"
        "assert [c.id for c in reg.select(['xsp.urls'])] == ['xsp.urls']\n"
        "assert loaded() == ['checks.builtin.xsp_urls'], loaded()\n"
        "assert not reg.is_loaded('xsp.tls')\n"
        "assert reg.get('xsp.tls').id == 'xsp.tls' and 'checks.builtin.xsp_tls' in loaded()\n"
        "assert len(reg.all()) == len(ids) and 'checks.builtin.har_analyze' in loaded()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_a_broken_plugin_fails_only_when_asked_for() -> None:
    from importlib.metadata import EntryPoint

    from checks.registry import GROUP, Registry, UnknownCheckError

    eps = [EntryPoint("xsp.urls", "checks.builtin.xsp_urls:XspUrlsCheck", GROUP),
           EntryPoint("acme.broken", "wxt_no_such_module:Check", GROUP),
           EntryPoint("acme.notacheck", "checks.model:Finding", GROUP)]
    reg = Registry.discover(eps)
    assert reg.ids() == ["acme.broken", "acme.notacheck", "xsp.urls"]
    assert [c.id for c in reg.select(["xsp.urls"])] == ["xsp.urls"]
    assert reg.failures_for(["xsp.urls"]) == []
    assert reg.select(["acme.broken"]) == []          # reported as a load failure, not "unknown"
    (f,) = reg.failures_for(["acme.broken"])
    assert f.name == "acme.broken" and "ModuleNotFoundError" in f.message
    assert {f.name for f in reg.failures} == {"acme.broken", "acme.notacheck"}
    with pytest.raises(UnknownCheckError, match="known checks: xsp.urls"):
        reg.select(["nope"])
