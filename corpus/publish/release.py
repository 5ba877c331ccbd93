"""Research releases: one folder a researcher can publish as it is (docs/design.md#d16-releases).

    <table>.<fmt> for each table of schema.TABLES   the data (byte-identical for the
                                                    same corpus and arguments)
    manifest.json, datapackage.json                 counts, hashes, software, typed schemas
    CITATION.cff, README.md                         how to cite; a dataset card
    CHANGES.md, changes.jsonl                       with a previous release: what changed

`write_tables` is the one table writer: `export` calls it too. Module map: schema.py
(the tables and their columns), tables.py (rows), status.py (status spells), formats.py
(data files), manifest.py, package.py (datapackage.json, CITATION.cff), card.py
(README.md), changes.py (against a previous release).
"""

from __future__ import annotations

from pathlib import Path

from corpus.errors import UserError
from corpus.moments import parse_moment
from corpus.publish import changes as changes_mod
from corpus.publish.card import readme
from corpus.publish.coverage import coverage
from corpus.publish.folder import out_folder
from corpus.publish.formats import FORMATS
from corpus.publish.manifest import file_entry, manifest as make_manifest
from corpus.publish.package import Meta, citation_cff, datapackage, write_json
from corpus.publish.schema import TABLES
from corpus.publish.tables import ROWS
from corpus.publish.formats import write_table
from corpus.store import Corpus

__all__ = ["release", "write_tables", "Meta", "FORMATS", "default_version", "next_version"]

# Every file a release may write: --force replaces these and nothing else.
OWN_FILES = ("manifest.json", "datapackage.json", "CITATION.cff", "README.md", "CHANGES.md",
             "changes.jsonl", *(f"{t}.{f}" for t in TABLES for f in FORMATS))


def write_tables(corpus: Corpus, out: Path, fmt: str, moment: str | None, *, since=None,
                 until=None) -> tuple[list[dict], dict]:
    """Write every table of TABLES (an optional one only when it has rows) into `out`;
    return the files' entries and what the rows named: {crawl_ids, extractors, speeches}."""
    written = {"crawl_ids": set(), "extractors": set(), "speeches": {}}
    ids = None  # a date filter narrows every table to the speeches it keeps
    files = []
    for table, spec in TABLES.items():
        if table == "speeches":
            rows = ROWS[table](corpus, moment, since=since, until=until)
        else:
            rows = ROWS[table](corpus, moment, ids)
        rows = _tracked(rows, written, table)
        first = next(rows, None)
        if first is None and spec.get("optional"):
            continue
        path = out / f"{table}.{fmt}"
        count = write_table(table, fmt, _again(first, rows), path)
        files.append(file_entry(table, path, count))
        if table == "speeches" and (since or until):
            ids = set(written["speeches"])
    return files, written


def _again(first, rows):
    if first is not None:
        yield first
        yield from rows


def _tracked(rows, written: dict, table: str):
    for row in rows:
        if row.get("crawl_id") is not None:
            written["crawl_ids"].add(row["crawl_id"])
        if row.get("extractor_version"):
            written["extractors"].add(row["extractor_version"])
        if table == "speeches":
            written["speeches"][row["id"]] = {k: row[k] for k in ("id", "version", "status",
                                                                  "title", "url", "date")}
        yield row


def default_version(moment: str | None, generated_at: str) -> str:
    """The as-of date, or the generation date (UTC) for a release of the current corpus."""
    return (moment or generated_at)[:10]


def next_version(corpus: Corpus, base: str) -> str:
    """`base`, or base.2, base.3... when the corpus's release log has it already."""
    taken = {r["version"] for r in corpus.query(
        "SELECT version FROM releases WHERE version = ? OR version LIKE ?", (base, base + ".%"))}
    if base not in taken:
        return base
    n = 2
    while f"{base}.{n}" in taken:
        n += 1
    return f"{base}.{n}"


def release(corpus: Corpus, out_dir, *, fmt: str = "parquet", previous=None, as_of=None,
            meta: Meta | None = None, force: bool = False,
            generated_at: str | None = None) -> dict:
    """Write a release folder, log it in the corpus; return its manifest. A `meta`
    without a version gets the next free one of the as-of (or today's) date."""
    if fmt not in FORMATS:
        raise UserError(f"unknown release format {fmt!r} (one of {', '.join(FORMATS)})")
    moment = parse_moment(as_of) if as_of is not None else None
    generated_at = generated_at or corpus.now()
    meta = meta or Meta.from_env(None)
    if meta.version is None:
        meta.version = next_version(corpus, default_version(moment, generated_at))
    before = changes_mod.read_previous(previous) if previous is not None else None
    out = _prepare(out_dir, force, previous)
    files, written = write_tables(corpus, out, fmt, moment)
    manifest = make_manifest(corpus, kind="release", fmt=fmt, files=files, moment=moment,
                             generated_at=generated_at, written=written)
    manifest = {"version": meta.version, **manifest,
                "coverage": coverage(corpus, moment, written["speeches"])}
    if before is not None:
        found = changes_mod.compare(corpus, before[0], written["speeches"])
        changes_mod.write(found, out, version=meta.version,
                          previous_version=before[1]["version"])
        manifest["previous"] = {"version": before[1]["version"],
                                "as_of": before[1].get("as_of"),
                                "files": before[1].get("files")}
        manifest["changes"] = changes_mod.counts(found)
    released = generated_at[:10]
    write_json(out / "manifest.json", manifest)
    write_json(out / "datapackage.json", datapackage(meta, files, fmt, generated_at))
    (out / "CITATION.cff").write_text(citation_cff(meta, released), encoding="utf-8")
    (out / "README.md").write_text(readme(meta, manifest, released),
                                   encoding="utf-8")
    _log(corpus, meta.version, moment, generated_at, out, fmt)
    return manifest


def _log(corpus: Corpus, version: str, moment, generated_at: str, out: Path, fmt: str):
    with corpus.transaction():
        corpus.execute(
            "INSERT INTO releases(version, as_of, moment, folder, format)"
            " VALUES (?, ?, ?, ?, ?)", (version, moment, generated_at, str(out.resolve()), fmt))


def _prepare(out_dir, force: bool, previous) -> Path:
    out = Path(out_dir)
    if previous is not None and out.resolve() == Path(previous).resolve():
        raise UserError(f"--out {out} is the --previous release: write a new folder")
    return out_folder(out, force, own=OWN_FILES, what="release")
