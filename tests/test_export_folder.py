"""`export` never overwrites silently: a folder that is not empty is refused, --force
replaces only what an export wrote and lists what else is there."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from corpus.errors import UserError
from corpus.publish.export import export
from corpus.store import Corpus
from scraper.cli import cli
from tests.store_support import BASE, Clock, FakeExtractor, page


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
        "datapackage.json", "manifest.json", "notes.txt", "people.csv", "speech_speakers.csv",
        "speech_status.csv", "speech_versions.csv", "speeches.csv"]
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
        "datapackage.json", "manifest.json", "people.csv", "speech_speakers.csv",
        "speech_status.csv", "speech_versions.csv", "speeches.csv"]


# -- what the README's commands write ----------------------------------------------------
