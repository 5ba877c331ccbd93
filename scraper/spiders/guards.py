"""Guards of the speeches spider against answers that would end a run in a quiet success
(issue 22): a damaged corpus read outside any callback, a 304 nobody asked for."""

from __future__ import annotations

import functools
import inspect
import logging
import sqlite3

from corpus.store.messages import PageFailed

logger = logging.getLogger("scraper.spiders.speeches")


def reads_corpus(method):
    """A spider step outside any callback (idle, refill) that reads the corpus: a damaged
    database becomes the run's problem in one line, not a traceback Scrapy logs before
    ending the run "healthy"."""
    accepted = inspect.signature(method).parameters  # Scrapy's signals pass extra names

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **{k: v for k, v in kwargs.items() if k in accepted})
        except sqlite3.DatabaseError as exc:
            database_problem(self, exc)
    return wrapper


def database_problem(spider, exc: Exception) -> None:
    why = f"database error: {exc}"
    if why not in spider.problems:  # said once, however many reads it stopped
        logger.error("%s", why)
        spider.problems.append(why)


def has_validators(request) -> bool:
    return bool(request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since"))


def unasked_304(spider, response, request_url: str):
    """A 304 to a request that carried no validators (a broken cache in front of the
    site) says nothing of the page: ask once more past caches, then it is a failure,
    never "not modified"."""
    if not response.meta.get("no_cache_retry"):
        spider.crawler.stats.inc_value("pages/unasked_304_retried")
        again = response.request.replace(dont_filter=True,
                                         meta={**response.meta, "no_cache_retry": True})
        again.headers["Cache-Control"] = again.headers["Pragma"] = "no-cache"
        yield again
        return
    yield PageFailed(request_url, "HTTP 304 to a request without validators"
                                  " (a broken cache?), again without cache", 304)
