"""The layering of the house (DESIGN.md, issue 9), checked on the source itself:
`corpus` never imports `scraper` or Scrapy, and no two modules import each other in a
cycle (module-level imports; an import inside a function is a deliberate late binding)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules() -> dict[str, Path]:
    found = {}
    for package in ("corpus", "scraper"):
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_corpus_never_imports_scraper_or_scrapy():
    offenders = []
    for name, path in modules().items():
        if name.startswith("corpus"):
            for imported in imports(path, top_level_only=False):
                if imported.split(".")[0] in ("scraper", "scrapy", "twisted"):
                    offenders.append(f"{name} imports {imported}")
    assert offenders == []


def with_packages(names: set[str], importer: str) -> set[str]:
    """Importing a.b.c from outside package a.b runs a.b's __init__ first: that is an
    import of the package too (from inside it, the package is already being imported)."""
    found = set(names)
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts)):
            package = ".".join(parts[:i])
            if not (importer == package or importer.startswith(package + ".")):
                found.add(package)
    return found


def test_no_import_cycles_between_modules():
    mods = modules()
    graph = {name: {i for i in with_packages(imports(path, top_level_only=True), name)
                    if i in mods and i != name}
             for name, path in mods.items()}
    cycles, state = [], {}

    def visit(name, stack):
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(stack[stack.index(target):] + [target]))
            elif target not in state:
                visit(target, stack + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    # a package importing its own submodules (corpus.store -> corpus.store.base) is not a
    # cycle unless the submodule imports the package back
    assert cycles == []


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "m.py"
    bad.write_text("def f():\n    import scrapy\n")
    assert "scrapy" in imports(bad, top_level_only=False)
    assert "scrapy" not in imports(bad, top_level_only=True)
