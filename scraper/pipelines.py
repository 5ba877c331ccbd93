"""Hands each fetched page to the corpus store and counts the outcomes.

The store's work for a page (hash, compress, extract, one SQLite transaction) runs in one
writer process with its own connection, so it runs beside the downloads on another core
instead of competing with Scrapy's reactor for the GIL. Pages go to it over a pipe and
are written in the order they arrived.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)


# Pages handed to the writer and not yet written. Past this, the pipeline waits, so
# Scrapy stops downloading ahead of the writer (memory stays bounded, and the writer's
# replies always fit in the pipe: it never blocks on them).
MAX_OUTSTANDING = 64


class CorpusPipeline:
    """Items are dicts with `kind`: "page" (a speech page response) or "failure" (a speech
    page that failed after the last retry). Discovery pages are recorded by the spider."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = crawler.settings.get("CORPUS_DB")
        self.writer = None  # the writer process, started with the first page
        self.outstanding = 0
        self.waiters = []  # Deferreds fired when the writer has caught up

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        from twisted.internet.defer import Deferred

        spider = spider or self.crawler.spider
        if self.writer is None:
            self.writer = WriterProcess(self.path, self._written, self._writer_lost)
        if not self.writer.alive:  # counted as failed: the run ends unhealthy (exit 3)
            self.stats.inc_value("outcome/failed")
            return {"kind": item["kind"], "url": item["url"]}
        self.writer.send((item, spider.crawl_id, spider.mode))
        self.outstanding += 1
        light = {"kind": item["kind"], "url": item["url"]}  # the body is not kept
        if self.outstanding < MAX_OUTSTANDING:
            return light  # fire and forget: the outcome is counted when it is written
        waiter = Deferred()
        self.waiters.append(waiter)
        return waiter.addCallback(lambda _: light)

    def _written(self, result):
        """On the reactor thread: count the outcome of one written page."""
        self.outstanding -= 1
        self._count(result)
        if self.outstanding <= MAX_OUTSTANDING // 2:
            waiters, self.waiters = self.waiters, []
            for waiter in waiters:
                waiter.callback(None)

    def _writer_lost(self):
        self.stats.inc_value("outcome/failed", self.outstanding)
        self.outstanding = 0
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

        while self.outstanding and self.writer.alive:  # every page handed over is counted
            await asyncio.sleep(0.02)
        if self.writer is not None:
            self.writer.close()


class WriterProcess:
    """One process that writes pages to the corpus, fed over a pipe by the reactor thread
    (no threads in the crawl process); its replies are read when the reactor sees them."""

    def __init__(self, path, on_result, on_lost):
        import multiprocessing

        from twisted.internet import reactor

        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_writer_main, args=(child, path, os.getpid()),
                                       name="corpus-writer")
        self.process.start()
        child.close()
        self.on_result, self.on_lost = on_result, on_lost
        self.alive = True
        self.reactor = reactor
        reactor.addReader(self)

    # twisted IReadDescriptor
    def fileno(self):
        return self.conn.fileno()

    def logPrefix(self):
        return "corpus-writer"

    def doRead(self):
        try:
            while self.conn.poll():
                self.on_result(self.conn.recv())
        except (EOFError, OSError):
            self._lost()

    def connectionLost(self, reason):
        self._lost()

    def _lost(self):
        if self.alive:
            self.alive = False
            self.reactor.removeReader(self)
            logger.error("the corpus writer process ended; pages can no longer be stored")
            self.on_lost()

    def send(self, message):
        try:
            self.conn.send(message)  # blocks only while the writer is far behind
        except OSError:
            self._lost()

    def close(self):
        if self.alive:
            self.reactor.removeReader(self)
            self.alive = False
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(60)
        self.conn.close()


# ---- the writer process ----

_writer = None


def _writer_main(conn, path, parent):
    """The writer process: record each page sent, reply with its outcome, in order."""
    global _writer
    import gc
    import threading
    import time

    from corpus.store import Corpus

    _writer = Corpus(path)
    gc.freeze()  # what is loaded now lives as long as the process: keep it out of GC scans

    def watch():
        # A crawl killed with SIGKILL cannot tell us to stop. Exit like it did (SQLite
        # rolls back any open write). `parent` comes from the crawl itself: it may be
        # dead before we got here.
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        item = message[0]
        try:
            result = _record(*message)
        except Exception as exc:  # a bug in one page must not stop the others
            result = (item.get("request_url") or item["url"], "failed",
                      f"{type(exc).__name__}: {exc}", [])
        conn.send(result)
    _writer.close()


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
