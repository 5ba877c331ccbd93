"""Is a finished run healthy? And its summary: the `crawls.stats` row and the table.

Unhealthy (exit 3): a source that could not do its job, a site that blocks us, a writer
that stopped, more failed speech pages than --max-failures, or a field whose second
witness disagrees too often (the site's markup may have changed).
"""

from __future__ import annotations

import time

from corpus.outcomes import SPEECH_OUTCOMES, Outcome
from scraper.crawl.failures import BLOCK_STATUSES

BLOCK_SHARE = 0.9  # this share of responses with a "no" status means the site blocks us


def blocked(stats: dict) -> str | None:
    total = stats.get("downloader/response_count", 0)
    counts = {s: stats.get(f"downloader/response_status_count/{s}", 0) for s in BLOCK_STATUSES}
    refused = sum(counts.values())
    if total >= 3 and refused >= BLOCK_SHARE * total:
        status = max(counts, key=counts.get)
        return f"blocked: {refused} of {total} requests answered HTTP {status}"
    return None


def witness_alarms(stats: dict, alarm: float) -> list[str]:
    """"the site's markup may have changed: date disagrees with the listing on 40 of 50
    speeches" for each field past the alarm share."""
    found = []
    fields = sorted({k.split("/")[1] for k in stats if k.startswith("witness/")})
    for name in fields:
        verdicts = {v: stats.get(f"witness/{name}/{v}", 0) for v in ("agree", "disagree", "filled")}
        seen = sum(verdicts.values())
        for verdict in ("disagree", "filled"):
            if seen and verdicts[verdict] / seen > alarm:
                source = _top_source(stats, name, verdict)
                what = (f"disagrees with the {source}" if verdict == "disagree"
                        else f"was missing and filled from the {source}")
                found.append(f"the site's markup may have changed: {name} {what} on"
                             f" {verdicts[verdict]} of {seen} speeches")
    return found


def _top_source(stats: dict, name: str, verdict: str) -> str:
    prefix = f"witness_source/{name}/{verdict}/"
    counts = {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}
    return max(counts, key=counts.get) if counts else "witness"


def health(stats: dict, problems: list[str], max_failures: float,
           alarm: float = 0.10) -> tuple[int, list[str]]:
    block = blocked(stats)
    if block:
        return 3, [block]  # one line says it all; the failures below are its symptoms
    reasons = list(problems)
    if stats.get("writer/lost"):
        reasons.append("the corpus writer stopped: pages after it were not stored"
                       " (continue with --resume)")
    attempted = sum(stats.get(f"outcome/{o}", 0) for o in SPEECH_OUTCOMES)
    failed = stats.get(f"outcome/{Outcome.FAILED}", 0)
    if attempted and failed / attempted > max_failures:
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
