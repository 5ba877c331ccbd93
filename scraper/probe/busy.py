"""A busy site during `probe`: 429 and 5xx answers are waited out and asked again.

A probe is a few minutes at most, so the patience is bounded: a Retry-After (seconds or
an HTTP date) is honoured up to `MAX_RETRY_AFTER`; past it the probe ends with that
reason (the site asks for more patience than a probe has). Without one, a 5xx or 429 is
asked again after a doubling back-off (`backoff`, 2x, ... up to `BACKOFF_CAP`). Each URL
gets `MAX_RETRIES` retries; the probe fails on that page only when they are spent. All
the waits of one probe together stay under `MAX_WAIT_TOTAL`.
"""

from __future__ import annotations

import time

from scraper.crawl.middlewares import retry_after_seconds

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRIES = 3  # per URL
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After ends the probe
BACKOFF_CAP = 16.0  # seconds: the longest back-off without a Retry-After
MAX_WAIT_TOTAL = 180.0  # seconds of waiting in one probe, all URLs together


class SiteBusy(Exception):
    """The site asks for more patience than a probe has: the probe ends with this line."""


class Patience:
    """How long to wait before asking a busy site again; counts what it waited."""

    def __init__(self, backoff: float = 2.0):
        self.backoff = backoff
        self.retries = 0
        self.waited = 0.0

    def wait(self, status: int | None, headers: dict, attempt: int, url: str) -> float | None:
        """Seconds to wait before retry number `attempt + 1`; None: do not retry (not a
        busy answer, or this URL's retries are spent). Raises SiteBusy past the bounds."""
        if status not in RETRY_STATUSES or attempt >= MAX_RETRIES:
            return None
        value = headers.get("Retry-After") or headers.get("retry-after")
        asked = retry_after_seconds(value)
        if asked is not None and asked > MAX_RETRY_AFTER:
            raise SiteBusy(f"site busy: {url} answered HTTP {status} with Retry-After"
                           f" {asked:g} s (over the probe's {MAX_RETRY_AFTER:g} s)")
        seconds = asked if asked is not None else min(self.backoff * 2 ** attempt, BACKOFF_CAP)
        if self.waited + seconds > MAX_WAIT_TOTAL:
            raise SiteBusy(f"site busy: {url} answered HTTP {status}; the probe has waited"
                           f" {self.waited:.0f} s for busy answers (bound {MAX_WAIT_TOTAL:g} s)")
        self.retries += 1
        self.waited += seconds
        return seconds

    def ask(self, request_once, url: str):
        """The page `request_once()` gives, asked again while the answer is busy; each
        busy answer is marked `retried` (it is saved, not a problem of the probe)."""
        attempt = 0
        while True:
            page = request_once()
            wait = self.wait(page.status, page.headers, attempt, url)
            if wait is None:
                if attempt and page.reason:
                    page.reason += f" after {attempt} retries"
                return page
            attempt += 1
            page.retried = True
            time.sleep(wait)
