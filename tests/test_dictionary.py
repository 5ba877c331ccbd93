"""The data dictionary matches the schema, and metadata.json (Datasette) is generated from it."""

import json
from pathlib import Path

from corpus.publish.dictionary import QUERIES, TABLES, VIEWS, metadata
from corpus.store import Corpus
from tests.store_support import BASE, FakeExtractor, page

ROOT = Path(__file__).resolve().parents[1]


def test_dictionary_describes_every_table_and_column(tmp_path):
    with Corpus(tmp_path / "c.db", extract=FakeExtractor()) as corpus:
        tables = {t for t in corpus.db.table_names() if "_fts" not in t}
        assert tables == set(TABLES)
        for name, (_, columns) in TABLES.items():
            assert [c.name for c in corpus.db[name].columns] == list(columns), name
        assert set(corpus.db.view_names()) == set(VIEWS)


def test_metadata_json_is_current_and_its_queries_run(tmp_path):
    assert json.loads((ROOT / "metadata.json").read_text()) == metadata()
    with Corpus(tmp_path / "c.db", extract=FakeExtractor()) as corpus:
        crawl = corpus.begin_crawl("t", {})
        corpus.record_page(BASE + "a", 200, {}, page(), crawl)
        corpus.record_page(BASE + "a", 200, {}, page(title="B"), crawl)
        [(until,)] = corpus.execute("SELECT seen_until FROM speech_versions WHERE version = 1")
        rows = corpus.execute(QUERIES["as_of"]["sql"], {"moment": until}).fetchall()
        assert [(r[0], r[1], r[2]) for r in rows] == [("/opa/speech/a", 2, "B")]
        rows = corpus.execute(QUERIES["history"]["sql"], {"speech_id": "/opa/speech/a"})
        assert [r[0] for r in rows] == [1, 2]
        for view in VIEWS:
            corpus.execute(f"SELECT * FROM {view}").fetchall()


def test_docs_hold_the_current_data_dictionary():
    from corpus.publish.dictionary import markdown

    assert markdown() in (ROOT / "docs" / "storage.md").read_text(encoding="utf-8")


def test_readme_holds_the_current_data_dictionary():
    from corpus.publish.dictionary import markdown

    assert markdown() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_datasette_metadata_for_any_file_name_and_as_of_means_end_of_day(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "corpus.publish.dictionary", "metadata",
                          str(tmp_path / "replica.db")], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert list(json.loads(out)["databases"]) == ["replica"]
    with Corpus(tmp_path / "c.db", extract=FakeExtractor()) as corpus:
        crawl = corpus.begin_crawl("test", {})
        corpus.record_page(BASE + "a", 200, {}, page(), crawl)
        day = corpus.execute("SELECT substr(seen_from, 1, 10) FROM speech_versions"
                                  ).fetchone()[0]
        rows = corpus.execute(QUERIES["as_of"]["sql"], {"moment": day}).fetchall()
        assert len(rows) == 1  # a version seen during that day is in "as of that day"
