"""Page writes: each response becomes one `fetches` row and, for a speech, its record
and versions, in one transaction (DESIGN.md). Extraction runs outside the write
transaction so a slow page never holds the write lock."""

from __future__ import annotations

import hashlib
import json

from corpus.errors import ExtractError, NotASpeech
from corpus.outcomes import READ_OUTCOMES, Outcome
from corpus.extract.soft404 import says_not_found
from corpus.store.messages import Reply
from corpus.store.raw import compress
from corpus.urls import canonical_id
from corpus.extract.witness import reconcile


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



class PageWrites:
    """Methods of `Corpus` that record responses."""

    def record_page(self, url: str, status: int, headers: dict[str, str], body: bytes,
                    crawl_id: int, *, request_url: str | None = None,
                    encoding: str | None = None) -> str:
        """Record one response; return its outcome (see `record`)."""
        return self.record(url, status, headers, body, crawl_id,
                           request_url=request_url, encoding=encoding).outcome

    def record(self, url: str, status: int, headers: dict[str, str] | None, body: bytes | None,
               crawl_id: int | None, *, request_url: str | None = None,
               encoding: str | None = None, witnesses: list[dict] | None = None,
               attachments=None) -> Reply:
        """Record one response: its outcome (corpus.outcomes), with the speech id, version,
        reason, warnings and witness agreement. One transaction (two for a moved speech).
        A speech page read (new, changed, unchanged) also gives the files it links and its
        API record's `attachments` field lists, for the crawl to fetch (corpus/store/files.py)."""
        body = body or b""
        headers = _norm_headers(headers)
        sid = canonical_id(url)
        target = canonical_id(request_url) if request_url else sid
        fetch = {
            "crawl_id": crawl_id, "url": url, "request_url": request_url, "status": status,
            "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
            "headers": _json(headers) if headers else None, "bytes": len(body),
            "witnesses": _json(witnesses) if witnesses else None,
        }
        if status == 304:
            with self._tx():
                return self._not_modified(target, self._now(), fetch)
        if status in (404, 410):
            with self._tx():
                return self._gone(target, self._now(), fetch, f"HTTP {status}")
        if not 200 <= status < 300:
            with self._tx():
                self._log(fetch, Outcome.FAILED, target, self._now(), reason=f"HTTP {status}")
            return Reply(Outcome.FAILED, target, reason=f"HTTP {status}")
        result = self._record_body(url, sid, target, body, fetch, crawl_id,
                                   encoding or _charset(headers.get("content-type")), witnesses)
        if target != sid and result.outcome in READ_OUTCOMES:
            return self._moved(target, sid, fetch)
        if result.outcome in READ_OUTCOMES:
            result.attachments = self.page_attachments(body, url, attachments)
        return result

    def _record_body(self, url, sid, target, body, fetch, crawl_id, encoding, witnesses):
        raw_sha = hashlib.sha256(body).hexdigest()
        fetch.update(encoding=encoding, raw_sha256=raw_sha)
        known = self._one("SELECT raw_sha256 FROM speeches WHERE id = ?", (sid,))
        if known and known["raw_sha256"] == raw_sha:
            with self._tx():
                row = self._speech(sid)  # again, under the write lock
                if row and row["raw_sha256"] == raw_sha:
                    return self._seen_again(row, self._now(), fetch, url)
        compressed = None if self._has_raw(raw_sha) else compress(body)
        try:
            speech = self._extract(body, url, fetch["encoding"])
        except NotASpeech as exc:
            with self._tx():
                self._store_raw(raw_sha, body, compressed, self._now())
                return self._not_a_speech(sid, target, body, fetch, str(exc) or "not a speech")
        except Exception as exc:  # an extractor bug must not stop a crawl: record it
            reason = str(exc) if isinstance(exc, ExtractError) else f"{type(exc).__name__}: {exc}"
            with self._tx():
                now = self._now()
                self._store_raw(raw_sha, body, compressed, now)
                row = self._speech(sid)
                self._log(fetch, Outcome.FAILED, sid, now, reason=reason,
                          version=row["version"] if row else None)
            return Reply(Outcome.FAILED, sid, row["version"] if row else None, reason)
        speech, _, verdicts = reconcile(speech, witnesses or [])
        source = (witnesses or [{}])[0].get("source") or "witness"
        agreement = {name: (verdict, source) for name, verdict in verdicts.items()}
        warnings = list(speech.warnings or [])  # reconcile appended the witness's
        with self._tx():
            now = self._now()
            self._store_raw(raw_sha, body, compressed, now)
            outcome, version, reason = self._apply(sid, speech, raw_sha, crawl_id, now, url)
            self._log(fetch, outcome, sid, now, reason=reason, version=version,
                      warnings=_json(warnings))
        return Reply(outcome, sid, version, reason, warnings, agreement)

    def _not_a_speech(self, sid, target, body, fetch, why) -> Reply:
        """A page that is not a speech: a soft 404 or a redirect away marks the speech
        requested gone (as a 404 does); anything else is skipped."""
        now = self._now()
        if says_not_found(body):
            return self._gone(target, now, fetch, f"soft 404: the page says it was not found ({why})")
        if target != sid and self._speech(target):
            return self._gone(target, now, fetch,
                              f"soft 404: redirected to a page that is not a speech ({why})")
        self._log(fetch, Outcome.SKIPPED, sid, now, reason=why)
        return Reply(Outcome.SKIPPED, sid, reason=why)

    def _moved(self, old: str, new: str, fetch: dict) -> Reply:
        """A speech URL redirected to another speech on the site (a renamed slug): the old
        id is `moved`, pointing at the new one; never a second live copy."""
        reason = f"redirected to {new}"
        with self._tx():
            now = self._now()
            row = self._speech(old)
            if row:
                self.conn.execute(
                    "UPDATE speeches SET status = 'moved', moved_to = ?,"
                    " gone_since = coalesce(gone_since, ?) WHERE n = ?", (new, now, row["n"]))
            self._log(fetch, Outcome.MOVED, old, now, reason=reason,
                      version=row["version"] if row else None)
        return Reply(Outcome.MOVED, old, row["version"] if row else None, reason)

    def record_failure(self, url: str, crawl_id: int, reason: str,
                       status: int | None = None, outcome: str = Outcome.FAILED) -> str:
        """A speech page not stored (`failed`: 5xx, network error, 403, too large...;
        `forbidden`: robots.txt). Never marks a speech gone."""
        with self._tx():
            sid = canonical_id(url)
            row = self._speech(sid)
            self._log({"crawl_id": crawl_id, "url": url, "status": status}, outcome, sid,
                      self._now(), reason=reason, version=row["version"] if row else None)
        return outcome

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
            self._log(fetch, Outcome.DISCOVERY, None, self._now(), reason=reason)

    def mark_gone(self, url: str, crawl_id: int, reason: str = "removed",
                  status: int | None = None) -> str:
        with self._tx():
            fetch = {"crawl_id": crawl_id, "url": url, "status": status}
            return self._gone(canonical_id(url), self._now(), fetch, reason).outcome


    def _speech(self, sid: str) -> dict | None:
        return self._one(
            "SELECT n, id, status, version, content_hash, raw_sha256, last_changed, gone_since"
            " FROM speeches WHERE id = ?",
            (sid,),
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
        if row["status"] != "live":
            return (", status = 'live', gone_since = NULL, moved_to = NULL",
                    f"live again ({row['status']} since {row['gone_since']})")
        return "", None

    def _seen_again(self, row: dict, now: str, fetch: dict, url: str) -> Reply:
        revive, reason = self._revive(row)
        self.conn.execute(f"UPDATE speeches SET last_seen = ?, url = ?{revive} WHERE n = ?",
                          (now, url, row["n"]))
        self._log(fetch, Outcome.UNCHANGED, row["id"], now, reason=reason or "same raw page",
                  version=row["version"])
        return Reply(Outcome.UNCHANGED, row["id"], row["version"], reason)

    def _not_modified(self, sid: str, now: str, fetch: dict) -> Reply:
        row = self._speech(sid)
        reason = None
        if row:
            revive, reason = self._revive(row)
            self.conn.execute(f"UPDATE speeches SET last_seen = ?{revive} WHERE n = ?",
                              (now, row["n"]))
        self._log(fetch, Outcome.NOT_MODIFIED, sid, now, reason=reason,
                  version=row["version"] if row else None)
        return Reply(Outcome.NOT_MODIFIED, sid, row["version"] if row else None, reason)

    def _gone(self, sid: str, now: str, fetch: dict, reason: str) -> Reply:
        row = self._speech(sid)
        if row and row["status"] == "live":
            self.conn.execute(
                "UPDATE speeches SET status = 'gone', gone_since = ? WHERE n = ?", (now, row["n"]))
        self._log(fetch, Outcome.GONE, sid, now, reason=reason, version=row["version"] if row else None)
        return Reply(Outcome.GONE, sid, row["version"] if row else None, reason)

