"""`export`: a release without the citation files: the same tables, columns and types as
`release` (one writer), in each format, with its manifest, reproducibility and as-of."""

from __future__ import annotations

import csv
import hashlib
import json

import pyarrow.parquet as pq
import pytest

from corpus.errors import UserError
from corpus.publish.export import export
from corpus.publish.release import release
from corpus.publish.schema import TABLES, arrow_schema
from corpus.store import Corpus
from tests.store_support import BASE, RECORD, Clock, FakeExtractor, page


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def corpus(tmp_path, clock):
    with Corpus(tmp_path / "corpus.db", extract=FakeExtractor(), clock=clock) as corpus:
        clock.set("2024-01-10T00:00:00")
        crawl = corpus.begin_crawl("crawl", {})
        corpus.record_page(BASE + "b", 200, {}, page(title="B; semi", date="2020-05-01",
                                                     speakers=["X, Jr.", "Y; Z"]), crawl)
        corpus.record_page(BASE + "a", 200, {}, page(title="A1", date="2019-01-01"), crawl)
        corpus.record_page(BASE + "c", 200, {}, page(title="C", date=None, topics=[]), crawl)
        clock.set("2024-02-10T00:00:00")
        crawl2 = corpus.begin_crawl("crawl", {})
        corpus.record_page(BASE + "a", 200, {}, page(title="A2 “quoted”", date="2019-01-01"),
                           crawl2)
        corpus.record_page(BASE + "c", 410, {}, b"", crawl2)
        corpus.finish_crawl(crawl2, {}, 0)
        yield corpus


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_holds_every_column_in_order_by_id(corpus, tmp_path):
    manifest = export(corpus, "jsonl", tmp_path / "out")
    rows = read_jsonl(tmp_path / "out" / "speeches.jsonl")
    assert [r["id"] for r in rows] == ["/opa/speech/a", "/opa/speech/b", "/opa/speech/c"]
    assert list(rows[0]) == [c.name for c in TABLES["speeches"]["columns"]]
    a, b, c = rows
    assert (a["title"], a["version"], a["crawl_id"]) == ("A2 “quoted”", 2, 2)
    assert b["speakers"] == ["X, Jr.", "Y; Z"] and b["paragraphs"] == RECORD["paragraphs"]
    assert (c["status"], c["date"], c["topics"]) == ("gone", None, [])
    assert "A2 “quoted”" in (tmp_path / "out" / "speeches.jsonl").read_text(encoding="utf-8")
    assert manifest["files"][0]["rows"] == 3


def test_csv_lists_are_json_arrays_and_null_an_empty_cell(corpus, tmp_path):
    manifest = export(corpus, "csv", tmp_path / "out")
    with open(tmp_path / "out" / "speeches.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [c.name for c in TABLES["speeches"]["columns"]]
    b, c = rows[1], rows[2]
    assert json.loads(b["speakers"]) == ["X, Jr.", "Y; Z"] and b["title"] == "B; semi"
    assert json.loads(b["paragraphs"]) == RECORD["paragraphs"]
    assert c["topics"] == "[]" and c["date"] == ""  # an empty list is not a null
    assert "JSON arrays" in manifest["types"] and "empty cell is null" in manifest["types"]


def test_export_is_a_release_without_the_citation_files(corpus, tmp_path):
    """Issue 20, point 3: the same files, columns and types (dates typed in Parquet)."""
    exported = export(corpus, "parquet", tmp_path / "export")
    released = release(corpus, tmp_path / "release", fmt="parquet")
    assert [(f["name"], f["sha256"]) for f in exported["files"]] == [
        (f["name"], f["sha256"]) for f in released["files"]]
    assert sorted(p.name for p in (tmp_path / "export").iterdir()) == [
        "datapackage.json", "manifest.json", "people.parquet", "speech_speakers.parquet",
        "speech_status.parquet", "speech_versions.parquet", "speeches.parquet"]
    table = pq.read_table(tmp_path / "export" / "speeches.parquet")
    assert table.schema.equals(arrow_schema("speeches"), check_metadata=False)
    for name in ("date", "updated"):
        assert str(table.schema.field(name).type) == "date32[day]"
    for name in ("first_seen", "last_changed"):
        assert str(table.schema.field(name).type) == "timestamp[us, tz=UTC]"
    assert exported["kind"] == "export" and released["kind"] == "release"


def test_parquet_has_list_columns(corpus, tmp_path):
    export(corpus, "parquet", tmp_path / "out")
    table = pq.read_table(tmp_path / "out" / "speeches.parquet")
    assert table.column_names == [c.name for c in TABLES["speeches"]["columns"]]
    assert str(table.schema.field("speakers").type) == "list<element: string>"
    data = table.to_pylist()
    assert data[1]["speakers"] == ["X, Jr.", "Y; Z"]
    assert data[1]["paragraphs"] == RECORD["paragraphs"]
    json_rows = read_jsonl_after(corpus, tmp_path)
    assert [r["speakers"] for r in data] == [r["speakers"] for r in json_rows]
    assert [r["date"] and r["date"].isoformat() for r in data] == [r["date"] for r in json_rows]


def read_jsonl_after(corpus, tmp_path):
    export(corpus, "jsonl", tmp_path / "json")
    return read_jsonl(tmp_path / "json" / "speeches.jsonl")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_same_corpus_same_arguments_byte_identical(corpus, tmp_path, fmt):
    first = export(corpus, fmt, tmp_path / "one", as_of="2024-01-31")
    second = export(corpus, fmt, tmp_path / "two", as_of="2024-01-31")
    for entry in first["files"]:
        name = entry["name"]
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert first["generated_at"] != second["generated_at"]
    assert {k: v for k, v in first.items() if k != "generated_at"} == {
        k: v for k, v in second.items() if k != "generated_at"}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_manifest_describes_the_release(corpus, tmp_path, fmt):
    export(corpus, fmt, tmp_path / "out", since="2019-01-01", until="2020-12-31")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    entry, versions, spells, people, speakers = manifest["files"]
    assert (people["table"], speakers["table"]) == ("people", "speech_speakers")
    for each in manifest["files"]:
        data = tmp_path / "out" / each["name"]
        assert each["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
        assert each["bytes"] == data.stat().st_size
    # a and b are dated 2019-2020: their rows in every table, c's in none
    assert (entry["rows"], versions["rows"], spells["rows"]) == (2, 3, 2)
    assert manifest["schema_version"] == corpus.schema_version
    assert manifest["extractor_versions"] == ["fake-1"]
    assert manifest["crawl_ids"] == [1, 2]
    assert manifest["last_crawl"]["id"] == 2
    assert (manifest["since"], manifest["until"], manifest["as_of"]) == (
        "2019-01-01", "2020-12-31", None)
    assert manifest["format"] == fmt and manifest["generated_at"].endswith("Z")


def test_as_of_export_is_the_corpus_of_that_day(corpus, tmp_path):
    manifest = export(corpus, "jsonl", tmp_path / "out", as_of="2024-01-31")
    rows = read_jsonl(tmp_path / "out" / "speeches.jsonl")
    assert [(r["id"], r["title"], r["status"]) for r in rows] == [
        ("/opa/speech/a", "A1", "live"), ("/opa/speech/b", "B; semi", "live"),
        ("/opa/speech/c", "C", "live")]
    assert manifest["as_of"] == "2024-01-31T23:59:59.999999Z"
    assert manifest["crawl_ids"] == [1] and manifest["last_crawl"]["id"] == 1


def test_export_before_anything_is_empty_but_valid(corpus, tmp_path):
    for fmt in ("jsonl", "csv", "parquet"):
        manifest = export(corpus, fmt, tmp_path / fmt, as_of="2000-01-01")
        assert manifest["files"][0]["rows"] == 0 and manifest["last_crawl"] is None
    assert pq.read_table(tmp_path / "parquet" / "speeches.parquet").num_rows == 0
    assert (tmp_path / "csv" / "speeches.csv").read_text().startswith("id,url,")


def test_bad_arguments_are_user_errors(corpus, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="not a directory"):
        export(corpus, "jsonl", tmp_path / "file")
    with pytest.raises(UserError, match="bad --since date"):
        export(corpus, "jsonl", tmp_path / "out", since="01/02/2020")
    with pytest.raises(UserError, match="bad as-of"):
        export(corpus, "jsonl", tmp_path / "out", as_of="last tuesday")
    with pytest.raises(UserError, match="after --until"):
        export(corpus, "jsonl", tmp_path / "out", since="2021-01-01", until="2020-01-01")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_filtered_export_is_a_valid_package(corpus, tmp_path):
    """--since/--until keep the speeches' rows in every table: foreign keys still hold."""
    import subprocess
    import sys
    from pathlib import Path

    export(corpus, "csv", tmp_path / "out", since="2020-01-01")
    frictionless = Path(sys.executable).parent / "frictionless"
    proc = subprocess.run([str(frictionless), "validate", "--json",
                           str(tmp_path / "out" / "datapackage.json")],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["valid"], report
    assert [(t["name"], t["stats"]["rows"]) for t in report["tasks"]][:3] == [
        ("speeches", 1), ("speech_versions", 1), ("speech_status", 1)]  # b only
