"""The package's shape, checked: small modules, no import loop, no dependency's private module, and
a widget that knows no protocol (docs/architecture.md, "The source boundary")."""

from __future__ import annotations

import ast
import pathlib
import re
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "lg_widgets"
MODULES = {path: ".".join(("lg_widgets", *path.relative_to(PACKAGE).with_suffix("").parts))
           .removesuffix(".__init__") for path in PACKAGE.rglob("*.py")}


def imports_of(path: pathlib.Path) -> set[str]:
    """Every module ``path`` imports, ``TYPE_CHECKING`` blocks and function bodies included."""
    name = MODULES[path]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import x` imports x
    return found


def own_graph() -> dict[str, set[str]]:
    names = set(MODULES.values())
    return {MODULES[p]: {m for m in imports_of(p) if m in names and m != MODULES[p]} for p in MODULES}


def test_no_module_is_over_500_lines_and_the_widget_stays_under_450():
    sizes = {MODULES[p]: len(p.read_text().splitlines()) for p in MODULES}
    assert max(sizes.values()) <= 500, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    assert sizes["lg_widgets.widget"] <= 450


def test_no_import_loop_in_the_package():
    graph = own_graph()
    # A package imports its __init__ on the way to a submodule: that is no loop of ours.
    graph = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                raise AssertionError("import loop: " + " -> ".join(stack[stack.index(dep):] + [dep]))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_no_private_module_of_a_dependency_is_imported():
    private = {m for p in MODULES for m in imports_of(p)
               if not m.startswith("lg_widgets") and any(part.startswith("_") and part != "__future__"
                                                         for part in m.split(".")[:-1] + [m.split(".")[-1]]
                                                         if part not in ("__init__",))}
    stdlib = {m for m in private if m.split(".")[0] in sys.stdlib_module_names}
    assert private - stdlib == set()


def test_the_widget_knows_no_protocol():
    """No comparison with a protocol's name, no protocol's classes: the view asks its source."""
    for path in (PACKAGE / "widget.py", PACKAGE / "live_run.py"):
        tree = ast.parse(path.read_text())
        compared = {c.value for node in ast.walk(tree) if isinstance(node, ast.Compare)
                    for c in ast.walk(node) if isinstance(c, ast.Constant)}
        assert not compared & {"runs", "threads", "sse", "websocket"}, path.name
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not names & {"ThreadRequest", "RunRequest", "ThreadClient", "LangGraphClient", "ThreadSource",
                            "RunsSource"}, path.name
        assert not any(m.startswith(("lg_widgets.threads", "lg_widgets.runs", "lg_widgets.client"))
                       for m in imports_of(path)), path.name
