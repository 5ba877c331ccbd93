"""The backfill's progress line (scraper/crawl/progress.py): no total while discovery
runs, then the total and an ETA."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from scraper.crawl import progress

# -- the backfill's progress line -------------------------------------------------------

class Ticking:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def line(monkeypatch):
    clock = Ticking()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))
    ext = progress.Progress(SimpleNamespace(stats=stats), live=False, log_interval=30)
    return ext, stats, clock


def test_progress_has_no_total_during_discovery(line):
    ext, stats, clock = line
    stats.set_value("outcome/new", 3)
    stats.set_value("frontier/total", 50)  # still growing: discovery is not over
    clock.now += 1
    text = ext.line()
    assert text.startswith("pages 3 done, 0 queued |") and "ETA" not in text


def test_progress_shows_the_total_and_an_eta_once_discovery_is_done(line):
    ext, stats, clock = line
    clock.now += 100  # discovery took long: it must not slow the estimate
    stats.set_value("outcome/new", 20)
    stats.set_value("frontier/total", 100)
    stats.set_value("frontier/discovery_done", 1)
    assert ext.line().startswith("pages 20 of 100, ETA ")
    clock.now += 10
    stats.set_value("outcome/new", 30)
    stats.set_value("outcome/not_modified", 10)  # 20 pages in 10 s since discovery ended
    assert ext.line().startswith("pages 40 of 100, ETA 00:30 |")


def test_eta_clock():
    assert progress._clock(59.6) == "01:00"
    assert progress._clock(3725) == "1:02:05"


# -- `scrapy crawl speeches` ------------------------------------------------------------
