"""Downloader middlewares: robots rules, conditional GETs, polite retries.

Scrapy applies neither Crawl-delay nor Retry-After (docs/design.md#politeness-in-scrapy), so:
- RobotsRulesMiddleware filters with the robots.txt the runner fetched before the crawl
  (the runner also turned its Crawl-delay into DOWNLOAD_DELAY, the floor AutoThrottle
  respects);
- SiteBoundaryMiddleware stops a redirect that leaves the site (a foreign page must never
  be stored as a speech);
- PoliteRetryMiddleware holds every request to a host until a Retry-After (or an
  exponential back-off after a 5xx / network error) has passed, then retries.
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from protego import Protego
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import NotConfigured

from corpus.urls import JUSTICE_HOSTS, canonical_id
from scraper.crawl import defaults
from scraper.crawl.failures import Forbidden, OffsiteRedirect
from scraper.crawl.store import corpus_of

logger = logging.getLogger(__name__)


class RobotsRulesMiddleware:
    """Drops any request robots.txt disallows: not one request goes out to such a path."""

    def __init__(self, robots_txt: str, user_agent: str, stats):
        self.rules = Protego.parse(robots_txt or "")
        self.user_agent = user_agent
        self.stats = stats
        self.reported: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.getbool("JUSTICE_IGNORE_ROBOTS"):
            raise NotConfigured("robots.txt ignored (--ignore-robots)")
        return cls(crawler.settings.get("JUSTICE_ROBOTS_TXT", ""),
                   crawler.settings.get("USER_AGENT"), crawler.stats)

    def process_request(self, request, spider=None):
        if request.url.endswith("/robots.txt") or self.rules.can_fetch(
            request.url, self.user_agent
        ):
            return None
        self.stats.inc_value("robots/forbidden")
        path = urlsplit(request.url).path
        if path not in self.reported:
            self.reported.add(path)
            logger.info("robots.txt disallows %s: not fetched", request.url)
        raise Forbidden(f"forbidden by robots.txt: {request.url}")


def site_netlocs(base_url: str) -> frozenset[str]:
    """Hosts a redirect may lead to: the base URL's, and the justice.gov hosts when the
    base URL is one of them (never the real site while crawling a mirror or replica)."""
    parts = urlsplit(base_url)
    hosts = {parts.netloc.lower()}
    if (parts.hostname or "").lower() in JUSTICE_HOSTS:
        hosts |= JUSTICE_HOSTS
    return frozenset(hosts)


class SiteBoundaryMiddleware:
    """A redirect is followed only within the site being crawled; one that leaves it is a
    failure of the original request ("redirect off-site to ...")."""

    def __init__(self, base_url: str):
        self.allowed = site_netlocs(base_url)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("JUSTICE_BASE_URL"))

    def process_request(self, request, spider=None):
        chain = request.meta.get("redirect_urls")
        if not chain:
            return None
        if urlsplit(request.url).netloc.lower() not in self.allowed:
            raise OffsiteRedirect(request.url)
        if canonical_id(chain[0]) != canonical_id(request.url):
            # Another page (a renamed slug): the first URL's validators do not apply, and a
            # 304 would hide the move. Fetch it whole.
            for name in (b"If-None-Match", b"If-Modified-Since"):
                request.headers.pop(name, None)
        return None


class ConditionalGetMiddleware:
    """Known pages are fetched with If-None-Match / If-Modified-Since; a 304 means unchanged."""

    def __init__(self, corpus):
        self.corpus = corpus

    @classmethod
    def from_crawler(cls, crawler):
        return cls(corpus_of(crawler))

    def process_request(self, request, spider=None):
        if not request.meta.get("conditional") or request.meta.get("conditional_done"):
            return None
        request.meta["conditional_done"] = True
        for name, value in self.corpus.conditional_headers(request.url).items():
            request.headers.setdefault(name, value)
        allowed = request.meta.setdefault("handle_httpstatus_list", [])
        if 304 not in allowed:
            allowed.append(304)
        return None


def retry_after_seconds(value: str | bytes | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


async def _sleep(seconds: float) -> None:
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class PoliteRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits: Retry-After on 429/503 (capped), else exponential
    back-off; while a host is on hold no request to it is sent."""

    def __init__(self, settings, stats=None):
        super().__init__(settings)
        self.cap = settings.getfloat("JUSTICE_MAX_RETRY_AFTER", defaults.MAX_RETRY_AFTER)
        self.base = settings.getfloat("JUSTICE_BACKOFF_BASE", defaults.BACKOFF_BASE)
        self.stats = stats
        self.hold_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler.settings, crawler.stats)
        middleware.crawler = crawler
        return middleware

    def _retry_request(self, request, reason):
        meta = request.meta
        return get_retry_request(
            request, spider=self.crawler.spider, reason=reason,
            max_retry_times=meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=meta.get("priority_adjust", self.priority_adjust))

    async def process_request(self, request, spider=None):
        host = urlsplit(request.url).netloc
        while (wait := self.hold_until.get(host, 0) - time.monotonic()) > 0:
            await _sleep(wait)
        return None

    def _hold(self, request, seconds: float) -> None:
        host = urlsplit(request.url).netloc
        seconds = min(max(seconds, 0.0), self.cap)
        self.hold_until[host] = max(self.hold_until.get(host, 0), time.monotonic() + seconds)
        if self.stats:
            self.stats.inc_value("retry/wait_seconds", round(seconds, 3))

    def _wait_for(self, request, response=None) -> float:
        attempt = request.meta.get("retry_times", 0)
        if response is not None and response.status in (429, 503):
            after = retry_after_seconds(response.headers.get("Retry-After"))
            if after is not None:
                if self.stats:
                    self.stats.inc_value("retry/retry_after_honoured")
                return after
        return self.base * (2 ** attempt)

    def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retry_request(request, f"HTTP {response.status}")
        if retry is None:
            return response  # the last retry failed: the callback records the failure
        self._hold(request, self._wait_for(request, response))
        return retry

    def process_exception(self, request, exception, spider=None):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        retry = self._retry_request(request, exception)
        if retry is not None:
            self._hold(request, self._wait_for(request))
        return retry
