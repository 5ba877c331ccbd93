"""The layering of the house (docs/design.md#layering-rules), checked on the source itself:
`corpus` never imports `scraper` or Scrapy, only the `replica` and `demo` commands import
the replica, and no two modules import each other in a cycle. Every import counts, the
ones inside functions too (a late import is still a dependency); only imports under
`if TYPE_CHECKING:` are left out, since they never run."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for package in ("corpus", "scraper"):
        for path in (root / package).rglob("*.py"):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _runs(tree: ast.AST):
    """Every node of the tree except what stands under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports(path: Path) -> set[str]:
    """Dotted names imported anywhere in the file: `import a.b` gives a.b; `from a import
    b, c` gives a.b and a.c (a submodule, or a name of a, resolved by `targets`)."""
    names = set()
    for node in _runs(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def targets(importer: str, imported: str, mods: dict) -> set[str]:
    """The modules an import runs: the longest known prefix of the name, and the packages
    above it that the importer is not inside (Python runs their __init__ first)."""
    parts = imported.split(".")
    found = next((".".join(parts[:k]) for k in range(len(parts), 0, -1)
                  if ".".join(parts[:k]) in mods), None)
    if found is None:
        return set()
    out = {found}
    above = found.split(".")
    for k in range(1, len(above)):
        package = ".".join(above[:k])
        if package in mods and not importer.startswith(package + "."):
            out.add(package)
    return out - {importer}


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    mods = modules(root)
    return {name: set().union(*(targets(name, i, mods) for i in imports(path)))
            for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[str]:
    found, state = [], {}

    def visit(name, stack):
        state[name] = "open"
        for target in sorted(edges[name]):
            if state.get(target) == "open":
                found.append(" -> ".join(stack[stack.index(target):] + [target]))
            elif target not in state:
                visit(target, stack + [target])
        state[name] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    return found


def test_corpus_never_imports_scraper_or_scrapy():
    offenders = [f"{name} imports {i}" for name, path in modules().items()
                 if name.startswith("corpus") for i in imports(path)
                 if i.split(".")[0] in ("scraper", "scrapy", "twisted")]
    assert offenders == []


def test_only_the_replica_and_demo_commands_import_the_replica():
    allowed = ("scraper.replica", "scraper.cli.replica", "scraper.cli.demo")
    offenders = [f"{name} imports {i}" for name, path in modules().items()
                 if not name.startswith(allowed) for i in imports(path)
                 if i.startswith("scraper.replica")]
    assert offenders == []


def test_no_import_cycles_late_imports_included():
    assert cycles(graph()) == []


def test_the_check_sees_late_imports_and_skips_type_checking(tmp_path):
    package = tmp_path / "corpus"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from corpus.b import g\n")
    (package / "b.py").write_text("from corpus import a\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from corpus.a import f\n")
    (tmp_path / "scraper").mkdir()
    edges = graph(tmp_path)
    assert cycles(edges) == ["corpus.a -> corpus.b -> corpus.a"]
    assert edges["corpus.c"] == set()
