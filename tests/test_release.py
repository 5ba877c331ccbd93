"""Research releases: typed data files, every version with its changed fields, a valid
Frictionless package, CFF citation and dataset card, changes since a previous release."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from corpus.errors import UserError
from corpus.record import FIELDS
from corpus.publish.release import Meta, release
from corpus.publish.package import table_schema
from corpus.publish.schema import arrow_schema
from scraper.cli import cli
from tests.history_support import build, sid

CFF_SCHEMA = Path(__file__).parent.parent / "corpus" / "publish" / "cff-schema-1.2.0.json"
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The corpus, a first release as of 2024-01-31 and releases since it in each format."""
    root = tmp_path_factory.mktemp("release")
    corpus = build(root / "corpus.db")
    meta = Meta("2.0", authors=["Doe, Jane", "DOJ Speeches Project"], doi="10.5281/zenodo.42",
                url="https://example.org/doj")
    out = {"first": release(corpus, root / "first", fmt="jsonl", as_of="2024-01-31")}
    for fmt in ("parquet", "jsonl", "csv"):
        out[fmt] = release(corpus, root / fmt, fmt=fmt, previous=root / "first", meta=meta)
    yield corpus, root, out
    corpus.close()


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def frictionless_validate(path):
    proc = subprocess.run([str(FRICTIONLESS), "validate", "--json", str(path)],
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, json.loads(proc.stdout)


def test_parquet_columns_have_real_types(made):
    corpus, root, _ = made
    for table in ("speeches", "speech_versions"):
        read = pq.read_table(root / "parquet" / f"{table}.parquet")
        assert read.schema.equals(arrow_schema(table), check_metadata=False)
    versions = pq.read_table(root / "parquet" / "speech_versions.parquet")
    assert str(versions.schema.field("date").type) == "date32[day]"
    assert str(versions.schema.field("seen_from").type) == "timestamp[us, tz=UTC]"
    rows = {(r["speech_id"], r["version"]): r for r in versions.to_pylist()}
    a1 = rows[(sid("a"), 1)]
    assert a1["date"] == date(2021, 12, 7)
    assert a1["seen_until"] == datetime(2024, 2, 10, 0, 0, 2, tzinfo=timezone.utc)
    assert rows[(sid("c"), 1)]["date"] is None
    speeches = {r["id"]: r for r in pq.read_table(root / "parquet" / "speeches.parquet")
                .to_pylist()}
    assert speeches[sid("b")]["speakers"] == ["X, Jr.", "Y; Z"]
    assert [speeches[k]["status"] for k in sorted(speeches)] == ["live", "gone", "live",
                                                                 "live", "live"]


def test_every_version_names_the_fields_it_changed(made):
    _, root, _ = made
    rows = jsonl(root / "jsonl" / "speech_versions.jsonl")
    assert [(r["speech_id"], r["version"]) for r in rows] == [
        (sid("a"), 1), (sid("a"), 2), (sid("a"), 3), (sid("b"), 1), (sid("c"), 1),
        (sid("d"), 1), (sid("e"), 1)]
    assert [r["changed_fields"] for r in rows[:3]] == [[], ["title"], ["paragraphs"]]
    assert list(rows[0]) == [c["name"] for c in table_schema("speech_versions", "jsonl")
                             ["fields"]]
    record_names = [f.name for f in FIELDS]
    assert [n for n in rows[0] if n in record_names] == record_names


def test_as_of_release_is_the_corpus_as_it_was(made):
    _, root, manifests = made
    speeches = {r["id"]: r for r in jsonl(root / "first" / "speeches.jsonl")}
    assert sorted(speeches) == [sid("a"), sid("b"), sid("c"), sid("e")]
    assert (speeches[sid("a")]["title"], speeches[sid("c")]["status"]) == ("A1", "gone")
    versions = jsonl(root / "first" / "speech_versions.jsonl")
    assert len(versions) == 4
    assert all(v["seen_until"] is None for v in versions)  # a's v2 came later
    first = manifests["first"]
    assert (first["version"], first["as_of"]) == ("2024-01-31", "2024-01-31T23:59:59.999999Z")


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_frictionless_validates_the_package(made, fmt):
    _, root, _ = made
    code, report = frictionless_validate(root / fmt / "datapackage.json")
    assert code == 0 and report["valid"], report["errors"]
    # speeches, speech_versions, speech_status, people, speech_speakers
    rows = [t["stats"]["rows"] for t in report["tasks"]]
    assert rows[:3] == [5, 7, 8]
    assert rows[4] == sum(len(json.loads(line)["speaker_names"]) for line in
                          (root / "jsonl" / "speeches.jsonl").read_text().splitlines())
    package = json.loads((root / fmt / "datapackage.json").read_text())
    assert package["licenses"][0]["title"].endswith("(17 U.S.C. 105)")
    versions = package["resources"][1]
    assert versions["schema"]["primaryKey"] == ["speech_id", "version"]
    assert versions["schema"]["foreignKeys"][0]["reference"] == {"resource": "speeches",
                                                                 "fields": ["id"]}
    data = (root / fmt / versions["path"]).read_bytes()
    assert versions["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    # Frictionless cannot count a Parquet file's bytes (it reads it through pyarrow):
    # manifest.json has them; the other formats keep them in the package
    assert ("bytes" in versions) == (fmt != "parquet")


def test_frictionless_catches_a_broken_foreign_key(made, tmp_path):
    _, root, _ = made
    for name in ("speeches.csv", "speech_versions.csv", "speech_status.csv", "people.csv",
                 "speech_speakers.csv",
                 "datapackage.json"):
        (tmp_path / name).write_bytes((root / "csv" / name).read_bytes())
    with open(tmp_path / "speeches.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if r[0] != sid("d")]  # versions still name d
    with open(tmp_path / "speeches.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    package = json.loads((tmp_path / "datapackage.json").read_text())
    for resource in package["resources"]:
        del resource["hash"], resource["bytes"]
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    code, report = frictionless_validate(tmp_path / "datapackage.json")
    assert code != 0 and not report["valid"]
    errors = [e["type"] for t in report["tasks"] for e in t["errors"]]
    # d's version and its status spell, and its speakers if it has any, still name it
    assert set(errors) == {"foreign-key"}
    speaks = sid("d") in (root / "csv" / "speech_speakers.csv").read_text()
    assert len(errors) == 2 + speaks


def test_csv_lists_are_json_arrays(made):
    _, root, _ = made
    with open(root / "csv" / "speeches.csv", newline="", encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert json.loads(rows[sid("b")]["speakers"]) == ["X, Jr.", "Y; Z"]
    assert json.loads(rows[sid("b")]["paragraphs"])[0] == "Good morning."
    assert rows[sid("c")]["date"] == "" and rows[sid("c")]["topics"] == "[]"


def test_same_corpus_same_arguments_same_bytes(made, tmp_path):
    corpus, root, _ = made
    again = release(corpus, tmp_path / "again", fmt="parquet", previous=root / "first",
                    meta=Meta("2.0"), generated_at="2030-01-01T00:00:00.000000Z")
    for entry in again["files"]:
        assert ((tmp_path / "again" / entry["name"]).read_bytes()
                == (root / "parquet" / entry["name"]).read_bytes())
    assert (tmp_path / "again" / "changes.jsonl").read_bytes() == (
        root / "parquet" / "changes.jsonl").read_bytes()


def test_citation_cff_is_valid(made):
    _, root, _ = made
    cff = yaml.safe_load((root / "parquet" / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(cff, json.loads(CFF_SCHEMA.read_text(encoding="utf-8")))
    assert (cff["type"], cff["version"], cff["license"]) == ("dataset", "2.0", "CC-PDDC")
    assert cff["authors"] == [{"family-names": "Doe", "given-names": "Jane"},
                              {"name": "DOJ Speeches Project"}]
    assert {"type": "doi", "value": "10.5281/zenodo.42",
            "description": "the DOI of this release"} in cff["identifiers"]
    cff["date-released"] = "March 2024"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(cff, json.loads(CFF_SCHEMA.read_text(encoding="utf-8")))


def test_dataset_card_has_a_hugging_face_header(made):
    _, root, _ = made
    text = (root / "csv" / "README.md").read_text(encoding="utf-8")
    _, header, body = text.split("---\n", 2)
    card = yaml.safe_load(header)
    assert card["language"] == ["en"] and card["size_categories"] == ["n<1K"]
    assert {c["config_name"]: c["data_files"] for c in card["configs"]} == {
        "speeches": "speeches.csv", "speech_versions": "speech_versions.csv",
        "speech_status": "speech_status.csv", "people": "people.csv",
        "speech_speakers": "speech_speakers.csv"}
    for section in ("## Structure", "## Collection method", "## Known limitations",
                    "## How to cite"):
        assert section in body
    assert "Doe, Jane; DOJ Speeches Project" in body and "10.5281/zenodo.42" in body
    assert "| `changed_fields` | list of strings |" in body
    assert "an empty cell is null" in body  # CSV: said in the card


def test_changes_since_the_previous_release(made):
    _, root, manifests = made
    rows = jsonl(root / "jsonl" / "changes.jsonl")
    assert [(r["change"], r["id"]) for r in rows] == [
        ("added", sid("d")), ("changed", sid("a")), ("gone", sid("b")), ("returned", sid("c"))]
    changed = rows[1]
    assert (changed["from_version"], changed["to_version"]) == (1, 3)
    assert changed["fields"] == ["title", "paragraphs"]
    assert manifests["jsonl"]["changes"] == {"added": 1, "changed": 1, "gone": 1,
                                             "returned": 1}
    assert manifests["jsonl"]["previous"]["version"] == "2024-01-31"
    text = (root / "jsonl" / "CHANGES.md").read_text(encoding="utf-8")
    assert "version 1 -> 3 (title, paragraphs)" in text and "## Returned (1)" in text
    # the previous release read from Parquet and CSV gives the same changes
    for fmt in ("parquet", "csv"):
        assert jsonl(root / fmt / "changes.jsonl") == rows


def test_non_empty_out_is_refused_unless_forced(made, tmp_path):
    corpus, root, _ = made
    out = tmp_path / "out"
    release(corpus, out, fmt="jsonl", previous=root / "first")
    with pytest.raises(UserError, match="not empty"):
        release(corpus, out, fmt="jsonl")
    (out / "notes.txt").write_text("mine")
    manifest = release(corpus, out, fmt="jsonl", force=True)
    assert "changes" not in manifest
    assert not (out / "CHANGES.md").exists() and not (out / "changes.jsonl").exists()
    assert (out / "notes.txt").read_text() == "mine"


def test_cli_release(made, tmp_path, monkeypatch):
    _, root, _ = made
    monkeypatch.setenv("DOJ_RELEASE_AUTHORS", "Roe, Richard; Team X")
    out = tmp_path / "cli"
    result = CliRunner().invoke(cli, [
        "release", "--db", str(root / "corpus.db"), "--out", str(out), "--previous",
        str(root / "first"), "--format", "jsonl", "--as-of", "2024-02-29"])
    assert result.exit_code == 0, result.output
    assert "release 2024-02-29: 5 speeches, 6 versions (jsonl)" in result.output
    assert "1 added, 1 changed, 1 gone, 0 returned" in result.output
    cff = yaml.safe_load((out / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["authors"] == [{"family-names": "Roe", "given-names": "Richard"},
                              {"name": "Team X"}]
    again = CliRunner().invoke(cli, ["release", "--db", str(root / "corpus.db"),
                                     "--out", str(out)])
    assert again.exit_code == 2 and "not empty" in again.output


def test_benchmark_script_runs_on_a_small_replica(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).parent.parent / "scripts" / "bench_release.py"),
         "--speeches", "40", "--workdir", str(tmp_path / "bench")],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "release parquet, --previous" in proc.stdout
    assert "1 added, 1 changed, 1 gone, 0 returned" in proc.stdout
