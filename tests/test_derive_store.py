"""Derived fields in the store: kept with every version, outside the content hash,
recomputed for every version by `reextract`; their warnings reach the fetch."""

import json

from corpus.record import RECORD_FIELDS
from corpus.store import Corpus
from tests.store_support import BASE, Clock, FakeExtractor, page, rows

URL = BASE + "derived"


def test_every_version_carries_its_derived_fields(tmp_path):
    with Corpus(tmp_path / "c.db", extract=FakeExtractor(), clock=Clock()) as corpus:
        crawl = corpus.begin_crawl("crawl", {})
        corpus.record_page(URL, 200, {}, page(), crawl)
        corpus.record_page(URL, 200, {}, page(
            speakers=["Loretta E. Lynch, Attorney General"], location="Washington, D.C.",
            paragraphs=["LOOKING AHEAD:", "[Applause]", "Good morning to you all."]), crawl)
        v1, v2 = rows(corpus, "SELECT * FROM speech_versions ORDER BY version")
        assert (v1["city"], v1["region"], v1["country"]) == ("Washington", "DC", "US")
        assert (v2["city"], v2["region"], v2["country"]) == ("Washington", "DC", "US")
        assert json.loads(v1["speaker_roles"]) == ["Attorney General"]
        assert json.loads(v2["speaker_names"]) == ["Loretta E. Lynch"]
        assert json.loads(v2["paragraph_roles"]) == ["heading", "stage", "text"]
        assert (v2["word_count"], v2["paragraph_count"]) == (2 + 5, 2)
        # two short paragraphs: too little text to tell the language
        assert (v1["kind"], v1["delivery_status"], v1["language"]) == ("speech", "prepared",
                                                                          None)
        [speech] = corpus.records()
        assert speech["paragraph_roles"] == ["heading", "stage", "text"]
        assert json.loads(v1["person_ids"]) == ["merrick-b-garland"]
        assert speech["person_ids"] == json.loads(v2["person_ids"]) == ["loretta-e-lynch"]


def test_reextract_recomputes_derived_fields_without_a_new_version(tmp_path, monkeypatch):
    monkeypatch.setattr("corpus.store.people.REDERIVE_BATCH", 1)  # a batch per record
    with Corpus(tmp_path / "c.db", extract=FakeExtractor(), clock=Clock()) as corpus:
        crawl = corpus.begin_crawl("crawl", {})
        corpus.record_page(URL, 200, {}, page(), crawl)
        corpus.record_page(URL, 200, {}, page(title="Attorney General Delivers Remarks Again"),
                           crawl)
        # a derivation of an older release: values gone or wrong
        corpus.execute("UPDATE speech_versions SET kind = NULL, word_count = 0,"
                       " paragraph_roles = NULL")
        corpus.execute("UPDATE speeches SET kind = NULL")
        result = corpus.reextract()
        assert result["unchanged"] == 1 and result["rederived"] == 2
        got = rows(corpus, "SELECT version, kind, word_count, paragraph_roles FROM"
                           " speech_versions ORDER BY version")
        assert got == [{"version": v, "kind": "speech", "word_count": 2 + 5,
                        "paragraph_roles": '["text","text"]'} for v in (1, 2)]
        assert corpus.query_one("SELECT kind FROM speeches")["kind"] == "speech"
        assert corpus.check() == []


def test_speakers_from_title_warn_on_the_fetch(tmp_path):
    with Corpus(tmp_path / "c.db", extract=FakeExtractor(), clock=Clock()) as corpus:
        crawl = corpus.begin_crawl("crawl", {})
        corpus.record_page(URL, 200, {}, page(
            speakers=[], title="Associate Attorney General Paul D. Reyes Announces Launch"),
            crawl)
        [fetch] = rows(corpus, "SELECT warnings FROM fetches")
        assert json.loads(fetch["warnings"]) == [
            "speakers-from-title: Associate Attorney General Paul D. Reyes"]
        [speech] = corpus.records()
        assert speech["speakers"] == [] and speech["speaker_names"] == ["Paul D. Reyes"]


def test_every_record_column_exists_in_every_table_of_records(tmp_path):
    with Corpus(tmp_path / "c.db") as corpus:
        for table in ("speeches", "speech_versions", "captures"):
            assert set(RECORD_FIELDS) <= set(corpus.db[table].columns_dict), table
        assert corpus.db["speech_versions"].columns_dict["word_count"] is int


def test_changed_fields_name_content_only_and_a_move_is_reported_apart(tmp_path):
    from corpus.publish.tables import version_rows

    with Corpus(tmp_path / "c.db", extract=FakeExtractor(), clock=Clock()) as corpus:
        crawl = corpus.begin_crawl("crawl", {})
        corpus.record_page(URL, 200, {}, page(), crawl)
        moved = URL.replace("/opa/", "/archives/opa/")  # the same speech, another address
        corpus.record_page(moved, 200, {}, page(title="A New Title", updated="2022-01-05"),
                           crawl)
        v1, v2 = version_rows(corpus, None)
        assert (v1["changed_fields"], v1["changed_metadata"]) == ([], [])
        assert v2["changed_fields"] == ["title"]
        assert v2["changed_metadata"] == ["url", "updated"]
