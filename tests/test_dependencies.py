"""Every library the code imports is declared in pyproject.toml: the product's in
`dependencies`, the tests' in the `test` extra (or the product's), so a fresh install
of README's two commands has all it needs."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = {"corpus", "scraper", "tests"}


def top_level_imports(paths, root: Path = ROOT) -> dict[str, str]:
    """Top-level module name -> one file importing it (anywhere in the file)."""
    found = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
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


def undeclared(paths, allowed: set[str], root: Path = ROOT) -> list[str]:
    dists = packages_distributions()
    missing = []
    for module, where in sorted(top_level_imports(paths, root).items()):
        if module in OURS or module in sys.stdlib_module_names or module == "__future__":
            continue
        names = {normal(d) for d in dists.get(module, [module])}
        if not names & allowed:
            missing.append(f"{module} (imported by {where}; distribution {sorted(names)})")
    return missing


def test_the_product_declares_every_library_it_imports():
    paths = [*ROOT.joinpath("corpus").rglob("*.py"), *ROOT.joinpath("scraper").rglob("*.py")]
    assert undeclared(paths, declared()) == []


def test_the_tests_declare_every_library_they_import():
    assert undeclared(ROOT.joinpath("tests").glob("*.py"), declared("test")) == []


def test_the_check_can_fail(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import json\nimport scrapy\n\ndef late():\n    from protego import Protego\n")
    assert undeclared([module], {"scrapy"}, root=tmp_path) == [
        "protego (imported by m.py; distribution ['protego'])"]
    assert undeclared([module], {"scrapy", "protego"}, root=tmp_path) == []
