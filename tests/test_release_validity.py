"""Issue 20: every release format valid and complete, on a corpus with changed, gone,
returned, moved, archive-only and re-extracted speeches (tests/history_support.py).

Points tested here: 1-2 (Frictionless on each format), 4-5 (versions, --previous), 7
(licence), 8 (status history, archive-only speeches), 9 (warnings, origin), 11 (CSV
lists and nulls); the rest in test_export, test_warc, test_wacz, test_feed,
test_store_cli and test_demo.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from corpus.errors import UserError
from corpus.publish.release import Meta, release
from scraper.cli import cli
from tests.history_support import build_history, sid

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
FORMATS = ("parquet", "jsonl", "csv")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("validity")
    corpus = build_history(root / "corpus.db")
    manifests = {fmt: release(corpus, root / fmt, fmt=fmt,
                              generated_at="2024-06-02T00:00:00.000000Z") for fmt in FORMATS}
    yield corpus, root, manifests
    corpus.close()


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def table(root, fmt, name):
    """A release table as dicts of plain values, whatever the format."""
    path = root / fmt / f"{name}.{fmt}"
    if fmt == "jsonl":
        return jsonl(path)
    if fmt == "parquet":
        rows = pq.read_table(path).to_pylist()
        return [{k: (v.isoformat().replace("+00:00", "Z") if hasattr(v, "isoformat")
                     and hasattr(v, "hour") else v.isoformat() if hasattr(v, "isoformat")
                     else v) for k, v in r.items()} for r in rows]
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("fmt", FORMATS)
def test_frictionless_validate_exits_0(made, fmt):
    _, root, _ = made
    proc = subprocess.run([str(FRICTIONLESS), "validate", "--json",
                           str(root / fmt / "datapackage.json")],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["valid"], report
    tasks = {t["name"]: t["stats"]["rows"] for t in report["tasks"]}
    assert [(name, tasks[name]) for name in ("speeches", "speech_versions", "speech_status",
                                            "captures")] == [
        ("speeches", 8), ("speech_versions", 10), ("speech_status", 13), ("captures", 2)]
    assert set(tasks) == {"speeches", "speech_versions", "speech_status", "captures", "people",
                          "speech_speakers"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_validator_sees_a_wrong_type(made, fmt, tmp_path):
    """Types are checked, not waved through: a date column holding a non-date fails."""
    _, root, _ = made
    package = json.loads((root / fmt / "datapackage.json").read_text())
    for resource in package["resources"]:
        (tmp_path / resource["path"]).write_bytes((root / fmt / resource["path"]).read_bytes())
        resource.pop("hash"), resource.pop("bytes", None)
    speeches = package["resources"][0]["schema"]["fields"]
    next(f for f in speeches if f["name"] == "title")["type"] = "date"
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    proc = subprocess.run([str(FRICTIONLESS), "validate", "--json",
                           str(tmp_path / "datapackage.json")],
                          capture_output=True, text=True, timeout=120)
    errors = {(e["type"], e.get("fieldName")) for t in json.loads(proc.stdout)["tasks"]
              for e in t["errors"]}
    assert proc.returncode != 0 and ("type-error", "title") in errors


def test_status_spells_and_the_new_speech_columns(made):
    _, root, _ = made
    spells = [(r["speech_id"][-1], r["status"], r["status_until"] is None, r["source"])
              for r in jsonl(root / "jsonl" / "speech_status.jsonl")]
    assert spells == [
        ("a", "live", True, "crawl"),
        ("b", "live", False, "crawl"), ("b", "gone", True, "crawl"),
        ("c", "live", False, "crawl"), ("c", "gone", False, "crawl"),
        ("c", "live", True, "crawl"),  # returned
        ("d", "live", True, "crawl"), ("e", "live", True, "crawl"),
        ("f", "live", False, "crawl"), ("f", "moved", True, "crawl"),
        ("g", "live", True, "crawl"),
        ("h", "live", False, "archive"), ("h", "gone", True, "archive")]
    speeches = {r["id"]: r for r in jsonl(root / "jsonl" / "speeches.jsonl")}
    f, h, b = speeches[sid("f")], speeches[sid("h")], speeches[sid("b")]
    assert (f["status"], f["moved_to"], f["gone_since"][:10]) == ("moved", sid("g"), "2024-05-10")
    assert (b["gone_since"][:10], b["last_seen"][:10]) == ("2024-02-10", "2024-01-10")
    # the archive-only speech is a row, its record its latest capture
    assert (h["source"], h["status"], h["version"], h["title"]) == ("archive", "gone", None, "H2")
    assert {r["source"] for r in speeches.values() if r["id"] != sid("h")} == {"crawl"}


@pytest.mark.parametrize("day", ["2024-01-15", "2024-01-25", "2024-02-20", "2024-05-15"])
def test_any_days_corpus_with_status_from_the_release_alone(made, day, tmp_path):
    """The README's recipe (versions held that day + the spell holding it) gives what a
    release --as-of that day holds, without the SQLite file."""
    corpus, root, _ = made
    moment = f"{day}T23:59:59.999999Z"
    versions = [v for v in jsonl(root / "jsonl" / "speech_versions.jsonl")
                if v["seen_from"] <= moment and (v["seen_until"] is None
                                                 or v["seen_until"] > moment)]
    spells = {s["speech_id"]: s["status"] for s in jsonl(root / "jsonl" / "speech_status.jsonl")
              if s["status_from"] <= moment and (s["status_until"] is None
                                                 or s["status_until"] > moment)}
    from_release = sorted((v["speech_id"], v["version"], v["title"], spells[v["speech_id"]])
                          for v in versions)
    release(corpus, tmp_path / "then", fmt="jsonl", as_of=day)
    then = sorted((r["id"], r["version"], r["title"], r["status"])
                  for r in jsonl(tmp_path / "then" / "speeches.jsonl") if r["version"])
    assert from_release == then and from_release


def test_versions_carry_warnings_and_origin(made):
    _, root, _ = made
    for fmt in FORMATS:
        rows = {(r["speech_id"][-1], int(r["version"])): r for r in table(root, fmt, "speech_versions")}
        warnings = rows[("f", 1)]["warnings"]
        warnings = json.loads(warnings) if fmt == "csv" else warnings
        assert "date-from-listing: 2024-04-01" in warnings, fmt
        assert [rows[("e", n)]["origin"] for n in (1, 2)] == ["fetch", "reextract"], fmt
        assert rows[("e", 2)]["extractor_version"] == "fake-2"


def test_csv_keeps_empty_lists_apart_from_nulls(made):
    _, root, _ = made
    rows = {r["id"]: r for r in table(root, "csv", "speeches")}
    c, h = rows[sid("c")], rows[sid("h")]
    assert (c["topics"], c["date"]) == ("[]", "")
    assert (h["version"], h["crawl_id"], h["moved_to"]) == ("", "", "")
    card = (root / "csv" / "README.md").read_text(encoding="utf-8")
    assert "JSON arrays in the cell" in card and "an empty cell is null" in card


def test_second_release_of_a_day_gets_the_next_version(made, tmp_path):
    corpus, _, _ = made
    moment = "2030-05-01T10:00:00.000000Z"
    first = release(corpus, tmp_path / "one", fmt="jsonl", generated_at=moment)
    second = release(corpus, tmp_path / "two", fmt="jsonl", previous=tmp_path / "one",
                     generated_at=moment)
    assert (first["version"], second["version"]) == ("2030-05-01", "2030-05-01.2")
    assert second["previous"]["version"] == "2030-05-01"
    changes = (tmp_path / "two" / "CHANGES.md").read_text(encoding="utf-8")
    assert changes.startswith("# Changes in release 2030-05-01.2\n\nSince release 2030-05-01:")
    explicit = release(corpus, tmp_path / "three", fmt="jsonl", generated_at=moment,
                       meta=Meta("1.0"))
    assert explicit["version"] == "1.0"
    logged = corpus.query("SELECT version, folder FROM releases WHERE moment = ? ORDER BY id",
                          (moment,))
    assert [r["version"] for r in logged] == ["2030-05-01", "2030-05-01.2", "1.0"]
    assert logged[0]["folder"] == str((tmp_path / "one").resolve())


def test_previous_must_be_a_release_folder(made, tmp_path):
    corpus, root, _ = made
    runner = CliRunner()
    done = runner.invoke(cli, ["export", "--db", corpus.path, "--format", "jsonl",
                               "--out", str(tmp_path / "export")])
    assert done.exit_code == 0, done.output
    result = runner.invoke(cli, ["release", "--db", corpus.path, "--out", str(tmp_path / "r"),
                                 "--previous", str(tmp_path / "export")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "not a release folder" in result.output
    with pytest.raises(UserError, match="not a release folder"):
        release(corpus, tmp_path / "r2", previous=root)  # no manifest.json at all


def test_one_licence_identifier_everywhere(made):
    _, root, manifests = made
    cff = yaml.safe_load((root / "csv" / "CITATION.cff").read_text(encoding="utf-8"))
    package = json.loads((root / "csv" / "datapackage.json").read_text())
    card = yaml.safe_load((root / "csv" / "README.md").read_text().split("---\n")[1])
    names = {cff["license"], package["licenses"][0]["name"], card["license_name"]}
    assert {n.lower() for n in names} == {"cc-pddc"} and card["license"] == "other"


def test_manifest_names_the_software_and_the_card_the_coverage(made):
    _, root, manifests = made
    import sqlite3

    import pyarrow

    software = manifests["parquet"]["software"]
    assert software["doj-speeches"] and software["pyarrow"] == pyarrow.__version__
    assert software["sqlite"] == sqlite3.sqlite_version
    coverage = manifests["parquet"]["coverage"]
    assert coverage["crawl"] == 5  # the last run that read the sitemap or API
    years = {y["year"]: y for y in coverage["years"]}
    assert years["2021"] == {"year": "2021", "held": 4, "listed": 1, "listed_held": 1}
    card = (root / "parquet" / "README.md").read_text(encoding="utf-8")
    assert "## Coverage per year" in card and "| 2021 | 4 | 1 | 1 |" in card


def test_migration_4_fills_warnings_and_the_version_index_of_an_older_corpus(tmp_path):
    """A corpus made before migration 4 gets its versions' warnings from the fetches
    that made them, and every old version in the full-text index."""
    import sqlite3

    from corpus.store import Corpus, migrations
    from corpus.views.search import search
    from tests.store_support import BASE, FakeExtractor, page

    path = tmp_path / "old.db"
    with Corpus(path, extract=FakeExtractor()) as made:
        crawl = made.begin_crawl("crawl", {})
        made.record_page(BASE + "a", 200, {}, page(title="Zebra", warnings=["kind: x"]), crawl)
        made.record_page(BASE + "a", 200, {}, page(title="Yak"), crawl)
    # back to schema 3: what migrations 4 to 6 added, undone (5's columns may stay: it
    # adds only those missing)
    conn = sqlite3.connect(path)
    conn.executescript("ALTER TABLE raw_pages DROP COLUMN dict_id; DROP TABLE raw_dicts;"
                       " DROP TABLE person_variants; DROP TABLE people;"
                       " DROP TRIGGER speech_versions_ai; DROP TRIGGER speech_versions_ad;"
                       " DROP TABLE speech_versions_fts; DROP TABLE releases;"
                       " ALTER TABLE speech_versions DROP COLUMN warnings;"
                       " UPDATE meta SET value = '3' WHERE key = 'schema_version';")
    conn.close()
    with Corpus(path, extract=FakeExtractor()) as corpus:
        assert corpus.schema_version == len(migrations.MIGRATIONS)
        rows = corpus.query("SELECT version, warnings FROM speech_versions ORDER BY version")
        assert [(r["version"], json.loads(r["warnings"])) for r in rows] == [
            (1, ["kind: x"]), (2, [])]
        hits = search(corpus, "zebra", all_versions=True).hits
        assert [(h["id"], h["version"]) for h in hits] == [(sid("a"), 1)]
        assert search(corpus, "zebra").total == 0  # not the current version
