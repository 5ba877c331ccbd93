"""Page writes: each response becomes one `fetches` row and, for a speech, its record
and versions, in one transaction (docs/design.md). Extraction runs outside the write
transaction so a slow page never holds the write lock."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from corpus.errors import ExtractError, NotASpeech
from corpus.extract.soft404 import says_not_found
from corpus.extract.witness import reconcile
from corpus.outcomes import READ_OUTCOMES, Outcome
from corpus.store.base import Store
from corpus.store.extraction import Extraction
from corpus.extract.decode import header_charset
from corpus.store.fetches import FetchLog, fetch_row, norm_headers, to_json
from corpus.store.raw import RawPages, compress
from corpus.store.messages import Reply
from corpus.store.versions import Versions
from corpus.urls import canonical_id

if TYPE_CHECKING:
    from corpus.store.files import Files



class Pages:
    """Records responses to speech and discovery pages."""

    def __init__(self, store: Store, raw: RawPages, fetches: FetchLog, versions: Versions,
                 extract: Extraction, files: Files):
        self.store, self.raw, self.fetches, self.versions = store, raw, fetches, versions
        self.extract, self.files = extract, files

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
        headers = norm_headers(headers)
        sid = canonical_id(url)
        target = canonical_id(request_url) if request_url else sid
        fetch = fetch_row(crawl_id, url, status, headers, len(body), request_url=request_url,
                          witnesses=to_json(witnesses) if witnesses else None)
        if status == 304:
            with self.store.transaction():
                return self._not_modified(target, self.store.now(), fetch)
        if status in (404, 410):
            with self.store.transaction():
                return self._gone(target, self.store.now(), fetch, f"HTTP {status}")
        if not 200 <= status < 300:
            with self.store.transaction():
                self.fetches.add(fetch, Outcome.FAILED, target, self.store.now(),
                                 reason=f"HTTP {status}")
            return Reply(Outcome.FAILED, target, reason=f"HTTP {status}")
        result = self._record_body(url, sid, target, body, fetch, crawl_id,
                                   encoding or header_charset(headers), witnesses)
        if target != sid and result.outcome in READ_OUTCOMES:
            return self._moved(target, sid, fetch)
        if result.outcome in READ_OUTCOMES:
            result.attachments = self.files.page_attachments(body, url, attachments)
        return result

    def _record_body(self, url, sid, target, body, fetch, crawl_id, encoding, witnesses):
        raw_sha = hashlib.sha256(body).hexdigest()
        fetch.update(encoding=encoding, raw_sha256=raw_sha)
        known = self.store.one("SELECT raw_sha256 FROM speeches WHERE id = ?", (sid,))
        if known and known["raw_sha256"] == raw_sha:
            with self.store.transaction():
                row = self.versions.speech(sid)  # again, under the write lock
                if row and row["raw_sha256"] == raw_sha:
                    return self._seen_again(row, self.store.now(), fetch, url)
        compressed = None if self.raw.has(raw_sha) else compress(body)
        try:
            speech = self.extract(body, url, fetch["encoding"])
        except NotASpeech as exc:
            with self.store.transaction():
                self.raw.put(body, self.store.now(), sha=raw_sha, compressed=compressed)
                return self._not_a_speech(sid, target, body, fetch, str(exc) or "not a speech")
        except Exception as exc:  # an extractor bug must not stop a crawl: record it
            reason = str(exc) if isinstance(exc, ExtractError) else f"{type(exc).__name__}: {exc}"
            with self.store.transaction():
                now = self.store.now()
                self.raw.put(body, now, sha=raw_sha, compressed=compressed)
                row = self.versions.speech(sid)
                self.fetches.add(fetch, Outcome.FAILED, sid, now, reason=reason,
                                 version=row["version"] if row else None)
            return Reply(Outcome.FAILED, sid, row["version"] if row else None, reason)
        speech, _, verdicts = reconcile(speech, witnesses or [])
        source = (witnesses or [{}])[0].get("source") or "witness"
        agreement = {name: (verdict, source) for name, verdict in verdicts.items()}
        with self.store.transaction():
            now = self.store.now()
            self.raw.put(body, now, sha=raw_sha, compressed=compressed)
            outcome, version, reason = self.versions.apply(sid, speech, raw_sha, crawl_id, now, url)
            # reconcile appended the witness's warnings, apply the derivation's
            warnings = list(speech.warnings or [])
            self.fetches.add(fetch, outcome, sid, now, reason=reason, version=version,
                             warnings=to_json(warnings))
        return Reply(outcome, sid, version, reason, warnings, agreement)

    def _not_a_speech(self, sid, target, body, fetch, why) -> Reply:
        """A page that is not a speech: a soft 404 or a redirect away marks the speech
        requested gone (as a 404 does); anything else is skipped."""
        now = self.store.now()
        if says_not_found(body):
            return self._gone(target, now, fetch,
                              f"soft 404: the page says it was not found ({why})")
        if target != sid and self.versions.speech(target):
            return self._gone(target, now, fetch,
                              f"soft 404: redirected to a page that is not a speech ({why})")
        self.fetches.add(fetch, Outcome.SKIPPED, sid, now, reason=why)
        return Reply(Outcome.SKIPPED, sid, reason=why)

    def _moved(self, old: str, new: str, fetch: dict) -> Reply:
        """A speech URL redirected to another speech on the site (a renamed slug): the old
        id is `moved`, pointing at the new one; never a second live copy."""
        reason = f"redirected to {new}"
        with self.store.transaction():
            now = self.store.now()
            row = self.versions.speech(old)
            if row:
                self.store.update("speeches", row["n"], {
                    "status": "moved", "moved_to": new, "gone_since": row["gone_since"] or now})
            self.fetches.add(fetch, Outcome.MOVED, old, now, reason=reason,
                             version=row["version"] if row else None)
        return Reply(Outcome.MOVED, old, row["version"] if row else None, reason)

    def record_failure(self, url: str, crawl_id: int, reason: str,
                       status: int | None = None, outcome: str = Outcome.FAILED) -> str:
        """A speech page not stored (`failed`: 5xx, network error, 403, too large...;
        `forbidden`: robots.txt). Never marks a speech gone."""
        with self.store.transaction():
            sid = canonical_id(url)
            row = self.versions.speech(sid)
            self.fetches.add({"crawl_id": crawl_id, "url": url, "status": status}, outcome, sid,
                             self.store.now(), reason=reason,
                             version=row["version"] if row else None)
        return outcome

    def record_discovery(self, url: str, status: int, crawl_id: int, *, headers=None,
                         body_len: int = 0, reason: str | None = None) -> None:
        """robots.txt, sitemaps, listings, API pages (and a sitemap's 304)."""
        fetch = fetch_row(crawl_id, url, status, norm_headers(headers), body_len)
        with self.store.transaction():
            self.fetches.add(fetch, Outcome.DISCOVERY, None, self.store.now(), reason=reason)

    def mark_gone(self, url: str, crawl_id: int, reason: str = "removed",
                  status: int | None = None) -> str:
        with self.store.transaction():
            fetch = {"crawl_id": crawl_id, "url": url, "status": status}
            return self._gone(canonical_id(url), self.store.now(), fetch, reason).outcome

    def _seen_again(self, row: dict, now: str, fetch: dict, url: str) -> Reply:
        reason = self.versions.seen(row, now, url=url)
        self.fetches.add(fetch, Outcome.UNCHANGED, row["id"], now,
                         reason=reason or "same raw page", version=row["version"])
        return Reply(Outcome.UNCHANGED, row["id"], row["version"], reason)

    def _not_modified(self, sid: str, now: str, fetch: dict) -> Reply:
        row = self.versions.speech(sid)
        reason = self.versions.seen(row, now) if row else None
        self.fetches.add(fetch, Outcome.NOT_MODIFIED, sid, now, reason=reason,
                         version=row["version"] if row else None)
        return Reply(Outcome.NOT_MODIFIED, sid, row["version"] if row else None, reason)

    def _gone(self, sid: str, now: str, fetch: dict, reason: str) -> Reply:
        row = self.versions.speech(sid)
        if row and row["status"] == "live":
            self.store.update("speeches", row["n"], {"status": "gone", "gone_since": now})
        self.fetches.add(fetch, Outcome.GONE, sid, now, reason=reason,
                         version=row["version"] if row else None)
        return Reply(Outcome.GONE, sid, row["version"] if row else None, reason)
