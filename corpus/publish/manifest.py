"""manifest.json of an export or a release: what the folder holds and what made it.

Only the manifest and the metadata files carry the generation time; data files are
byte-identical for the same corpus and arguments.
"""

from __future__ import annotations

import hashlib
import platform
import sqlite3
from importlib import metadata
from pathlib import Path

from corpus.publish.formats import FORMATS

DATASET = "doj-speeches: speeches of the US Department of Justice (justice.gov)"
PROJECT = "doj-speeches"
# The libraries whose versions shape what a release holds (readers, writers, extractor).
LIBRARIES = ("pyarrow", "lxml", "scrapy", "sqlite-utils", "warcio", "pdfminer.six")


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def software() -> dict:
    """The project's version and those of its libraries, Python and SQLite."""
    from corpus.extract import EXTRACTOR_VERSION

    return {PROJECT: _version(PROJECT) or _pyproject_version(), "extractor": EXTRACTOR_VERSION,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            **{name: _version(name) for name in LIBRARIES}}


def _pyproject_version() -> str | None:
    """A source checkout that was never installed: the version pyproject.toml says."""
    path = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("version = "):
            return line.split("=", 1)[1].strip().strip('"')
    return None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entry(table: str, path: Path, rows: int) -> dict:
    return {"table": table, "name": path.name, "rows": rows, "bytes": path.stat().st_size,
            "sha256": sha256(path)}


def last_crawl(corpus, moment: str | None) -> dict | None:
    return corpus.query_one(
        "SELECT id, mode, started, finished, exit_status FROM crawls"
        " WHERE :t IS NULL OR started <= :t ORDER BY id DESC LIMIT 1", {"t": moment})


def manifest(corpus, *, kind: str, fmt: str, files: list[dict], moment: str | None,
             generated_at: str, written: dict, since=None, until=None) -> dict:
    """`written`: what the tables' rows named (crawl_ids, extractor_versions, speeches)."""
    found = {
        "dataset": DATASET,
        "kind": kind,
        "generated_at": generated_at,
        "format": fmt,
        "files": files,
        "as_of": moment,
        "as_of_note": ("the corpus as it was at this moment (UTC); a bare date means the"
                       " end of that day" if moment else "the corpus at generation time"),
        "since": since,
        "until": until,
        "date_filter_note": "since/until select speeches on their own date, inclusive;"
                            " the other tables hold the rows of those speeches",
        "order": "each table by its key (speeches by id; speech_versions by speech_id,"
                 " version; speech_status by speech_id, status_from)",
        "schema_version": corpus.schema_version,
        "software": software(),
        "extractor_versions": sorted(written["extractors"]),
        "crawl_ids": sorted(written["crawl_ids"]),
        "last_crawl": last_crawl(corpus, moment),
        "types": FORMATS[fmt].types,
        "reproducibility": ("the same corpus written with the same arguments gives"
                            " byte-identical data files; the metadata files carry the"
                            " generation time"),
    }
    if kind == "release":
        del found["since"], found["until"], found["date_filter_note"]
    return found
