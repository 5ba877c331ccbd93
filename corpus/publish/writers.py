"""Data files of a release, one writer per format, typed by `schema.columns`.

Nothing time-dependent goes into a data file, and rows come in a fixed order, so the
same corpus and arguments give byte-identical files.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import date, datetime, timezone
from pathlib import Path

from corpus.errors import UserError
from corpus.moments import FORMAT
from corpus.publish.schema import arrow_schema, columns

FORMATS = ("parquet", "jsonl", "csv")
BATCH = 2000


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
    return write_atomically(path, lambda tmp: WRITERS[fmt](table, rows, tmp))


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


WRITERS = {"jsonl": _jsonl, "csv": _csv, "parquet": _parquet}
