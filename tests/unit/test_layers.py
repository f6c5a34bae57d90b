"""The package's import graph: no circle, and no arrow from an inner layer to an outer one.

The layer order is written once, here. Every import counts, including those inside functions: a lazy
import still makes the inner module depend on the outer one.
"""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "registry"

# Inner to outer: a module may import its own layer and the layers before it, never one after it.
LAYERS = [
    ("data", ("registry.clock", "registry.reference", "registry.demo", "registry.collation", "registry.formats")),  # pure modules
    ("domain", ("registry.domain",)),
    ("models", ("registry.models",)),
    ("storage", ("registry.config", "registry.migrations", "registry.audit", "registry.backup")),
    ("services", ("registry.services",)),
    ("documents", ("registry.pdf",)),
    ("web plumbing", ("registry.db", "registry.i18n", "registry.auth")),
    ("jobs", ("registry.jobs",)),
    ("forms", ("registry.forms",)),
    ("views", ("registry.views",)),
    ("shell", ("registry.cli",)),
    ("application", ("registry",)),
]


def module_files(root: Path) -> dict[str, Path]:
    out = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the package it imports (a `from package import name` counts as the submodule)."""
    files = module_files(root)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    found.add(full if full in files else base)
        graph[module] = {m for m in found if m in files and m != module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return found


def layer_of(module: str) -> int | None:
    """The index of the layer whose longest prefix matches the module; the package itself only matches exactly."""
    best, best_len = None, -1
    for i, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (prefix != "registry" and module.startswith(prefix + "."))
            if matches and len(prefix) > best_len:
                best, best_len = i, len(prefix)
    return best


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, deps in sorted(graph.items()):
        own = layer_of(module)
        for dep in sorted(deps):
            if layer_of(dep) > own:
                out.append(f"{module} ({LAYERS[own][0]}) imports {dep} ({LAYERS[layer_of(dep)][0]})")
    return out


@pytest.fixture(scope="module")
def graph():
    return import_graph(PACKAGE)


def test_every_module_of_the_package_belongs_to_a_layer(graph):
    assert [m for m in graph if layer_of(m) is None] == []


def test_the_package_has_no_import_circle(graph):
    assert circles(graph) == []


def test_no_inner_layer_imports_an_outer_one(graph):
    assert upward_imports(graph) == []


def test_the_checks_catch_a_circle_and_an_upward_import():
    """The detectors themselves: a circle added back, or a service importing a view, is reported."""
    graph = {
        "registry.views.crud": {"registry.views.lists"},
        "registry.views.lists": {"registry.views.crud"},
        "registry.services.contracts": {"registry.cli.contracts"},
        "registry.cli.contracts": set(),
    }
    assert circles(graph) == [["registry.views.crud", "registry.views.lists"]]
    assert upward_imports(graph) == ["registry.services.contracts (services) imports registry.cli.contracts (shell)"]


def test_domain_and_services_raise_no_shell_or_web_error():
    """Services and rules raise `Refused`; only the shell and the web turn it into their own errors."""
    for path in [*(PACKAGE / "domain").rglob("*.py"), *(PACKAGE / "services").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                for name in names:
                    assert name.split(".")[0] not in ("click", "flask", "werkzeug", "flask_wtf", "flask_login"), (
                        f"{path.relative_to(PACKAGE)} imports {name}")
