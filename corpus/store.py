"""The versioned speech corpus: one SQLite file, written through `Corpus` (DESIGN.md).

Every response goes through `record_page` (or `record_failure` / `record_discovery`), which
writes one `fetches` row and, for a speech, the speech and its versions, all in one
transaction. Raw bodies are stored once, zlib-compressed, keyed by their sha256; a body
identical to the one the speech was last extracted from is recognised by that hash and
not extracted again. Extraction runs outside the write transaction so a slow page never
holds the write lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from corpus.errors import ExtractError, NotASpeech, UserError
from corpus.moments import later, parse_date, parse_moment, utc_now
from corpus.record import LIST_FIELDS, content_hash
from corpus.schema import migrate
from corpus.urls import canonical_id

BUSY_TIMEOUT_S = 30.0
# zlib level of raw pages: 3 compresses twice as fast as 6 for ~12% more bytes (crawl
# throughput is CPU-bound: docs/benchmarks.md).
RAW_LEVEL = 3
LIVE_OUTCOMES = ("new", "changed", "unchanged", "not_modified")
# The fields a version row copies from the record (paragraphs and text come on top).
RECORD_FIELDS = (
    "generation", "title", "date", "location", "delivery",
    "speakers", "components", "topics", "updated",
)


@dataclass
class PageResult:
    outcome: str
    speech_id: str | None = None
    version: int | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)  # extraction's, "kind: detail"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _norm_headers(headers) -> dict[str, str]:
    out = {}
    for key, value in (headers or {}).items():
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else ""
        if isinstance(key, bytes):
            key = key.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        out[str(key).lower()] = str(value)
    return dict(sorted(out.items()))


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


class Corpus:
    """The corpus database. Not thread-safe: one Corpus per thread or process."""

    def __init__(
        self,
        path,
        *,
        create: bool = True,
        extract: Callable | None = None,
        clock: Callable[[], str] | None = None,
        busy_timeout: float = BUSY_TIMEOUT_S,
    ):
        self.path = str(path)
        self._extract_fn = extract
        self._clock = clock or utc_now
        self.conn = _connect(self.path, create=create, busy_timeout=busy_timeout)
        self.db = sqlite_utils.Database(self.conn)
        try:
            self.schema_version = migrate(self.db, self.path)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise UserError(f"cannot use {self.path}: {exc}") from None
        except BaseException:
            self.conn.close()
            raise

    # -- plumbing -------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _tx(self):
        # IMMEDIATE takes the write lock up front, so a second writer waits for it
        # (busy_timeout) instead of failing on a read-to-write upgrade.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _one(self, sql: str, params=()) -> dict | None:
        cur = self.conn.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip((d[0] for d in cur.description), row))

    def _all(self, sql: str, params=()) -> list[dict]:
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def _now(self) -> str:
        return self._clock()

    def _extract(self, body: bytes, url: str, encoding: str | None):
        if self._extract_fn is None:
            from corpus.extract import extract

            self._extract_fn = extract
        return self._extract_fn(body, url, encoding=encoding)

    # -- crawls ---------------------------------------------------------------------

    def begin_crawl(self, mode: str, args: dict) -> int:
        with self._tx():
            cur = self.conn.execute(
                "INSERT INTO crawls(mode, args, started) VALUES (?, ?, ?)",
                (mode, json.dumps(args, sort_keys=True, default=str), self._now()),
            )
        return cur.lastrowid

    def finish_crawl(self, crawl_id: int, stats: dict, exit_status: int) -> None:
        with self._tx():
            self.conn.execute(
                "UPDATE crawls SET finished = ?, stats = ?, exit_status = ? WHERE id = ?",
                (self._now(), json.dumps(stats, sort_keys=True, default=str), exit_status,
                 crawl_id),
            )

    def last_unfinished_crawl(self, mode: str) -> dict | None:
        row = self._one(
            "SELECT * FROM crawls WHERE mode = ? AND finished IS NULL ORDER BY id DESC LIMIT 1",
            (mode,),
        )
        if row:
            row["args"] = json.loads(row["args"] or "{}")
            row["stats"] = json.loads(row["stats"]) if row["stats"] else None
        return row

    # -- pages ----------------------------------------------------------------------

    def record_page(self, url: str, status: int, headers: dict[str, str], body: bytes,
                    crawl_id: int, *, request_url: str | None = None,
                    encoding: str | None = None) -> str:
        """Record one response; return its outcome (see `record`)."""
        return self.record(url, status, headers, body, crawl_id,
                           request_url=request_url, encoding=encoding).outcome

    def record(self, url: str, status: int, headers: dict[str, str] | None, body: bytes | None,
               crawl_id: int | None, *, request_url: str | None = None,
               encoding: str | None = None) -> PageResult:
        """Record one response: outcome new | changed | unchanged | not_modified | gone |
        failed | skipped, with the speech id, version and reason. One transaction."""
        body = body or b""
        headers = _norm_headers(headers)
        sid = canonical_id(url)
        target = canonical_id(request_url) if request_url else sid
        fetch = {
            "crawl_id": crawl_id, "url": url, "request_url": request_url, "status": status,
            "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
            "headers": _json(headers) if headers else None, "bytes": len(body),
        }
        if status == 304:
            with self._tx():
                return self._not_modified(target, self._now(), fetch)
        if status in (404, 410):
            with self._tx():
                return self._gone(target, self._now(), fetch, f"HTTP {status}")
        if not 200 <= status < 300:
            with self._tx():
                self._log(fetch, "failed", sid, self._now(), reason=f"HTTP {status}")
            return PageResult("failed", sid, reason=f"HTTP {status}")

        encoding = encoding or _charset(headers.get("content-type"))
        raw_sha = hashlib.sha256(body).hexdigest()
        fetch.update(encoding=encoding, raw_sha256=raw_sha)
        known = self._one("SELECT raw_sha256 FROM speeches WHERE id = ?", (sid,))
        if known and known["raw_sha256"] == raw_sha:
            with self._tx():
                row = self._speech(sid)  # again, under the write lock
                if row and row["raw_sha256"] == raw_sha:
                    return self._seen_again(row, self._now(), fetch, url)

        compressed = None if self._has_raw(raw_sha) else zlib.compress(body, RAW_LEVEL)
        try:
            speech = self._extract(body, url, encoding)
        except NotASpeech as exc:
            with self._tx():
                now = self._now()
                self._store_raw(raw_sha, body, compressed, now)
                if target != sid and self._speech(target):
                    return self._gone(target, now, fetch,
                                      f"soft 404: redirected to a page that is not a speech ({exc})")
                self._log(fetch, "skipped", sid, now, reason=str(exc) or "not a speech")
            return PageResult("skipped", sid, reason=str(exc) or "not a speech")
        except Exception as exc:  # an extractor bug must not stop a crawl: record it
            reason = str(exc) if isinstance(exc, ExtractError) else f"{type(exc).__name__}: {exc}"
            with self._tx():
                now = self._now()
                self._store_raw(raw_sha, body, compressed, now)
                row = self._speech(sid)
                self._log(fetch, "failed", sid, now, reason=reason,
                          version=row["version"] if row else None)
            return PageResult("failed", sid, row["version"] if row else None, reason)

        with self._tx():
            now = self._now()
            self._store_raw(raw_sha, body, compressed, now)
            outcome, version, reason = self._apply(sid, speech, raw_sha, crawl_id, now, url)
            warnings = list(speech.warnings or [])
            self._log(fetch, outcome, sid, now, reason=reason, version=version,
                      warnings=_json(warnings))
        return PageResult(outcome, sid, version, reason, warnings)

    def record_failure(self, url: str, crawl_id: int, reason: str,
                       status: int | None = None) -> str:
        """A 5xx or network error after the last retry. Never marks a speech gone."""
        with self._tx():
            sid = canonical_id(url)
            row = self._speech(sid)
            self._log({"crawl_id": crawl_id, "url": url, "status": status}, "failed", sid,
                      self._now(), reason=reason, version=row["version"] if row else None)
        return "failed"

    def record_discovery(self, url: str, status: int, crawl_id: int, *, headers=None,
                         body_len: int = 0, reason: str | None = None) -> None:
        """robots.txt, sitemaps, listings, API pages (and a sitemap's 304)."""
        headers = _norm_headers(headers)
        fetch = {
            "crawl_id": crawl_id, "url": url, "status": status, "bytes": body_len,
            "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
            "headers": _json(headers) if headers else None,
        }
        with self._tx():
            self._log(fetch, "discovery", None, self._now(), reason=reason)

    def mark_gone(self, url: str, crawl_id: int, reason: str = "removed",
                  status: int | None = None) -> str:
        with self._tx():
            fetch = {"crawl_id": crawl_id, "url": url, "status": status}
            return self._gone(canonical_id(url), self._now(), fetch, reason).outcome

    # -- the steps of record() (called inside a transaction) ------------------------

    def _speech(self, sid: str) -> dict | None:
        return self._one(
            "SELECT n, id, status, version, content_hash, raw_sha256, last_changed, gone_since"
            " FROM speeches WHERE id = ?",
            (sid,),
        )

    def _has_raw(self, sha: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM raw_pages WHERE sha256 = ?", (sha,)).fetchone() is not None

    def _store_raw(self, sha: str, body: bytes, compressed: bytes | None, now: str) -> None:
        if compressed is None and self._has_raw(sha):
            return
        self.conn.execute(
            "INSERT OR IGNORE INTO raw_pages(sha256, size, compression, body, first_seen)"
            " VALUES (?, ?, 'zlib', ?, ?)",
            (sha, len(body),
             compressed if compressed is not None else zlib.compress(body, RAW_LEVEL), now),
        )

    def _log(self, fetch: dict, outcome: str, speech_id: str | None, now: str, *,
             reason: str | None = None, version: int | None = None,
             warnings: str | None = None) -> None:
        row = {**fetch, "outcome": outcome, "speech_id": speech_id, "fetched_at": now,
               "reason": reason, "version": version, "warnings": warnings}
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT INTO fetches({names}) VALUES ({marks})", tuple(row.values()))

    def _revive(self, row: dict) -> tuple[str, str | None]:
        if row["status"] == "gone":
            return ", status = 'live', gone_since = NULL", f"live again (gone since {row['gone_since']})"
        return "", None

    def _seen_again(self, row: dict, now: str, fetch: dict, url: str) -> PageResult:
        revive, reason = self._revive(row)
        self.conn.execute(f"UPDATE speeches SET last_seen = ?, url = ?{revive} WHERE n = ?",
                          (now, url, row["n"]))
        self._log(fetch, "unchanged", row["id"], now, reason=reason or "same raw page",
                  version=row["version"])
        return PageResult("unchanged", row["id"], row["version"], reason)

    def _not_modified(self, sid: str, now: str, fetch: dict) -> PageResult:
        row = self._speech(sid)
        reason = None
        if row:
            revive, reason = self._revive(row)
            self.conn.execute(f"UPDATE speeches SET last_seen = ?{revive} WHERE n = ?",
                              (now, row["n"]))
        self._log(fetch, "not_modified", sid, now, reason=reason,
                  version=row["version"] if row else None)
        return PageResult("not_modified", sid, row["version"] if row else None, reason)

    def _gone(self, sid: str, now: str, fetch: dict, reason: str) -> PageResult:
        row = self._speech(sid)
        if row and row["status"] == "live":
            self.conn.execute(
                "UPDATE speeches SET status = 'gone', gone_since = ? WHERE n = ?", (now, row["n"]))
        self._log(fetch, "gone", sid, now, reason=reason, version=row["version"] if row else None)
        return PageResult("gone", sid, row["version"] if row else None, reason)

    def _apply(self, sid: str, speech, raw_sha: str, crawl_id: int | None, now: str, url: str,
               *, fetched: bool = True) -> tuple[str, int, str | None]:
        """Fold an extracted record into the speech: (outcome, version, reason).

        `fetched` is False for re-extraction: no network contact, so neither last_seen
        nor the live/gone status moves.
        """
        record = {name: getattr(speech, name) for name in RECORD_FIELDS}
        record["paragraphs"] = list(speech.paragraphs or [])
        chash = content_hash(record)
        for name in LIST_FIELDS:
            record[name] = _json(list(record[name] or []))
        text = "\n\n".join(speech.paragraphs or [])  # by definition; keeps text = f(content)
        row = self._speech(sid)
        if row is not None and row["content_hash"] == chash:
            # Same record: the row shows the newest URL, generation and "Updated".
            revive, reason = self._revive(row) if fetched else ("", None)
            seen = ", last_seen = :now" if fetched else ""
            self.conn.execute(
                f"UPDATE speeches SET url = :url, generation = :generation, updated = :updated,"
                f" raw_sha256 = :raw{seen}{revive} WHERE n = :n",
                {"url": url, "generation": record["generation"], "updated": record["updated"],
                 "raw": raw_sha, "now": now, "n": row["n"]},
            )
            return "unchanged", row["version"], reason

        version = 1 if row is None else row["version"] + 1
        since = now if row is None else later(now, row["last_changed"])
        fields = {**{k: record[k] for k in RECORD_FIELDS}, "text": text, "url": url,
                  "version": version, "content_hash": chash, "raw_sha256": raw_sha,
                  "last_changed": since}
        reason = None
        if row is None:
            fields.update(id=sid, status="live", first_seen=now, last_seen=now)
            self.conn.execute(
                f"INSERT INTO speeches({', '.join(fields)})"
                f" VALUES ({', '.join(':' + k for k in fields)})", fields)
        else:
            self.conn.execute(
                "UPDATE speech_versions SET seen_until = ? WHERE speech_id = ? AND version = ?",
                (since, sid, row["version"]))
            revive, reason = self._revive(row) if fetched else ("", None)
            if fetched:
                fields["last_seen"] = now
            sets = ", ".join(f"{k} = :{k}" for k in fields)
            self.conn.execute(f"UPDATE speeches SET {sets}{revive} WHERE n = :n",
                              {**fields, "n": row["n"]})
        self.conn.execute(
            "INSERT INTO speech_versions(speech_id, version, url, generation, title, date,"
            " location, delivery, speakers, components, topics, updated, paragraphs, text,"
            " content_hash, raw_sha256, crawl_id, extractor_version, seen_from)"
            " VALUES (:sid, :version, :url, :generation, :title, :date, :location, :delivery,"
            " :speakers, :components, :topics, :updated, :paragraphs, :text, :chash, :raw,"
            " :crawl, :xv, :since)",
            {**record, "sid": sid, "version": version, "url": url, "text": text,
             "chash": chash, "raw": raw_sha, "crawl": crawl_id,
             "xv": getattr(speech, "extractor_version", "") or "", "since": since},
        )
        return ("new", 1, None) if row is None else ("changed", version, reason)

    # -- lookups for the crawler ----------------------------------------------------

    def speech_state(self, url: str) -> dict | None:
        return self._one(
            "SELECT id, url, uuid, status, version, content_hash, raw_sha256, first_seen,"
            " last_seen, last_changed, gone_since FROM speeches WHERE id = ?",
            (canonical_id(url),),
        )

    def set_uuid(self, url: str, uuid: str) -> bool:
        """Attach the API's uuid to a known speech; False when the speech is unknown."""
        with self._tx():
            cur = self.conn.execute("UPDATE speeches SET uuid = ? WHERE id = ?",
                                    (uuid, canonical_id(url)))
        return cur.rowcount > 0

    def live_speech_ids(self, since: str | None = None, until: str | None = None) -> list[str]:
        """Ids of live speeches, optionally those dated in [since, until] (undated kept)."""
        sql = "SELECT id FROM speeches WHERE status = 'live'"
        params: list = []
        if since:
            sql += " AND (date IS NULL OR date >= ?)"
            params.append(since)
        if until:
            sql += " AND (date IS NULL OR date <= ?)"
            params.append(until)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY id", params)]

    def last_healthy_crawl_start(self) -> str | None:
        """When the last healthy crawl or backfill started: a scheduled crawl reads only
        the parts of the sitemap whose lastmod moved since then."""
        row = self._one("SELECT started FROM crawls WHERE finished IS NOT NULL"
                        " AND exit_status = 0 ORDER BY id DESC LIMIT 1")
        return row["started"] if row else None

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last 200 of this speech or URL."""
        row = self._one(
            "SELECT f.etag, f.last_modified FROM fetches f JOIN speeches s ON s.id = f.speech_id"
            " WHERE f.speech_id = ? AND f.status = 200"
            " AND f.outcome IN ('new', 'changed', 'unchanged') ORDER BY f.id DESC LIMIT 1",
            (canonical_id(url),),
        ) or self._one(
            "SELECT etag, last_modified FROM fetches WHERE url = ? AND status = 200"
            " AND outcome = 'discovery' ORDER BY id DESC LIMIT 1",
            (url,),
        )
        headers = {}
        if row and row["etag"]:
            headers["If-None-Match"] = row["etag"]
        if row and row["last_modified"]:
            headers["If-Modified-Since"] = row["last_modified"]
        return headers

    # -- the backfill frontier (Decision 3) -----------------------------------------

    def frontier_add(self, crawl_id: int, items: Iterable[tuple[str, dict]]) -> int:
        """Add discovered URLs; one per canonical id and crawl. Returns how many were new."""
        now = self._now()
        with self._tx():
            before = self.conn.total_changes
            self.conn.executemany(
                "INSERT OR IGNORE INTO frontier(crawl_id, speech_id, url, meta, state, added)"
                " VALUES (?, ?, ?, ?, 'pending', ?)",
                ((crawl_id, canonical_id(url), url, json.dumps(meta or {}, sort_keys=True), now)
                 for url, meta in items),
            )
            return self.conn.total_changes - before

    def frontier_batch(self, crawl_id: int, after: int = 0,
                       limit: int = 500) -> list[tuple[int, str, dict]]:
        """The next pending items after frontier id `after`: (id, url, meta), oldest first.
        A crawl walks its frontier with this cursor, holding one batch in memory."""
        return [(fid, url, json.loads(meta or "{}")) for fid, url, meta in self.conn.execute(
            "SELECT id, url, meta FROM frontier WHERE crawl_id = ? AND state = 'pending'"
            " AND id > ? ORDER BY id LIMIT ?", (crawl_id, after, limit))]

    def frontier_pending(self, crawl_id: int) -> list[tuple[str, dict]]:
        return [(url, json.loads(meta or "{}")) for url, meta in self.conn.execute(
            "SELECT url, meta FROM frontier WHERE crawl_id = ? AND state = 'pending' ORDER BY id",
            (crawl_id,))]

    def frontier_done(self, crawl_id: int, url: str, outcome: str) -> None:
        with self._tx():
            self.conn.execute(
                "UPDATE frontier SET state = 'done', outcome = ?, done_at = ?"
                " WHERE crawl_id = ? AND speech_id = ?",
                (outcome, self._now(), crawl_id, canonical_id(url)),
            )

    # -- re-extraction --------------------------------------------------------------

    def raw_page(self, sha: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT compression, body FROM raw_pages WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            return None
        return _decompress(row[0], row[1])

    def reextract(self, *, progress: Callable[[int, int], None] | None = None) -> dict:
        """Re-run extraction over each speech's latest stored page (no network).

        A new version (with the new extractor_version) only where the record changed;
        pages that failed or were skipped before are tried again.
        """
        crawl_id = self.begin_crawl("reextract", {})
        targets = self._all(
            "SELECT f.speech_id, f.raw_sha256, f.encoding, f.url FROM fetches f"
            " WHERE f.id IN (SELECT max(id) FROM fetches WHERE status BETWEEN 200 AND 299"
            "   AND raw_sha256 IS NOT NULL AND speech_id IS NOT NULL"
            "   AND outcome IN ('new', 'changed', 'unchanged', 'failed', 'skipped')"
            "   GROUP BY speech_id)"
            " ORDER BY f.speech_id"
        )
        counts: Counter = Counter()
        failures: list[str] = []
        for done, target in enumerate(targets, start=1):
            body = self.raw_page(target["raw_sha256"])
            try:
                speech = self._extract(body, target["url"], target["encoding"])
            except NotASpeech:
                counts["skipped"] += 1
            except Exception as exc:
                counts["failed"] += 1
                failures.append(f"{target['speech_id']}: {exc}")
            else:
                with self._tx():
                    outcome, _, _ = self._apply(target["speech_id"], speech,
                                                target["raw_sha256"], crawl_id, self._now(),
                                                target["url"], fetched=False)
                counts[outcome] += 1
            if progress:
                progress(done, len(targets))
        stats = {"pages": len(targets), **counts, "failures": failures[:100]}
        self.finish_crawl(crawl_id, stats, 0)
        return {"crawl_id": crawl_id, **stats}

    # -- reading --------------------------------------------------------------------

    def records(self, *, as_of=None, since=None, until=None) -> Iterator[dict]:
        """Speech records ordered by id: the current ones, or as the corpus held them at
        `as_of`. `since`/`until` filter on the speech's own date (inclusive)."""
        params: dict = {}
        where = []
        if since is not None:
            params["since"] = parse_date(since, "--since date")
            where.append("v.date >= :since")
        if until is not None:
            params["until"] = parse_date(until, "--until date")
            where.append("v.date <= :until")
        if as_of is None:
            sql = (
                "SELECT s.id, s.url, s.uuid, s.status, s.version, s.generation, v.title, v.date,"
                " v.location, v.delivery, v.speakers, v.components, v.topics, s.updated,"
                " v.paragraphs, v.text, v.content_hash, v.extractor_version, v.crawl_id,"
                " s.first_seen, v.seen_from AS last_changed"
                " FROM speeches s JOIN speech_versions v"
                "   ON v.speech_id = s.id AND v.version = s.version"
            )
        else:
            params["t"] = parse_moment(as_of)
            where.append("v.seen_from <= :t AND (v.seen_until IS NULL OR v.seen_until > :t)")
            sql = (
                "SELECT v.speech_id AS id, v.url, s.uuid,"
                " coalesce((SELECT CASE f.outcome WHEN 'gone' THEN 'gone' ELSE 'live' END"
                "   FROM fetches f WHERE f.speech_id = v.speech_id AND f.fetched_at <= :t"
                "   AND f.outcome IN ('new', 'changed', 'unchanged', 'not_modified', 'gone')"
                "   ORDER BY f.id DESC LIMIT 1), 'live') AS status,"
                " v.version, v.generation, v.title, v.date, v.location, v.delivery, v.speakers,"
                " v.components, v.topics, v.updated, v.paragraphs, v.text, v.content_hash,"
                " v.extractor_version, v.crawl_id, s.first_seen, v.seen_from AS last_changed"
                " FROM speech_versions v JOIN speeches s ON s.id = v.speech_id"
            )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY 1"
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        for row in cur:
            record = dict(zip(names, row))
            for name in LIST_FIELDS:
                record[name] = json.loads(record[name] or "[]")
            yield record

    def as_of(self, moment) -> Iterator[dict]:
        """The record of every speech as the corpus held it at `moment` (date = end of day)."""
        return self.records(as_of=moment)

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Full-text search over title and text, best first (bm25, title weighted 5x).

        `query` is FTS5 syntax (AND, OR, NOT, "phrases", prefix*); if it does not parse,
        its words are searched as plain terms instead.
        """
        sql = (
            "SELECT s.id, s.date, s.title, s.status,"
            " snippet(speeches_fts, -1, '[', ']', '…', 14) AS snippet"
            " FROM speeches_fts JOIN speeches s ON s.n = speeches_fts.rowid"
            " WHERE speeches_fts MATCH ? ORDER BY bm25(speeches_fts, 5.0, 1.0), s.id LIMIT ?"
        )
        try:
            return self._all(sql, (query, limit))
        except sqlite3.OperationalError:
            words = [w for w in query.replace('"', " ").split() if w]
            if not words:
                raise UserError(f"empty search query {query!r}") from None
            plain = " ".join('"' + w + '"' for w in words)
            return self._all(sql, (plain, limit))

    def status_events(self, speech_id: str) -> list[dict]:
        """When the speech went gone or came back: [{at, status, reason}], oldest first."""
        events, status = [], None
        for at, outcome, reason in self.conn.execute(
                "SELECT fetched_at, outcome, reason FROM fetches WHERE speech_id = ?"
                " AND outcome IN ('new', 'changed', 'unchanged', 'not_modified', 'gone')"
                " ORDER BY id", (speech_id,)):
            now = "gone" if outcome == "gone" else "live"
            if status is not None and now != status:
                events.append({"at": at, "status": now, "reason": reason or outcome})
            status = now if status is not None or now == "live" else None
        return events

    def find_speech(self, id_or_url: str) -> dict | None:
        return self._one("SELECT * FROM speeches WHERE id = ?", (canonical_id(id_or_url),))

    def versions(self, speech_id: str) -> list[dict]:
        rows = self._all(
            "SELECT * FROM speech_versions WHERE speech_id = ? ORDER BY version", (speech_id,))
        for row in rows:
            for name in LIST_FIELDS:
                row[name] = json.loads(row[name] or "[]")
        return rows

    # -- integrity ------------------------------------------------------------------

    def check(self) -> list[str]:
        from corpus.integrity import problems

        return problems(self)


def _decompress(compression: str, body: bytes) -> bytes:
    if compression == "zlib":
        return zlib.decompress(body)
    if compression == "none":
        return body
    raise UserError(f"unknown raw page compression {compression!r}")


def _hint(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "readonly" in text or "unable to open" in text:
        return " (the file and its folder must be writable: WAL mode writes beside it)"
    if "locked" in text or "busy" in text:
        return " (another process held it too long)"
    return " (not a corpus database, or corrupt)"


def _connect(path: str, *, create: bool, busy_timeout: float) -> sqlite3.Connection:
    target = Path(path)
    if not create and not target.exists():
        raise UserError(f"no corpus at {path} (nothing to read: run an import or crawl first)")
    if target.is_dir():
        raise UserError(f"cannot use {path}: it is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not target.exists() and not parent.is_dir():
        raise UserError(f"cannot create {path}: directory {parent} does not exist")
    if not target.exists() and not os.access(parent, os.W_OK):
        raise UserError(f"cannot create {path}: directory {parent} is not writable")
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise UserError(f"cannot open {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise UserError(f"cannot use {path}: WAL mode refused (journal mode {mode})")
        # NORMAL is safe in WAL mode: a crash can lose the last commits, never consistency.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise UserError(f"cannot use {path}: {exc}{_hint(exc)}") from None
    except BaseException:
        conn.close()
        raise
    return conn
