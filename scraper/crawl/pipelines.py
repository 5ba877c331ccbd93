"""Hands each speech page (a `PageFetched` or `PageFailed` item) to the corpus writer
and counts the outcomes it replies with."""

from __future__ import annotations

import logging

from corpus.outcomes import Outcome
from corpus.urls import canonical_id
from scraper.crawl.writer import writer_of

logger = logging.getLogger(__name__)

# Pages handed to the writer and not yet written. Past this, the pipeline waits, so
# Scrapy stops downloading ahead of the writer (memory stays bounded, and the writer's
# replies always fit in the pipe: it never blocks on them).
MAX_OUTSTANDING = 64


class CorpusPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.waiters = []  # Deferreds fired when the writer has caught up

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item, spider=None):
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet.defer import Deferred

        writer = writer_of(self.crawler)
        light = {"kind": type(item).__name__, "url": item.url}  # the body is not kept
        if not writer.send(item, self._written):
            return light  # the writer is gone: the crawl is closing, the frontier keeps it
        if writer.outstanding >= MAX_OUTSTANDING:  # else fire and forget: counted on reply
            waiter = Deferred()
            self.waiters.append(waiter)
            await maybe_deferred_to_future(waiter)
        return light

    def _written(self, reply):
        """On the reactor thread: count the outcome of one written page."""
        count(self.stats, reply)
        if canonical_id(reply.url) in getattr(self.crawler.spider, "revalidating", ()):
            self.stats.inc_value(f"revalidate/{reply.outcome}")
        if getattr(reply, "attachments", None):  # the files the page links: fetched next
            self.crawler.spider.fetch_attachments(reply)
        if writer_of(self.crawler).outstanding <= MAX_OUTSTANDING // 2:
            waiters, self.waiters = self.waiters, []
            for waiter in waiters:
                waiter.callback(None)

    async def close_spider(self, spider=None):
        writer = getattr(self.crawler, "writer", None)
        self.crawler.spider.closing_attachments = True  # too late to request files
        if writer is not None:
            writer.close()  # every page handed over is written and counted first
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            waiter.callback(None)


def count(stats, reply) -> None:
    """Crawl statistics of one page reply: outcome, warnings by kind, witness agreement."""
    for warning in reply.warnings:
        stats.inc_value(f"warnings/{warning.split(':', 1)[0]}")
    for name, (verdict, source) in reply.witness.items():
        stats.inc_value(f"witness/{name}/{verdict}")
        stats.inc_value(f"witness_source/{name}/{verdict}/{source}")
    stats.inc_value(f"outcome/{reply.outcome}")
    if reply.outcome == Outcome.FAILED:
        stats.inc_value(f"failed/{reason_kind(reply.reason)}")
        logger.warning("failed: %s (%s)", reply.url, reply.reason)
    elif reply.outcome == Outcome.GONE:
        logger.info("gone: %s", reply.url)


def reason_kind(reason: str | None) -> str:
    """'HTTP 403 after 0 retries' -> 'HTTP 403'; 'redirect loop via ...' -> 'redirect loop'."""
    reason = reason or "unknown"
    if reason.startswith("HTTP "):
        return " ".join(reason.split()[:2])
    if reason.startswith("database error"):  # "database error: database or disk is full"
        return reason.split(": ")[0] + ": " + reason.split(": ")[-1][:60]
    for kind in ("redirect loop", "redirect off-site", "too large", "URL too long", "timeout",
                 "network error", "callback error", "store error"):
        if reason.startswith(kind):
            return kind
    return reason.split(":", 1)[0][:40]
