"""`backfill --source wayback` as a kind of run (`ArchiveRun`) of the one runtime
(scraper/crawl/runtime.py): the archive's robots.txt and pace, the wayback spider, its
health and summary rows.

Politeness toward the archive is its own: `--wayback-delay` (default 2 s) between two
requests, one request at a time, 429/503 Retry-After honoured (PoliteRetryMiddleware),
the User-Agent with --contact. The site's robots.txt governs justice.gov, not the
archive's host: we read the ARCHIVE host's robots.txt and obey it (its rules filter our
requests, its Crawl-delay is a floor under --wayback-delay); --ignore-robots turns that
off as for a mirror. If it forbids the CDX API or raw playback, the run stops at once.
"""

from __future__ import annotations

import time

from corpus.errors import CrawlUnhealthy
from scraper.crawl.defaults import user_agent
from scraper.crawl.health import blocked, started_badly
from scraper.crawl.robots import fetch_robots
from scraper.crawl.runtime import RunKind

# Sample paths the run needs: the CDX API and raw playback.
NEEDED_PATHS = ("/cdx/search/cdx", "/web/20200101000000id_/https://www.justice.gov/")


class ArchiveRun(RunKind):
    """`backfill --source wayback` for the one runtime (scraper/crawl/runtime.py)."""

    def prepare(self, opts, corpus, crawl_id: int):
        from protego import Protego

        agent = user_agent(opts.contact)
        base = opts.wayback_url.rstrip("/")
        robots = _archive_robots(base, agent, opts.max_retry_after)
        corpus.record_discovery(robots.url, robots.status, crawl_id, headers=robots.headers,
                                body_len=len(robots.text),
                                reason=f"the archive's {robots.reason}")
        rules = Protego.parse(robots.text)
        if not opts.ignore_robots:
            for path in NEEDED_PATHS:
                if not rules.can_fetch(base + path, agent):
                    raise CrawlUnhealthy(f"the archive's robots.txt forbids {path.split('id_')[0]}")
        crawl_delay = None if opts.ignore_robots else rules.crawl_delay(agent)
        delay = max(opts.wayback_delay, float(crawl_delay or 0))
        return robots, delay, {
            "JUSTICE_BASE_URL": base,  # redirects stay on the archive's host
            "JUSTICE_WAYBACK_URL": base,
            "CONCURRENT_REQUESTS": 1,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        }

    def spider(self, opts, crawl_id: int):
        from scraper.archive.spider import WaybackSpider

        return WaybackSpider, {"crawl_id": crawl_id, "resume": opts.resume}

    def label(self, opts) -> str:
        return "wayback backfill"

    def summary(self, stats, robots_requests, started, delay):
        return summary(stats, robots_requests, started, delay)

    def interrupted(self, result, opts) -> str:
        return (f"interrupted (Ctrl-C) after {result['requests']} requests to the archive;"
                " continue with: doj-speeches backfill --resume")

    def health(self, stats, problems, opts, settings):
        return health(stats, problems, opts.max_failures)

    def format_summary(self, result) -> str:
        return format_summary(result)


def _archive_robots(base: str, agent: str, cap: float, attempts: int = 3):
    """The archive's robots.txt. fetch_robots reads any 4xx as "no rules"; from the
    archive a 429 means "slow down", so it is waited out (Retry-After, capped) and asked
    again, never read as permission."""
    from scraper.crawl.middlewares import retry_after_seconds

    for attempt in range(attempts):
        robots = fetch_robots(base, agent)
        if robots.status not in (429, 503):
            return robots
        headers = {k.lower(): v for k, v in robots.headers.items()}
        wait = retry_after_seconds(headers.get("retry-after"))
        time.sleep(min(cap, wait if wait is not None else 2.0 * 2 ** attempt))
    raise CrawlUnhealthy(f"the archive answers HTTP {robots.status} to {robots.url}"
                         f" after {attempts} attempts: try later")


def _count(stats: dict, prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def summary(stats: dict, extra_requests: int, started: float, delay: float) -> dict:
    seconds = time.monotonic() - started
    requests = stats.get("downloader/request_count", 0) + extra_requests
    captures = _count(stats, "wayback/capture/")
    speeches = stats.get("wayback/speeches", 0)
    return {
        "requests": requests,
        "speeches": speeches,
        "requests_per_speech": round(requests / speeches, 2) if speeches else None,
        "cdx_queries": stats.get("wayback/cdx_queries", 0),
        "captures_planned": stats.get("wayback/captures_planned", 0),
        # another URL form's capture just before had the same bytes: never requested
        "captures_skipped": stats.get("wayback/captures_skipped", 0),
        "captures": captures,
        "captures_kept": captures.get("new", 0) + captures.get("earlier", 0),
        "removed_found": stats.get("wayback/removed_found", 0),
        "failed": _count(stats, "wayback/failed/"),
        "warnings": _count(stats, "warnings/"),
        "retries": stats.get("retry/count", 0),
        "retry_after_honoured": stats.get("retry/retry_after_honoured", 0),
        "retry_wait_seconds": round(stats.get("retry/wait_seconds", 0), 1),
        "delay": delay,
        "seconds": round(seconds, 2),
    }


def health(stats: dict, problems: list[str], max_failures: float) -> tuple[int, list[str]]:
    """Unhealthy: the archive blocks us, a CDX page could not be read (or was cut at
    the row cap: captures may be missing), the writer stopped, or more than --max-failures of the speech
    lookups and captures failed."""
    block = blocked(stats)
    if block:
        return 3, [block.replace("requests answered", "requests to the archive answered")]
    reasons = list(problems) + started_badly(stats)  # a start that raised: never healthy
    if stats.get("writer/lost"):
        reasons.append("the corpus writer stopped: answers after it were not stored"
                       " (continue with --resume)")
    done = sum(_count(stats, "wayback/capture/").values()) + sum(_count(stats, "wayback/cdx/").values())
    failed = stats.get("wayback/capture/failed", 0) + stats.get("wayback/cdx/failed", 0)
    if done and failed / done > max_failures:
        reasons.append(f"{failed} of {done} speech lookups and captures failed"
                       f" (more than {max_failures:.0%})")
    return (3 if reasons else 0), reasons


def format_summary(s: dict) -> str:
    rows = [("requests to the archive", s["requests"]), ("speeches asked about", s["speeches"]),
            ("requests per speech", s["requests_per_speech"]), ("CDX requests", s["cdx_queries"]),
            ("captures fetched", sum(s["captures"].values())),
            ("captures kept (distinct in time)", s["captures_kept"])]
    rows += [(f"  capture: {k}", v) for k, v in s["captures"].items()]
    rows += [("archive-only speeches found", s["removed_found"])]
    rows += [(f"failed: {k}", v) for k, v in s["failed"].items()]
    rows += [("retries", s["retries"]), ("Retry-After honoured", s["retry_after_honoured"]),
             ("delay (s)", s["delay"]), ("seconds", s["seconds"])]
    rows += [(f"warning: {k}", v) for k, v in s["warnings"].items()]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {value}" for name, value in rows)
