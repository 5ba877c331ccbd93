"""scraper/crawl/middlewares.py: robots rules, site boundary, conditional GETs, polite retries.

Each middleware is built as Scrapy builds it (`from_crawler` on a test crawler) and fed
Request and Response objects directly: no network, no reactor.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.internet.error import TCPTimedOutError

from corpus.store import Corpus
from scraper.crawl import defaults
from scraper.crawl import middlewares
from scraper.crawl import settings as project
from scraper.crawl.failures import Forbidden, OffsiteRedirect
from scraper.crawl.middlewares import (
    ConditionalGetMiddleware,
    PoliteRetryMiddleware,
    RobotsRulesMiddleware,
    SiteBoundaryMiddleware,
    retry_after_seconds,
    site_netlocs,
)
from tests.store_support import Clock, FakeExtractor, page

SITE = "https://www.justice.gov"
SPEECH = SITE + "/opa/speech/attorney-general-delivers-remarks"
REPLICA = "http://127.0.0.1:8765"


class PlainSpider(Spider):
    name = "test"


def crawler_with(**settings):
    crawler = get_crawler(PlainSpider, {"USER_AGENT": project.USER_AGENT, **settings})
    crawler.spider = PlainSpider.from_crawler(crawler)
    return crawler


def response(url, status=200, headers=None, request=None):
    return HtmlResponse(url, status=status, headers=headers or {}, body=b"",
                        request=request or Request(url))


# -- retry_after_seconds ------------------------------------------------------------


def test_retry_after_in_seconds():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds(" 0 ") == 0.0


def test_retry_after_as_an_http_date():
    now = datetime(2024, 1, 10, 12, 0, 0, tzinfo=timezone.utc).timestamp()
    assert retry_after_seconds("Wed, 10 Jan 2024 12:01:30 GMT", now=now) == 90.0
    assert retry_after_seconds(b"Wed, 10 Jan 2024 12:00:05 GMT", now=now) == 5.0
    # A moment already past means "now", never a negative wait.
    assert retry_after_seconds("Wed, 10 Jan 2024 11:00:00 GMT", now=now) == 0.0


def test_retry_after_as_an_http_date_defaults_to_the_clock():
    soon = format_datetime(datetime.fromtimestamp(time.time() + 60, timezone.utc), usegmt=True)
    assert 55 <= retry_after_seconds(soon) <= 60


@pytest.mark.parametrize("value", [None, "", b"", "soon", "-5", "1.5", "Wed, 99 Foo 2024"])
def test_retry_after_that_cannot_be_read_is_none(value):
    assert retry_after_seconds(value) is None


# -- RobotsRulesMiddleware ----------------------------------------------------------

ROBOTS = """User-agent: *
Disallow: /private/
Disallow: /search

User-agent: OtherBot
Disallow: /
"""


def robots_middleware(robots=ROBOTS, **settings):
    crawler = crawler_with(JUSTICE_ROBOTS_TXT=robots, **settings)
    return RobotsRulesMiddleware.from_crawler(crawler), crawler


def test_robots_allowed_paths_pass():
    mw, crawler = robots_middleware()
    assert mw.process_request(Request(SPEECH)) is None
    assert mw.process_request(Request(SITE + "/opa/speeches?page=2")) is None
    assert crawler.stats.get_value("robots/forbidden") is None


def test_robots_disallowed_path_is_forbidden_and_counted(caplog):
    caplog.set_level(logging.INFO, logger=middlewares.__name__)
    mw, crawler = robots_middleware()
    for url in (SITE + "/private/a", SITE + "/search?q=x", SITE + "/private/a"):
        with pytest.raises(Forbidden, match="forbidden by robots.txt: " + url.replace("?", r"\?")):
            mw.process_request(Request(url))
    assert crawler.stats.get_value("robots/forbidden") == 3
    # One log line per path, not one per request.
    logged = [r.getMessage() for r in caplog.records if "robots.txt disallows" in r.getMessage()]
    assert len(logged) == 2


def test_robots_rules_follow_the_user_agent():
    mw, _ = robots_middleware(USER_AGENT="OtherBot/1.0")
    with pytest.raises(Forbidden):
        mw.process_request(Request(SPEECH))


def test_robots_txt_itself_is_always_fetched():
    mw, _ = robots_middleware("User-agent: *\nDisallow: /\n")
    assert mw.process_request(Request(SITE + "/robots.txt")) is None
    with pytest.raises(Forbidden):
        mw.process_request(Request(SPEECH))


def test_no_robots_txt_allows_everything():
    mw, _ = robots_middleware("")
    assert mw.process_request(Request(SITE + "/private/a")) is None


def test_ignore_robots_turns_the_middleware_off():
    with pytest.raises(NotConfigured):
        robots_middleware(JUSTICE_IGNORE_ROBOTS=True)


# -- SiteBoundaryMiddleware ---------------------------------------------------------


def redirected(url, *chain, headers=None):
    return Request(url, headers=headers, meta={"redirect_urls": list(chain)})


def boundary(base=SITE):
    return SiteBoundaryMiddleware.from_crawler(crawler_with(JUSTICE_BASE_URL=base))


def test_a_first_request_is_not_checked():
    # Only redirects are: the spider chooses its own requests.
    assert boundary().process_request(Request("https://evil.example.org/x")) is None


def test_an_off_site_redirect_is_refused():
    with pytest.raises(OffsiteRedirect) as info:
        boundary().process_request(redirected("https://evil.example.org/x", SPEECH))
    assert info.value.target == "https://evil.example.org/x"
    assert str(info.value) == "redirect off-site to https://evil.example.org/x"


def test_redirects_between_justice_gov_hosts_are_followed():
    mw = boundary()
    assert mw.process_request(redirected("https://justice.gov/opa/speech/x", SPEECH)) is None
    assert mw.process_request(redirected("http://www.usdoj.gov/opa/speech/x", SPEECH)) is None
    assert mw.process_request(redirected("https://WWW.JUSTICE.GOV/opa/speech/x", SPEECH)) is None


def test_a_replica_crawl_never_follows_a_redirect_to_the_real_site():
    mw = boundary(REPLICA)
    assert site_netlocs(REPLICA) == {"127.0.0.1:8765"}
    within = redirected(REPLICA + "/opa/speech/y", REPLICA + "/opa/speech/x")
    assert mw.process_request(within) is None
    with pytest.raises(OffsiteRedirect):
        mw.process_request(redirected(SPEECH, REPLICA + "/opa/speech/x"))
    with pytest.raises(OffsiteRedirect):  # the same host on another port is another site
        mw.process_request(redirected("http://127.0.0.1:9999/opa/speech/x",
                                      REPLICA + "/opa/speech/x"))


VALIDATORS = {"If-None-Match": '"abc"', "If-Modified-Since": "Wed, 10 Jan 2024 00:00:00 GMT"}


def test_a_redirect_to_another_page_drops_the_first_pages_validators():
    request = redirected(SITE + "/opa/speech/renamed-slug", SPEECH, headers=VALIDATORS)
    assert boundary().process_request(request) is None
    assert b"If-None-Match" not in request.headers
    assert b"If-Modified-Since" not in request.headers


@pytest.mark.parametrize("target", [
    SPEECH + "/",
    SITE + "/archives/opa/speech/attorney-general-delivers-remarks",
    "http://www.usdoj.gov/opa/speech/attorney-general-delivers-remarks",
])
def test_a_redirect_to_the_same_page_keeps_its_validators(target):
    request = redirected(target, SPEECH, headers=VALIDATORS)
    assert boundary().process_request(request) is None
    assert request.headers[b"If-None-Match"] == b'"abc"'
    assert request.headers[b"If-Modified-Since"] == VALIDATORS["If-Modified-Since"].encode()


# -- ConditionalGetMiddleware -------------------------------------------------------

HEADERS = {"Content-Type": "text/html; charset=UTF-8", "ETag": '"v1"',
           "Last-Modified": "Wed, 10 Jan 2024 00:00:00 GMT"}


@pytest.fixture
def corpus_db(tmp_path):
    """A corpus that fetched SPEECH once (with validators) and a listing in a healthy run."""
    path = tmp_path / "c.db"
    with Corpus(path, extract=FakeExtractor(), clock=Clock()) as corpus:
        crawl = corpus.begin_crawl("crawl", {})
        assert corpus.record_page(SPEECH, 200, HEADERS, page(), crawl) == "new"
        corpus.record_discovery(SITE + "/opa/speeches", 200, crawl,
                                headers={"ETag": '"list"'})
        corpus.finish_crawl(crawl, {}, 0)
    return path


def conditional(corpus_db, **settings):
    # The middleware opens the corpus itself, read-only, from CORPUS_DB, as in a crawl.
    crawler = crawler_with(CORPUS_DB=str(corpus_db), JUSTICE_VIA_CLI=True, **settings)
    return ConditionalGetMiddleware.from_crawler(crawler), crawler


def test_conditional_headers_come_from_the_stores_last_fetch(corpus_db):
    mw, crawler = conditional(corpus_db)
    assert crawler.corpus.readonly  # shared with the spider: one read-only handle
    request = Request(SPEECH, meta={"conditional": True})
    assert mw.process_request(request) is None
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Wed, 10 Jan 2024 00:00:00 GMT"
    assert 304 in request.meta["handle_httpstatus_list"]  # a 304 reaches the spider


def test_conditional_headers_follow_the_canonical_id(corpus_db):
    mw, _ = conditional(corpus_db)
    alias = Request("http://www.usdoj.gov/archives/opa/speech/attorney-general-delivers-remarks/",
                    meta={"conditional": True})
    mw.process_request(alias)
    assert alias.headers[b"If-None-Match"] == b'"v1"'


def test_discovery_pages_get_validators_from_a_healthy_run(corpus_db):
    mw, _ = conditional(corpus_db)
    listing = Request(SITE + "/opa/speeches", meta={"conditional": True})
    mw.process_request(listing)
    assert listing.headers[b"If-None-Match"] == b'"list"'
    with Corpus(corpus_db, clock=Clock("2025-01-01T00:00:00")) as corpus:
        crawl = corpus.begin_crawl("crawl", {})
        corpus.record_discovery(SITE + "/opa/speeches", 200, crawl, headers={"ETag": '"new"'})
        corpus.finish_crawl(crawl, {}, 1)  # an unhealthy run: its listing must be read again
    again = Request(SITE + "/opa/speeches", meta={"conditional": True})
    mw.process_request(again)
    assert again.headers[b"If-None-Match"] == b'"list"'


def test_unknown_pages_and_plain_requests_get_no_validators(corpus_db):
    mw, _ = conditional(corpus_db)
    unknown = Request(SITE + "/opa/speech/never-seen", meta={"conditional": True})
    plain = Request(SPEECH)
    for request in (unknown, plain):
        assert mw.process_request(request) is None
        assert b"If-None-Match" not in request.headers
        assert b"If-Modified-Since" not in request.headers
    assert "handle_httpstatus_list" not in plain.meta


def test_conditional_headers_are_added_once_and_never_overwrite(corpus_db):
    mw, _ = conditional(corpus_db)
    request = Request(SPEECH, headers={"If-None-Match": '"mine"'},
                      meta={"conditional": True, "handle_httpstatus_list": [404]})
    mw.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"mine"'
    assert request.meta["handle_httpstatus_list"] == [404, 304]
    listed = Request(SPEECH, meta={"conditional": True, "handle_httpstatus_list": [304]})
    mw.process_request(listed)
    assert listed.meta["handle_httpstatus_list"] == [304]
    # A retry or redirect of it passes again: nothing is added twice.
    del request.headers[b"If-Modified-Since"]
    mw.process_request(request)
    assert b"If-Modified-Since" not in request.headers
    assert request.meta["handle_httpstatus_list"] == [404, 304]


def test_the_store_is_opened_only_through_the_cli(tmp_path, capsys):
    db = tmp_path / "never.db"
    with pytest.raises(SystemExit) as info:
        ConditionalGetMiddleware.from_crawler(crawler_with(CORPUS_DB=str(db)))
    assert info.value.code == 2
    assert "doj-speeches crawl" in capsys.readouterr().err
    assert not db.exists()
    with pytest.raises(NotConfigured):
        ConditionalGetMiddleware.from_crawler(crawler_with(CORPUS_DB="", JUSTICE_VIA_CLI=True))


# -- PoliteRetryMiddleware ----------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock, frozen, and its sleep, which only moves that clock."""
    state = SimpleNamespace(now=1000.0, slept=[], while_asleep=[])
    fake_time = SimpleNamespace(monotonic=lambda: state.now, time=time.time)

    async def sleep(seconds):
        state.slept.append(seconds)
        state.now += seconds
        if state.while_asleep:  # what happens elsewhere in the crawl during the wait
            state.while_asleep.pop(0)()

    monkeypatch.setattr(middlewares, "time", fake_time)
    monkeypatch.setattr(middlewares, "_sleep", sleep)
    return state


def polite(**settings):
    crawler = crawler_with(RETRY_TIMES=3, RETRY_HTTP_CODES=project.RETRY_HTTP_CODES,
                           JUSTICE_MAX_RETRY_AFTER=60, JUSTICE_BACKOFF_BASE=2.0, **settings)
    return PoliteRetryMiddleware.from_crawler(crawler), crawler


def run(coroutine):
    """Drive a middleware coroutine whose awaits all complete at once (the fake sleep)."""
    with pytest.raises(StopIteration) as done:
        coroutine.send(None)
    return done.value.value


def held_for(mw, clock, url=SPEECH):
    host = url.split("/")[2]
    return mw.hold_until[host] - clock.now


def test_retry_after_in_seconds_holds_the_host(clock):
    mw, crawler = polite()
    request = Request(SPEECH)
    retry = mw.process_response(request, response(SPEECH, 503, {"Retry-After": "7"}, request))
    assert isinstance(retry, Request) and retry.url == SPEECH
    assert retry.meta["retry_times"] == 1 and retry.dont_filter
    assert held_for(mw, clock) == 7
    assert crawler.stats.get_value("retry/retry_after_honoured") == 1
    assert crawler.stats.get_value("retry/wait_seconds") == 7


def test_retry_after_as_a_date_holds_the_host(clock):
    mw, _ = polite()
    when = format_datetime(datetime.fromtimestamp(time.time() + 30, timezone.utc), usegmt=True)
    mw.process_response(Request(SPEECH), response(SPEECH, 429, {"Retry-After": when}))
    assert 25 <= held_for(mw, clock) <= 30


def test_retry_after_is_capped(clock):
    mw, crawler = polite()
    mw.process_response(Request(SPEECH), response(SPEECH, 503, {"Retry-After": "86400"}))
    assert held_for(mw, clock) == 60  # JUSTICE_MAX_RETRY_AFTER
    assert crawler.stats.get_value("retry/wait_seconds") == 60


def test_the_default_cap_is_the_projects(clock):
    mw = PoliteRetryMiddleware.from_crawler(crawler_with())
    assert mw.cap == defaults.MAX_RETRY_AFTER


def test_a_5xx_without_retry_after_backs_off_exponentially(clock):
    mw, crawler = polite()
    first = mw.process_response(Request(SPEECH), response(SPEECH, 500))
    assert held_for(mw, clock) == 2.0  # base * 2**0
    second = mw.process_response(first, response(SPEECH, 502, request=first))
    assert held_for(mw, clock) == 4.0  # base * 2**1
    mw.process_response(second, response(SPEECH, 504, request=second))
    assert held_for(mw, clock) == 8.0  # base * 2**2
    assert crawler.stats.get_value("retry/retry_after_honoured") is None


def test_retry_after_is_honoured_only_on_429_and_503(clock):
    mw, _ = polite()
    mw.process_response(Request(SPEECH), response(SPEECH, 500, {"Retry-After": "40"}))
    assert held_for(mw, clock) == 2.0


def test_unreadable_retry_after_backs_off(clock):
    mw, _ = polite()
    mw.process_response(Request(SPEECH), response(SPEECH, 503, {"Retry-After": "later"}))
    assert held_for(mw, clock) == 2.0


def test_a_later_shorter_wait_does_not_shorten_a_hold(clock):
    mw, _ = polite()
    mw.process_response(Request(SPEECH), response(SPEECH, 503, {"Retry-After": "30"}))
    mw.process_response(Request(SITE + "/other"), response(SITE + "/other", 500))
    assert held_for(mw, clock) == 30


def test_good_answers_and_dont_retry_pass_through(clock):
    mw, _ = polite()
    ok = response(SPEECH, 200)
    assert mw.process_response(Request(SPEECH), ok) is ok
    not_found = response(SPEECH, 404)
    assert mw.process_response(Request(SPEECH), not_found) is not_found
    refused = response(SPEECH, 503, {"Retry-After": "5"})
    assert mw.process_response(Request(SPEECH, meta={"dont_retry": True}), refused) is refused
    assert mw.hold_until == {}


def test_when_retries_run_out_the_response_is_the_callbacks(clock):
    mw, crawler = polite()
    last = Request(SPEECH, meta={"retry_times": 3})
    failed = response(SPEECH, 503, {"Retry-After": "5"}, last)
    assert mw.process_response(last, failed) is failed
    assert mw.hold_until == {}  # no retry, so no wait
    assert crawler.stats.get_value("retry/max_reached") == 1


def test_network_errors_are_retried_with_back_off(clock):
    mw, _ = polite()
    retry = mw.process_exception(Request(SPEECH), TCPTimedOutError())
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    assert held_for(mw, clock) == 2.0
    assert mw.process_exception(Request(SPEECH), ValueError("a bug")) is None
    assert mw.process_exception(Request(SPEECH, meta={"dont_retry": True}),
                                TCPTimedOutError()) is None


def test_a_held_host_gets_no_request_until_the_hold_ends(clock):
    mw, _ = polite()
    mw.process_response(Request(SPEECH), response(SPEECH, 503, {"Retry-After": "12"}))
    start = clock.now
    assert run(mw.process_request(Request(SITE + "/opa/speech/another"))) is None
    assert clock.now - start == 12 and clock.slept == [12]
    # The hold has passed: the next request goes at once.
    assert run(mw.process_request(Request(SPEECH))) is None
    assert clock.slept == [12]


def test_a_hold_extended_during_the_wait_is_waited_out_too(clock):
    mw, _ = polite()
    mw.process_response(Request(SPEECH), response(SPEECH, 503, {"Retry-After": "10"}))
    # While this request waits, another answer to the same host asks for 20 s more.
    clock.while_asleep.append(lambda: mw.process_response(
        Request(SPEECH), response(SPEECH, 503, {"Retry-After": "20"})))
    assert run(mw.process_request(Request(SPEECH))) is None
    assert clock.slept == [10, 20]


def test_a_hold_is_per_host(clock):
    mw, _ = polite()
    mw.process_response(Request(SPEECH), response(SPEECH, 503, {"Retry-After": "12"}))
    assert run(mw.process_request(Request(REPLICA + "/opa/speech/x"))) is None
    assert run(mw.process_request(Request("https://justice.gov/opa/speech/x"))) is None
    assert clock.slept == []
