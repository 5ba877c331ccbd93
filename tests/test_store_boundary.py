"""The store's boundary, checked on the source itself: outside corpus/store, nothing uses
a private name of the store's classes (`_store`, `_conn`, `_pages`...) or a connection
(`.conn`); readers and writers go through `Corpus`'s public methods (`query`,
`query_one`, `execute`, `now`, `transaction`, `db` and the rest)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "corpus" / "store"
OUTSIDE = ("corpus", "scraper", "scripts", "tests")
CONNECTION = "conn"  # sqlite_utils.Database's and any connection's attribute
WRITES = {"insert", "insert_all", "upsert", "upsert_all"}


def private_names(store: Path = STORE) -> set[str]:
    """The underscore names the store's classes define: methods, class attributes and
    `self._x = ...` attributes (dunders left out: every object has them)."""
    names = set()
    for path in store.glob("*.py"):
        for cls in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(cls, ast.ClassDef):
                continue
            for node in ast.walk(cls):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(node.name)
                elif isinstance(node, ast.Attribute) and _is_self(node.value):
                    names.add(node.attr)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
    return {n for n in names if n.startswith("_") and not n.endswith("__")}


def _is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def _imported(tree: ast.AST) -> set[str]:
    """Names the module binds by import only: their attributes are a module's, not a
    store's (a name also bound as an argument or a variable does not count)."""
    bound, rebound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            rebound.add(node.arg)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            rebound.add(node.id)
    return bound - rebound


def violations(source: str, names: set[str], label: str = "<source>", *,
               connection: bool = True) -> list[str]:
    """`file:line: .name` for every use of a store-private name (and of a connection,
    unless `connection` is False) on something other than self/cls or an imported module."""
    tree = ast.parse(source)
    modules = _imported(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr not in names and not (connection and node.attr == CONNECTION):
            continue
        if _is_self(node.value) or (isinstance(node.value, ast.Name)
                                    and node.value.id in modules):
            continue
        found.append((node.lineno, node.col_offset, f"{label}:{node.lineno}: .{node.attr}"))
    return [text for _, _, text in sorted(found)]


def outside_files() -> list[Path]:
    files = []
    for top in OUTSIDE:
        for path in sorted((ROOT / top).rglob("*.py")):
            if STORE not in path.parents:
                files.append(path)
    return files


def test_no_private_store_name_is_used_outside_the_store():
    names = private_names()
    assert {"_store", "_conn", "_pages", "_clock"} <= names  # the collection works
    found = []
    for path in outside_files():
        found += violations(path.read_text(encoding="utf-8"), names,
                            str(path.relative_to(ROOT)))
    assert found == []


def test_the_check_finds_each_kind_of_reach_inside():
    names = private_names()
    source = (
        "import corpus.store\n"
        "from scraper.crawl import progress\n"
        "def f(corpus, writer):\n"
        "    corpus._store.execute('SELECT 1')\n"  # the façade's store (corpus: an argument)
        "    corpus._pages.record()\n"  # one of its parts
        "    rows = corpus.conn.execute('SELECT 1')\n"  # the old connection
        "    corpus.db.conn.execute('SELECT 1')\n"  # sqlite-utils' connection
        "    corpus.extractor = None\n"  # public: fine
        "    progress._clock(1.0)\n"  # an imported module's own name: fine
        "class Writer:\n"
        "    def g(self):\n"
        "        return self.conn, self._conn\n"  # an object's own attributes: fine
    )
    assert violations(source, names) == [
        "<source>:4: ._store", "<source>:5: ._pages", "<source>:6: .conn",
        "<source>:7: .conn"]


def test_no_part_of_the_store_reaches_into_another():
    """Inside the store too, a part uses another only through its public methods: a
    private name is read on self (or cls) alone."""
    names = private_names()
    found = []
    for path in sorted(STORE.glob("*.py")):
        # The store holds the connection (migrations get it from sqlite-utils).
        found += violations(path.read_text(encoding="utf-8"), names,
                            str(path.relative_to(ROOT)), connection=False)
    assert found == []


def raw_page_writes(source: str) -> int:
    """How many writes of `raw_pages` a module makes: an `insert`/`upsert` call naming
    the table, or SQL text inserting into it."""
    count = 0
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            count += bool(re.search(r"(INSERT|REPLACE)\b[^;]*\braw_pages\b", node.value, re.I))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in WRITES):
            if isinstance(node.func.value, ast.Subscript):  # db["raw_pages"].insert(row)
                table = node.func.value.slice
            else:  # store.insert("raw_pages", row)
                table = node.args[0] if node.args else None
            count += isinstance(table, ast.Constant) and table.value == "raw_pages"
    return count


def test_raw_pages_have_one_writer():
    """Pages, captures and files keep their bytes through `RawPages.put` alone."""
    writers = {}
    for top in ("corpus", "scraper"):
        for path in sorted((ROOT / top).rglob("*.py")):
            found = raw_page_writes(path.read_text(encoding="utf-8"))
            if found:
                writers[str(path.relative_to(ROOT))] = found
    assert writers == {"corpus/store/raw.py": 1}
    assert raw_page_writes('db["raw_pages"].insert({})\nstore.insert("raw_pages", {})\n'
                           'conn.execute("INSERT OR IGNORE INTO raw_pages(sha256) VALUES (?)")'
                           ) == 3
