"""Research releases (DESIGN Decision 16): one folder a researcher can publish as it is.

    speeches.<fmt>, speech_versions.<fmt>   the data (byte-identical for the same corpus
                                            and arguments)
    people.<fmt>, speech_speakers.<fmt>     who spoke, in which role (people.py)
    manifest.json, datapackage.json         counts, hashes, typed schemas
    CITATION.cff, README.md                 how to cite; a dataset card
    CHANGES.md, changes.jsonl               with a previous release: what changed since

Module map: schema.py (columns, from corpus.record.FIELDS), tables.py (rows),
writers.py (data files), changes.py (against a previous release), package.py
(datapackage.json, CITATION.cff), card.py (README.md).
"""

from __future__ import annotations

from pathlib import Path

from corpus.errors import UserError
from corpus.publish.export import _last_crawl, _out_dir, _sha256
from corpus.moments import parse_moment
from corpus.publish import changes as changes_mod
from corpus.publish.card import readme
from corpus.publish.package import Meta, citation_cff, datapackage, write_json
from corpus.publish.people import people_rows, speaker_rows
from corpus.publish.schema import LIST_NOTES, TABLES
from corpus.publish.tables import attachment_rows, has_attachments, speech_rows, version_rows
from corpus.publish.writers import FORMATS, write_table
from corpus.store import Corpus

__all__ = ["release", "Meta", "FORMATS", "default_version"]

# Every file a release may write: --force replaces these and nothing else.
OWN_FILES = ("manifest.json", "datapackage.json", "CITATION.cff", "README.md", "CHANGES.md",
             "changes.jsonl", *(f"{t}.{f}" for t in TABLES for f in FORMATS))


def default_version(moment: str | None, generated_at: str) -> str:
    """The as-of date, or the generation date (UTC) for a release of the current corpus."""
    return (moment or generated_at)[:10]


def release(corpus: Corpus, out_dir, *, fmt: str = "parquet", previous=None, as_of=None,
            meta: Meta | None = None, force: bool = False,
            generated_at: str | None = None) -> dict:
    """Write a release folder; return its manifest."""
    if fmt not in FORMATS:
        raise UserError(f"unknown release format {fmt!r} (one of {', '.join(FORMATS)})")
    moment = parse_moment(as_of) if as_of is not None else None
    generated_at = generated_at or corpus._now()
    meta = meta or Meta.from_env(default_version(moment, generated_at))
    before = changes_mod.read_previous(previous) if previous is not None else None
    out = _prepare(out_dir, force, previous)

    seen: dict[str, dict] = {}
    crawl_ids: set[int] = set()
    extractors: set[str] = set()

    def tracked(rows):
        for row in rows:
            if row["crawl_id"] is not None:
                crawl_ids.add(row["crawl_id"])
            extractors.add(row["extractor_version"])
            if "id" in row:
                seen[row["id"]] = {k: row[k] for k in ("id", "version", "status", "title",
                                                       "url")}
            yield row

    files = []
    tables = [("speeches", tracked(speech_rows(corpus, moment))),
              ("speech_versions", tracked(version_rows(corpus, moment)))]
    if has_attachments(corpus, moment):  # a table of its own only when there are some
        tables.append(("attachments", attachment_rows(corpus, moment)))
    tables += [("people", people_rows(corpus, moment)),
               ("speech_speakers", speaker_rows(corpus, moment))]
    for table, rows in tables:
        path = out / f"{table}.{fmt}"
        count = write_table(table, fmt, rows, path)
        files.append({"table": table, "name": path.name, "rows": count,
                      "bytes": path.stat().st_size, "sha256": _sha256(path)})

    files += _captures(corpus, out, fmt, moment)
    manifest = _manifest(corpus, meta, fmt, files, moment, generated_at,
                         sorted(crawl_ids), sorted(extractors))
    if before is not None:
        found = changes_mod.compare(corpus, before[0], seen)
        changes_mod.write(found, out, version=meta.version,
                          previous_version=before[1].get("version"))
        manifest["previous"] = {"version": before[1].get("version"),
                                "as_of": before[1].get("as_of"),
                                "files": before[1].get("files")}
        manifest["changes"] = changes_mod.counts(found)
    released = generated_at[:10]
    write_json(out / "manifest.json", manifest)
    write_json(out / "datapackage.json", datapackage(meta, files, fmt, generated_at))
    (out / "CITATION.cff").write_text(citation_cff(meta, released), encoding="utf-8")
    (out / "README.md").write_text(readme(meta, manifest, released), encoding="utf-8")
    return manifest


def _captures(corpus: Corpus, out: Path, fmt: str, moment: str | None) -> list[dict]:
    """captures.<fmt> when the corpus holds Internet Archive captures (by `moment`)."""
    from corpus.publish.tables import capture_rows

    if not any(True for _ in capture_rows(corpus, moment)):
        return []
    path = out / f"captures.{fmt}"
    count = write_table("captures", fmt, capture_rows(corpus, moment), path)
    return [{"table": "captures", "name": path.name, "rows": count,
             "bytes": path.stat().st_size, "sha256": _sha256(path)}]


def _prepare(out_dir, force: bool, previous) -> Path:
    out = Path(out_dir)
    if previous is not None and out.resolve() == Path(previous).resolve():
        raise UserError(f"--out {out} is the --previous release: write a new folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise UserError(f"--out {out} is not empty (use --force to replace a release"
                            " there)")
        for name in OWN_FILES:  # stale files of an earlier release, e.g. its CHANGES.md
            (out / name).unlink(missing_ok=True)
    return _out_dir(out, force)


def _manifest(corpus: Corpus, meta: Meta, fmt: str, files: list[dict], moment: str | None,
              generated_at: str, crawl_ids: list[int], extractors: list[str]) -> dict:
    return {
        "dataset": "doj-speeches: speeches of the US Department of Justice (justice.gov)",
        "kind": "release",
        "version": meta.version,
        "generated_at": generated_at,
        "format": fmt,
        "files": files,
        "as_of": moment,
        "as_of_note": ("the corpus as it was at this moment (UTC); a bare date means the"
                       " end of that day" if moment else "the corpus at generation time"),
        "order": "speeches by id; speech_versions by speech_id, version",
        "schema_version": corpus.schema_version,
        "extractor_versions": extractors,
        "crawl_ids": crawl_ids,
        "last_crawl": _last_crawl(corpus, moment),
        "types": LIST_NOTES[fmt],
        "reproducibility": ("the same corpus released with the same arguments gives"
                            " byte-identical data files; the metadata files carry the"
                            " generation time"),
    }
