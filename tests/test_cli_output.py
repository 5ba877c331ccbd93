"""search, history, stats and check for people (table) and for scripts (json, csv)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from corpus.record import SHOWN_FIELDS
from corpus.store import Corpus
from scraper.cli import cli
from tests.store_support import BASE, Clock, FakeExtractor, page

A, B, C = BASE + "a", BASE + "b", BASE + "c"
APPLAUSE = "We will enforce the antitrust laws. [Applause] And we will keep doing so."


@pytest.fixture
def db(tmp_path):
    """Three speeches: a with two versions, b gone, c with a transcript's [Applause]."""
    path = tmp_path / "corpus.db"
    with Corpus(path, extract=FakeExtractor(), clock=Clock()) as corpus:
        crawl = corpus.begin_crawl("crawl", {"base_url": "https://www.justice.gov"})
        corpus.record_page(A, 200, {}, page(title="Antitrust enforcement today"), crawl)
        corpus.record_page(B, 200, {}, page(paragraphs=["Antitrust and the rule of law."]), crawl)
        corpus.record_page(C, 200, {}, page(title="Remarks", paragraphs=[APPLAUSE]), crawl)
        corpus.record_page(A, 200, {}, page(title="Antitrust enforcement tomorrow"), crawl)
        corpus.record_page(B, 404, {}, b"", crawl)
        corpus.finish_crawl(crawl, {}, 0)
    return path


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_search_counts_every_match_and_marks_hits_apart_from_brackets(db):
    result = run("search", "--db", db, "antitrust", "--limit", "2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "2 of 3 matches"
    assert lines[0].startswith("1. 2021-12-07  Antitrust enforcement tomorrow")
    assert "«Antitrust» enforcement tomorrow" in lines[2]
    result = run("search", "--db", db, "applause")
    assert "[«Applause»]" in result.output  # the transcript's brackets stay its own
    assert result.output.splitlines()[-1] == "1 match"
    assert run("search", "--db", db, "zzyzx").output.strip() == "no matches"


def test_a_query_that_is_not_fts_syntax_is_searched_as_words_and_says_so(db):
    result = run("search", "--db", db, 'antitrust AND "of')
    assert result.exit_code == 0
    note = result.stderr.strip().splitlines()
    assert len(note) == 1 and note[0].startswith("note: 'antitrust AND \"of' is not valid")
    assert 'searched for the words "antitrust" "AND" "of" instead' in note[0]
    data = json.loads(run("search", "--db", db, "AND OR", "--json").stdout)
    assert data["fallback"] is True and data["searched"] == '"AND" "OR"'
    # Valid syntax: no note.
    valid = run("search", "--db", db, '"rule of law" OR tomorrow')
    assert valid.stderr == "" and valid.output.splitlines()[-1] == "2 matches"


def test_search_json_and_csv(db):
    data = json.loads(run("search", "--db", db, "antitrust", "--format", "json").output)
    assert data["total"] == 3 and data["fallback"] is False
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3]
    assert {h["id"] for h in data["hits"]} == {"/opa/speech/a", "/opa/speech/b", "/opa/speech/c"}
    assert [h["status"] for h in data["hits"] if h["id"] == "/opa/speech/b"] == ["gone"]
    table = list(csv.DictReader(io.StringIO(run("search", "--db", db, "antitrust",
                                                "--format", "csv").output)))
    assert [r["rank"] for r in table] == ["1", "2", "3"]
    assert table[0]["title"] == "Antitrust enforcement tomorrow"
    assert "«Antitrust»" in table[0]["snippet"]


def test_history_in_every_format(db):
    table = run("history", "--db", db, A)
    assert table.exit_code == 0
    assert "2 version(s)" in table.output
    assert 'title: "Antitrust enforcement today" -> "Antitrust enforcement tomorrow"' \
        in table.output
    data = json.loads(run("history", "--db", db, "/opa/speech/a", "--json").output)
    assert data["speech"]["id"] == "/opa/speech/a" and data["speech"]["version"] == 2
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert data["versions"][0]["changes"] == []
    assert any("tomorrow" in line for line in data["versions"][1]["changes"])
    gone = json.loads(run("history", "--db", db, B, "--format", "json").output)
    assert [e["status"] for e in gone["status_changes"]] == ["gone"]
    rows = list(csv.DictReader(io.StringIO(run("history", "--db", db, A, "--format",
                                               "csv").output)))
    assert [r["version"] for r in rows] == ["1", "2"]
    for name in SHOWN_FIELDS:  # the record's fields, derived from corpus.record.FIELDS
        assert name in rows[0]
    assert rows[1]["title"] == "Antitrust enforcement tomorrow" and "tomorrow" in rows[1]["changes"]
    assert rows[0]["speakers"] == "Attorney General Merrick B. Garland"


def test_stats_in_every_format(db):
    assert "3 speeches" in run("stats", "--db", db).output
    data = json.loads(run("stats", "--db", db, "--json").output)
    assert data["by_status"] == {"gone": 1, "live": 2}
    rows = list(csv.DictReader(io.StringIO(run("stats", "--db", db, "--format", "csv").output)))
    assert {"section": "by_status", "key": "gone", "value": "1"} in rows
    assert {"section": "speeches", "key": "", "value": "3"} in rows
    assert {"section": "crawl 1", "key": "mode", "value": "crawl"} in rows


def test_check_in_every_format_and_the_exit_code_stays(db):
    assert run("check", "--db", db).output.startswith("ok: 3 speeches, 4 versions")
    data = json.loads(run("check", "--db", db, "--json").output)
    assert data == {"ok": True, "speeches": 3, "versions": 4, "raw_pages": 4, "problems": []}
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE speech_versions SET title = 'tampered' WHERE rowid = 1")
    result = run("check", "--db", db, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False and any("content_hash" in p for p in data["problems"])
    assert result.stderr.strip().endswith("1 problem(s) found")
    [row] = list(csv.DictReader(io.StringIO(run("check", "--db", db, "--format", "csv").stdout)))
    assert row["ok"] == "False" and "content_hash" in row["problems"]


def test_json_shorthand_conflicts_with_csv(db):
    result = run("stats", "--db", db, "--json", "--format", "csv")
    assert result.exit_code == 2 and "--json and --format csv" in result.stderr
