"""Run one crawl or backfill in this process: lock, robots.txt, Scrapy, health, summary.

One crawl per process (Twisted's reactor cannot restart), so tests run the CLI in a
subprocess. Exit codes follow DESIGN.md Decision 1.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from corpus.errors import CrawlUnhealthy
from corpus.outcomes import SPEECH_OUTCOMES
from scraper import __version__

logger = logging.getLogger("scraper.run")

SOURCES = ("sitemap", "api", "listing", "archive")  # backfill discovery sources


@dataclass
class CrawlOptions:
    mode: str  # "crawl" | "backfill"
    db_path: str = "corpus.db"
    base_url: str = "https://www.justice.gov"
    delay: float = 1.0
    contact: str = ""
    ignore_robots: bool = False
    max_failures: float = 0.02
    known_run: int = 5
    component_listings: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    sources: list[str] = field(default_factory=list)
    resume: bool = False
    progress: bool | None = None  # None: on when stderr is a terminal
    verbose: bool = False
    backoff_base: float = 2.0
    max_retry_after: float = 300.0

    def args(self) -> dict:
        """What identifies the run (stored in crawls.args; --resume reuses it)."""
        keys = ["base_url", "since", "until", "sources"] if self.mode == "backfill" else ["base_url"]
        return {k: getattr(self, k) for k in keys}


def user_agent(contact: str) -> str:
    contact = f"; {contact}" if contact else ""
    return f"doj-speeches/{__version__} (research corpus of DOJ speeches{contact})"


def fetch_robots(base_url: str, agent: str, attempts: int = 3) -> tuple[int, str, dict, int]:
    """(status, text, headers, requests made). A 4xx means no rules; a 5xx or network
    error after the last attempt makes the run unhealthy: we do not guess the rules."""
    url = base_url.rstrip("/") + "/robots.txt"
    error = ""
    for attempt in range(attempts):
        request = urllib.request.Request(url, headers={"User-Agent": agent})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read().decode("utf-8", "replace")
                return response.status, body, dict(response.headers), attempt + 1
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500:
                return exc.code, "", dict(exc.headers or {}), attempt + 1
            error = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            error = str(getattr(exc, "reason", exc))
        time.sleep(min(2 ** attempt, 10))
    raise CrawlUnhealthy(f"robots.txt unavailable at {url} ({error}): not crawling blind")


def build_settings(opts: CrawlOptions, robots_txt: str, delay: float, since_moment):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    settings.setdict({
        "JUSTICE_BASE_URL": opts.base_url,
        "JUSTICE_DELAY": opts.delay,
        "JUSTICE_CONTACT": opts.contact,
        "JUSTICE_COMPONENT_LISTINGS": opts.component_listings,
        "JUSTICE_KNOWN_RUN": opts.known_run,
        "JUSTICE_MAX_FAILURES": opts.max_failures,
        "JUSTICE_IGNORE_ROBOTS": opts.ignore_robots,
        "JUSTICE_ROBOTS_TXT": robots_txt,
        "JUSTICE_SINCE_MOMENT": since_moment,
        "JUSTICE_BACKOFF_BASE": opts.backoff_base,
        "JUSTICE_MAX_RETRY_AFTER": opts.max_retry_after,
        "JUSTICE_PROGRESS": opts.progress,
        "CORPUS_DB": opts.db_path,
        "USER_AGENT": user_agent(opts.contact),
        "DOWNLOAD_DELAY": delay,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.01),
        "AUTOTHROTTLE_ENABLED": delay > 0,  # with no delay (replica, benchmarks) it only slows
    }, priority="cmdline")
    return settings


def health(stats: dict, problems: list[str], max_failures: float) -> tuple[int, list[str]]:
    reasons = list(problems)
    attempted = sum(stats.get(f"outcome/{o}", 0) for o in SPEECH_OUTCOMES)
    failed = stats.get("outcome/failed", 0)
    if attempted and failed / attempted > max_failures:
        reasons.append(f"{failed} of {attempted} speech pages failed"
                       f" (more than {max_failures:.0%})")
    return (3 if reasons else 0), reasons


def summary(stats: dict, extra_requests: int, started: float) -> dict:
    seconds = time.monotonic() - started
    requests = stats.get("downloader/request_count", 0) + extra_requests
    outcomes = {o: stats.get(f"outcome/{o}", 0) for o in SPEECH_OUTCOMES}
    pages = sum(outcomes.values())
    return {
        "requests": requests,
        "pages": pages,
        **outcomes,
        "retries": stats.get("retry/count", 0),
        "retry_after_honoured": stats.get("retry/retry_after_honoured", 0),
        "retry_wait_seconds": round(stats.get("retry/wait_seconds", 0), 1),
        "robots_forbidden": stats.get("robots/forbidden", 0),
        "discovered": stats.get("discovery/speeches", 0),
        "warnings": {k.split("/", 1)[1]: v for k, v in sorted(stats.items())
                     if k.startswith("warnings/")},
        "seconds": round(seconds, 2),
        "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
    }


def format_summary(s: dict) -> str:
    rows = [
        ("requests", s["requests"]), ("speech pages", s["pages"]), ("new", s["new"]),
        ("changed", s["changed"]), ("unchanged", s["unchanged"]),
        ("not modified (304)", s["not_modified"]), ("gone", s["gone"]),
        ("failed", s["failed"]), ("not a speech", s["skipped"]), ("retries", s["retries"]),
        ("robots.txt forbidden", s["robots_forbidden"]), ("seconds", s["seconds"]),
        ("pages/s", s["pages_per_second"]),
    ]
    rows += [(f"warning: {k}", v) for k, v in s["warnings"].items()]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {value}" for name, value in rows)


def run(opts: CrawlOptions, echo=print) -> int:
    """Run the crawl; returns the exit code. Raises CorpusError for expected failures."""
    from corpus.errors import UserError
    from corpus.lock import CorpusLock
    from corpus.store import Corpus

    with CorpusLock(opts.db_path), Corpus(opts.db_path) as corpus:
        if opts.resume:
            previous = corpus.last_unfinished_crawl("backfill")
            if previous is None:
                raise UserError("no unfinished backfill to resume")
            crawl_id = previous["id"]
            for key, value in previous["args"].items():
                setattr(opts, key, value)
            echo(f"resuming backfill #{crawl_id} ({previous['args']})")
        else:
            crawl_id = corpus.begin_crawl(opts.mode, opts.args())
        return _crawl(opts, corpus, crawl_id, echo)


def _crawl(opts: CrawlOptions, corpus, crawl_id: int, echo) -> int:
    from protego import Protego

    started = time.monotonic()
    agent = user_agent(opts.contact)
    status, robots_txt, headers, robots_requests = fetch_robots(opts.base_url, agent)
    corpus.record_discovery(opts.base_url.rstrip("/") + "/robots.txt", status, crawl_id,
                            headers=headers, body_len=len(robots_txt), reason="robots.txt")
    crawl_delay = None if opts.ignore_robots else Protego.parse(robots_txt).crawl_delay(agent)
    delay = max(opts.delay, float(crawl_delay or 0))
    if crawl_delay:
        logger.info("robots.txt asks for Crawl-delay: %s s; delay is %s s", crawl_delay, delay)

    since_moment = corpus.last_healthy_crawl_start() if opts.mode == "crawl" else None
    settings = build_settings(opts, robots_txt, delay, since_moment)

    from scrapy.crawler import CrawlerProcess

    from scraper.spiders.speeches import SpeechesSpider

    quiet = [] if opts.verbose else ["scrapy", "py.warnings", "protego", "twisted"]
    if quiet:  # a filter, not a level: CrawlerProcess resets levels before it logs this
        logging.getLogger("scrapy.utils.log").addFilter(lambda r: r.levelno >= logging.WARNING)
    process = CrawlerProcess(settings)
    for name in quiet:  # our own loggers say what matters; Scrapy's INFO is noise here
        logging.getLogger(name).setLevel(logging.WARNING)
    crawler = process.create_crawler(SpeechesSpider)
    crawler.corpus = corpus
    process.crawl(crawler, mode=opts.mode, crawl_id=crawl_id, since=opts.since,
                  until=opts.until, sources=opts.sources or None, resume=opts.resume)
    process.start()

    stats = crawler.stats.get_stats()
    spider = crawler.spider
    result = summary(stats, robots_requests, started)
    reason = stats.get("finish_reason", "finished")
    if reason != "finished":
        echo(f"interrupted ({reason}) after {result['pages']} pages"
             + ("; continue with: doj-speeches backfill --resume" if opts.mode == "backfill" else ""))
        return 1
    code, reasons = health(stats, spider.problems, opts.max_failures)
    result["health"] = reasons
    corpus.finish_crawl(crawl_id, result, code)
    echo(f"{opts.mode} #{crawl_id} {'healthy' if code == 0 else 'UNHEALTHY'}:")
    echo(format_summary(result))
    if reasons:
        raise CrawlUnhealthy("crawl unhealthy: " + "; ".join(reasons))
    return 0
