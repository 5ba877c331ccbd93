"""Every library the code imports is declared in pyproject.toml: the product's in
`dependencies`, the tests' in the `test` extra (or the product's), so a fresh install
of README's two commands has all it needs. A product import guarded by `except
ImportError` (a feature with an extra of its own, which says how to install it) may be
declared in that extra."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = {"corpus", "scraper", "tests"}


def _guarded(tree: ast.AST) -> set[int]:
    """ids of the import nodes inside a `try` whose handler catches ImportError."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                "ImportError" in ast.unparse(h.type or ast.Name("BaseException"))
                for h in node.handlers):
            ids |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return ids


def top_level_imports(paths, root: Path = ROOT, *, guarded: bool = True) -> dict[str, str]:
    """Top-level module name -> one file importing it (anywhere in the file); without
    `guarded`, imports inside a try that handles ImportError are left out."""
    found = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = set() if guarded else _guarded(tree)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(root)))
    return found


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for group in groups:
        specs += project["optional-dependencies"][group]
    return {normal(re.split(r"[\s<>=!~\[;]", spec, maxsplit=1)[0]) for spec in specs}


def undeclared(paths, allowed: set[str], root: Path = ROOT, *, guarded: bool = True) -> list[str]:
    dists = packages_distributions()
    missing = []
    for module, where in sorted(top_level_imports(paths, root, guarded=guarded).items()):
        if module in OURS or module in sys.stdlib_module_names or module == "__future__":
            continue
        names = {normal(d) for d in dists.get(module, [module])}
        if not names & allowed:
            missing.append(f"{module} (imported by {where}; distribution {sorted(names)})")
    return missing


def test_the_product_declares_every_library_it_imports():
    paths = [*ROOT.joinpath("corpus").rglob("*.py"), *ROOT.joinpath("scraper").rglob("*.py")]
    assert undeclared(paths, declared(), guarded=False) == []
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert undeclared(paths, declared(*(g for g in extras if g != "test"))) == []


def test_the_tests_declare_every_library_they_import():
    assert undeclared(ROOT.joinpath("tests").glob("*.py"), declared("test")) == []


def test_the_check_can_fail(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import json\nimport scrapy\n\ndef late():\n    from protego import Protego\n")
    assert undeclared([module], {"scrapy"}, root=tmp_path) == [
        "protego (imported by m.py; distribution ['protego'])"]
    assert undeclared([module], {"scrapy", "protego"}, root=tmp_path) == []
    module.write_text("try:\n    import protego\nexcept ImportError:\n    protego = None\n")
    assert undeclared([module], set(), root=tmp_path, guarded=False) == []
    assert undeclared([module], set(), root=tmp_path) != []
