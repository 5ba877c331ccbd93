"""The formats of a release's tables: each one entry of `FORMATS`, which says all the
rest of the project needs of it (its writer, how the next release reads its speeches
back, its media type, how its list cells and types read, and how Frictionless must be
told about its quirks). Adding a format is one entry here.

Nothing time-dependent goes into a data file, and rows come in a fixed order, so the
same corpus and arguments give byte-identical files; tables are typed by
`schema.columns`.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from corpus.errors import UserError
from corpus.moments import FORMAT
from corpus.publish.schema import arrow_schema, columns

BATCH = 2000  # Parquet rows per row group written


def write_atomically(path: Path, write):
    """write(tmp_path) -> rows, then the file takes its name (never half a file)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        rows = write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return rows


def write_table(table: str, fmt: str, rows, path: Path) -> int:
    """Write `rows` (dicts) as `table` in `fmt` to `path` atomically; return the count."""
    return write_atomically(path, lambda tmp: FORMATS[fmt].write(table, rows, tmp))


def _jsonl(table: str, rows, path: Path) -> int:
    names = [c.name for c in columns(table, "jsonl")]
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps({n: row[n] for n in names}, ensure_ascii=False))
            fh.write("\n")
            count += 1
    return count


def _csv_cell(value, kind: str):
    """A list as a JSON array (so [] and null differ, and any text fits); null as an
    empty cell (csv writes None so)."""
    if kind == "list" and value is not None:
        return json.dumps(value, ensure_ascii=False)
    return value


def _csv(table: str, rows, path: Path) -> int:
    cols = columns(table, "csv")
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([c.name for c in cols])
        for row in rows:
            writer.writerow([_csv_cell(row[c.name], c.kind) for c in cols])
            count += 1
    return count


def _typed(value, kind: str):
    if value is None:
        return None
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "moment":
        return datetime.strptime(value, FORMAT).replace(tzinfo=timezone.utc)
    return value


def _parquet(table: str, rows, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(table)
    cols = columns(table, "parquet")
    converted = [c for c in cols if c.kind in ("date", "moment")]
    count = 0

    def flush(chunk):
        data = {c.name: [row[c.name] for row in chunk] for c in cols}
        for c in converted:
            data[c.name] = [_typed(v, c.kind) for v in data[c.name]]
        writer.write_table(pa.Table.from_pydict(data, schema=schema))

    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        chunk: list[dict] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= BATCH:
                flush(chunk)
                count += len(chunk)
                chunk = []
        if chunk or count == 0:
            flush(chunk)
            count += len(chunk)
    return count


# ---- reading a previous release's speeches back (CHANGES.md) ----

def _read_jsonl(path: Path, names: list[str]) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _read_csv(path: Path, names: list[str]) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [{**r, "version": int(r["version"]) if r.get("version") else None}
                for r in csv.DictReader(fh)]


def _read_parquet(path: Path, names: list[str]) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=names).to_pylist()


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    write: Callable  # (table, rows, path) -> rows written
    read: Callable  # (path, column names) -> rows, as dicts
    list_cell: str  # how a list cell reads, added to list columns' descriptions
    types: str  # lists, dates, moments and nulls in one sentence (card, manifest)
    # Frictionless: the type of a list column, the cells it reads as missing (table
    # and integer columns), and whether it can count the file's bytes.
    list_type: str = "array"
    missing: tuple[str, ...] | None = None
    int_missing: tuple[str, ...] | None = None
    counts_bytes: bool = True


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("parquet", "application/vnd.apache.parquet", _parquet, _read_parquet,
           " (Parquet list<string>; typed any for Frictionless, which reads Parquet lists as"
           " numpy arrays)",
           "list columns are list<string>; dates date32; moments timestamp[us, tz=UTC];"
           " null is a Parquet null",
           # Frictionless reads Parquet through pandas: list cells are numpy arrays (its
           # `array` refuses them), a null integer is a float NaN (the text "nan"), and
           # pyarrow reads the file, never a byte stream (a `bytes` is an error whatever
           # its value; manifest.json has the byte counts).
           list_type="any", int_missing=("", "nan"), counts_bytes=False),
    Format("jsonl", "application/jsonl", _jsonl, _read_jsonl,
           " (a JSON array of strings)",
           "list columns are JSON arrays; dates YYYY-MM-DD; moments ISO 8601 UTC strings;"
           " null is JSON null"),
    Format("csv", "text/csv", _csv, _read_csv,
           " (a JSON array of strings in the cell: [] is empty, an empty cell is null)",
           "list columns are JSON arrays in the cell ([] is an empty list); an empty cell"
           " is null (so an empty string reads as null); dates YYYY-MM-DD; moments ISO"
           " 8601 UTC strings",
           missing=("",)),
)}
# `export` also writes the raw pages, not the tables: WARC and WACZ (corpus/publish/warc.py).
RAW_FORMATS = ("warc", "wacz")
