"""Archive captures, archive-only speeches, attachments and the merged timeline, through
the public methods of corpus.store.Corpus."""

from __future__ import annotations

import json
import sqlite3

import pytest

from corpus.record import content_hash
from corpus.store.migrations import MIGRATIONS, schema_version
from corpus.store import Corpus
from tests.store_support import BASE, RECORD, Clock, FakeExtractor, page

SID = "/opa/speech/remarks"
URL = BASE + "remarks"
A = {**RECORD, "paragraphs": ["Good morning.", "Version A."]}
B = {**RECORD, "paragraphs": ["Good morning.", "Version B."], "title": "Retitled"}


@pytest.fixture
def corpus(tmp_path):
    clock = Clock("2024-03-01T00:00:00")
    with Corpus(tmp_path / "corpus.db", extract=FakeExtractor(), clock=clock) as corpus:
        crawl = corpus.begin_crawl("crawl", {})
        corpus.record_page(URL, 200, {}, page(paragraphs=A["paragraphs"]), crawl)
        corpus.crawl = crawl
        yield corpus


def at(day: str) -> str:
    return f"{day}T12:00:00.000000Z"


def capture(corpus, day, record, raw=None):
    stamp = day.replace("-", "") + "120000"
    return corpus.record_capture(SID, at(day), f"https://web.archive.org/web/{stamp}id_/{URL}", URL,
                          raw if raw is not None else json.dumps(record).encode(), record,
                          extractor_version="x-1", now="2024-05-01T00:00:00.000000Z")


def test_the_migration_adds_tables_and_marks_existing_speeches_crawled(corpus):
    assert schema_version(corpus.db) == len(MIGRATIONS)
    assert {"captures", "attachments", "attachments_fts"} <= set(corpus.db.table_names())
    columns = set(corpus.db["captures"].columns_dict)
    assert columns >= {"speech_id", "captured_at", "archive_url", "raw_sha256", "content_hash",
                       "generation", "title", "date", "location", "delivery", "speakers",
                       "components", "topics", "updated", "paragraphs", "text"}
    assert set(corpus.db["attachments"].columns_dict) >= {
        "speech_id", "url", "name", "media_type", "raw_sha256", "text", "pages", "first_seen", "last_seen"}
    assert corpus.query("SELECT id, source FROM speeches") == [{"id": SID, "source": "crawl"}]
    assert corpus.check() == []


def test_captures_keep_one_row_per_distinct_content_in_time(corpus):
    outcomes = [capture(corpus, "2019-01-01", A), capture(corpus, "2019-06-01", A),
                capture(corpus, "2020-01-01", B), capture(corpus, "2021-01-01", A),
                capture(corpus, "2021-01-01", B)]
    assert outcomes == ["new", "same", "new", "new", "exists"]
    rows = corpus.query("SELECT captured_at, title, paragraphs, text, content_hash, extractor_version"
                       " FROM captures ORDER BY captured_at")
    assert [r["captured_at"] for r in rows] == [at("2019-01-01"), at("2020-01-01"), at("2021-01-01")]
    assert [r["title"] for r in rows] == [A["title"], "Retitled", A["title"]]
    assert json.loads(rows[1]["paragraphs"]) == B["paragraphs"]
    assert rows[1]["text"] == "Good morning.\n\nVersion B."
    assert [r["content_hash"] for r in rows] == [content_hash(A), content_hash(B), content_hash(A)]


def test_an_earlier_capture_of_the_same_content_replaces_the_later_one(corpus):
    assert capture(corpus, "2020-01-01", A) == "new"
    assert capture(corpus, "2019-01-01", A) == "earlier"
    assert capture(corpus, "2018-01-01", B) == "new"
    assert [r["captured_at"] for r in corpus.query("SELECT captured_at FROM captures ORDER BY 1")] == [
        at("2018-01-01"), at("2019-01-01")]


def test_capture_raw_bytes_are_stored_once_and_restorable(corpus):
    raw = b"<html>captured page</html>" * 50
    capture(corpus, "2019-01-01", A, raw)
    capture(corpus, "2020-01-01", B, raw)  # same bytes, another record: one raw row
    sha = corpus.query("SELECT raw_sha256 FROM captures")[0]["raw_sha256"]
    stored = corpus.query("SELECT size FROM raw_pages WHERE sha256 = ?", (sha,))
    assert len(stored) == 1 and corpus.raw_page(sha) == raw and stored[0]["size"] == len(raw)
    assert corpus.raw_page(sha) == raw


def test_a_speech_known_only_from_the_archive(corpus):
    gone = "/opa/speech/removed-before-we-came"
    with pytest.raises(sqlite3.IntegrityError):
        corpus.record_capture(gone, at("2016-01-01"), "https://web.archive.org/web/x", BASE + "x",
                       b"raw", {**B, "title": "Removed"})
    assert corpus.record_archive_speech(gone, "https://www.justice.gov/opa/speech/removed-before-we-came",
                                 {**B, "title": "Removed Remarks"}, now="2024-05-01T00:00:00.000000Z")
    assert not corpus.record_archive_speech(SID, URL, B)  # a crawled speech stays crawled
    assert corpus.record_capture(gone, at("2016-01-01"), "https://web.archive.org/web/x", BASE + "x",
                          b"raw", {**B, "title": "Removed Remarks"}) == "new"
    row = corpus.query("SELECT status, source, version, title, text, gone_since, content_hash"
                      " FROM speeches WHERE id = ?", (gone,))[0]
    assert row == {"status": "gone", "source": "archive", "version": 0, "title": "Removed Remarks",
                   "text": "Good morning.\n\nVersion B.", "gone_since": "2024-05-01T00:00:00.000000Z",
                   "content_hash": content_hash({**B, "title": "Removed Remarks"})}
    hits = corpus.query("SELECT s.id FROM speeches_fts JOIN speeches s ON s.n = speeches_fts.rowid"
                       " WHERE speeches_fts MATCH 'removed'")
    assert hits == [{"id": gone}]


def test_attachments_keep_every_distinct_file(corpus):
    pdf = "https://www.justice.gov/atr/speech/file/1234/download"

    def add(raw, text, now):
        return corpus.record_attachment(SID, pdf, "testimony.pdf", "application/pdf", raw, text, 3,
                                 warnings=["pdf-no-text-layer: pages 3"], now=now)

    assert add(b"%PDF-A", "Antitrust testimony text", "2024-01-01T00:00:00.000000Z") == "new"
    assert add(b"%PDF-A", "Antitrust testimony text", "2024-02-01T00:00:00.000000Z") == "unchanged"
    assert add(b"%PDF-B", "Corrected testimony text", "2024-03-01T00:00:00.000000Z") == "changed"
    assert add(b"%PDF-A", "Antitrust testimony text", "2024-04-01T00:00:00.000000Z") == "changed"
    rows = corpus.query("SELECT text, first_seen, last_seen, pages, warnings, raw_sha256 FROM attachments ORDER BY id")
    assert [(r["text"][:9], r["first_seen"][:10], r["last_seen"][:10]) for r in rows] == [
        ("Antitrust", "2024-01-01", "2024-02-01"), ("Corrected", "2024-03-01", "2024-03-01"),
        ("Antitrust", "2024-04-01", "2024-04-01")]
    assert rows[0]["raw_sha256"] == rows[2]["raw_sha256"] and corpus.raw_page(rows[1]["raw_sha256"]) == b"%PDF-B"
    assert json.loads(rows[0]["warnings"]) == ["pdf-no-text-layer: pages 3"] and rows[0]["pages"] == 3
    found = corpus.query("SELECT rowid FROM attachments_fts WHERE attachments_fts MATCH 'corrected'")
    assert len(found) == 1


def test_timeline_merges_captures_and_versions_by_time(corpus):
    capture(corpus, "2019-01-01", B)
    capture(corpus, "2020-01-01", A)  # the content our first crawl later found
    corpus.record_page(URL, 200, {}, page(paragraphs=B["paragraphs"], title="Retitled"), corpus.crawl)
    entries = corpus.timeline(SID)
    assert [(e["source"], e["version"], e["changed"]) for e in entries] == [
        ("archive", None, True), ("archive", None, True), ("crawl", 1, False), ("crawl", 2, True)]
    assert [e["moment"][:4] for e in entries] == ["2019", "2020", "2024", "2024"]
    assert entries[0]["archive_url"].startswith("https://web.archive.org/web/20190101120000id_/")
    assert entries[2]["until"] == entries[3]["moment"] and entries[3]["until"] is None
    assert corpus.timeline("/opa/speech/unknown") == []


@pytest.mark.parametrize("damage, expected", [
    ("UPDATE captures SET title = 'edited by hand'", "content_hash does not match content"),
    ("UPDATE captures SET text = 'another text'", "text is not its paragraphs joined"),
    ("UPDATE captures SET speakers = 'not json'", "a list column is not JSON"),
])
def test_check_finds_a_damaged_capture(corpus, damage, expected):
    def capture_problems():  # (its raw page has no fetch here: the crawl logs one)
        return [p for p in corpus.check() if p.startswith("capture ")]

    capture(corpus, "2019-05-01", B)
    assert capture_problems() == []
    corpus.execute(damage)
    assert capture_problems() == [f"capture {SID} at {at('2019-05-01')}: {expected}"]
