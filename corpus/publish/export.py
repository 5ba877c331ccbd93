"""Dataset releases: the speeches as JSONL, CSV or Parquet, plus manifest.json.

Same corpus + same arguments -> byte-identical data files: rows are ordered by id, keys
and columns have a fixed order, and nothing time-dependent goes into a data file. The
generation time lives only in the manifest (its `generated_at`, the one field by which
two manifests of the same export differ).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

from corpus.errors import UserError
from corpus.record import FIELDS
from corpus.moments import option_date, parse_moment
from corpus.store import Corpus
from corpus.publish.writers import write_atomically

FORMATS = ("jsonl", "csv", "parquet")
LIST_SEPARATOR = "; "

# name, kind ("str" | "int" | "list"), description; the record's own fields from FIELDS.
COLUMNS = [
    ("id", "str", "canonical path of the speech on justice.gov: the speech's identity"),
    ("url", "str", "URL the record was fetched from (after redirects)"),
    ("uuid", "str", "justice.gov API uuid, where known"),
    ("status", "str", "live | gone (404/410 or redirected away) | moved, at the export moment"),
    ("version", "int", "version number of this record: 1, 2, 3... per speech"),
    *[(f.name, "str" if f.kind == "date" else f.kind, f.description) for f in FIELDS],
    ("text", "str", "the paragraphs joined with a blank line"),
    ("content_hash", "str", "sha256 of the canonical JSON of the content fields"),
    ("extractor_version", "str", "extractor version that produced this record"),
    ("crawl_id", "int", "corpus crawl (run) that recorded this version"),
    ("first_seen", "str", "when the corpus first saw the speech (UTC)"),
    ("last_changed", "str", "when the corpus started holding this version (UTC)"),
]
# In CSV, paragraphs would be ambiguous joined with "; " (they contain it): `text` carries
# them; their roles go with them.
CSV_COLUMNS = [c for c in COLUMNS if c[0] not in ("paragraphs", "paragraph_roles")]
FILE_STEM = "speeches"


def export(corpus: Corpus, fmt: str, out_dir, *, as_of=None, since=None, until=None,
           generated_at: str | None = None, force: bool = False) -> dict:
    """Write `speeches.<fmt>` and `manifest.json` into `out_dir`; return the manifest.

    A folder that is not empty is refused unless `force`: then the files of the export
    its manifest.json describes are removed first, and anything else found there is
    listed in the new manifest (`other_files`), so the manifest tells what the folder holds.
    """
    if fmt == "warc":  # the raw pages, not the records: corpus/publish/warc.py
        return _export_warc(corpus, out_dir, as_of, since, until, generated_at, force)
    if fmt not in FORMATS:
        raise UserError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    moment = parse_moment(as_of) if as_of is not None else None
    since, until = option_date(since, "--since"), option_date(until, "--until")
    if since and until and since > until:
        raise UserError(f"--since {since} is after --until {until}")
    out = _out_dir(out_dir, force)
    records = corpus.records(as_of=moment, since=since, until=until)
    crawl_ids: set[int] = set()
    extractors: set[str] = set()
    ids: set[str] = set()

    def tracked():
        for record in records:
            ids.add(record["id"])
            if record["crawl_id"] is not None:
                crawl_ids.add(record["crawl_id"])
            extractors.add(record["extractor_version"])
            yield record

    name = f"{FILE_STEM}.{fmt}"
    rows = write_atomically(out / name, lambda tmp: WRITERS[fmt](tracked(), tmp))
    files = [{"name": name, "rows": rows, "bytes": (out / name).stat().st_size,
              "sha256": _sha256(out / name)}]
    files += _export_attachments(corpus, fmt, out, moment, ids)
    manifest = _manifest(corpus, fmt, out, files, moment, since, until, generated_at,
                         extractors, crawl_ids)
    try:
        (out / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {out / 'manifest.json'}: {exc.strerror or exc}") from None
    return manifest


def _export_attachments(corpus: Corpus, fmt: str, out: Path, moment, ids: set[str]) -> list[dict]:
    """`attachments.<fmt>` beside the speeches when any exported speech has files (the
    release's table and types: corpus/publish/schema.py), with its columns."""
    from corpus.publish.schema import columns
    from corpus.publish.tables import attachment_rows
    from corpus.publish.writers import write_table

    rows = attachment_rows(corpus, moment, ids)
    first = next(rows, None)
    if first is None:
        return []
    path = out / f"attachments.{fmt}"

    def all_rows():
        yield first
        yield from rows

    count = write_table("attachments", fmt, all_rows(), path)
    return [{"name": path.name, "rows": count, "bytes": path.stat().st_size,
             "sha256": _sha256(path),
             "columns": [{"name": c.name, "type": c.kind, "description": c.description}
                         for c in columns("attachments", fmt)]}]


def _manifest(corpus, fmt, out, files, moment, since, until, generated_at, extractors,
              crawl_ids) -> dict:
    return {
        "dataset": "doj-speeches: speeches of the US Department of Justice (justice.gov)",
        "generated_at": generated_at or corpus._now(),
        "format": fmt,
        "files": files,
        "other_files": _others(out, {f["name"] for f in files} | {"manifest.json"}),
        "other_files_note": "found in the folder, not written by this export",
        "as_of": moment,
        "as_of_note": ("records as the corpus held them at this moment (UTC)" if moment
                       else "the current record of every speech"),
        "since": since,
        "until": until,
        "date_filter_note": "since/until select on the speech's own date, inclusive",
        "order": "rows ordered by id",
        "schema_version": corpus.schema_version,
        "extractor_versions": sorted(extractors),
        "crawl_ids": sorted(crawl_ids),
        "last_crawl": _last_crawl(corpus, moment),
        "columns": [{"name": n, "type": k, "description": d}
                    for n, k, d in (CSV_COLUMNS if fmt == "csv" else COLUMNS)],
        "lists": LIST_NOTES[fmt],
        "reproducibility": ("the same corpus exported with the same arguments gives "
                            "byte-identical data files; manifests differ only in generated_at"),
    }


def _export_warc(corpus: Corpus, out_dir, as_of, since, until, generated_at, force) -> dict:
    from corpus.publish.warc import write_warc

    if since is not None or until is not None:
        raise UserError("--since/--until select records: they do not apply to --format warc")
    written = write_warc(corpus, _out_dir(out_dir, force), as_of=as_of)
    manifest = {
        "dataset": "doj-speeches: raw justice.gov pages as fetched (WARC/1.1)",
        "generated_at": generated_at or corpus._now(), "format": "warc",
        "files": [written["warc"]], "index": written["cdxj"], "as_of": written["as_of"],
        "records": "one response record per stored raw page, from the first fetch of it",
        "reproducibility": "same corpus and arguments: byte-identical WARC and CDXJ files",
    }
    (Path(out_dir) / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


LIST_NOTES = {
    "jsonl": "speakers, components, topics and paragraphs are JSON arrays",
    "parquet": "speakers, components, topics and paragraphs are list<string> columns",
    "csv": (f"speakers, components and topics are joined with {LIST_SEPARATOR!r}; "
            "paragraphs are omitted (a name may not contain the separator, a paragraph may):"
            " use text, the paragraphs joined with a blank line"),
}


def _out_dir(out_dir, force: bool) -> Path:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise UserError(f"--out {out} is not empty: choose a new folder, or --force to"
                            " replace the export in it")
        _remove_previous(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK):
        raise UserError(f"cannot write to {out}: permission denied")
    return out


def _remove_previous(out: Path) -> None:
    """Delete the files a previous export's manifest lists (only plain names, in `out`)."""
    try:
        old = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        names = [entry["name"] for entry in old.get("files", [])] + ["manifest.json"]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return  # no readable manifest: nothing is known to be ours; others are listed
    for name in names:
        target = out / str(name)
        if target.parent == out and target.is_file():
            target.unlink()


def _others(out: Path, ours: set[str]) -> list[dict]:
    found = []
    for entry in sorted(out.iterdir()):
        if entry.name in ours or entry.name.endswith(".tmp"):
            continue
        if entry.is_file():
            found.append({"name": entry.name, "bytes": entry.stat().st_size,
                          "sha256": _sha256(entry)})
        else:
            found.append({"name": entry.name + "/", "folder": True})
    return found


def _last_crawl(corpus: Corpus, moment: str | None) -> dict | None:
    sql = "SELECT id, mode, started, finished, exit_status FROM crawls"
    params: tuple = ()
    if moment:
        sql += " WHERE started <= ?"
        params = (moment,)
    return corpus._one(sql + " ORDER BY id DESC LIMIT 1", params)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_jsonl(records, path: Path) -> int:
    rows = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(json.dumps({n: record[n] for n, _, _ in COLUMNS}, ensure_ascii=False))
            fh.write("\n")
            rows += 1
    return rows


def _write_csv(records, path: Path) -> int:
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([n for n, _, _ in CSV_COLUMNS])
        for record in records:
            writer.writerow([
                LIST_SEPARATOR.join(record[n]) if kind == "list" else record[n]
                for n, kind, _ in CSV_COLUMNS
            ])
            rows += 1
    return rows


def _write_parquet(records, path: Path, batch: int = 2000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"str": pa.string(), "int": pa.int64(), "list": pa.list_(pa.string())}
    schema = pa.schema([pa.field(n, types[k]) for n, k, _ in COLUMNS])
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        chunk: list[dict] = []
        for record in records:
            chunk.append(record)
            if len(chunk) >= batch:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                rows += len(chunk)
                chunk = []
        if chunk or rows == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            rows += len(chunk)
    return rows


WRITERS = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet}
