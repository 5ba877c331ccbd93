"""What the writer does with the Internet Archive's answers (docs/design.md).

Every answer of the archive is logged in `fetches`: a speech's CDX lookup (its 2-3
queries, one row) or a captured listing is a `discovery` fetch; a capture of a speech
is a `discovery` fetch whose reason says what became of it (`archive capture
<moment>: new | same | earlier | exists`), or `failed` / `skipped` with the reason.
A capture is extracted here, like a page, and kept by `Captures.record_capture` only
when its content differs from its neighbours in time: captures never touch
`speech_versions`. A speech known only from the archive is a `gone` row with source
`archive` whose record is that of its latest kept capture.
"""

from __future__ import annotations

from corpus.errors import NotASpeech
from corpus.outcomes import Outcome
from corpus.record import EXTRACTED_FIELDS
from corpus.store.base import Store
from corpus.store.captures import Captures
from corpus.store.extraction import Extraction
from corpus.extract.decode import header_charset
from corpus.store.fetches import FetchLog, norm_headers, to_json
from corpus.store.frontier import Frontier
from corpus.store.people import People


def apply_archive_fetch(corpus, message, crawl_id: int) -> tuple[str, str]:
    """`ArchiveWrites.apply_archive_fetch` of a corpus (the writer's messages call it so)."""
    return corpus.apply_archive_fetch(message, crawl_id)


def apply_capture(corpus, message, crawl_id: int) -> tuple[str, str | None, list[str]]:
    """`ArchiveWrites.apply_capture` of a corpus (the writer's messages call it so)."""
    return corpus.apply_capture(message, crawl_id)


class ArchiveWrites:
    """The archive's answers, applied: logged, captures extracted and kept."""

    def __init__(self, store: Store, fetches: FetchLog, extract: Extraction,
                 captures: Captures, frontier: Frontier, people: People):
        self.store, self.fetches, self.extract = store, fetches, extract
        self.captures, self.frontier, self.people = captures, frontier, people

    def log_archive_fetch(self, crawl_id, url: str, status: int | None, outcome: str,
                          speech_id: str | None, reason: str, *, headers=None, size: int = 0,
                          raw_sha256: str | None = None, warnings=None) -> None:
        """One `fetches` row for one request to the archive (in its own transaction)."""
        with self.store.transaction():
            self.fetches.add(_fetch(crawl_id, url, status, norm_headers(headers), size,
                                    raw_sha256), outcome, speech_id, self.store.now(),
                             reason=reason, warnings=to_json(list(warnings)) if warnings else None)

    def apply_archive_fetch(self, message, crawl_id: int) -> tuple[str, str]:
        """A CDX query or a captured listing (`ArchiveFetched`): logged; its frontier item
        is done. Returns (outcome, reason)."""
        outcome = Outcome.FAILED if message.failed else Outcome.DISCOVERY
        self.log_archive_fetch(crawl_id, message.url, message.status, outcome,
                               message.speech_id, message.reason, size=message.body_len)
        if message.frontier:
            self.frontier.frontier_done(crawl_id, message.frontier, outcome)
        return outcome, message.reason

    def apply_capture(self, message, crawl_id: int) -> tuple[str, str | None, list[str]]:
        """A capture of a speech (`CaptureFetched`): extracted, kept when it differs from
        its neighbours in time. Returns (outcome, reason, warnings): the outcome is
        record_capture's (`new`, `same`, `earlier`, `exists`) or `failed` / `skipped`."""
        outcome, reason, warnings = self._capture(message, crawl_id)
        if message.frontier:
            self.frontier.frontier_done(crawl_id, message.frontier, outcome)
        return outcome, reason, warnings

    def _capture(self, m, crawl_id: int) -> tuple[str, str | None, list[str]]:
        headers = norm_headers(m.headers)
        where = f"archive capture {m.captured_at}"

        def log(outcome, why):
            self.log_archive_fetch(crawl_id, m.archive_url, m.status, outcome, m.speech_id,
                                   f"{where}: {why}", headers=headers, size=len(m.body or b""))

        if m.reason or m.status != 200:
            why = m.reason or f"HTTP {m.status}"
            log(Outcome.FAILED, why)
            return Outcome.FAILED, why, []
        try:
            speech = self.extract(m.body, m.url, header_charset(headers))
        except NotASpeech as exc:
            why = f"not a speech page ({exc or 'no speech found'})"
            log(Outcome.SKIPPED, why)
            return Outcome.SKIPPED, why, []
        except Exception as exc:  # an extractor bug must not stop the run: recorded
            why = f"extraction error: {type(exc).__name__}: {exc}"
            log(Outcome.FAILED, why)
            return Outcome.FAILED, why, []
        record = {name: getattr(speech, name) for name in EXTRACTED_FIELDS}
        record["paragraphs"] = list(speech.paragraphs or [])
        warnings = list(speech.warnings or [])
        with self.store.transaction():
            warnings += self.people.derive(record)
            now = self.store.now()
            if m.archive_only:
                self.captures.record_archive_speech(m.speech_id, m.speech_url or m.url, record,
                                                    now=now)
            outcome = self.captures.record_capture(
                m.speech_id, m.captured_at, m.archive_url, m.url, m.body, record,
                extractor_version=speech.extractor_version, now=now)
            if m.archive_only:
                self.captures.sync_archive_speech(m.speech_id)
            # The raw page is kept with the capture that uses it; a fetch names it if kept.
            fetch = _fetch(crawl_id, m.archive_url, m.status, headers, len(m.body),
                           self.captures.capture_sha(m.speech_id, m.captured_at))
            fetch["headers"] = to_json(headers)  # even when empty, as it always was
            self.fetches.add(fetch, Outcome.DISCOVERY, m.speech_id, now,
                             reason=f"{where}: {outcome}",
                             warnings=to_json(warnings) if warnings else None)
        return outcome, None, warnings


def _fetch(crawl_id, url: str, status: int | None, headers: dict[str, str], size: int,
           raw_sha256: str | None) -> dict:
    """A fetch row of the archive: no validators (the archive's are not the site's)."""
    return {"crawl_id": crawl_id, "url": url, "status": status or None, "bytes": size,
            "headers": to_json(headers) if headers else None, "raw_sha256": raw_sha256}
