"""The one runtime of a run, the site's crawl or backfill and the archive's backfill alike:
robots.txt and pace, Scrapy, then health, summary and the `crawls` row.

A kind of run (`RunKind`) supplies only what differs: its spider and the spider's
arguments, the robots.txt it obeys (the site's, or the archive host's) and the delay that
follows, settings of its own, and its summary and health rules. scraper/crawl/run.py
has the site's kind, scraper/archive/run.py the archive's.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from corpus.errors import CrawlUnhealthy
from scraper.crawl.defaults import user_agent

logger = logging.getLogger("scraper.crawl.run")
INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C


class RunKind:
    """What one kind of run brings to `execute`."""

    def prepare(self, opts, corpus, crawl_id: int):
        """Fetch, record and check robots.txt; return (robots, delay, settings): the
        fetched robots.txt (scraper.crawl.robots.fetch_robots), the seconds between two
        requests, and Scrapy settings of this kind."""
        raise NotImplementedError

    def spider(self, opts, crawl_id: int) -> tuple[type, dict]:
        """The spider class and its arguments."""
        raise NotImplementedError

    def label(self, opts) -> str:
        return opts.mode

    def summary(self, stats: dict, robots_requests: int, started: float, delay: float) -> dict:
        raise NotImplementedError

    def interrupted(self, result: dict, opts) -> str:
        raise NotImplementedError

    def health(self, stats: dict, problems: list[str], opts, settings) -> tuple[int, list[str]]:
        raise NotImplementedError

    def format_summary(self, result: dict) -> str:
        raise NotImplementedError


def execute(kind: RunKind, opts, corpus, crawl_id: int, echo) -> int:
    """One run of this kind in this process; returns the exit code."""
    started = time.monotonic()
    robots, delay, own = kind.prepare(opts, corpus, crawl_id)
    settings = build_settings(opts, robots.text, delay, None)
    settings.setdict(own, priority="cmdline")
    spider, args = kind.spider(opts, crawl_id)
    crawler = run_scrapy(opts, settings, spider, args)

    stats = crawler.stats.get_stats()
    result = kind.summary(stats, robots.requests, started, delay)
    if stats.get("finish_reason", "finished") in ("shutdown", "cancelled"):
        echo(kind.interrupted(result, opts))
        if opts.mode == "crawl":  # a backfill is continued with --resume: left unfinished
            finish(corpus, crawl_id, {**result, "health": ["interrupted"]}, INTERRUPTED)
        return INTERRUPTED
    code, reasons = kind.health(stats, crawler.spider.problems, opts, settings)
    return conclude(corpus, crawl_id, kind.label(opts), result, code, reasons, echo,
                    kind.format_summary)


def build_settings(opts, robots_txt: str, delay: float, since_moment):
    """Scrapy settings of a run: scraper/crawl/settings.py, bounds lowered from the
    environment, then the run's options."""
    import os

    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("scraper.crawl.settings", priority="project")
    # Bounds may be lowered from the environment (tests, a small machine).
    for name in ("JUSTICE_MAX_PAGE_BYTES", "JUSTICE_MAX_SITEMAP_BYTES",
                 "JUSTICE_MAX_SITEMAP_URLS", "JUSTICE_WITNESS_ALARM"):
        if os.environ.get(name):
            settings.set(name, float(os.environ[name]) if "ALARM" in name
                         else int(os.environ[name]), priority="cmdline")
    settings.setdict({
        "JUSTICE_BASE_URL": opts.base_url,
        "JUSTICE_DELAY": opts.delay,
        "JUSTICE_CONTACT": opts.contact,
        "JUSTICE_COMPONENT_LISTINGS": opts.component_listings,
        "JUSTICE_KNOWN_RUN": opts.known_run,
        "JUSTICE_REVALIDATE": opts.revalidate if opts.mode == "crawl" else 0,
        "JUSTICE_MAX_FAILURES": opts.max_failures,
        "JUSTICE_IGNORE_ROBOTS": opts.ignore_robots,
        "JUSTICE_ROBOTS_TXT": robots_txt,
        "JUSTICE_SINCE_MOMENT": since_moment,
        "JUSTICE_BACKOFF_BASE": opts.backoff_base,
        "JUSTICE_MAX_RETRY_AFTER": opts.max_retry_after,
        "JUSTICE_PROGRESS": opts.progress,
        "JUSTICE_VIA_CLI": True,
        "CORPUS_DB": opts.db_path,
        "USER_AGENT": user_agent(opts.contact),
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_MAXSIZE": settings.getint("JUSTICE_MAX_PAGE_BYTES"),
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.01),
        # AutoThrottle's ceiling must never undercut Crawl-delay (60 s by default).
        "AUTOTHROTTLE_MAX_DELAY": max(settings.getfloat("AUTOTHROTTLE_MAX_DELAY"), delay),
        "AUTOTHROTTLE_ENABLED": delay > 0,  # with no delay (replica, benchmarks) it only slows
    }, priority="cmdline")
    return settings


def conclude(corpus, crawl_id: int, label: str, result: dict, code: int, reasons: list[str],
             echo, summary_text) -> int:
    """Record the finished run, print its summary, raise the one line when unhealthy."""
    result["health"] = reasons
    finish(corpus, crawl_id, result, code)
    echo(f"{label} #{crawl_id} {'healthy' if code == 0 else 'UNHEALTHY'}:")
    echo(summary_text(result))
    if reasons:
        raise CrawlUnhealthy(reasons[0] if reasons[0].startswith("blocked:")
                             else "crawl unhealthy: " + "; ".join(reasons))
    return 0


def finish(corpus, crawl_id: int, stats: dict, code: int) -> None:
    try:
        corpus.finish_crawl(crawl_id, stats, code)
    except sqlite3.Error as exc:  # a full disk: say so in one line, not a traceback
        raise CrawlUnhealthy(f"database error while recording the run: {exc}") from None


def run_scrapy(opts, settings, spider: type, args: dict):
    from scrapy.crawler import CrawlerProcess

    quiet = [] if opts.verbose else ["scrapy", "py.warnings", "protego", "twisted"]
    if quiet:  # a filter, not a level: CrawlerProcess resets levels before it logs this
        logging.getLogger("scrapy.utils.log").addFilter(lambda r: r.levelno >= logging.WARNING)
    process = CrawlerProcess(settings)
    for name in quiet:  # our own loggers say what matters; Scrapy's INFO is noise here
        logging.getLogger(name).setLevel(logging.WARNING)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **args)
    process.start()
    return crawler
