"""The crawl's one corpus writer: a process of its own, fed over a pipe (docs/design.md#d10-one-writer).

Everything a crawl writes (pages, failures, discovery fetches, frontier additions,
uuids) is a message of corpus/store/messages.py sent here by the crawl's one client
(scraper/crawl/client.py); the writer applies them in order and replies. Replies are read
when the reactor sees them and handed, in order, to the one `on_reply` given. The store's work for a page (hash, compress, extract, one
transaction) so runs beside the downloads on another core instead of competing with
Scrapy's reactor for the GIL.

Messages leave through one sender thread. A page body is bigger than the socket's
buffer, so a send from the reactor waited until the writer had finished the message
before: the reactor stood still for as long as the writer took (8 s of a 5,000-page
crawl at delay 0; seconds at a time behind a long PDF), reading no download and running
no timer meanwhile. The thread only pickles and writes, in order; the client's bound on
messages not yet answered (MAX_OUTSTANDING) still bounds its queue.
"""

from __future__ import annotations

import logging
import os
import queue
import threading

logger = logging.getLogger(__name__)


class Writer:
    def __init__(self, path, crawl_id: int, mode: str, on_reply=None, on_lost=None):
        import multiprocessing

        from twisted.internet import reactor

        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_writer_main, args=(child, path, crawl_id, mode, os.getpid()),
            name="corpus-writer")
        self.process.start()
        child.close()
        self.outstanding = 0  # messages sent and not answered yet
        self.on_reply = on_reply
        self.on_lost = on_lost
        self.alive = True
        self.reactor = reactor
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.sender = threading.Thread(target=self._send_all, name="corpus-writer-send",
                                       daemon=True)
        self.sender.start()
        reactor.addReader(self)

    def send(self, message) -> bool:
        """Hand a message over; False when the writer is gone (nothing was stored)."""
        if not self.alive:
            return False
        self.outstanding += 1
        self.outbox.put(message)
        return True

    def _send_all(self):
        """The sender thread: pickle and write each message in order; None (the
        writer's stop) is the last. A write that fails means the writer is gone: the
        reactor learns it from the closed socket, or from the call below."""
        while True:
            message = self.outbox.get()
            try:
                self.conn.send(message)
            except OSError:
                self.reactor.callFromThread(self._lost)
                return
            if message is None:
                return

    def flush(self) -> None:
        """Wait (blocking) for every reply: used when the spider is idle and must read
        what it just sent (the frontier), so nothing else is waiting anyway."""
        try:
            while self.alive and self.outstanding:
                self._dispatch(self.conn.recv())
        except (EOFError, OSError):
            self._lost()

    # twisted IReadDescriptor
    def fileno(self):
        return self.conn.fileno()

    def logPrefix(self):
        return "corpus-writer"

    def doRead(self):
        try:
            while self.alive and self.conn.poll():
                self._dispatch(self.conn.recv())
        except (EOFError, OSError):
            self._lost()

    def connectionLost(self, reason):
        self._lost()

    on_unwritten = None

    def _dispatch(self, reply):
        self.outstanding -= 1
        if self.on_reply is not None:
            self.on_reply(reply)

    def _lost(self):
        if self.alive:
            self.alive = False
            self.reactor.removeReader(self)
            logger.error("the corpus writer process ended; pages can no longer be stored")
            if self.on_lost:
                self.on_lost()

    def close(self):
        self.flush()
        if self.alive:
            self.reactor.removeReader(self)
            self.alive = False
        # The writer's stop (if it is gone, flush() above had every reply: nothing lost).
        self.outbox.put(None)
        self.sender.join(60)
        self.process.join(60)
        self.conn.close()


# ---- the writer process ----

def _writer_main(conn, path, crawl_id, mode, parent):
    """The writer process: apply each message sent, reply, in order."""
    import gc
    import signal
    import threading
    import time

    from corpus.store.messages import answer
    from corpus.store import Corpus

    # Ctrl-C reaches the whole process group: the crawl decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    corpus = Corpus(path)
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
        conn.send(answer(corpus, message, crawl_id, mode))
    corpus.close()
