"""The code's rooms: a newcomer can find their way because apps import only
downwards, no module imports itself in a circle (imports inside functions
count), and no module is over about 450 lines."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "radiology_guide"
# Bottom to top: an app may import only the apps before it.
LAYERS = ["core", "images", "guide", "enquiries", "feedback", "staff"]
MAX_LINES = 450


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    return {module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}


def imports_of(name, path, known):
    """Every radiology_guide module this one imports, at any depth of the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            # "from radiology_guide.guide import publishing" names a module;
            # "from radiology_guide.guide.models import Page" names its module.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("radiology_guide."):
                found.add(target)
    return found


def graph():
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def layer(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else None


def circles(edges):
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_in_a_circle():
    assert circles(graph()) == []


def test_apps_import_only_the_apps_below_them():
    upward = [
        f"{name} -> {target}"
        for name, targets in graph().items()
        for target in sorted(targets)
        if layer(name) and layer(target) and LAYERS.index(layer(target)) > LAYERS.index(layer(name))
    ]
    assert upward == []


def test_no_module_is_over_450_lines():
    long = {name: len(path.read_text().splitlines()) for name, path in modules().items()}
    assert {name: lines for name, lines in long.items() if lines > MAX_LINES} == {}


def test_the_walk_finds_a_circle_and_an_upward_import(tmp_path):
    # The checks above can fail: a made-up pair that import each other, and
    # core reaching up to guide from inside a function.
    assert circles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    example = tmp_path / "example.py"
    example.write_text("def f():\n    from radiology_guide.guide import publishing\n")
    found = imports_of("radiology_guide.core.example", example, modules())
    assert found == {"radiology_guide.guide.publishing"}
    assert layer("radiology_guide.core.example") == "core"
