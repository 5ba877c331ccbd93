"""The README's first command: `doj-speeches demo` runs the whole job offline and shows
the product: versions, gone speeches, a report with diffs, commands that work."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import sqlite3
import subprocess
import sys

import pytest

from corpus.store import Corpus
from scraper.cli import demo
from tests.crawl_support import rows, run_cli
from tests.store_support import BASE, FakeExtractor, page


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    db, report = folder / "corpus.db", folder / "report.html"
    proc = run_cli("demo", "--db", str(db), "--speeches", "40", "--no-progress",
                   "--report", str(report), timeout=180)
    assert proc.returncode == 0, proc.stderr
    return proc, db, report


def test_demo_backfills_changes_the_replica_and_crawls_again(made):
    proc, db, _ = made
    out = proc.stdout
    for step in ("backfill #1 healthy", "crawl #2 healthy", "backfill #3 healthy"):
        assert step in out
    assert "the replica changed: 4 speeches edited, 1 removed, 2 added" in out
    assert "42 speeches" in out
    counts = rows(db, "SELECT status, count(*) AS n FROM speeches GROUP BY 1 ORDER BY 1")
    assert counts == [{"status": "gone", "n": 1}, {"status": "live", "n": 41}]
    changed = rows(db, "SELECT count(*) AS n FROM speeches WHERE version > 1")[0]["n"]
    assert changed == 4  # every edit found, by the scheduled crawl or the backfill
    assert rows(db, "SELECT count(DISTINCT generation) AS n FROM speeches")[0]["n"] == 3
    assert "Traceback" not in proc.stderr


def test_the_report_has_the_changes_and_their_diffs(made):
    _, _, report = made
    html = report.read_text(encoding="utf-8")
    assert 'id="per-month"' in html and html.count('class="bar"') >= 10
    changed = html[html.index('<section id="changed">'):]
    changed = changed[:changed.index("</section>")]
    assert changed.count('class="change"') >= 4
    assert "<del" in changed or "<ins" in changed or "[-" in changed


def tried(proc) -> list[str]:
    lines = proc.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith("try:"))
    return [line.strip() for line in lines[start + 1:] if line.startswith("  ")]


def test_every_command_the_demo_suggests_works_on_its_corpus(made):
    proc, db, _ = made
    commands = tried(proc)
    assert [shlex.split(c)[3] for c in commands] == ["search", "history", "history", "stats"]
    for command in commands:
        args = shlex.split(command)
        # Run from python -m, so the hint names this interpreter, absolute: no venv needed.
        assert args[:3] == [sys.executable, "-m", "scraper.cli"]
        assert args[-2:] == ["--db", str(db)]
        done = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.strip(), command
        if args[3] == "search":
            assert done.stdout.splitlines()[-1].endswith("matches")
        if args[3] == "history":
            assert "2 version(s)" in done.stdout or "gone since" in done.stdout
    histories = [c for c in commands if " history " in c]
    first = subprocess.run(shlex.split(histories[0]), capture_output=True, text=True)
    assert "2 version(s)" in first.stdout and "\nversion 2 " in first.stdout
    second = subprocess.run(shlex.split(histories[1]), capture_output=True, text=True)
    assert " gone since " in second.stdout


def test_closing_lines_stand_apart_and_years_count_live_speeches(made):
    """Issue 20, point 14: "corpus: corpus.db  try:" ran together; the years counted the
    gone speech without saying so."""
    proc, db, report = made
    lines = proc.stdout.splitlines()
    at = lines.index(f"corpus: {db}")
    assert lines[at - 1] == f"report: {report}  (open it in a browser)"
    assert lines[at + 1:at + 3] == ["", "try:"]
    year = next(line for line in lines if line.startswith("year:"))
    assert year.endswith("(live speeches; 1 gone or moved not counted)")
    assert sum(int(n) for n in re.findall(r" (\d+)(?:,|  \()", year)) == 41


def test_a_demo_corpus_may_be_demoed_again(made):
    _, db, _ = made
    assert demo.foreign_content(str(db)) is None


def _fingerprint(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def _other_site(path):
    with Corpus(path) as corpus:
        crawl = corpus.begin_crawl("crawl", {"base_url": "https://www.justice.gov"})
        corpus.finish_crawl(crawl, {}, 0)


def _imported(path):
    with Corpus(path) as corpus:
        corpus.finish_crawl(corpus.begin_crawl("import", {"paths": ["saved/"]}), {}, 0)


def _not_a_corpus(path):
    path.write_bytes(b"not a database " * 100)


@pytest.mark.parametrize("make, why", [
    (_other_site, "holds a crawl of https://www.justice.gov"),
    (_imported, "holds pages added by import"),
    (_not_a_corpus, "holds something that is not a corpus"),
])
def test_demo_never_writes_into_a_corpus_of_another_site(tmp_path, make, why):
    db = tmp_path / "corpus.db"
    make(db)
    before = sorted(p.name for p in tmp_path.iterdir())
    stamp = _fingerprint(db)
    proc = run_cli("demo", "--db", str(db), "--speeches", "10", "--no-progress",
                   "--report", str(tmp_path / "r.html"), timeout=60)
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(f"Error: {db} {why}") and "(use --db demo.db)" in line
    assert proc.stdout == ""  # not even the replica started
    assert _fingerprint(db) == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no lock, no -wal


def test_speeches_fetched_from_another_host_count_as_another_site(tmp_path):
    db = tmp_path / "c.db"
    with Corpus(db, extract=FakeExtractor()) as corpus:
        crawl = corpus.begin_crawl("crawl", {"base_url": "http://127.0.0.1:8000"})
        corpus.record_page(BASE + "x", 200, {}, page(), crawl)
        corpus.finish_crawl(crawl, {}, 0)
    assert demo.foreign_content(str(db)) == (
        "speeches of another site (https://www.justice.gov/opa/speech/x)")
    assert demo.foreign_content(str(tmp_path / "absent.db")) is None


@pytest.mark.parametrize("argv0, on_path, expected", [
    ("/srv/app/.venv/bin/doj-speeches", None, "/srv/app/.venv/bin/doj-speeches"),
    (".venv/bin/doj-speeches", None, ".venv/bin/doj-speeches"),
    ("/srv/app/.venv/bin/doj-speeches", "/srv/app/.venv/bin/doj-speeches", "doj-speeches"),
    ("/srv/app/scraper/cli.py", None, f"{shlex.quote(sys.executable)} -m scraper.cli"),
])
def test_the_closing_hint_runs_without_an_activated_venv(monkeypatch, argv0, on_path, expected):
    monkeypatch.setattr(sys, "argv", [argv0, "demo"])
    monkeypatch.setattr(demo.shutil, "which", lambda name: on_path)
    assert demo.command_prefix() == expected


def test_removals_keep_every_year_listed():
    live = [{"id": f"s{i}", "index": i, "generation": g, "date": d} for i, (g, d) in
            enumerate([("drupal7", "2019-01-01"), ("drupal7", "2018-01-01"),
                       ("drupal7", "2018-05-01"), ("archive", "2004-01-01")])]
    assert demo.removable(live, 2) == ["s2"]  # the only year with two
    assert sqlite3.sqlite_version  # (sqlite present: foreign_content reads read-only)
