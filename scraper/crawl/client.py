"""The crawl's one route to the corpus writer: a Scrapy extension.

Every message a crawl writes (pages, failures, discovery fetches, frontier additions,
uuids, attachments, the archive's answers) goes through `WriterClient.send`; spiders and
the pipeline reach it with `client_of(crawler)` (`crawler.get_extension`). It holds the
one bound on messages the writer has not answered (`MAX_OUTSTANDING`) and the one reply
dispatch: each reply is sent as the `reply_received` signal, in the order the messages
were sent (a reply names its message's type, `kind`, and what it was about).

Back-pressure: messages that carry a body (a page, a file, a capture) are Scrapy items,
so the pipeline awaits `ready()` after sending them; Scrapy then stops downloading ahead
of the writer (memory stays bounded, and the writer's replies always fit in the pipe: it
never blocks on them). Bookkeeping messages (discovery, frontier, uuid) are small and
caused by a response the bound already counted: they are sent without waiting.
"""

from __future__ import annotations

import logging
from scrapy import signals

from corpus.store.messages import UnknownMessage, known
from scraper.crawl.writer import Writer

logger = logging.getLogger(__name__)

# Messages handed to the writer and not yet answered, past which item producers wait.
MAX_OUTSTANDING = 64
# Messages whose reply no page outcome counts: a write of theirs that failed (a lock held
# past the busy timeout, a damaged file) would otherwise be lost without a word.
UNCOUNTED = ("DiscoveryFetched", "FrontierAdd", "UuidFound")
reply_received = object()  # signal, with reply=corpus.store.messages.Reply


def client_of(crawler) -> WriterClient:
    client = crawler.get_extension(WriterClient)
    if client is None:
        raise RuntimeError("EXTENSIONS must enable scraper.crawl.client.WriterClient")
    return client


class WriterClient:
    def __init__(self, crawler, bound: int = MAX_OUTSTANDING):
        self.crawler = crawler
        self.bound = bound
        self.writer: Writer | None = None  # started on first send
        self.waiters: list = []  # Deferreds fired when the writer has caught up
        self.closing = False  # replies after this cannot start new requests
        self.lost = False

    @classmethod
    def from_crawler(cls, crawler):
        client = cls(crawler)
        # At spider_closed, after the pipeline's last item: every message handed over is
        # answered, and its reply counted, before the runner reads the stats. (The
        # spider's own handler may have closed its read-only corpus already: with
        # `closing` set, reply handlers only count.)
        crawler.signals.connect(client.close, signal=signals.spider_closed)
        return client

    @property
    def outstanding(self) -> int:
        return self.writer.outstanding if self.writer is not None else 0

    @property
    def alive(self) -> bool:
        return not self.lost

    def send(self, message) -> bool:
        """Hand a message over; False when the writer is gone (nothing was stored). A
        type the writer has no function for is refused here, before it is sent."""
        if not known(message):
            raise UnknownMessage(f"the writer has no function for {type(message).__name__}")
        if self.lost:
            return False
        return self._writer().send(message)

    def ready(self):
        """None when the writer is less than `bound` messages behind, else a Deferred
        fired once it has caught up halfway; the pipeline awaits it after each item."""
        from twisted.internet.defer import Deferred

        if self.outstanding < self.bound or self.lost:
            return None  # no Deferred to await: awaiting one costs a reactor turn
        waiter = Deferred()
        self.waiters.append(waiter)
        return waiter

    def flush(self) -> None:
        """Wait (blocking) for every reply: for a spider that must read what it just
        sent (the frontier) when it is idle, so nothing else is waiting anyway."""
        if self.writer is not None and not self.lost:
            self.writer.flush()

    def close(self, spider=None, reason=None) -> None:
        self.closing = True
        if self.writer is not None:
            self.writer.close()  # every message handed over is answered first
        self._release()

    def _writer(self) -> Writer:
        if self.writer is None:
            spider = self.crawler.spider
            self.writer = Writer(self.crawler.settings.get("CORPUS_DB"), spider.crawl_id,
                                 spider.mode, on_reply=self._replied, on_lost=self._lost)
        return self.writer

    def _replied(self, reply) -> None:
        """On the reactor thread: one reply, in the order sent."""
        if reply.outcome == "failed" and reply.kind in UNCOUNTED:
            self._unwritten(reply)
        self.crawler.signals.send_catch_log(reply_received, reply=reply)
        if self.outstanding <= self.bound // 2:
            self._release()

    def _unwritten(self, reply) -> None:
        """Counted in the stats the run's health reads (`write_failed/...`): unhealthy."""
        kind = (reply.reason or "write error").split(": ")
        self.crawler.stats.inc_value(f"write_failed/{kind[0]}: {kind[-1][:60]}")
        logger.error("not written to the corpus: %s %s (%s)", reply.kind, reply.url, reply.reason)

    def _release(self) -> None:
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            waiter.callback(None)

    def _lost(self) -> None:
        """The writer died (killed, disk full...): stop at once rather than download
        pages that could not be stored; the frontier keeps what is left for --resume."""
        self.lost = True
        self.crawler.stats.set_value("writer/lost", 1)
        self._release()  # after the stat: what resumes may read it
        engine = self.crawler.engine
        if engine and engine.running:
            from twisted.internet import reactor

            reactor.callLater(0, engine.close_spider, self.crawler.spider, "writer_lost")
