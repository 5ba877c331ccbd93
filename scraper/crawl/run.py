"""Run one crawl or backfill in this process: the lock, the `crawls` row (or the one
resumed), then the one runtime (scraper/crawl/runtime.py) with the site's kind of run
(`SiteRun`, here) or the archive's (scraper/archive/run.py, `--source wayback`).

One crawl per process (Twisted's reactor cannot restart), so tests run the CLI in a
subprocess. Exit codes follow docs/design.md#d1-exit-codes; every run, even one that stopped
before crawling, is recorded in `crawls` with its exit status and reason.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field, fields

from corpus.errors import CorpusError, CrawlUnhealthy, UserError
from scraper.crawl import defaults
from scraper.crawl.defaults import SOURCES, user_agent
from scraper.crawl.health import format_summary, health, summary
from scraper.crawl.robots import check_speech_paths, fetch_robots
from scraper.crawl.runtime import INTERRUPTED, RunKind, build_settings, execute, finish

logger = logging.getLogger("scraper.crawl.run")

__all__ = ["CrawlOptions", "run", "user_agent", "SOURCES", "build_settings", "INTERRUPTED"]


@dataclass
class CrawlOptions:
    mode: str  # "crawl" | "backfill"
    db_path: str = defaults.DB_PATH
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
    wayback_url: str = defaults.WAYBACK_URL  # backfill --source wayback: the Internet Archive
    wayback_delay: float = defaults.WAYBACK_DELAY

    # How this process shows itself: not part of what the run is, so not stored.
    LOCAL = ("mode", "db_path", "resume", "progress", "verbose")

    def args(self) -> dict:
        """Every argument that defines the run (stored in crawls.args; --resume restores
        them all: delay, robots, contact, thresholds, sources, dates)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in self.LOCAL}


def run(opts: CrawlOptions, echo=print) -> int:
    """Run the crawl; returns the exit code. Raises CorpusError for expected failures."""
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
            return execute(_kind(opts), opts, corpus, crawl_id, echo)
        except CorpusError as exc:
            finish(corpus, crawl_id, {"health": [str(exc)]}, exc.exit_code)
            raise
        except sqlite3.Error as exc:
            raise CrawlUnhealthy(f"database error: {exc}") from None


def _refuse_mixed_sources(opts: CrawlOptions) -> None:
    if "wayback" in opts.sources and (len(opts.sources) > 1 or opts.mode != "backfill"):
        raise UserError("--source wayback runs on its own (the archive has its own pace):"
                        " run the site's sources in another backfill")


def _kind(opts: CrawlOptions) -> RunKind:
    """The archive has a spider and a pace of its own; the rest is the site's."""
    if "wayback" in opts.sources:
        from scraper.archive.run import ArchiveRun

        return ArchiveRun()
    return SiteRun()


class SiteRun(RunKind):
    """A crawl or backfill of justice.gov itself."""

    def prepare(self, opts, corpus, crawl_id: int):
        from protego import Protego

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
        since = corpus.last_healthy_crawl_start() if opts.mode == "crawl" else None
        return robots, delay, {"JUSTICE_SINCE_MOMENT": since}

    def spider(self, opts, crawl_id: int):
        from scraper.spiders.speeches import SpeechesSpider

        return SpeechesSpider, {"mode": opts.mode, "crawl_id": crawl_id, "since": opts.since,
                                "until": opts.until, "sources": opts.sources or None,
                                "resume": opts.resume}

    def summary(self, stats, robots_requests, started, delay):
        return summary(stats, robots_requests, started, delay)

    def interrupted(self, result, opts) -> str:
        return (f"interrupted (Ctrl-C) after {result['pages']} pages"
                + ("; continue with: doj-speeches backfill --resume"
                   if opts.mode == "backfill" else ""))

    def health(self, stats, problems, opts, settings):
        return health(stats, problems, opts.max_failures,
                      settings.getfloat("JUSTICE_WITNESS_ALARM"))

    def format_summary(self, result) -> str:
        return format_summary(result)
