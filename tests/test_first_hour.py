"""A new user's first hour (issue 13): progress with an ETA, `scrapy crawl` refused,
export that never overwrites silently, and what the README's commands leave behind."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from corpus.errors import UserError
from corpus.publish.export import export
from corpus.store import Corpus
from scraper.crawl import progress
from scraper.cli import cli
from scraper.crawl.guard import REFUSAL
from tests.store_support import BASE, Clock, FakeExtractor, page

ROOT = Path(__file__).resolve().parent.parent


# -- the backfill's progress line -------------------------------------------------------

class Ticking:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def line(monkeypatch):
    clock = Ticking()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))
    ext = progress.Progress(SimpleNamespace(stats=stats), live=False, log_interval=30)
    return ext, stats, clock


def test_progress_has_no_total_during_discovery(line):
    ext, stats, clock = line
    stats.set_value("outcome/new", 3)
    stats.set_value("frontier/total", 50)  # still growing: discovery is not over
    clock.now += 1
    text = ext.line()
    assert text.startswith("pages 3 done, 0 queued |") and "ETA" not in text


def test_progress_shows_the_total_and_an_eta_once_discovery_is_done(line):
    ext, stats, clock = line
    clock.now += 100  # discovery took long: it must not slow the estimate
    stats.set_value("outcome/new", 20)
    stats.set_value("frontier/total", 100)
    stats.set_value("frontier/discovery_done", 1)
    assert ext.line().startswith("pages 20 of 100, ETA ")
    clock.now += 10
    stats.set_value("outcome/new", 30)
    stats.set_value("outcome/not_modified", 10)  # 20 pages in 10 s since discovery ended
    assert ext.line().startswith("pages 40 of 100, ETA 00:30 |")


def test_eta_clock():
    assert progress._clock(59.6) == "01:00"
    assert progress._clock(3725) == "1:02:05"


# -- `scrapy crawl speeches` ------------------------------------------------------------

def test_scrapy_crawl_refuses_with_one_line_naming_the_cli(tmp_path):
    # As a user would type it in a clone: scrapy.cfg in the current directory.
    shutil.copy(ROOT / "scrapy.cfg", tmp_path / "scrapy.cfg")
    scrapy = Path(sys.executable).with_name("scrapy")
    proc = subprocess.run([str(scrapy), "crawl", "speeches", "-s", "JUSTICE_BASE_URL=http://127.0.0.1:9"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    ours = [line for line in proc.stderr.splitlines() if "doj-speeches" in line
            and "[scrapy" not in line]
    assert ours == [REFUSAL]
    assert "`doj-speeches crawl`" in REFUSAL
    assert "Traceback" not in proc.stderr
    assert "GET " not in proc.stderr and "Crawled" not in proc.stderr  # not one request


# -- export ------------------------------------------------------------------------------

@pytest.fixture
def corpus(tmp_path):
    with Corpus(tmp_path / "corpus.db", extract=FakeExtractor(), clock=Clock()) as corpus:
        crawl = corpus.begin_crawl("crawl", {})
        corpus.record_page(BASE + "a", 200, {}, page(title="A"), crawl)
        corpus.record_page(BASE + "b", 200, {}, page(title="B"), crawl)
        yield corpus


def test_export_refuses_a_folder_that_is_not_empty(corpus, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="is not empty: choose a new folder, or --force"):
        export(corpus, "jsonl", out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_forced_export_replaces_the_previous_one_and_lists_what_else_is_there(corpus, tmp_path):
    out = tmp_path / "out"
    export(corpus, "jsonl", out)
    (out / "notes.txt").write_text("mine")
    manifest = export(corpus, "csv", out, force=True)
    # The previous export (its .jsonl tables and manifest) is gone, not left stale.
    assert sorted(p.name for p in out.iterdir()) == [
        "datapackage.json", "manifest.json", "notes.txt", "speech_status.csv",
        "speech_versions.csv", "speeches.csv"]
    written = json.loads((out / "manifest.json").read_text())
    assert written["files"][0]["name"] == "speeches.csv" and written["files"][0]["rows"] == 2
    [other] = written["other_files"]
    assert other["name"] == "notes.txt" and other["bytes"] == 4
    assert manifest == written


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_export_command_force_and_zero_speeches(corpus, tmp_path):
    db, out = corpus.path, tmp_path / "rel"
    first = run("export", "--db", db, "--format", "jsonl", "--out", out)
    assert first.exit_code == 0 and first.stderr == ""
    again = run("export", "--db", db, "--format", "jsonl", "--out", out)
    assert again.exit_code == 2
    assert again.stderr.strip().splitlines() == [
        f"Error: --out {out} is not empty: choose a new folder, or --force to replace the"
        " export in it"]
    empty = run("export", "--db", db, "--format", "csv", "--out", out, "--force",
                "--as-of", "1999-01-01")
    assert empty.exit_code == 0
    assert empty.stderr.strip() == "0 speeches match (as of 1999-01-01, since -, until -)"
    assert empty.stdout.startswith("wrote 0 speeches")
    assert sorted(p.name for p in out.iterdir()) == [
        "datapackage.json", "manifest.json", "speech_status.csv", "speech_versions.csv",
        "speeches.csv"]


# -- what the README's commands write ----------------------------------------------------

@pytest.mark.parametrize("path", ["corpus.db", "corpus.db-wal", "corpus.db.lock", "replica.db",
                                  "report.html", "release/speeches.parquet",
                                  "release-2026-11/manifest.json", "snap/speeches.csv",
                                  "demo.db", "crawl-12.html"])
def test_files_the_commands_write_are_ignored_by_git(path):
    proc = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, timeout=30)
    assert proc.returncode == 0, f"{path} is not in .gitignore"
