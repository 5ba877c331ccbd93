"""Versioning semantics of the corpus store, each asserted on the rows it writes."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from corpus.store.raw import decompress

from corpus.record import content_hash
from corpus.store import Corpus
from tests.store_support import BASE, RECORD, Clock, FakeExtractor, page, rows

URL = BASE + "attorney-general-delivers-remarks"
SID = "/opa/speech/attorney-general-delivers-remarks"


@pytest.fixture
def fake():
    return FakeExtractor()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def corpus(tmp_path, fake, clock):
    with Corpus(tmp_path / "corpus.db", extract=fake, clock=clock) as corpus:
        yield corpus


@pytest.fixture
def crawl(corpus):
    return corpus.begin_crawl("test", {"source": "unit"})


def speech(corpus, sid=SID):
    return rows(corpus, "SELECT * FROM speeches WHERE id = ?", (sid,))[0]


def versions(corpus, sid=SID):
    return rows(corpus, "SELECT * FROM speech_versions WHERE speech_id = ? ORDER BY version",
                (sid,))


def fetches(corpus):
    return rows(corpus, "SELECT * FROM fetches ORDER BY id")


def test_new_speech_is_version_1(corpus, crawl):
    body = page()
    result = corpus.record(URL, 200, {"ETag": '"v1"', "Content-Type": "text/html"}, body, crawl)

    assert (result.outcome, result.speech_id, result.version) == ("new", SID, 1)
    row = speech(corpus)
    assert row["status"] == "live" and row["version"] == 1 and row["url"] == URL
    assert row["title"] == RECORD["title"]
    assert json.loads(row["speakers"]) == RECORD["speakers"]
    assert row["text"] == "Good morning.\n\nThank you all for coming."
    assert row["content_hash"] == content_hash(RECORD)
    assert row["first_seen"] == row["last_seen"] == row["last_changed"]
    [v1] = versions(corpus)
    assert v1["version"] == 1 and v1["seen_until"] is None and v1["crawl_id"] == crawl
    assert json.loads(v1["paragraphs"]) == RECORD["paragraphs"]
    assert v1["extractor_version"] == "fake-1"
    assert v1["raw_sha256"] == hashlib.sha256(body).hexdigest()
    [fetch] = fetches(corpus)
    assert fetch["outcome"] == "new" and fetch["status"] == 200 and fetch["etag"] == '"v1"'
    assert fetch["bytes"] == len(body) and fetch["speech_id"] == SID
    [raw] = rows(corpus, "SELECT * FROM raw_pages")
    assert raw["compression"] == "zstd" and decompress("zstd", raw["body"]) == body
    assert raw["size"] == len(body)


def test_same_page_again_only_moves_last_seen_and_skips_extraction(corpus, crawl, fake):
    corpus.record_page(URL, 200, {}, page(), crawl)
    first = speech(corpus)
    calls = fake.calls

    assert corpus.record_page(URL, 200, {}, page(), crawl) == "unchanged"

    assert fake.calls == calls  # recognised by raw hash, before extraction
    again = speech(corpus)
    assert again["last_seen"] > first["last_seen"]
    assert {k: again[k] for k in again if k != "last_seen"} == {
        k: first[k] for k in first if k != "last_seen"}
    assert len(versions(corpus)) == 1
    assert rows(corpus, "SELECT count(*) AS n FROM raw_pages")[0]["n"] == 1
    assert [f["outcome"] for f in fetches(corpus)] == ["new", "unchanged"]


def test_chrome_change_is_no_new_version(corpus, crawl, fake):
    corpus.record_page(URL, 200, {}, page(), crawl)
    changed_chrome = page(navigation="new menu")

    assert corpus.record_page(URL, 200, {}, changed_chrome, crawl) == "unchanged"
    assert len(versions(corpus)) == 1
    row = speech(corpus)
    assert row["raw_sha256"] == hashlib.sha256(changed_chrome).hexdigest()
    assert rows(corpus, "SELECT count(*) AS n FROM raw_pages")[0]["n"] == 2
    # The new chrome is now the known page: seen again, it is not extracted.
    calls = fake.calls
    assert corpus.record_page(URL, 200, {}, changed_chrome, crawl) == "unchanged"
    assert fake.calls == calls


@pytest.mark.parametrize("change", [
    {"title": "A New Title"},
    {"date": "2021-12-08"},
    {"location": "Chicago, IL, United States"},
    {"delivery": "Remarks as Delivered"},
    {"speakers": ["Deputy Attorney General Lisa O. Monaco"]},
    {"components": ["Office of the Attorney General", "Civil Rights Division"]},
    {"topics": []},
    {"paragraphs": ["Good morning.", "Thank you all for coming!"]},
    {"paragraphs": ["Good morning."]},
])
def test_content_change_makes_a_new_version_and_keeps_the_old(corpus, crawl, change):
    corpus.record_page(URL, 200, {}, page(), crawl)
    crawl2 = corpus.begin_crawl("test", {})

    assert corpus.record_page(URL, 200, {}, page(**change), crawl2) == "changed"

    v1, v2 = versions(corpus)
    assert v1["content_hash"] == content_hash(RECORD)
    assert v2["content_hash"] == content_hash({**RECORD, **change})
    assert v1["seen_until"] == v2["seen_from"] and v2["seen_until"] is None
    assert (v1["crawl_id"], v2["crawl_id"]) == (crawl, crawl2)
    row = speech(corpus)
    assert row["version"] == 2 and row["content_hash"] == v2["content_hash"]
    assert row["last_changed"] == v2["seen_from"]
    name, value = next(iter(change.items()))
    stored = json.loads(row[name]) if name in ("speakers", "components", "topics") else row.get(name)
    if name == "paragraphs":
        assert row["text"] == "\n\n".join(value)
    else:
        assert stored == value


@pytest.mark.parametrize("change", [
    {"generation": "drupal7"}, {"updated": "2023-11-02"}, {"warnings": ["fallback: title"]},
])
def test_non_content_change_is_no_new_version_but_shows_on_the_speech(corpus, crawl, change):
    corpus.record_page(URL, 200, {}, page(), crawl)
    result = corpus.record(URL, 200, {}, page(**change), crawl)
    assert result.outcome == "unchanged"
    assert result.warnings == change.get("warnings", [])
    assert len(versions(corpus)) == 1
    row = speech(corpus)
    for name, value in change.items():
        if name != "warnings":
            assert row[name] == value
    assert json.loads(fetches(corpus)[-1]["warnings"]) == change.get("warnings", [])


def test_a_b_a_is_three_versions(corpus, crawl):
    for body in (page(), page(title="B"), page()):
        corpus.record_page(URL, 200, {}, body, crawl)
    v1, v2, v3 = versions(corpus)
    assert [v["version"] for v in (v1, v2, v3)] == [1, 2, 3]
    assert v3["content_hash"] == v1["content_hash"] != v2["content_hash"]
    assert speech(corpus)["version"] == 3


@pytest.mark.parametrize("status", [404, 410])
def test_404_410_marks_gone_and_never_deletes(corpus, crawl, status):
    corpus.record_page(URL, 200, {}, page(), crawl)
    assert corpus.record_page(URL, status, {}, b"Not found", crawl) == "gone"
    row = speech(corpus)
    assert row["status"] == "gone" and row["gone_since"] is not None
    assert row["title"] == RECORD["title"] and len(versions(corpus)) == 1
    assert fetches(corpus)[-1]["outcome"] == "gone"
    assert fetches(corpus)[-1]["reason"] == f"HTTP {status}"
    assert corpus.live_speech_ids() == []


def test_gone_speech_back_unchanged_is_live_without_new_version(corpus, crawl):
    corpus.record_page(URL, 200, {}, page(), crawl)
    corpus.record_page(URL, 404, {}, b"", crawl)
    assert corpus.record_page(URL, 200, {}, page(), crawl) == "unchanged"
    row = speech(corpus)
    assert row["status"] == "live" and row["gone_since"] is None
    assert len(versions(corpus)) == 1
    assert fetches(corpus)[-1]["reason"].startswith("live again")


def test_gone_speech_back_changed_is_live_with_new_version(corpus, crawl):
    corpus.record_page(URL, 200, {}, page(), crawl)
    corpus.record_page(URL, 410, {}, b"", crawl)
    assert corpus.record_page(URL, 200, {}, page(title="Revised"), crawl) == "changed"
    assert speech(corpus)["status"] == "live"
    assert [v["title"] for v in versions(corpus)] == [RECORD["title"], "Revised"]


def test_unknown_404_is_only_a_fetch_row(corpus, crawl):
    assert corpus.record_page(URL, 404, {}, b"", crawl) == "gone"
    assert rows(corpus, "SELECT * FROM speeches") == []
    [fetch] = fetches(corpus)
    assert fetch["outcome"] == "gone" and fetch["speech_id"] == SID


def test_server_errors_never_mark_gone(corpus, crawl):
    corpus.record_page(URL, 200, {}, page(), crawl)
    assert corpus.record_page(URL, 503, {}, b"busy", crawl) == "failed"
    assert corpus.record_failure(URL, crawl, "TimeoutError after 3 retries") == "failed"
    assert speech(corpus)["status"] == "live"
    assert [(f["outcome"], f["reason"]) for f in fetches(corpus)[1:]] == [
        ("failed", "HTTP 503"), ("failed", "TimeoutError after 3 retries")]


@pytest.mark.parametrize("variant", [
    "https://www.justice.gov/archives/opa/speech/attorney-general-delivers-remarks",
    "http://www.justice.gov/opa/speech/attorney-general-delivers-remarks",
    "https://www.usdoj.gov/opa/speech/attorney-general-delivers-remarks",
    "https://www.justice.gov/opa/speech/attorney-general-delivers-remarks/",
    "https://www.justice.gov/opa/speech/attorney-general-delivers-remarks?utm_source=x",
    "https://justice.gov/archives/opa/speech/attorney-general-delivers-remarks/?a=1#top",
])
def test_url_variants_are_one_speech(corpus, crawl, variant):
    corpus.record_page(URL, 200, {}, page(), crawl)
    assert corpus.record_page(variant, 200, {}, page(chrome="archive banner"), crawl) == "unchanged"
    assert [r["id"] for r in rows(corpus, "SELECT id FROM speeches")] == [SID]
    assert speech(corpus)["url"] == variant  # where it was last fetched from
    assert corpus.speech_state(variant)["id"] == SID


def test_failed_extraction_keeps_reason_and_raw_and_leaves_versions(corpus, crawl):
    corpus.record_page(URL, 200, {}, page(), crawl)
    before = speech(corpus)
    broken = b"<html>half a page"

    result = corpus.record(URL, 200, {}, broken, crawl)

    assert (result.outcome, result.reason) == ("failed", "no speech body found")
    fetch = fetches(corpus)[-1]
    assert fetch["outcome"] == "failed" and fetch["reason"] == "no speech body found"
    assert corpus.raw_page(fetch["raw_sha256"]) == broken
    assert speech(corpus) == before
    assert len(versions(corpus)) == 1


def test_extractor_crash_is_recorded_as_failed(corpus, crawl, fake):
    def crash(body, url, *, encoding=None):
        raise RuntimeError("boom")

    corpus.extractor = crash
    assert corpus.record_page(URL, 200, {}, page(), crawl) == "failed"
    assert fetches(corpus)[-1]["reason"] == "RuntimeError: boom"
    assert rows(corpus, "SELECT * FROM speeches") == []


def test_not_a_speech_is_skipped(corpus, crawl):
    listing = "https://www.justice.gov/news/speeches"
    assert corpus.record_page(listing, 200, {}, b"<listing>", crawl) == "skipped"
    assert rows(corpus, "SELECT * FROM speeches") == []
    fetch = fetches(corpus)[-1]
    assert fetch["outcome"] == "skipped" and corpus.raw_page(fetch["raw_sha256"]) == b"<listing>"


def test_redirect_to_a_non_speech_is_a_soft_404(corpus, crawl):
    corpus.record_page(URL, 200, {}, page(), crawl)
    result = corpus.record("https://www.justice.gov/news", 200, {}, b"<listing>", crawl,
                           request_url=URL)
    assert (result.outcome, result.speech_id) == ("gone", SID)
    assert result.reason.startswith("soft 404")
    assert speech(corpus)["status"] == "gone"


def test_304_moves_last_seen(corpus, crawl):
    corpus.record_page(URL, 200, {}, page(), crawl)
    before = speech(corpus)["last_seen"]
    assert corpus.record_page(URL, 304, {}, b"", crawl) == "not_modified"
    assert speech(corpus)["last_seen"] > before
    assert fetches(corpus)[-1]["outcome"] == "not_modified"
    assert len(versions(corpus)) == 1


def test_conditional_headers(corpus, crawl):
    assert corpus.conditional_headers(URL) == {}
    corpus.record_page(URL, 200, {"ETag": '"abc"', "Last-Modified": "Tue, 07 Dec 2021 10:00:00 GMT"},
                       page(), crawl)
    corpus.record_page(URL, 503, {"ETag": '"zzz"'}, b"", crawl)
    expected = {"If-None-Match": '"abc"', "If-Modified-Since": "Tue, 07 Dec 2021 10:00:00 GMT"}
    assert corpus.conditional_headers(URL + "/") == expected
    sitemap = "https://www.justice.gov/sitemap.xml?page=2"
    corpus.record_discovery(sitemap, 200, crawl, headers={"etag": '"s1"'}, body_len=1234)
    corpus.record_discovery(sitemap, 304, crawl)
    # A discovery page's validators count only once its run ended healthy: a run that
    # failed after reading the sitemap must not make the next one skip it (issue 14).
    assert corpus.conditional_headers(sitemap) == {}
    corpus.finish_crawl(crawl, {}, 3)
    assert corpus.conditional_headers(sitemap) == {}
    corpus.finish_crawl(crawl, {}, 0)
    assert corpus.conditional_headers(sitemap) == {"If-None-Match": '"s1"'}
    assert corpus.conditional_headers("https://www.justice.gov/sitemap.xml?page=3") == {}
    discovery = fetches(corpus)[-2]
    assert (discovery["outcome"], discovery["bytes"], discovery["speech_id"]) == (
        "discovery", 1234, None)


def test_charset_comes_from_content_type_when_not_given(corpus, crawl, fake):
    seen = []
    inner = corpus.extractor
    corpus.extractor = lambda body, url, *, encoding=None: seen.append(encoding) or inner(
        body, url, encoding=encoding)
    corpus.record_page(URL, 200, {"content-type": "text/html; charset=ISO-8859-1"}, page(), crawl)
    corpus.record_page(URL + "-2", 200, {}, page(), crawl, encoding="utf-8")
    assert seen == ["ISO-8859-1", "utf-8"]
    assert [f["encoding"] for f in fetches(corpus)] == ["ISO-8859-1", "utf-8"]


def test_raw_pages_stored_once(corpus, crawl):
    body = page()
    corpus.record_page(URL, 200, {}, body, crawl)
    corpus.record_page(BASE + "another-speech", 200, {}, body, crawl)
    assert rows(corpus, "SELECT count(*) AS n FROM raw_pages")[0]["n"] == 1
    assert len(rows(corpus, "SELECT * FROM speeches")) == 2


def test_uuid_state_and_live_ids(corpus, crawl):
    corpus.record_page(URL, 200, {}, page(), crawl)
    corpus.record_page(BASE + "b", 200, {}, page(title="B"), crawl)
    corpus.record_page(BASE + "b", 404, {}, b"", crawl)
    assert corpus.set_uuid(URL, "1234-abcd") is True
    assert corpus.set_uuid(BASE + "unknown", "x") is False
    state = corpus.speech_state(URL)
    assert (state["uuid"], state["status"], state["version"]) == ("1234-abcd", "live", 1)
    assert corpus.speech_state(BASE + "unknown") is None
    assert corpus.live_speech_ids() == [SID]


def test_mark_gone(corpus, crawl):
    corpus.record_page(URL, 200, {}, page(), crawl)
    assert corpus.mark_gone(URL, crawl, "not listed and 404") == "gone"
    assert speech(corpus)["status"] == "gone"
    assert fetches(corpus)[-1]["reason"] == "not listed and 404"


def test_crawls_and_frontier(corpus):
    first = corpus.begin_crawl("backfill", {"since": "2020-01-01", "source": ["sitemap"]})
    second = corpus.begin_crawl("crawl", {})
    assert second > first
    items = [(BASE + "a", {"source": "sitemap", "lastmod": "2021-01-01"}),
             (BASE + "b", {"source": "api"}),
             (BASE + "a/", {"source": "listing"}),  # the same speech again
             ("https://www.justice.gov/archives/opa/speech/b", {})]
    assert corpus.frontier_add(first, items) == 2
    assert corpus.frontier_add(first, [(BASE + "c", {})]) == 1
    assert corpus.frontier_add(second, [(BASE + "a", {})]) == 1  # per crawl
    corpus.frontier_done(first, BASE + "b/", "new")
    assert corpus.frontier_pending(first) == [
        (BASE + "a", {"source": "sitemap", "lastmod": "2021-01-01"}), (BASE + "c", {})]
    unfinished = corpus.last_unfinished_crawl("backfill")
    assert unfinished["id"] == first and unfinished["args"]["source"] == ["sitemap"]
    corpus.finish_crawl(first, {"pages": 3}, 0)
    assert corpus.last_unfinished_crawl("backfill") is None
    [row] = rows(corpus, "SELECT * FROM crawls WHERE id = ?", (first,))
    assert json.loads(row["stats"]) == {"pages": 3} and row["exit_status"] == 0
    assert row["finished"] >= row["started"]
    [done] = rows(corpus, "SELECT * FROM frontier WHERE state = 'done'")
    assert (done["speech_id"], done["outcome"]) == ("/opa/speech/b", "new")


def test_one_transaction_per_page_rolls_back_on_error(corpus, crawl):
    corpus.record_page(URL, 200, {}, page(), crawl)
    before = {t: rows(corpus, f"SELECT * FROM {t}") for t in
              ("speeches", "speech_versions", "fetches", "raw_pages")}
    # The fetch row is the last write of the page's transaction: make it fail.
    corpus.execute("CREATE TEMP TRIGGER no_fetch BEFORE INSERT ON main.fetches"
                   " BEGIN SELECT RAISE(ABORT, 'disk went away'); END")
    with pytest.raises(sqlite3.IntegrityError, match="disk went away"):
        corpus.record_page(URL, 200, {}, page(title="B"), crawl)
    after = {t: rows(corpus, f"SELECT * FROM {t}") for t in before}
    assert after == before
    assert corpus.check() == []


def test_status_events_show_when_a_speech_went_and_came_back(corpus, crawl):
    corpus.record_page(URL, 404, {}, b"", crawl)  # before it was known: no event
    corpus.record_page(URL, 200, {}, page(), crawl)
    corpus.record_page(URL, 404, {}, b"", crawl)
    corpus.record_page(URL, 410, {}, b"", crawl)  # still gone: no second event
    corpus.record_page(URL, 304, {}, b"", crawl)
    events = corpus.status_events(SID)
    assert [(e["status"], e["reason"]) for e in events] == [
        ("gone", "HTTP 404"), ("live", events[1]["reason"])]
    assert events[1]["reason"].startswith("live again (gone since ")
    assert speech(corpus)["status"] == "live"
