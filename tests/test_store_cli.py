"""The corpus commands end to end, on the eval pages and the real extractor."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.conftest import EVAL, REAL, eval_cases, load_case

GARLAND = "current-garland-naag-2021"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def fail_line(result, code=2):
    """An expected failure: the exit code and exactly one line on stderr."""
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def pages(tmp_path):
    """The eval pages in a folder, with a URL map for the archive pages (no canonical link)."""
    folder = tmp_path / "pages"
    folder.mkdir()
    lines = ["path,url"]
    for name in eval_cases():
        shutil.copy(EVAL / f"{name}.html", folder / f"{name}.html")
        if name.startswith("archive"):
            lines.append(f"{name}.html,{load_case(name)[1]['url']}")
    (folder / "urls.csv").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture
def db(tmp_path, pages):
    path = tmp_path / "corpus.db"
    result = run("import-pages", "--db", path, pages, "--url-map", pages / "urls.csv")
    assert result.exit_code == 0, result.output
    return path


def query(path, sql, params=()):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def test_import_pages_stores_the_expected_records(db):
    assert query(db, "SELECT count(*) FROM speeches") == [(len(eval_cases()),)]
    for name in eval_cases():
        expected = load_case(name)[1]
        from corpus.urls import canonical_id

        [(title, date, speakers, text, version)] = query(
            db, "SELECT title, date, speakers, text, version FROM speeches WHERE id = ?",
            (canonical_id(expected["url"]),))
        assert (title, date, json.loads(speakers), text, version) == (
            expected["title"], expected["date"], expected["speakers"], expected["text"], 1)
    [(mode, status, stats)] = query(db, "SELECT mode, exit_status, stats FROM crawls")
    assert (mode, status, json.loads(stats)) == ("import", 0, {"new": len(eval_cases())})


def test_reimport_is_unchanged_and_recognised_by_raw_hash(db, pages):
    result = run("import-pages", "--db", db, pages, "--url-map", pages / "urls.csv")
    assert result.exit_code == 0
    assert f"{len(eval_cases())} unchanged" in result.output
    assert query(db, "SELECT count(*) FROM speech_versions") == [(len(eval_cases()),)]
    assert query(db, "SELECT DISTINCT reason FROM fetches WHERE crawl_id = 2") == [
        ("same raw page",)]


def test_import_problems_are_named_and_exit_2(tmp_path, pages):
    db = tmp_path / "c.db"
    listing = REAL / "listing" / "current_olc-opinions_listing_2023.html"
    result = run("import-pages", "--db", db, pages, listing)  # no --url-map
    assert result.exit_code == 2
    assert result.stderr.count("no_url: no canonical link") == 2
    assert "current_olc-opinions_listing_2023.html: skipped" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: 3 of {len(eval_cases()) + 1} pages were not imported as speeches")
    assert query(db, "SELECT count(*) FROM speeches") == [(len(eval_cases()) - 2,)]


def test_url_map_by_file_name_and_bad_maps(tmp_path, pages):
    db = tmp_path / "c.db"
    archive = pages / "archive-gonzales-npr-2005.html"
    mapping = tmp_path / "elsewhere.csv"
    mapping.write_text(f"path,url\nsaved/{archive.name},{load_case(archive.stem)[1]['url']}\n")
    assert run("import-pages", "--db", db, archive, "--url-map", mapping).exit_code == 0
    assert query(db, "SELECT id FROM speeches") == [
        ("/archive/ag/speeches/2005/052005agremarksnpr.htm",)]
    (tmp_path / "bad.csv").write_text("file,link\nx,y\n")
    line = fail_line(run("import-pages", "--db", db, archive, "--url-map", tmp_path / "bad.csv"))
    assert "needs a header with columns path,url" in line


@pytest.mark.parametrize("args, message", [
    (["import-pages", "{tmp}/nope.html"], "no such file or folder"),
    (["import-pages", "--db", "{tmp}/missing/dir/c.db", "{pages}"], "does not exist"),
    (["stats", "--db", "{tmp}/absent.db"], "no corpus at"),
    (["history", "--db", "{db}", "/opa/speech/never-was"], "unknown speech: /opa/speech/never-was"),
    (["export", "--db", "{db}", "--format", "csv", "--out", "{tmp}/o", "--as-of", "31/12/2020"],
     "bad as-of moment"),
    (["export", "--db", "{db}", "--format", "csv", "--out", "{tmp}/o", "--since", "2020"],
     "bad --since date"),
    (["export", "--db", "{db}", "--format", "csv", "--out", "{db}"], "not a directory"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, pages, db, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [a.format(tmp=tmp_path, pages=pages, db=db) for a in args]
    assert message in fail_line(run(*args))


@pytest.mark.parametrize("command", [["stats"], ["search", "law"], ["check"],
                                     ["history", "/opa/speech/x"], ["reextract"],
                                     ["export", "--format", "jsonl", "--out", "o"]])
def test_corrupt_database_is_one_line_and_exit_2(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus.db").write_bytes(b"not a database " * 100)
    line = fail_line(run(*command))
    assert "not a corpus database, or corrupt" in line


def test_damaged_pages_found_mid_command_are_one_line(db):
    # Overwrite the middle of the file (after the header): tables become unreadable.
    with open(db, "r+b") as fh:
        fh.seek(4096)
        fh.write(b"\xde\xad" * 20000)
    result = run("check", "--db", db)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")


def test_stats(db):
    result = run("stats", "--db", db)
    assert result.exit_code == 0
    assert f"{len(eval_cases())} speeches" in result.output
    assert "generation:  current 5, archive 2, drupal7 2" in result.output
    assert "#1 import" in result.output and f"exit 0  new {len(eval_cases())}" in result.output
    info = json.loads(run("stats", "--db", db, "--json").output)
    assert info["by_status"] == {"live": len(eval_cases())}
    assert info["by_year"]["2005"] == 2
    assert info["by_component"]["Office of the Attorney General"] >= 1
    assert info["last_crawls"][0]["mode"] == "import"
    assert info["last_crawls"][0]["outcomes"] == {"new": len(eval_cases())}


def test_search_ranks_and_snippets(db):
    result = run("search", "--db", db, "antitrust")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("1. 2017-12-12  Statement of Assistant Attorney General Makan")
    assert "«Antitrust»" in lines[2] or "«antitrust»" in lines[2]  # corpus.views.search: not brackets
    assert "no matches" in run("search", "--db", db, "zzyzx").output
    assert run("search", "--db", db, 'rule AND "of').exit_code == 0  # bad syntax: plain words


def test_history_shows_versions_and_a_readable_diff(tmp_path, db):
    html, expected = load_case(GARLAND)
    changed = html.replace(b"three core and co-equal priorities", b"three core priorities")
    assert changed != html
    path = tmp_path / "edited.html"
    path.write_bytes(changed)
    assert run("import-pages", "--db", db, path).exit_code == 0
    result = run("history", "--db", db, expected["url"] + "/")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2 version(s)" in out and "\nversion 1 " in out and "\nversion 2 " in out
    assert "~ ¶2: In his remarks, Attorney General Garland outlined the three core" \
        "[- and co-equal-] priorities that guide" in out
    assert run("reextract", "--db", db).exit_code == 0


def test_reextract_and_check(db):
    result = run("reextract", "--db", db)
    assert result.exit_code == 0
    assert f"unchanged {len(eval_cases())}" in result.output
    assert query(db, "SELECT count(*) FROM speech_versions") == [(len(eval_cases()),)]
    result = run("check", "--db", db)
    assert result.exit_code == 0 and result.output.startswith("ok: ")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE speech_versions SET title = 'tampered' WHERE rowid = 1")
    result = run("check", "--db", db)
    assert result.exit_code == 2
    assert "content_hash does not match content" in result.output
    assert result.stderr.strip().endswith("problem(s) found")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_command_is_reproducible(tmp_path, db, fmt):
    for out in ("a", "b"):
        result = run("export", "--db", db, "--format", fmt, "--out", tmp_path / out,
                     "--since", "2015-01-01")
        assert result.exit_code == 0, result.output
    name = f"speeches.{fmt}"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["files"][0]["rows"] == len(eval_cases()) - 2  # the 2005 pages filtered
    assert manifest["extractor_versions"] and manifest["crawl_ids"] == [1]


def test_runs_as_python_dash_m_and_installed(db):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "scraper.cli", "check", "--db", str(db)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("ok: "), done.stderr


@pytest.fixture
def history_db(tmp_path):
    """a changed twice (A1 -> A2 -> a new last paragraph), b gone, c undated."""
    from tests.history_support import build

    build(tmp_path / "history.db").close()
    return tmp_path / "history.db"


def test_search_all_versions_names_each_version(history_db):
    """Issue 20, point 12: old versions are searchable, and --help says what is."""
    now = json.loads(run("search", "--db", history_db, "A1", "--json").output)
    assert now["total"] == 0  # a's title is A2 now
    every = json.loads(run("search", "--db", history_db, "A1 OR A2", "--all-versions",
                           "--json").output)
    assert [(h["id"], h["version"], h["title"]) for h in every["hits"]] == [
        ("/opa/speech/a", 1, "A1"), ("/opa/speech/a", 2, "A2"), ("/opa/speech/a", 3, "A2")]
    text = run("search", "--db", history_db, "A1", "--all-versions").output
    assert "/opa/speech/a  (version 1)" in text
    helped = " ".join(run("search", "--help").output.split())
    assert "the current version of each speech" in helped
    assert "with --all-versions, every version of every speech" in helped


def test_stats_years_count_live_speeches_and_gone_apart(history_db):
    """Issue 20, point 14: b (2020) is gone: not in the years, counted apart."""
    info = json.loads(run("stats", "--db", history_db, "--json").output)
    assert info["by_year"] == {"undated": 1, "2024": 1, "2021": 2}
    assert info["by_year_not_live"] == {"2020": 1}
    text = run("stats", "--db", history_db).output
    assert "year:        undated 1, 2024 1, 2021 2  (live speeches; 1 gone or moved not" \
           " counted)" in text
