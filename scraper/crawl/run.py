"""Run one crawl or backfill in this process: lock, robots.txt, Scrapy, health, summary.

One crawl per process (Twisted's reactor cannot restart), so tests run the CLI in a
subprocess. Exit codes follow DESIGN.md Decision 1; every run, even one that stopped
before crawling, is recorded in `crawls` with its exit status and reason.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass, field, fields

from corpus.errors import CorpusError, CrawlUnhealthy, UserError
from scraper.crawl import defaults
from scraper.crawl.defaults import SOURCES, user_agent
from scraper.crawl.health import format_summary, health, summary
from scraper.crawl.robots import check_speech_paths, fetch_robots
from scraper.archive.cdx import DEFAULT_WAYBACK_URL as WAYBACK_URL, WAYBACK_DELAY

logger = logging.getLogger("scraper.crawl.run")

__all__ = ["CrawlOptions", "run", "user_agent", "SOURCES"]
INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C


@dataclass
class CrawlOptions:
    mode: str  # "crawl" | "backfill"
    db_path: str = "corpus.db"
    base_url: str = defaults.BASE_URL
    delay: float = defaults.DELAY
    contact: str = ""
    ignore_robots: bool = False
    max_failures: float = defaults.MAX_FAILURES
    known_run: int = defaults.KNOWN_RUN
    revalidate: int = defaults.REVALIDATE  # scheduled crawl only
    component_listings: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    sources: list[str] = field(default_factory=list)
    resume: bool = False
    progress: bool | None = None  # None: on when stderr is a terminal
    verbose: bool = False
    backoff_base: float = defaults.BACKOFF_BASE
    max_retry_after: float = defaults.MAX_RETRY_AFTER
    wayback_url: str = WAYBACK_URL  # backfill --source wayback: the Internet Archive
    wayback_delay: float = WAYBACK_DELAY

    # How this process shows itself: not part of what the run is, so not stored.
    LOCAL = ("mode", "db_path", "resume", "progress", "verbose")

    def args(self) -> dict:
        """Every argument that defines the run (stored in crawls.args; --resume restores
        them all: delay, robots, contact, thresholds, sources, dates)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in self.LOCAL}


def build_settings(opts: CrawlOptions, robots_txt: str, delay: float, since_moment):
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


def run(opts: CrawlOptions, echo=print, archive=None) -> int:
    """Run the crawl; returns the exit code. Raises CorpusError for expected failures.
    `archive`: the runner of `--source wayback` (scraper.archive.run.run_wayback), given
    by the caller so the site's runtime does not depend on the archive's."""
    from corpus.store.lock import CorpusLock
    from corpus.store import Corpus

    with CorpusLock(opts.db_path), Corpus(opts.db_path) as corpus:
        if opts.resume:
            previous = corpus.last_unfinished_crawl("backfill")
            if previous is None:
                raise UserError("no unfinished backfill to resume")
            crawl_id = previous["id"]
            for key, value in previous["args"].items():
                if key in {f.name for f in fields(opts)} and key not in CrawlOptions.LOCAL:
                    setattr(opts, key, value)
            echo(f"resuming backfill #{crawl_id} ({previous['args']})")
        else:
            _refuse_mixed_sources(opts)
            crawl_id = corpus.begin_crawl(opts.mode, opts.args())
        try:
            if "wayback" in opts.sources:  # the archive: a spider and a pace of its own
                if archive is None:
                    raise UserError("--source wayback needs the archive's runner")
                return archive(opts, corpus, crawl_id, echo)
            return _crawl(opts, corpus, crawl_id, echo)
        except CorpusError as exc:
            _finish(corpus, crawl_id, {"health": [str(exc)]}, exc.exit_code)
            raise
        except sqlite3.Error as exc:
            raise CrawlUnhealthy(f"database error: {exc}") from None


def _refuse_mixed_sources(opts: CrawlOptions) -> None:
    if "wayback" in opts.sources and (len(opts.sources) > 1 or opts.mode != "backfill"):
        raise UserError("--source wayback runs on its own (the archive has its own pace):"
                        " run the site's sources in another backfill")


def _finish(corpus, crawl_id: int, stats: dict, code: int) -> None:
    try:
        corpus.finish_crawl(crawl_id, stats, code)
    except sqlite3.Error as exc:  # a full disk: say so in one line, not a traceback
        raise CrawlUnhealthy(f"database error while recording the run: {exc}") from None


def _crawl(opts: CrawlOptions, corpus, crawl_id: int, echo) -> int:
    from protego import Protego

    started = time.monotonic()
    agent = user_agent(opts.contact)
    robots = fetch_robots(opts.base_url, agent)
    corpus.record_discovery(robots.url, robots.status, crawl_id, headers=robots.headers,
                            body_len=len(robots.text), reason=robots.reason)
    rules = Protego.parse(robots.text)
    if not opts.ignore_robots:
        check_speech_paths(rules, opts.base_url, agent)
    crawl_delay = None if opts.ignore_robots else rules.crawl_delay(agent)
    delay = max(opts.delay, float(crawl_delay or 0))
    if crawl_delay:
        logger.info("robots.txt asks for Crawl-delay: %s s; delay is %s s", crawl_delay, delay)

    since_moment = corpus.last_healthy_crawl_start() if opts.mode == "crawl" else None
    settings = build_settings(opts, robots.text, delay, since_moment)
    crawler = _run_scrapy(opts, settings, crawl_id)

    stats = crawler.stats.get_stats()
    result = summary(stats, robots.requests, started, delay)
    reason = stats.get("finish_reason", "finished")
    if reason in ("shutdown", "cancelled"):
        echo(f"interrupted (Ctrl-C) after {result['pages']} pages"
             + ("; continue with: doj-speeches backfill --resume" if opts.mode == "backfill" else ""))
        if opts.mode == "crawl":
            _finish(corpus, crawl_id, {**result, "health": ["interrupted"]}, INTERRUPTED)
        return INTERRUPTED
    code, reasons = health(stats, crawler.spider.problems, opts.max_failures,
                           settings.getfloat("JUSTICE_WITNESS_ALARM"))
    return conclude(corpus, crawl_id, opts.mode, result, code, reasons, echo)


def conclude(corpus, crawl_id: int, label: str, result: dict, code: int, reasons: list[str],
             echo, summary_text=None) -> int:
    """Record the finished run, print its summary, raise the one line when unhealthy."""
    result["health"] = reasons
    _finish(corpus, crawl_id, result, code)
    echo(f"{label} #{crawl_id} {'healthy' if code == 0 else 'UNHEALTHY'}:")
    echo((summary_text or format_summary)(result))
    if reasons:
        raise CrawlUnhealthy(reasons[0] if reasons[0].startswith("blocked:")
                             else "crawl unhealthy: " + "; ".join(reasons))
    return 0


def _run_scrapy(opts: CrawlOptions, settings, crawl_id: int):
    from scrapy.crawler import CrawlerProcess

    from scraper.spiders.speeches import SpeechesSpider

    quiet = [] if opts.verbose else ["scrapy", "py.warnings", "protego", "twisted"]
    if quiet:  # a filter, not a level: CrawlerProcess resets levels before it logs this
        logging.getLogger("scrapy.utils.log").addFilter(lambda r: r.levelno >= logging.WARNING)
    process = CrawlerProcess(settings)
    for name in quiet:  # our own loggers say what matters; Scrapy's INFO is noise here
        logging.getLogger(name).setLevel(logging.WARNING)
    crawler = process.create_crawler(SpeechesSpider)
    process.crawl(crawler, mode=opts.mode, crawl_id=crawl_id, since=opts.since,
                  until=opts.until, sources=opts.sources or None, resume=opts.resume)
    process.start()
    return crawler
