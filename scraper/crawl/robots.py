"""robots.txt, read before the crawl: bounded in size and in total time.

A server that trickles robots.txt a byte at a time must not hold the crawl (and the
corpus lock) for ever: the whole file is read within a deadline, not per socket read
(docs/design.md#d13-bounds). A 4xx means no rules; a 5xx, a network error or a deadline after
the last attempt makes the run unhealthy: we do not guess the rules.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from corpus.errors import CrawlUnhealthy

MAX_BYTES = 500 * 1024  # what Google reads of a robots.txt; the rest is ignored
DEADLINE_S = 60.0
# One sample URL per kind of speech page: a robots.txt that forbids all three leaves the
# crawl nothing to do.
SPEECH_SAMPLES = ("/opa/speech/a-speech", "/archives/opa/speech/a-speech",
                  "/archive/ag/speeches/2005/a-speech.htm")


@dataclass
class Robots:
    url: str
    status: int
    text: str
    headers: dict = field(default_factory=dict)
    requests: int = 1
    reason: str = "robots.txt"


def _deadline() -> float:
    return float(os.environ.get("JUSTICE_ROBOTS_DEADLINE") or DEADLINE_S)


def _read(response, deadline: float, max_bytes: int) -> tuple[bytes, bool]:
    """The body, read in chunks until the deadline: (bytes, cut at the size cap)."""
    chunks, size = [], 0
    while size <= max_bytes:
        if time.monotonic() > deadline:
            raise TimeoutError("not read within the deadline")
        chunk = response.read1(16384) if hasattr(response, "read1") else response.read(16384)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)[:max_bytes], True


def fetch_robots(base_url: str, agent: str, attempts: int = 3,
                 max_bytes: int = MAX_BYTES) -> Robots:
    url = base_url.rstrip("/") + "/robots.txt"
    error = ""
    deadline = time.monotonic() + _deadline()
    for attempt in range(attempts):
        request = urllib.request.Request(url, headers={"User-Agent": agent})
        timeout = max(0.5, min(30.0, deadline - time.monotonic()))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body, cut = _read(response, deadline, max_bytes)
                reason = f"robots.txt (cut at {max_bytes} bytes)" if cut else "robots.txt"
                return Robots(url, response.status, body.decode("utf-8", "replace"),
                              dict(response.headers), attempt + 1, reason)
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500:
                return Robots(url, exc.code, "", dict(exc.headers or {}), attempt + 1)
            error = f"HTTP {exc.code}"
        except TimeoutError:
            error = f"not read within {_deadline():g} s"
        except (urllib.error.URLError, OSError) as exc:
            error = str(getattr(exc, "reason", exc))
        if time.monotonic() + min(2 ** attempt, 10) > deadline:
            break
        time.sleep(min(2 ** attempt, 10))
    raise CrawlUnhealthy(f"robots.txt unavailable at {url} ({error}): not crawling blind")


def check_speech_paths(rules, base_url: str, agent: str) -> None:
    """Exit 3 when robots.txt forbids every kind of speech page."""
    base = base_url.rstrip("/")
    if not any(rules.can_fetch(base + path, agent) for path in SPEECH_SAMPLES):
        raise CrawlUnhealthy("robots.txt disallows every speech path (/opa/speech/,"
                             " /archives/opa/speech/, /archive/ag/speeches/): nothing to crawl")
