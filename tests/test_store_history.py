"""Time in the corpus: as-of snapshots, re-extraction, and the integrity check."""

from __future__ import annotations

import hashlib
import zlib

import pytest

from corpus.errors import UserError
from corpus.record import Speech
from corpus.store import Corpus
from tests.store_support import BASE, RECORD, Clock, FakeExtractor, page, rows

A, B, C = BASE + "a", BASE + "b", BASE + "c"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def corpus(tmp_path, clock):
    with Corpus(tmp_path / "corpus.db", extract=FakeExtractor(), clock=clock) as corpus:
        yield corpus


def snapshot(corpus, moment):
    return {r["id"]: (r["version"], r["title"], r["status"]) for r in corpus.as_of(moment)}


def test_as_of_gives_the_record_held_at_each_moment(corpus, clock):
    clock.set("2024-01-10T12:00:00")
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(A, 200, {}, page(title="A1"), crawl)
    corpus.record_page(B, 200, {}, page(title="B1"), crawl)
    clock.set("2024-02-10T12:00:00")
    corpus.record_page(A, 200, {}, page(title="A2"), crawl)
    corpus.record_page(B, 404, {}, b"", crawl)
    corpus.record_page(C, 200, {}, page(title="C1"), crawl)
    clock.set("2024-03-10T12:00:00")
    corpus.record_page(B, 200, {}, page(title="B1"), crawl)  # back, unchanged

    assert snapshot(corpus, "2024-01-09") == {}
    assert snapshot(corpus, "2024-01-10") == {
        "/opa/speech/a": (1, "A1", "live"), "/opa/speech/b": (1, "B1", "live")}
    assert snapshot(corpus, "2024-02-10T11:59:59Z") == snapshot(corpus, "2024-01-10")
    assert snapshot(corpus, "2024-02-11") == {
        "/opa/speech/a": (2, "A2", "live"), "/opa/speech/b": (1, "B1", "gone"),
        "/opa/speech/c": (1, "C1", "live")}
    assert snapshot(corpus, "2024-03-11")["/opa/speech/b"] == (1, "B1", "live")
    records = list(corpus.as_of("2024-01-10"))
    assert [r["id"] for r in records] == ["/opa/speech/a", "/opa/speech/b"]
    assert records[0]["paragraphs"] == RECORD["paragraphs"]
    assert records[0]["speakers"] == RECORD["speakers"]


def test_as_of_accepts_dates_and_datetimes_and_rejects_bad_ones(corpus):
    from datetime import date, datetime, timezone

    assert list(corpus.as_of(date(2020, 1, 1))) == []
    assert list(corpus.as_of(datetime(2020, 1, 1, tzinfo=timezone.utc))) == []
    assert list(corpus.as_of("2020-01-01T10:00:00+02:00")) == []
    for bad in ("yesterday", "2024-13-01", "2024-02-30"):
        with pytest.raises(UserError, match="bad as-of"):
            list(corpus.as_of(bad))


def test_records_filter_on_the_speech_date(corpus):
    crawl = corpus.begin_crawl("crawl", {})
    for url, day in ((A, "2019-12-31"), (B, "2020-06-01"), (C, None)):
        corpus.record_page(url, 200, {}, page(date=day), crawl)
    ids = [r["id"] for r in corpus.records(since="2020-01-01", until="2020-12-31")]
    assert ids == ["/opa/speech/b"]
    with pytest.raises(UserError, match="bad --since date"):
        list(corpus.records(since="2020/01/01"))


class Fixed(FakeExtractor):
    """Extractor v2: drops a trailing "[applause]" paragraph and reads "legacy" pages."""

    def __call__(self, body, url, *, encoding=None):
        if body.startswith(b"legacy:"):
            body = body[len(b"legacy:"):]
        speech: Speech = super().__call__(body, url, encoding=encoding)
        speech.paragraphs = [p for p in speech.paragraphs if p != "[applause]"]
        speech.text = "\n\n".join(speech.paragraphs)
        return speech


def test_reextract_makes_versions_only_where_output_changed(corpus, clock):
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(A, 200, {}, page(paragraphs=["Hello.", "[applause]"]), crawl)
    corpus.record_page(B, 200, {}, page(), crawl)
    corpus.record_page(C, 200, {}, b"legacy:" + page(title="C"), crawl)
    assert corpus.speech_state(C) is None  # v1 could not read it
    last_seen = {r["id"]: r["last_seen"] for r in rows(corpus, "SELECT * FROM speeches")}

    corpus.extractor = Fixed(version="fake-2")
    result = corpus.reextract()

    assert (result["pages"], result["changed"], result["unchanged"], result["new"]) == (3, 1, 1, 1)
    a = corpus.versions("/opa/speech/a")
    assert [v["extractor_version"] for v in a] == ["fake-1", "fake-2"]
    assert a[1]["paragraphs"] == ["Hello."] and a[1]["crawl_id"] == result["crawl_id"]
    assert [v["extractor_version"] for v in corpus.versions("/opa/speech/b")] == ["fake-1"]
    assert corpus.versions("/opa/speech/c")[0]["title"] == "C"
    for row in rows(corpus, "SELECT * FROM speeches WHERE id != '/opa/speech/c'"):
        assert row["last_seen"] == last_seen[row["id"]]  # no network contact
    [crawl_row] = rows(corpus, "SELECT * FROM crawls WHERE id = ?", (result["crawl_id"],))
    assert crawl_row["mode"] == "reextract" and crawl_row["exit_status"] == 0
    assert corpus.reextract()["unchanged"] == 3  # idempotent
    assert corpus.check() == []


def test_reextract_keeps_gone_speeches_gone(corpus):
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(A, 200, {}, page(paragraphs=["Hi.", "[applause]"]), crawl)
    corpus.record_page(A, 404, {}, b"", crawl)
    corpus.extractor = Fixed(version="fake-2")
    assert corpus.reextract()["changed"] == 1
    assert corpus.speech_state(A)["status"] == "gone"


def test_check_is_clean_on_a_healthy_corpus(corpus):
    crawl = corpus.begin_crawl("crawl", {})
    for body in (page(), page(title="B"), page()):
        corpus.record_page(A, 200, {}, body, crawl)
    corpus.record_page(B, 404, {}, b"", crawl)
    corpus.record_page(C, 200, {}, b"broken", crawl)
    assert corpus.check() == []


@pytest.mark.parametrize("damage, expected", [
    ("UPDATE speeches SET content_hash = 'x'", "row differs from its current version"),
    ("UPDATE speech_versions SET title = 'edited by hand' WHERE version = 1",
     "content_hash does not match content"),
    ("DELETE FROM speech_versions WHERE version = 2", "versions numbered 1..1"),
    ("UPDATE speech_versions SET seen_until = NULL WHERE version = 1", "seen_until None"),
    ("UPDATE raw_pages SET body = zeroblob(10)", "cannot decompress"),
    ("UPDATE speeches SET status = 'gone'", "status 'gone' with gone_since None"),
    ("INSERT INTO raw_pages(sha256, size, compression, body, first_seen)"
     " VALUES ('{sha}', 2, 'zlib', X'{blob}', '2024')", "orphan"),
])
def test_check_finds_broken_invariants(corpus, damage, expected):
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(A, 200, {}, page(), crawl)
    corpus.record_page(A, 200, {}, page(title="B"), crawl)
    sql = damage.format(sha=hashlib.sha256(b"hi").hexdigest(), blob=zlib.compress(b"hi").hex())
    corpus.execute("PRAGMA foreign_keys = OFF")
    corpus.execute(sql)
    found = corpus.check()
    assert any(expected in problem for problem in found), found


def test_check_finds_speech_without_versions_and_fts_drift(corpus):
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(A, 200, {}, page(), crawl)
    corpus.execute("PRAGMA foreign_keys = OFF")
    corpus.execute("DELETE FROM speech_versions")
    corpus.execute("DELETE FROM speeches_fts_data")  # wipe the index's contents
    found = corpus.check()
    assert "speech /opa/speech/a: has no version" in found
    assert any("full-text index" in p or "integrity_check" in p for p in found), found


def test_search_index_follows_changes(corpus):
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(A, 200, {}, page(title="Antitrust enforcement"), crawl)
    corpus.record_page(B, 200, {}, page(paragraphs=["We enforce antitrust laws."]), crawl)

    def hits(q):
        return [r[0] for r in corpus.execute(
            "SELECT s.id FROM speeches_fts JOIN speeches s ON s.n = speeches_fts.rowid"
            " WHERE speeches_fts MATCH ? ORDER BY rank, s.id", (q,))]

    assert set(hits("antitrust")) == {"/opa/speech/a", "/opa/speech/b"}
    assert hits("enforcing") != []  # porter stemming
    corpus.record_page(A, 200, {}, page(title="Civil rights"), crawl)
    assert hits("antitrust") == ["/opa/speech/b"]
    assert hits("civil") == ["/opa/speech/a"]
    assert rows(corpus, "SELECT count(*) AS n FROM speeches_fts")[0]["n"] == 2
