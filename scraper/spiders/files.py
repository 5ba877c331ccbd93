"""Attachment requests of the speeches spider (issue 12, docs/design.md#d15-attachments).

When the writer records a speech page it answers with the files the page links and its
API record lists (on the site's hosts only); each becomes an ordinary request of this
spider, after the page: same downloader, so the same delay, robots.txt rules, retries,
size cap (the page bound) and off-site redirect rule. Known files are asked for by
conditional GET. The response (or the failure's reason) goes to the writer as an
`AttachmentFetched` item (through the pipeline, so under the crawl's one bound). A failed attachment never fails its speech: it is a
`failed` fetch with its reason, counted apart in the crawl's summary (`attachments`).
"""

from __future__ import annotations

import logging
import scrapy

from corpus.extract.attachments import api_attachments
from corpus.outcomes import Outcome
from corpus.store.messages import AttachmentFetched
from corpus.urls import canonical_id, is_justice_host
from scraper.crawl import failures
from scraper.crawl.health import count_warnings, reason_kind
from scraper.spiders import response_headers

logger = logging.getLogger(__name__)

ATTACHMENT_STATUSES = [304, 404, 410, 429, 500, 502, 503, 504, 408]


class Attachments:
    """Mixin of SpeechesSpider: needs `crawler`, `corpus`, `client`, `local`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attachments_asked: set = set()  # (speech id, file id) requested this run
        self.attachments_scheduled = 0
        self.pages_read: set[str] = set()  # speeches whose page went to the writer
        self.api_files: dict[str, list] = {}  # speech id -> API files, until its page is read

    def api_files_of(self, request_url: str) -> list:
        """The API's `attachment` field for a speech page about to be handed to the
        writer (its frontier entry may come from another source); marks it read."""
        sid = canonical_id(request_url)
        self.pages_read.add(sid)
        return self.api_files.pop(sid, [])

    def note_api_files(self, entries) -> None:
        """An API page lists files of its speeches. A page handed to the writer already
        gets them requested now (the writer applies messages in order, so the page is
        stored first); the others get them with their page (`api_files_of`)."""
        for entry in entries:
            if not entry.attachments:
                continue
            sid = canonical_id(entry.url)
            if sid in self.revalidating:
                continue  # a revalidation is one request: its files come only with an edit
            if sid in self.pages_read:
                self.fetch_attachments([
                    {"url": a.url, "name": a.name, "media_type": a.media_type_guess,
                     "speech_id": sid}
                    for a in api_attachments(entry.attachments, self.base_url)
                    if is_justice_host(a.url, self.base_url)])
            else:
                self.api_files[sid] = entry.attachments

    def fetch_attachments(self, items: list[dict]) -> None:
        """Request the files of a speech page (on the writer's reply for it). After the
        crawl began closing (Ctrl-C, a lost writer) they are counted, not fetched."""
        if self.client.closing or not self.client.alive:
            self.crawler.stats.inc_value("attachments/not_fetched", len(items))
            return
        for item in items:
            request = self.attachment_request(item)
            if request is not None:
                self.crawler.engine.crawl(request)
                self.attachments_scheduled += 1

    def owed_attachments(self):
        """Resume: the files of pages the killed run had read but not fetched (they were
        asked for from memory only, after each page's reply). Its pages count as read,
        so the API's files of those speeches are asked for when discovery meets them."""
        self.attachments_asked = self.corpus.attachments_fetched(self.crawl_id)
        self.pages_read.update(self.corpus.frontier_read_ids(self.crawl_id))
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
        yield message

    def attachment_failed(self, failure):
        request = failure.request
        url = request.meta.get("redirect_urls", [request.url])[0]
        if failure.check(failures.Forbidden):
            why = "robots.txt disallows it"
        else:
            why = failures.reason(failure)
        yield AttachmentFetched(request.meta["speech_id"], url, request.meta["name"],
                                failures.status_of(failure), reason=why)

    def attachment_written(self, reply) -> None:
        """On the writer's reply for a file: counted by its change (or failure)."""
        stats = self.crawler.stats
        count_warnings(stats, reply)
        if reply.outcome == Outcome.FAILED:
            stats.inc_value("attachments/failed")
            stats.inc_value(f"attachments_failed/{reason_kind(reply.reason.removeprefix('attachment: '))}")
            return
        stats.inc_value(f"attachments/{(reply.change or '').replace(' ', '_')}")

    def attachments_pending(self) -> bool:
        """At idle: wait for the writer's replies, which may schedule attachment
        requests; True when some were (the spider must not close yet)."""
        before = self.attachments_scheduled
        self.client.flush()
        return self.attachments_scheduled > before
