"""Progress: a live line on a terminal, a log line per interval otherwise."""

from __future__ import annotations

import logging
import shutil
import sys
import time

from scrapy import signals

from corpus.outcomes import SPEECH_OUTCOMES

logger = logging.getLogger("scraper.progress")


class Progress:
    def __init__(self, crawler, live: bool, log_interval: float):
        self.crawler = crawler
        self.stats = crawler.stats
        self.live = live
        self.log_interval = log_interval
        self.started = time.monotonic()
        self.last_log = self.started
        self.call = None

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
        return (f"pages {done} done, {queued} queued | new {get('outcome/new', 0)}"
                f" changed {get('outcome/changed', 0)} unchanged {get('outcome/unchanged', 0)}"
                f" 304 {get('outcome/not_modified', 0)} gone {get('outcome/gone', 0)}"
                f" failed {get('outcome/failed', 0)} | {rate:.1f} pages/s")

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
