"""Hands each fetched page to the corpus store and counts the outcomes.

The store's work for a page (hash, compress, extract, one SQLite transaction) runs on one
writer thread with its own connection, so it overlaps with the downloads the reactor
thread is doing: lxml, zlib and SQLite release the GIL for most of it. One thread keeps
writes in order and the connection single-threaded.
"""

from __future__ import annotations

import logging

from scrapy import signals

logger = logging.getLogger(__name__)


class CorpusPipeline:
    """Items are dicts with `kind`: "page" (a speech page response) or "failure" (a speech
    page that failed after the last retry). Discovery pages are recorded by the spider."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = crawler.settings.get("CORPUS_DB")
        self.pool = None
        self.writer = None  # the writer thread's Corpus, opened in that thread

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.opened, signal=signals.spider_opened)
        return pipeline

    def opened(self, spider):
        from twisted.python.threadpool import ThreadPool

        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="corpus-writer")
        self.pool.start()

    def close_spider(self, spider=None):
        from twisted.internet import reactor
        from twisted.internet.threads import deferToThreadPool

        if self.pool is None:
            return None

        def close():
            if self.writer is not None:
                self.writer.close()

        d = deferToThreadPool(reactor, self.pool, close)
        d.addBoth(lambda result: self.pool.stop() or result)
        return d

    def _write(self, item, crawl_id, mode):
        """On the writer thread: record the page, then tick it off the frontier."""
        if self.writer is None:
            from corpus.store import Corpus

            self.writer = Corpus(self.path)
        url = item.get("request_url") or item["url"]
        if item["kind"] == "failure":
            outcome = self.writer.record_failure(
                item["url"], crawl_id, item["reason"], status=item.get("status"))
            reason, warnings = item["reason"], []
        else:
            result = self.writer.record(
                item["url"], item["status"], item["headers"], item["body"], crawl_id,
                request_url=item.get("request_url"),
            )
            outcome, reason, warnings = result.outcome, result.reason, result.warnings or []
        if mode == "backfill":
            self.writer.frontier_done(crawl_id, url, outcome)
        return url, outcome, reason, warnings

    def _count(self, result):
        url, outcome, reason, warnings = result
        for warning in warnings:
            self.stats.inc_value(f"warnings/{warning.split(':', 1)[0]}")
        self.stats.inc_value(f"outcome/{outcome}")
        if outcome == "failed":
            logger.warning("failed: %s (%s)", url, reason)
        elif outcome == "gone":
            logger.info("gone: %s", url)

    def process_item(self, item, spider=None):
        from twisted.internet import reactor
        from twisted.internet.threads import deferToThreadPool

        spider = spider or self.crawler.spider
        d = deferToThreadPool(reactor, self.pool, self._write, item, spider.crawl_id,
                              spider.mode)
        d.addCallback(self._count)
        d.addCallback(lambda _: {"kind": item["kind"], "url": item["url"]})  # drop the body
        return d
