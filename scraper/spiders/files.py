"""Attachment requests of the speeches spider (issue 12, DESIGN.md Decision 15).

When the writer records a speech page it answers with the files the page links and its
API record lists (on the site's hosts only); each becomes an ordinary request of this
spider, after the page: same downloader, so the same delay, robots.txt rules, retries,
size cap (the page bound) and off-site redirect rule. Known files are asked for by
conditional GET. The response (or the failure's reason) goes to the writer as an
`AttachmentFetched` message. A failed attachment never fails its speech: it is a
`failed` fetch with its reason, counted apart in the crawl's summary (`attachments`).
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import scrapy

from corpus.extract.attachments import api_attachments
from corpus.store.messages import AttachmentFetched
from corpus.urls import canonical_id, is_justice_host
from scraper.crawl import failures
from scraper.spiders import response_headers

logger = logging.getLogger(__name__)

ATTACHMENT_STATUSES = [304, 404, 410, 429, 500, 502, 503, 504, 408]


class Attachments:
    """Mixin of SpeechesSpider: needs `crawler`, `corpus`, `writer`, `local`."""

    attachments_asked: set | None = None
    attachments_scheduled = 0

    def api_files_of(self, request_url: str) -> list:
        """The API's `attachment` field for a speech page about to be handed to the
        writer (its frontier entry may come from another source); marks it read."""
        sid = canonical_id(request_url)
        self.__dict__.setdefault("pages_read", set()).add(sid)
        return self.__dict__.setdefault("api_files", {}).pop(sid, [])

    def note_api_files(self, entries) -> None:
        """An API page lists files of its speeches. A page handed to the writer already
        gets them requested now (the writer applies messages in order, so the page is
        stored first); the others get them with their page (`api_files_of`)."""
        for entry in entries:
            if not entry.attachments:
                continue
            sid = canonical_id(entry.url)
            if sid in getattr(self, "revalidating", ()):
                continue  # a revalidation is one request: its files come only with an edit
            if sid in self.__dict__.get("pages_read", ()):
                items = [{"url": a.url, "name": a.name, "media_type": a.media_type_guess,
                          "speech_id": sid}
                         for a in api_attachments(entry.attachments, self.base_url)
                         if is_justice_host(a.url, self.base_url)]
                self.fetch_attachments(SimpleNamespace(attachments=items))
            else:
                self.__dict__.setdefault("api_files", {})[sid] = entry.attachments

    def fetch_attachments(self, reply) -> None:
        """On the writer's reply for a speech page: request the files it found. After
        the crawl began closing (Ctrl-C, a lost writer) they are counted, not fetched."""
        if getattr(self, "closing_attachments", False):
            self.crawler.stats.inc_value("attachments/not_fetched", len(reply.attachments))
            return
        for item in reply.attachments:
            request = self.attachment_request(item)
            if request is not None:
                self.crawler.engine.crawl(request)
                self.attachments_scheduled += 1

    def owed_attachments(self):
        """Resume: the files of pages the killed run had read but not fetched (they were
        asked for from memory only, after each page's reply). Its pages count as read,
        so the API's files of those speeches are asked for when discovery meets them."""
        self.attachments_asked = self.corpus.attachments_fetched(self.crawl_id)
        self.__dict__.setdefault("pages_read", set()).update(
            self.corpus.frontier_read_ids(self.crawl_id))
        owed = self.corpus.attachments_owed(self.crawl_id, self.attachments_asked)
        if owed:
            logger.info("resuming: %d files of pages already read", len(owed))
            self.crawler.stats.set_value("attachments/owed", len(owed))
        for item in owed:
            request = self.attachment_request(item)
            if request is not None:
                self.attachments_scheduled += 1
                yield request

    def attachment_request(self, item: dict):
        """One request per (speech, file) and run; None for a file off the site."""
        if self.attachments_asked is None:
            self.attachments_asked = set()
        key = (item["speech_id"], canonical_id(item["url"]))
        url = self.local(item["url"])
        if key in self.attachments_asked or url is None:
            return None
        self.attachments_asked.add(key)
        headers = self.corpus.attachment_validators(item["speech_id"], url)
        return scrapy.Request(
            url, callback=self.parse_attachment, errback=self.attachment_failed,
            headers=headers, dont_filter=True,  # two speeches may share a file
            meta={"handle_httpstatus_list": list(ATTACHMENT_STATUSES), "kind": "attachment",
                  "speech_id": item["speech_id"], "name": item.get("name") or ""})

    def parse_attachment(self, response):
        meta = response.meta
        url = meta.get("redirect_urls", [response.request.url])[0]
        if response.status in (200, 304):
            message = AttachmentFetched(meta["speech_id"], url, meta["name"], response.status,
                                        response_headers(response), response.body)
        else:
            retries = meta.get("retry_times", 0)
            message = AttachmentFetched(meta["speech_id"], url, meta["name"], response.status,
                                        reason=f"HTTP {response.status} after {retries} retries")
        self.writer.send(message, self.attachment_written)
        return []

    def attachment_failed(self, failure):
        request = failure.request
        url = request.meta.get("redirect_urls", [request.url])[0]
        if failure.check(failures.Forbidden):
            why = "robots.txt disallows it"
        else:
            why = failures.reason(failure)
        self.writer.send(AttachmentFetched(request.meta["speech_id"], url, request.meta["name"],
                                           failures.status_of(failure), reason=why),
                         self.attachment_written)
        return []

    def attachment_written(self, reply) -> None:
        from scraper.crawl.pipelines import reason_kind

        stats = self.crawler.stats
        for warning in reply.warnings:
            stats.inc_value(f"warnings/{warning.split(':', 1)[0]}")
        if reply.outcome == "failed":
            stats.inc_value("attachments/failed")
            stats.inc_value(f"attachments_failed/{reason_kind(reply.reason.removeprefix('attachment: '))}")
            return
        kind = (reply.reason or "").split(";")[0].replace(" ", "_")  # new, changed, ...
        stats.inc_value(f"attachments/{kind}")

    def attachments_pending(self) -> bool:
        """At idle: wait for the writer's replies, which may schedule attachment
        requests; True when some were (the spider must not close yet)."""
        before = self.attachments_scheduled
        if self.writer.alive:
            self.writer.flush()
        return self.attachments_scheduled > before
