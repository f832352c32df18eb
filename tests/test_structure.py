"""The package's shape: stages import one another in one direction only.

The folders under generator/ are the pipeline's stages; each may import the stages below it and the
base modules, never one above (a sheet that imported the website would tie printing to MkDocs).

An import cycle hides which stage comes first (issue #15 found build.py and
manifest.py importing each other, and a callback standing in for another).
The graph is read from the source, imports inside functions included, so a
cycle cannot hide in a late import.
"""

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = "generator"
PACKAGE_DIR = REPO / PACKAGE


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules that `module` imports, at any depth of its code."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            # `from generator import build` imports the module generator.build.
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module and name != PACKAGE:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts}
    known = set(files)
    return {name: _imported(ast.parse(path.read_text(encoding="utf-8"), str(path)), name, path.name == "__init__.py", known)
            for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None (depth-first search, colouring nodes)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for follower in sorted(graph.get(node, ())):
            if state.get(follower) == "open":
                return stack[stack.index(follower):] + [follower]
            if follower not in state and (cycle := visit(follower)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_finder_sees_a_cycle_through_a_late_import():
    source = {"generator.a": "from . import b\n", "generator.b": "def f():\n    from generator.a import x\n"}
    known = set(source)
    graph = {name: _imported(ast.parse(text), name, False, known) for name, text in source.items()}
    assert find_cycle(graph) == ["generator.a", "generator.b", "generator.a"]


# Lowest first. A module may import its own layer and any layer before it.
LAYERS = (
    ("base", {"generator.problems", "generator.cache", "generator.output", "generator.assets", "generator.textfold"}),
    ("sources", {"generator.sources"}),
    ("render", {"generator.render"}),
    ("compose", {"generator.compose"}),
    ("paper", {"generator.paper"}),
    ("web", {"generator.web"}),
    ("runner", {"generator.build", "generator.editions", "generator.manifest", "generator.gate", "generator.swap",
                "generator.print_register", "generator.project"}),
    ("team", {"generator.team"}),
    ("command line", {"generator.cli", "generator.cli_language", "generator.launch", "generator.__main__"}),
)


def layer_of(module: str) -> int:
    if module == PACKAGE:  # its __init__ holds only the docstring that draws the stages
        return 0
    for rank, (_, members) in enumerate(LAYERS):
        if any(module == m or module.startswith(m + ".") for m in members):
            return rank
    raise AssertionError(f"{module} belongs to no layer: put it in a stage's folder or name it in LAYERS")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
                  for module, targets in graph.items() for target in targets
                  if layer_of(target) > layer_of(module))


def test_the_graph_holds_every_stage():
    graph = import_graph()
    assert "generator.manifest" in graph["generator.build"]
    assert "generator.render.renderer" in graph["generator.paper.leaflets"]
    assert "generator.build" in graph["generator.cli"]


def test_every_module_sits_in_a_stage():
    for module in import_graph():
        layer_of(module)


def test_stages_import_only_downward():
    assert upward_imports(import_graph()) == []


def test_the_direction_check_sees_an_upward_import():
    graph = {"generator.paper.leaflets": {"generator.web.website"}, "generator.web.website": set()}
    assert upward_imports(graph) == ["generator.paper.leaflets (paper) imports generator.web.website (web)"]


def test_every_stage_says_what_it_owns_and_may_import():
    for package in sorted(p for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "Owns" in doc and "May import" in doc, f"{package.name}/__init__.py lacks its docstring"


def test_generator_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
