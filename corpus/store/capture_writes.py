"""What the writer does with the Internet Archive's answers (DESIGN Decisions 10, 14).

Every answer of the archive is logged in `fetches`: a speech's CDX lookup (its 2-3
queries, one row) or a captured listing is a `discovery` fetch; a capture of a speech
is a `discovery` fetch whose reason says what became of it (`archive capture
<moment>: new | same | earlier | exists`), or `failed` / `skipped` with the reason.
A capture is extracted here, like a page, and kept by `corpus.store.captures.record_capture`
only when its content differs from its neighbours in time: captures never touch
`speech_versions`. A speech known only from the archive is a `gone` row with source
`archive` whose record is that of its latest kept capture.
"""

from __future__ import annotations

import json

from corpus.store.captures import record_archive_speech, record_capture
from corpus.errors import NotASpeech
from corpus.outcomes import Outcome
from corpus.record import EXTRACTED_FIELDS, RECORD_FIELDS

KEPT = ("new", "earlier")  # record_capture's outcomes that add a row


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _charset(headers: dict) -> str | None:
    for part in (headers.get("content-type") or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def log_archive_fetch(corpus, crawl_id, url: str, status: int | None, outcome: str,
                      speech_id: str | None, reason: str, *, headers=None, size: int = 0,
                      raw_sha256: str | None = None, warnings=None) -> None:
    """One `fetches` row for one request to the archive (in its own transaction)."""
    headers = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    fetch = {"crawl_id": crawl_id, "url": url, "status": status or None, "bytes": size,
             "headers": _json(dict(sorted(headers.items()))) if headers else None,
             "raw_sha256": raw_sha256}
    with corpus._tx():
        corpus._log(fetch, outcome, speech_id, corpus._now(), reason=reason,
                    warnings=_json(list(warnings)) if warnings else None)


def apply_archive_fetch(corpus, message, crawl_id: int) -> tuple[str, str]:
    """A CDX query or a captured listing (`ArchiveFetched`): logged; its frontier item
    is done. Returns (outcome, reason)."""
    outcome = Outcome.FAILED if message.failed else Outcome.DISCOVERY
    log_archive_fetch(corpus, crawl_id, message.url, message.status, outcome,
                      message.speech_id, message.reason, size=message.body_len)
    if message.frontier:
        corpus.frontier_done(crawl_id, message.frontier, outcome)
    return outcome, message.reason


def apply_capture(corpus, message, crawl_id: int) -> tuple[str, str | None, list[str]]:
    """A capture of a speech (`CaptureFetched`): extracted, kept when it differs from its
    neighbours in time. Returns (outcome, reason, warnings): the outcome is
    record_capture's (`new`, `same`, `earlier`, `exists`) or `failed` / `skipped`."""
    outcome, reason, warnings = _capture(corpus, message, crawl_id)
    if message.frontier:
        corpus.frontier_done(crawl_id, message.frontier, outcome)
    return outcome, reason, warnings


def _capture(corpus, m, crawl_id: int) -> tuple[str, str | None, list[str]]:
    headers = {str(k).lower(): str(v) for k, v in (m.headers or {}).items()}
    where = f"archive capture {m.captured_at}"

    def log(outcome, why, **extra):
        log_archive_fetch(corpus, crawl_id, m.archive_url, m.status, outcome, m.speech_id,
                          f"{where}: {why}", headers=headers, size=len(m.body or b""), **extra)

    if m.reason or m.status != 200:
        why = m.reason or f"HTTP {m.status}"
        log(Outcome.FAILED, why)
        return Outcome.FAILED, why, []
    try:
        speech = corpus._extract(m.body, m.url, _charset(headers))
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
    with corpus._tx():
        warnings += corpus._derive(record)
        now, conn = corpus._now(), corpus.conn
        if m.archive_only:
            record_archive_speech(conn, m.speech_id, m.speech_url or m.url, record, now=now)
        outcome = record_capture(conn, m.speech_id, m.captured_at, m.archive_url, m.url, m.body,
                                 record, extractor_version=speech.extractor_version, now=now)
        if m.archive_only:
            sync_archive_speech(conn, m.speech_id)
        # The raw page is kept with the capture that uses it; a fetch names it if kept.
        sha = conn.execute("SELECT raw_sha256 FROM captures WHERE speech_id = ? AND captured_at = ?",
                           (m.speech_id, m.captured_at)).fetchone()
        fetch = {"crawl_id": crawl_id, "url": m.archive_url, "status": m.status,
                 "bytes": len(m.body), "headers": _json(dict(sorted(headers.items()))),
                 "raw_sha256": sha[0] if sha else None}
        corpus._log(fetch, Outcome.DISCOVERY, m.speech_id, now, reason=f"{where}: {outcome}",
                    warnings=_json(warnings) if warnings else None)
    return outcome, None, warnings


def sync_archive_speech(conn, speech_id: str) -> None:
    """An archive-only speech shows its latest kept capture (captures may arrive in any
    order after a resume). A crawled speech is never touched."""
    names = [*RECORD_FIELDS, "text", "content_hash", "url"]
    conn.execute(
        f"UPDATE speeches SET ({', '.join(names)}) = (SELECT {', '.join(names)} FROM captures"
        " WHERE speech_id = ? ORDER BY captured_at DESC LIMIT 1)"
        " WHERE id = ? AND source = 'archive'", (speech_id, speech_id))
