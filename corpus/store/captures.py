"""Archive captures and attachments in the corpus (DESIGN.md Decisions 14 and 15).

Functions over a sqlite3 connection, so the writer process (or any caller) runs them
inside its own transaction; none of them commits. `migrate_captures` is a migration for
corpus/schema.py's MIGRATIONS.

- `captures`: one row per distinct content of a speech in the Internet Archive's
  history, at its capture time. Never renumbers `speech_versions`.
- `attachments`: one row per distinct file behind one attachment URL of a speech; a
  changed file is a new row, the old one kept (A -> B -> A is three rows).
- `speeches.source`: `crawl` (we fetched it) or `archive` (known only from captures).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import sqlite_utils

from corpus.moments import utc_now
from corpus.record import LIST_FIELDS, RECORD_FIELDS, content_hash



def migrate_captures(db: sqlite_utils.Database) -> None:
    db["captures"].create(
        {
            "speech_id": str,
            "captured_at": str,
            "archive_url": str,
            "url": str,  # the URL as the archive captured it
            **{name: str for name in RECORD_FIELDS},
            "paragraphs": str,  # JSON array
            "text": str,
            "content_hash": str,
            "raw_sha256": str,
            "extractor_version": str,
            "recorded_at": str,
        },
        pk=("speech_id", "captured_at"),
        not_null=["archive_url", "content_hash", "recorded_at"],
        foreign_keys=[("speech_id", "speeches", "id"), ("raw_sha256", "raw_pages", "sha256")],
    )
    db["attachments"].create(
        {
            "id": int,
            "speech_id": str,
            "url": str,
            "name": str,
            "media_type": str,
            "raw_sha256": str,
            "text": str,
            "pages": int,
            "warnings": str,  # JSON array: what text extraction could not do
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
        not_null=["speech_id", "url", "raw_sha256", "first_seen", "last_seen"],
        foreign_keys=[("speech_id", "speeches", "id"), ("raw_sha256", "raw_pages", "sha256")],
    )
    db.execute("CREATE INDEX attachments_speech ON attachments(speech_id, url, id)")
    db["attachments"].enable_fts(["name", "text"], create_triggers=True,
                                 tokenize="porter unicode61 remove_diacritics 2")
    db["speeches"].add_column("source", str, not_null_default="crawl")


# ---- raw bytes ----

def store_raw(conn: sqlite3.Connection, body: bytes, now: str) -> str:
    """Keep bytes once in raw_pages (as the store does for pages); return their sha256."""
    from corpus.store import raw  # here: corpus.store imports this module

    sha = hashlib.sha256(body).hexdigest()
    if conn.execute("SELECT 1 FROM raw_pages WHERE sha256 = ?", (sha,)).fetchone() is None:
        raw.insert(conn, sha, body, now)  # zstd, with the corpus's latest dictionary
    return sha


# ---- captures ----

def _record_values(record: dict) -> dict:
    values = {name: record.get(name) for name in RECORD_FIELDS}
    for name in LIST_FIELDS:
        if name != "paragraphs":
            values[name] = json.dumps(list(record.get(name) or []), ensure_ascii=False)
    paragraphs = list(record.get("paragraphs") or [])
    values["paragraphs"] = json.dumps(paragraphs, ensure_ascii=False)
    values["text"] = "\n\n".join(paragraphs)
    return values


def _neighbour(conn, speech_id: str, captured_at: str, before: bool):
    op, order = ("<", "DESC") if before else (">", "ASC")
    return conn.execute(
        f"SELECT captured_at, content_hash FROM captures WHERE speech_id = ? AND captured_at {op} ?"
        f" ORDER BY captured_at {order} LIMIT 1", (speech_id, captured_at)).fetchone()


def record_capture(conn: sqlite3.Connection, speech_id: str, captured_at: str, archive_url: str,
                   url: str, raw: bytes, record: dict, *, extractor_version: str = "",
                   now: str | None = None) -> str:
    """Keep one capture if its content differs from its neighbours in time.

    Returns `new`; `exists` (this moment is already kept: idempotent); `same` (the
    capture kept just before it has this content); `earlier` (the capture just after it
    had this content: that one is replaced by this earlier evidence of it).
    Offer a speech's captures in time order (as `scraper.archive.cdx.plan_fetches` gives
    them): a capture dropped as `same` is not remembered, so an out-of-order one between
    two others could not be judged again.
    """
    now = now or utc_now()
    if conn.execute("SELECT 1 FROM captures WHERE speech_id = ? AND captured_at = ?",
                    (speech_id, captured_at)).fetchone():
        return "exists"
    digest = content_hash(record)
    before = _neighbour(conn, speech_id, captured_at, before=True)
    if before and before[1] == digest:
        return "same"
    after = _neighbour(conn, speech_id, captured_at, before=False)
    outcome = "new"
    if after and after[1] == digest:
        conn.execute("DELETE FROM captures WHERE speech_id = ? AND captured_at = ?",
                     (speech_id, after[0]))
        outcome = "earlier"
    values = {"speech_id": speech_id, "captured_at": captured_at, "archive_url": archive_url,
              "url": url, **_record_values(record), "content_hash": digest,
              "raw_sha256": store_raw(conn, raw, now), "extractor_version": extractor_version,
              "recorded_at": now}
    names = ", ".join(values)
    conn.execute(f"INSERT INTO captures({names}) VALUES ({', '.join('?' * len(values))})",
                 list(values.values()))
    return outcome


def record_archive_speech(conn: sqlite3.Connection, speech_id: str, url: str, record: dict,
                          *, now: str | None = None) -> bool:
    """A speech known only from the archive: a `gone` speeches row with source `archive`,
    its record that of its latest capture, version 0 (no version of ours). False when
    the id is already known (a crawled speech stays `crawl`)."""
    now = now or utc_now()
    if conn.execute("SELECT 1 FROM speeches WHERE id = ?", (speech_id,)).fetchone():
        return False
    values = _record_values(record)
    values.pop("paragraphs")
    values.update(id=speech_id, url=url, status="gone", source="archive", version=0,
                  content_hash=content_hash(record), first_seen=now, gone_since=now)
    names = ", ".join(values)
    conn.execute(f"INSERT INTO speeches({names}) VALUES ({', '.join('?' * len(values))})",
                 list(values.values()))
    return True


# ---- attachments ----

def record_attachment(conn: sqlite3.Connection, speech_id: str, url: str, name: str,
                      media_type: str, raw: bytes, text: str, pages: int, *,
                      warnings=(), now: str | None = None) -> str:
    """`new` (first file at this URL), `changed` (a new row; the old one kept) or
    `unchanged` (same bytes as the latest row: only last_seen moves)."""
    now = now or utc_now()
    sha = hashlib.sha256(raw).hexdigest()
    latest = conn.execute(
        "SELECT id, raw_sha256 FROM attachments WHERE speech_id = ? AND url = ?"
        " ORDER BY id DESC LIMIT 1", (speech_id, url)).fetchone()
    if latest and latest[1] == sha:
        conn.execute("UPDATE attachments SET last_seen = ? WHERE id = ?", (now, latest[0]))
        return "unchanged"
    store_raw(conn, raw, now)
    conn.execute(
        "INSERT INTO attachments(speech_id, url, name, media_type, raw_sha256, text, pages,"
        " warnings, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (speech_id, url, name, media_type, sha, text, pages,
         json.dumps(list(warnings), ensure_ascii=False), now, now))
    return "changed" if latest else "new"


# ---- one timeline ----

def timeline(conn: sqlite3.Connection, speech_id: str) -> list[dict]:
    """Archive captures and our versions of a speech, in time order, each marked by its
    source; `changed` says whether its content differs from the entry before it."""
    entries = []
    for row in conn.execute(
            "SELECT captured_at, archive_url, url, title, content_hash FROM captures"
            " WHERE speech_id = ?", (speech_id,)):
        entries.append({"source": "archive", "moment": row[0], "until": None, "version": None,
                        "archive_url": row[1], "url": row[2], "title": row[3], "content_hash": row[4]})
    for row in conn.execute(
            "SELECT seen_from, seen_until, version, url, title, content_hash FROM speech_versions"
            " WHERE speech_id = ?", (speech_id,)):
        entries.append({"source": "crawl", "moment": row[0], "until": row[1], "version": row[2],
                        "archive_url": None, "url": row[3], "title": row[4], "content_hash": row[5]})
    entries.sort(key=lambda e: (e["moment"], e["source"] != "archive"))
    previous = None
    for entry in entries:
        entry["changed"] = entry["content_hash"] != previous
        previous = entry["content_hash"]
    return entries


# ---- what the wayback spider reads (through its read-only connection) ----

def speech_ids(conn: sqlite3.Connection, source: str | None = None) -> list[str]:
    """Ids of the corpus's speeches (any status), those of one source if given."""
    sql, params = "SELECT id FROM speeches", ()
    if source:
        sql, params = sql + " WHERE source = ?", (source,)
    return [r[0] for r in conn.execute(sql + " ORDER BY id", params)]


def frontier_metas(conn: sqlite3.Connection, crawl_id: int) -> list[dict]:
    """The meta of every frontier item of a run (done or not): what a resumed run
    already asked for."""
    return [json.loads(m or "{}") for (m,) in conn.execute(
        "SELECT meta FROM frontier WHERE crawl_id = ? ORDER BY id", (crawl_id,))]


def capture_records(conn: sqlite3.Connection, speech_id: str) -> dict[str, dict]:
    """The kept captures of a speech by capture moment, lists as lists (for diffs)."""
    cur = conn.execute("SELECT * FROM captures WHERE speech_id = ? ORDER BY captured_at",
                       (speech_id,))
    names = [d[0] for d in cur.description]
    out = {}
    for row in cur:
        record = dict(zip(names, row))
        for name in LIST_FIELDS:
            record[name] = json.loads(record[name] or "[]")
        out[record["captured_at"]] = record
    return out
