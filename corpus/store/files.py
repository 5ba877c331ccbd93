"""Attachments of speeches in the store (DESIGN.md Decision 15).

A page's attachments are found when the page is recorded (`page_attachments`: links in
the page, and its API record's `attachment` field), fetched by the crawl, and recorded
here: one `fetches` row per response (outcome `attachment`, or `failed` with its reason;
never a speech outcome), the bytes in raw_pages, an `attachments` row per distinct file.

A speech whose body is only a pointer to its PDF takes its paragraphs from the PDF's
text (warning `text-from-attachment`), so its content hash is that of the real text.
The first time the PDF is read that is a new version of the speech; afterwards the same
page and the same PDF give the same record, so re-crawls write nothing new.
"""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace

from corpus.extract.attachments import api_attachments, find_attachments, guess_media_type, is_pointer_only
from corpus.store.captures import record_attachment
from corpus.outcomes import READ_OUTCOMES, Outcome, sql_in
from corpus.record import LIST_FIELDS, RECORD_FIELDS
from corpus.store.raw import decompress, dictionary
from corpus.urls import canonical_id, is_justice_host

TEXT_FROM_ATTACHMENT = "text-from-attachment"
TEXT_IN_ATTACHMENT = "text-in-attachment"  # pointer-only, its file not read yet


class AttachmentWrites:
    """Methods of `Corpus` for attachments (the writer process calls the writes)."""

    def page_attachments(self, body: bytes, url: str, api_field=None) -> list[dict]:
        """Files a speech page links and its API record lists, on the site's hosts only."""
        found, seen = [], set()
        for item in find_attachments(body, url) + api_attachments(api_field, url):
            if item.url in seen or not is_justice_host(item.url, url):
                continue
            seen.add(item.url)
            found.append({"url": item.url, "name": item.name, "media_type": item.media_type_guess})
        return found

    def attachments_fetched(self, crawl_id: int) -> set[tuple[str, str]]:
        """(speech id, file path) of every file this run recorded a fetch of, failures too."""
        return {(sid, canonical_id(url)) for sid, url in self.conn.execute(
            "SELECT speech_id, url FROM fetches WHERE crawl_id = ? AND (outcome = ?"
            " OR (outcome = ? AND reason LIKE 'attachment:%'))",
            (crawl_id, Outcome.ATTACHMENT.value, Outcome.FAILED.value))}

    def attachments_owed(self, crawl_id: int, fetched: set | None = None) -> list[dict]:
        """Files of pages this run has read whose fetch it never recorded (a run killed
        between a page and its files): --resume asks for them first. Pages are read
        one at a time from raw_pages, so memory stays flat whatever the run's size.
        `fetched`: `attachments_fetched(crawl_id)` when the caller has it already."""
        if fetched is None:
            fetched = self.attachments_fetched(crawl_id)
        pages = self.conn.execute(
            "SELECT f.speech_id, f.meta, s.url, r.compression, r.body, r.dict_id FROM frontier f"
            " JOIN speeches s ON s.id = f.speech_id JOIN raw_pages r ON r.sha256 = s.raw_sha256"
            f" WHERE f.crawl_id = ? AND f.state = 'done' AND f.outcome IN {sql_in(READ_OUTCOMES)}"
            " ORDER BY f.id", (crawl_id,))
        owed = []
        for sid, meta, url, compression, body, dict_id in pages:
            api_field = json.loads(meta or "{}").get("attachments")
            owed += [{**item, "speech_id": sid}
                     for item in self.page_attachments(
                         decompress(compression, body, dictionary(self.conn, dict_id)), url, api_field)
                     if (sid, canonical_id(item["url"])) not in fetched]
        return owed

    def attachment_validators(self, speech_id: str, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last 200 of this attachment."""
        row = self._one(
            "SELECT etag, last_modified FROM fetches WHERE url = ? AND speech_id = ?"
            " AND outcome = ? AND status = 200 ORDER BY id DESC LIMIT 1",
            (url, speech_id, Outcome.ATTACHMENT.value))
        return self._validators(row)

    def record_attachment_fetch(self, speech_id: str, url: str, name: str, status: int | None,
                                headers, body: bytes | None, crawl_id: int | None, *,
                                reason: str | None = None):
        """One response for an attachment (or its failure): a PageResult whose outcome is
        `attachment` (reason new / changed / unchanged / not modified) or `failed`."""
        from corpus.store.pages import PageResult, _json, _norm_headers

        headers = _norm_headers(headers)
        body = body or b""
        fetch = {"crawl_id": crawl_id, "url": url, "status": status, "bytes": len(body),
                 "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
                 "headers": _json(headers) if headers else None}
        if not reason and not self._one("SELECT 1 AS x FROM speeches WHERE id = ?", (speech_id,)):
            reason = "its speech is not in the corpus (its page was not stored)"
        if reason or status not in (200, 304):
            why = f"attachment: {reason or f'HTTP {status}'}"
            with self._tx():
                self._log(fetch, Outcome.FAILED, speech_id, self._now(), reason=why)
            return PageResult(Outcome.FAILED, speech_id, reason=why)
        if status == 304:
            with self._tx():
                now = self._now()
                self.conn.execute(
                    "UPDATE attachments SET last_seen = ? WHERE id = (SELECT max(id) FROM"
                    " attachments WHERE speech_id = ? AND url = ?)", (now, speech_id, url))
                self._log(fetch, Outcome.ATTACHMENT, speech_id, now, reason="not modified")
            return PageResult(Outcome.ATTACHMENT, speech_id, reason="not modified")
        media_type = _media_type(headers.get("content-type"), body, url, name)
        text = _file_text(body, media_type)  # outside the transaction: it may be slow
        with self._tx():
            now = self._now()
            kind = record_attachment(self.conn, speech_id, url, name, media_type, body,
                                     text.text, text.pages, warnings=text.warnings, now=now)
            warnings = list(text.warnings)
            version = None
            if kind != "unchanged":
                version = self._speech_from_attachment(speech_id, crawl_id, now)
                if version:
                    warnings.append(f"{TEXT_FROM_ATTACHMENT}: {url}")
            fetch["raw_sha256"] = hashlib.sha256(body).hexdigest()
            why = kind + (f"; the speech's text: version {version}" if version else "")
            self._log(fetch, Outcome.ATTACHMENT, speech_id, now, reason=why, version=version,
                      warnings=_json(warnings))
        return PageResult(Outcome.ATTACHMENT, speech_id, version, why, warnings)

    def _speech_from_attachment(self, sid: str, crawl_id, now: str) -> int | None:
        """A new version of a pointer-only speech whose attachment was just read (or
        changed): its current record with the file's paragraphs. None otherwise."""
        current = self._one(
            "SELECT v.* FROM speech_versions v JOIN speeches s"
            " ON s.id = v.speech_id AND s.version = v.version WHERE s.id = ?", (sid,))
        if current is None:
            return None
        paragraphs = json.loads(current["paragraphs"] or "[]")
        came_from_file = self.conn.execute(
            "SELECT 1 FROM attachments WHERE speech_id = ? AND text = ?",
            (sid, current["text"])).fetchone()
        if not is_pointer_only(paragraphs) and not came_from_file:
            return None
        text = self._attachment_text(sid)
        if text is None:
            return None
        record = {name: current[name] for name in RECORD_FIELDS}
        for name in LIST_FIELDS:
            if name != "paragraphs" and name in record:
                record[name] = json.loads(record[name] or "[]")
        speech = SimpleNamespace(**record, paragraphs=text[0],
                                 extractor_version=current["extractor_version"])
        outcome, version, _ = self._apply(sid, speech, current["raw_sha256"], crawl_id, now,
                                          current["url"], fetched=False)
        return version if outcome == "changed" else None

    def _attachment_text(self, sid: str) -> tuple[list[str], str] | None:
        """(paragraphs, url) of the speech's first attachment with text, latest file."""
        row = self._one(
            "SELECT a.text, a.url FROM attachments a WHERE a.speech_id = ?"
            " AND a.id IN (SELECT max(id) FROM attachments WHERE speech_id = ? GROUP BY url)"
            " AND coalesce(a.text, '') != ''"
            " ORDER BY (SELECT min(id) FROM attachments b WHERE b.speech_id = a.speech_id"
            "   AND b.url = a.url) LIMIT 1", (sid, sid))
        return (row["text"].split("\n\n"), row["url"]) if row else None

    def _extract(self, body: bytes, url: str, encoding: str | None):
        """Extraction, then a pointer-only body replaced by its attachment's text when
        the corpus has read it: so a re-crawl or `reextract` of that page gives the
        record the speech already has, not the pointer again."""
        speech = super()._extract(body, url, encoding)
        if not is_pointer_only(list(speech.paragraphs or [])):
            return speech
        text = self._attachment_text(canonical_id(url))
        if text is None:
            speech.warnings.append(f"{TEXT_IN_ATTACHMENT}: the body only points to a file"
                                   " not read yet")
            return speech
        speech.paragraphs = text[0]
        speech.warnings.append(f"{TEXT_FROM_ATTACHMENT}: {text[1]}")
        return speech


def _media_type(content_type: str | None, body: bytes, url: str, name: str) -> str:
    """What the server said, unless the bytes are plainly a PDF (servers send PDFs as
    application/octet-stream or force-download)."""
    said = (content_type or "").split(";")[0].strip().lower()
    if body.lstrip()[:5].startswith(b"%PDF"):
        return "application/pdf"
    return said or guess_media_type(url, name)


def _file_text(body: bytes, media_type: str):
    from corpus.extract.attachments import AttachmentText, pdf_text

    if media_type == "application/pdf":
        return pdf_text(body)
    if media_type == "text/plain":
        text = body.decode("utf-8", "replace")
        paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
        return AttachmentText("\n\n".join(paragraphs), paragraphs, 1)
    return AttachmentText(warnings=[f"attachment-not-read: {media_type} (only PDF and text are)"])
