"""Is a finished run healthy? And its summary: the `crawls.stats` row and the table.

Unhealthy (exit 3): a source that could not do its job, a site that blocks us, a writer
that stopped, more failed speech pages than --max-failures, or a field whose second
witness disagrees too often (the site's markup may have changed).
"""

from __future__ import annotations

import logging
import time

from corpus.extract.witness import ALARM_SHARE, alarms
from corpus.outcomes import SPEECH_OUTCOMES, Outcome
from scraper.crawl.failures import BLOCK_STATUSES

logger = logging.getLogger(__name__)
BLOCK_SHARE = 0.9  # this share of responses with a "no" status means the site blocks us


def count_page(stats, reply) -> None:
    """Crawl statistics of one speech page's reply: outcome, warnings by kind, witness
    agreement; what `health` and `summary` read."""
    count_warnings(stats, reply)
    for name, (verdict, source) in reply.witness.items():
        stats.inc_value(f"witness/{name}/{verdict}")
        stats.inc_value(f"witness_source/{name}/{verdict}/{source}")
    stats.inc_value(f"outcome/{reply.outcome}")
    if reply.outcome == Outcome.FAILED:
        stats.inc_value(f"failed/{reason_kind(reply.reason)}")
        logger.warning("failed: %s (%s)", reply.url, reply.reason)
    elif reply.outcome == Outcome.GONE:
        logger.info("gone: %s", reply.url)


def count_warnings(stats, reply) -> None:
    for warning in reply.warnings:
        stats.inc_value(f"warnings/{warning.split(':', 1)[0]}")


def reason_kind(reason: str | None) -> str:
    """'HTTP 403 after 0 retries' -> 'HTTP 403'; 'redirect loop via ...' -> 'redirect loop'."""
    reason = reason or "unknown"
    if reason.startswith("HTTP "):
        return " ".join(reason.split()[:2])
    if reason.startswith("database error"):  # "database error: database or disk is full"
        return reason.split(": ")[0] + ": " + reason.split(": ")[-1][:60]
    for kind in ("redirect loop", "redirect off-site", "too large", "URL too long", "timeout",
                 "network error", "callback error", "store error"):
        if reason.startswith(kind):
            return kind
    return reason.split(":", 1)[0][:40]


def blocked(stats: dict) -> str | None:
    total = stats.get("downloader/response_count", 0)
    counts = {s: stats.get(f"downloader/response_status_count/{s}", 0) for s in BLOCK_STATUSES}
    refused = sum(counts.values())
    if total >= 3 and refused >= BLOCK_SHARE * total:
        status = max(counts, key=counts.get)
        return f"blocked: {refused} of {total} requests answered HTTP {status}"
    return None


def witness_alarms(stats: dict, share: float = ALARM_SHARE) -> list[str]:
    """The witness alarm (corpus.extract.witness.alarms) over a crawl's stats:
    witness/<field>/<verdict> counts and witness_source/<field>/<verdict>/<source>."""
    counts: dict = {}
    for key, value in stats.items():
        parts = key.split("/")
        if parts[0] == "witness" and len(parts) == 3:
            counts.setdefault(parts[1], {"sources": {}})[parts[2]] = value
        elif parts[0] == "witness_source" and len(parts) == 4:
            entry = counts.setdefault(parts[1], {"sources": {}})
            entry["sources"].setdefault(parts[2], {})[parts[3]] = value
    return alarms(counts, share)


def started_badly(stats: dict) -> list[str]:
    """Scrapy ends a crawl whose start requests raised with the reason "start_error":
    discovery stopped part-way, so whatever the counts say, the run did not do its job
    (a quiet "healthy" over a traceback is the worst outcome a scheduled crawl can have)."""
    if stats.get("finish_reason") != "start_error":
        return []
    kinds = sorted(k.split("/", 1)[1] for k in stats
                   if k.startswith("spider_exceptions/") and k != "spider_exceptions/count")
    return [f"discovery stopped on an error in the crawler ({', '.join(kinds) or 'see the log'})"]


def health(stats: dict, problems: list[str], max_failures: float,
           alarm: float = ALARM_SHARE) -> tuple[int, list[str]]:
    block = blocked(stats)
    if block:
        return 3, [block]  # one line says it all; the failures below are its symptoms
    reasons = list(problems) + started_badly(stats)
    if stats.get("writer/lost"):
        reasons.append("the corpus writer stopped: pages after it were not stored"
                       " (continue with --resume)")
    attempted = sum(stats.get(f"outcome/{o}", 0) for o in SPEECH_OUTCOMES)
    failed = stats.get(f"outcome/{Outcome.FAILED}", 0)
    over = attempted and failed / attempted > max_failures
    for kind, n in sorted(stats.items()):
        # A write the writer could not make (a lock held past the busy timeout, a damaged
        # file) has no row to show it: whatever the share, the run is not healthy.
        if kind.startswith("write_failed/") or not over and kind.startswith(
                ("failed/database error", "failed/store error")):
            reasons.append(f"{n} writes to the corpus failed ({kind.split('/', 1)[1]})")
    if over:
        kinds = {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("failed/")}
        top = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])[:3])
        reasons.append(f"{failed} of {attempted} speech pages failed"
                       f" (more than {max_failures:.0%}: {top})")
    reasons += witness_alarms(stats, alarm)
    return (3 if reasons else 0), reasons


def summary(stats: dict, extra_requests: int, started: float, delay: float = 0.0) -> dict:
    seconds = time.monotonic() - started
    requests = stats.get("downloader/request_count", 0) + extra_requests
    outcomes = {o.value: stats.get(f"outcome/{o}", 0) for o in SPEECH_OUTCOMES}
    pages = sum(outcomes.values())
    witness: dict = {}
    for key, value in sorted(stats.items()):
        if key.startswith("witness/"):
            _, name, verdict = key.split("/")
            witness.setdefault(name, {"agree": 0, "disagree": 0, "filled": 0})[verdict] = value
    return {
        "requests": requests,
        "pages": pages,
        **outcomes,
        "forbidden": stats.get(f"outcome/{Outcome.FORBIDDEN}", 0),
        "failed_by_reason": {k.split("/", 1)[1]: v for k, v in sorted(stats.items())
                             if k.startswith("failed/")},
        "witness": witness,
        "retries": stats.get("retry/count", 0),
        "retry_after_honoured": stats.get("retry/retry_after_honoured", 0),
        "retry_wait_seconds": round(stats.get("retry/wait_seconds", 0), 1),
        "robots_forbidden": stats.get("robots/forbidden", 0),
        "delay": delay,
        "discovered": stats.get("discovery/speeches", 0),
        # --revalidate: how many were asked, and the outcome of each (a 304: not_modified).
        "revalidated": {k.split("/", 1)[1]: v for k, v in sorted(stats.items())
                        if k.startswith("revalidate/")},
        "warnings": {k.split("/", 1)[1]: v for k, v in sorted(stats.items())
                     if k.startswith("warnings/")},
        # Files of speeches (issue 12): never speech pages, so apart from the outcomes.
        "attachments": {k.split("/", 1)[1]: v for k, v in sorted(stats.items())
                        if k.startswith("attachments/")},
        "attachments_failed": {k.split("/", 1)[1]: v for k, v in sorted(stats.items())
                               if k.startswith("attachments_failed/")},
        "seconds": round(seconds, 2),
        "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
    }


LABELS = {"not_modified": "not modified (304)", "skipped": "not a speech"}


def format_summary(s: dict) -> str:
    rows = [("requests", s["requests"]), ("speech pages", s["pages"])]
    rows += [(LABELS.get(o.value, o.value), s[o.value]) for o in SPEECH_OUTCOMES]
    rows += [(f"  failed: {k}", v) for k, v in s["failed_by_reason"].items()]
    if s.get("revalidated"):
        outcomes = {k: v for k, v in s["revalidated"].items() if k != "requested"}
        rows.append(("revalidated", f"{s['revalidated'].get('requested', 0)}: " + ", ".join(
            f"{v} {LABELS.get(k, k).replace('_', ' ')}" for k, v in outcomes.items())))
    rows += [("retries", s["retries"]), ("robots.txt forbidden", s["robots_forbidden"]),
             ("seconds", s["seconds"]), ("pages/s", s["pages_per_second"])]
    rows += [(f"witness: {name}", f"{v['agree']} agree, {v['disagree']} disagree,"
                                  f" {v['filled']} filled") for name, v in s["witness"].items()]
    rows += [(f"warning: {k}", v) for k, v in s["warnings"].items()]
    if s.get("attachments"):
        rows.append(("attachments", ", ".join(f"{v} {k.replace('_', ' ')}"
                                               for k, v in s["attachments"].items())))
        rows += [(f"  attachment failed: {k}", v) for k, v in s["attachments_failed"].items()]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {value}" for name, value in rows)
