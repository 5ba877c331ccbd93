"""Hands each fetched page to the corpus store and counts the outcomes.

The store's work for a page (hash, compress, extract, one SQLite transaction) runs in one
writer process with its own connection, so it runs beside the downloads on another core
instead of competing with Scrapy's reactor for the GIL. It has one worker, so pages are
written in the order they arrived.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)


# Pages handed to the writer and not yet written. Past this, the pipeline waits, so
# Scrapy stops downloading ahead of the writer (memory stays bounded).
MAX_OUTSTANDING = 64


class CorpusPipeline:
    """Items are dicts with `kind`: "page" (a speech page response) or "failure" (a speech
    page that failed after the last retry). Discovery pages are recorded by the spider."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = crawler.settings.get("CORPUS_DB")
        self.executor = None  # the writer process, started with the first page
        self.outstanding = 0
        self.waiters = []  # Deferreds fired when the writer has caught up

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _submit(self, item, crawl_id, mode):
        if self.executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.executor = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_open_writer, initargs=(self.path, os.getpid()),
            )
        return self.executor.submit(_record, item, crawl_id, mode)

    def process_item(self, item, spider=None):
        from twisted.internet import reactor
        from twisted.internet.defer import Deferred

        spider = spider or self.crawler.spider
        future = self._submit(item, spider.crawl_id, spider.mode)
        self.outstanding += 1
        future.add_done_callback(lambda f: reactor.callFromThread(self._written, f))
        light = {"kind": item["kind"], "url": item["url"]}  # the body is not kept
        if self.outstanding < MAX_OUTSTANDING:
            return light  # fire and forget: the outcome is counted when it is written
        waiter = Deferred()
        self.waiters.append(waiter)
        return waiter.addCallback(lambda _: light)

    def _written(self, future):
        """On the reactor thread: count the outcome of one written page."""
        self.outstanding -= 1
        error = future.exception()
        if error is not None:  # the writer died: nothing more can be stored
            logger.error("corpus writer failed: %s", error)
            self.stats.inc_value("outcome/failed")
        else:
            self._count(future.result())
        if self.outstanding <= MAX_OUTSTANDING // 2 or self.outstanding == 0:
            waiters, self.waiters = self.waiters, []
            for waiter in waiters:
                waiter.callback(None)

    def _count(self, result):
        url, outcome, reason, warnings = result
        for warning in warnings:
            self.stats.inc_value(f"warnings/{warning.split(':', 1)[0]}")
        self.stats.inc_value(f"outcome/{outcome}")
        if outcome == "failed":
            logger.warning("failed: %s (%s)", url, reason)
        elif outcome == "gone":
            logger.info("gone: %s", url)

    async def close_spider(self, spider=None):
        import asyncio

        while self.outstanding:  # every page handed over is written and counted
            await asyncio.sleep(0.02)
        if self.executor is not None:
            self.executor.shutdown(wait=True)


# ---- the writer process ----

_writer = None


def _open_writer(path, parent):
    global _writer
    import gc
    import threading
    import time

    from corpus.store import Corpus

    _writer = Corpus(path)
    gc.freeze()  # what is loaded now lives as long as the process: keep it out of GC scans

    def watch():
        # A crawl killed with SIGKILL cannot stop its pool: the worker would wait for
        # work forever. Exit like the parent did (SQLite rolls back any open write).
        # `parent` comes from the crawl itself: it may be dead before we got here.
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _record(item, crawl_id, mode):
    """In the writer process: record the page, then tick it off the frontier."""
    url = item.get("request_url") or item["url"]
    if item["kind"] == "failure":
        outcome = _writer.record_failure(item["url"], crawl_id, item["reason"],
                                         status=item.get("status"))
        reason, warnings = item["reason"], []
    else:
        result = _writer.record(item["url"], item["status"], item["headers"], item["body"],
                                crawl_id, request_url=item.get("request_url"))
        outcome, reason, warnings = result.outcome, result.reason, list(result.warnings or [])
    if mode == "backfill":
        _writer.frontier_done(crawl_id, url, outcome)
    return url, outcome, reason, warnings
