"""Attachments of speeches in the store (docs/design.md).

A page's attachments are found when the page is recorded (`page_attachments`: links in
the page, and its API record's `attachment` field), fetched by the crawl, and recorded
here: one `fetches` row per response (outcome `attachment`, or `failed` with its reason;
never a speech outcome), the bytes in raw_pages, an `attachments` row per distinct file
(a changed file is a new row, the old one kept: A -> B -> A is three rows).

A speech whose body is only a pointer to its PDF takes its paragraphs from the PDF's
text (warning `text-from-attachment`), so its content hash is that of the real text.
The first time the PDF is read that is a new version of the speech; afterwards the same
page and the same PDF give the same record, so re-crawls write nothing new.
"""

from __future__ import annotations

import hashlib
import json

from corpus.extract.attachments import (api_attachments, find_attachments, guess_media_type,
                                        is_pointer_only)
from corpus.outcomes import READ_OUTCOMES, Outcome, sql_in
from corpus.record import EXTRACTED_FIELDS, LIST_FIELDS, RECORD_FIELDS, Speech
from corpus.store.base import Store
from corpus.store.extraction import TEXT_FROM_ATTACHMENT
from corpus.store.fetches import FetchLog, fetch_row, norm_headers, to_json, validators
from corpus.store.messages import Reply
from corpus.store.raw import RawPages
from corpus.store.versions import Versions
from corpus.urls import canonical_id, is_justice_host


class Files:
    """Attachments: the files of speech pages, and the speech text a pointer-only page
    takes from its file (the writer process calls the writes)."""

    def __init__(self, store: Store, raw: RawPages, fetches: FetchLog, versions: Versions):
        self.store, self.raw, self.fetches, self.versions = store, raw, fetches, versions

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
        return {(sid, canonical_id(url)) for sid, url in self.store.execute(
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
        pages = self.store.execute(
            "SELECT f.speech_id, f.meta, s.url, r.compression, r.body, r.dict_id FROM frontier f"
            " JOIN speeches s ON s.id = f.speech_id JOIN raw_pages r ON r.sha256 = s.raw_sha256"
            f" WHERE f.crawl_id = ? AND f.state = 'done' AND f.outcome IN {sql_in(READ_OUTCOMES)}"
            " ORDER BY f.id", (crawl_id,))
        owed = []
        for sid, meta, url, compression, body, dict_id in pages:
            api_field = json.loads(meta or "{}").get("attachments")
            page = self.raw.read(compression, body, dict_id)
            found = self.page_attachments(page, url, api_field)
            owed += [{**item, "speech_id": sid} for item in found
                     if (sid, canonical_id(item["url"])) not in fetched]
        return owed

    def attachment_validators(self, speech_id: str, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last 200 of this attachment."""
        return validators(self.store.one(
            "SELECT etag, last_modified FROM fetches WHERE url = ? AND speech_id = ?"
            " AND outcome = ? AND status = 200 ORDER BY id DESC LIMIT 1",
            (url, speech_id, Outcome.ATTACHMENT.value)))

    def record_attachment_fetch(self, speech_id: str, url: str, name: str, status: int | None,
                                headers, body: bytes | None, crawl_id: int | None, *,
                                reason: str | None = None) -> Reply:
        """One response for an attachment (or its failure): a Reply whose outcome is
        `attachment` (its `change`: new / changed / unchanged / not modified) or `failed`."""
        headers = norm_headers(headers)
        body = body or b""
        fetch = fetch_row(crawl_id, url, status, headers, len(body))
        if not reason and not self.store.one("SELECT 1 AS x FROM speeches WHERE id = ?",
                                             (speech_id,)):
            reason = "its speech is not in the corpus (its page was not stored)"
        if reason or status not in (200, 304):
            why = f"attachment: {reason or f'HTTP {status}'}"
            with self.store.transaction():
                self.fetches.add(fetch, Outcome.FAILED, speech_id, self.store.now(), reason=why)
            return Reply(Outcome.FAILED, speech_id, reason=why)
        if status == 304:
            with self.store.transaction():
                now = self.store.now()
                latest = self._latest(speech_id, url)
                if latest:
                    self.store.update("attachments", latest["id"], {"last_seen": now})
                self.fetches.add(fetch, Outcome.ATTACHMENT, speech_id, now, reason="not modified")
            return Reply(Outcome.ATTACHMENT, speech_id, reason="not modified", change="not modified")
        media_type = _media_type(headers.get("content-type"), body, url, name)
        text = _file_text(body, media_type)  # outside the transaction: it may be slow
        with self.store.transaction():
            now = self.store.now()
            kind = self.record_attachment(speech_id, url, name, media_type, body, text.text,
                                          text.pages, warnings=text.warnings, now=now)
            warnings = list(text.warnings)
            version = None
            if kind != "unchanged":
                version = self._speech_from_attachment(speech_id, crawl_id, now)
                if version:
                    warnings.append(f"{TEXT_FROM_ATTACHMENT}: {url}")
            fetch["raw_sha256"] = hashlib.sha256(body).hexdigest()
            why = kind + (f"; the speech's text: version {version}" if version else "")
            self.fetches.add(fetch, Outcome.ATTACHMENT, speech_id, now, reason=why,
                             version=version, warnings=to_json(warnings))
        return Reply(Outcome.ATTACHMENT, speech_id, version, why, warnings, change=kind)

    def record_attachment(self, speech_id: str, url: str, name: str, media_type: str,
                          raw: bytes, text: str, pages: int, *, warnings=(),
                          now: str | None = None) -> str:
        """`new` (first file at this URL), `changed` (a new row; the old one kept) or
        `unchanged` (same bytes as the latest row: only last_seen moves)."""
        now = now or self.store.now()
        sha = hashlib.sha256(raw).hexdigest()
        latest = self._latest(speech_id, url)
        if latest and latest["raw_sha256"] == sha:
            self.store.update("attachments", latest["id"], {"last_seen": now})
            return "unchanged"
        self.raw.put(raw, now, sha=sha)
        self.store.insert("attachments", {
            "speech_id": speech_id, "url": url, "name": name, "media_type": media_type,
            "raw_sha256": sha, "text": text, "pages": pages,
            "warnings": json.dumps(list(warnings), ensure_ascii=False),
            "first_seen": now, "last_seen": now})
        return "changed" if latest else "new"

    def attachment_text(self, sid: str) -> tuple[list[str], str] | None:
        """(paragraphs, url) of the speech's first attachment with text, latest file."""
        row = self.store.one(
            "SELECT a.text, a.url FROM attachments a WHERE a.speech_id = ?"
            " AND a.id IN (SELECT max(id) FROM attachments WHERE speech_id = ? GROUP BY url)"
            " AND coalesce(a.text, '') != ''"
            " ORDER BY (SELECT min(id) FROM attachments b WHERE b.speech_id = a.speech_id"
            "   AND b.url = a.url) LIMIT 1", (sid, sid))
        return (row["text"].split("\n\n"), row["url"]) if row else None

    def _latest(self, speech_id: str, url: str) -> dict | None:
        """The newest row of the file at `url` of a speech."""
        return self.store.one(
            "SELECT id, raw_sha256 FROM attachments WHERE speech_id = ? AND url = ?"
            " ORDER BY id DESC LIMIT 1", (speech_id, url))

    def _speech_from_attachment(self, sid: str, crawl_id, now: str) -> int | None:
        """A new version of a pointer-only speech whose attachment was just read (or
        changed): its current record with the file's paragraphs. None otherwise."""
        current = self.store.one(
            "SELECT v.* FROM speech_versions v JOIN speeches s"
            " ON s.id = v.speech_id AND s.version = v.version WHERE s.id = ?", (sid,))
        if current is None:
            return None
        paragraphs = json.loads(current["paragraphs"] or "[]")
        came_from_file = self.store.one(
            "SELECT 1 AS x FROM attachments WHERE speech_id = ? AND text = ?",
            (sid, current["text"]))
        if not is_pointer_only(paragraphs) and not came_from_file:
            return None
        text = self.attachment_text(sid)
        if text is None:
            return None
        record = {name: current[name] for name in RECORD_FIELDS}
        for name in LIST_FIELDS:
            if name != "paragraphs" and name in record:
                record[name] = json.loads(record[name] or "[]")
        speech = Speech(url=current["url"], paragraphs=text[0],
                        extractor_version=current["extractor_version"],
                        **{n: record[n] for n in EXTRACTED_FIELDS if n != "paragraphs"})
        outcome, version, _ = self.versions.apply(sid, speech, current["raw_sha256"], crawl_id,
                                                  now, current["url"], fetched=False)
        return version if outcome == "changed" else None


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
