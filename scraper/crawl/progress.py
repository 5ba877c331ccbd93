"""Progress: a live line on a terminal, a log line per interval otherwise."""

from __future__ import annotations

import logging
import shutil
import sys
import time

from scrapy import signals

from corpus.outcomes import SPEECH_OUTCOMES

logger = logging.getLogger("scraper.crawl.progress")


class Progress:
    def __init__(self, crawler, live: bool, log_interval: float):
        self.crawler = crawler
        self.stats = crawler.stats
        self.live = live
        self.log_interval = log_interval
        self.started = time.monotonic()
        self.last_log = self.started
        self.call = None
        self.fetch_mark = None  # (time, pages done) when discovery was first seen over

    @classmethod
    def from_crawler(cls, crawler):
        setting = crawler.settings.get("JUSTICE_PROGRESS")
        live = sys.stderr.isatty() if setting is None else bool(setting)
        ext = cls(crawler, live, crawler.settings.getfloat("LOGSTATS_INTERVAL", 30.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        get = self.stats.get_value
        done = sum(get(f"outcome/{o}", 0) for o in SPEECH_OUTCOMES)
        queued = get("scheduler/enqueued", 0) - get("scheduler/dequeued", 0)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        return (f"{self.position(done, rate, queued)} | new {get('outcome/new', 0)}"
                f" changed {get('outcome/changed', 0)} unchanged {get('outcome/unchanged', 0)}"
                f" 304 {get('outcome/not_modified', 0)} gone {get('outcome/gone', 0)}"
                f" failed {get('outcome/failed', 0)} | {rate:.1f} pages/s")

    def position(self, done: int, rate: float, queued: int) -> str:
        """Where the run is: "N of TOTAL, ETA mm:ss" once discovery is over (the spider then knows how many
        speeches its frontier holds: stats frontier/total, frontier/discovery_done);
        before that, the total is unknown and the line says what it has."""
        get = self.stats.get_value
        total = get("frontier/total")
        if total is None or not get("frontier/discovery_done"):
            return f"pages {done} done, {queued} queued"
        now = time.monotonic()
        if self.fetch_mark is None:
            self.fetch_mark = (now, done)
        # The rate since discovery ended: discovery's own requests are not speech pages,
        # so the run's overall rate would promise too late an end.
        since, done_then = self.fetch_mark
        if done > done_then and now > since:
            rate = (done - done_then) / (now - since)
        left = max(total - done, 0)
        eta = _clock(left / rate) if rate > 0 else "--:--"
        return f"pages {done} of {total}, ETA {eta}"

    def tick(self):
        now = time.monotonic()
        if self.live:
            width = shutil.get_terminal_size((100, 20)).columns - 1
            sys.stderr.write("\r" + self.line()[:width].ljust(width))
            sys.stderr.flush()
        elif now - self.last_log >= self.log_interval:
            self.last_log = now
            logger.info(self.line())

    def opened(self, spider):
        from twisted.internet.task import LoopingCall

        self.call = LoopingCall(self.tick)
        self.call.start(0.5 if self.live else 1.0, now=False)

    def closed(self, spider, reason):
        if self.call and self.call.running:
            self.call.stop()
        if self.live:
            sys.stderr.write("\r" + self.line() + "\n")
            sys.stderr.flush()


def _clock(seconds: float) -> str:
    """mm:ss, or h:mm:ss past an hour (a backfill of the whole site takes hours)."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
