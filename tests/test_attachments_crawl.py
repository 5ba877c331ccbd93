"""Attachments end to end (issue 12): a replica crawl fetches the files speeches link or
their API record lists, keeps them (a changed file is a new row), gives a pointer-only
speech its PDF's text, and search, export and release carry them."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.extract.attachments import pdf_text
from corpus.store import Corpus
from scraper.replica import Replica
from scraper.replica.files import attachments as replica_attachments
from scraper.replica.pdf import make_pdf
from tests.crawl_support import corpus_vs_gold, crawl, rows, run_cli

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
SPEECHES, SEED = 100, 11  # 7 files: 2 pointer-only pages, 4 listed only by the API


def text_of(item) -> str:
    return "\n\n".join(item["paragraphs"])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One replica, backfilled once: (replica, db, first run's process)."""
    db = tmp_path_factory.mktemp("attach") / "c.db"
    with Replica(SPEECHES, seed=SEED) as replica:
        replica.configure(pointer_bodies=True)
        truth = replica_attachments(replica.site)
        assert sum(t["pointer_only"] for t in truth) == 2 and len(truth) == 7
        proc = crawl("backfill", db, replica.base_url)
        assert proc.returncode == 0, proc.stderr[-3000:]
        yield replica, db, proc, truth


def test_the_tiny_pdf_writer_reads_back_paragraph_for_paragraph():
    paragraphs = ["Title “quoted” – with a dash…", "A (long) paragraph \\ " + "word " * 400,
                  *[f"Paragraph {n} of a long file." for n in range(80)]]
    got = pdf_text(make_pdf(paragraphs, "t"))
    assert got.warnings == []
    assert got.paragraphs == [" ".join(p.split()) for p in paragraphs]
    assert got.pages > 1


def test_a_backfill_stores_every_attachment_with_its_text(crawled):
    replica, db, proc, truth = crawled
    stored = rows(db, "SELECT * FROM attachments ORDER BY id")
    by_speech = {r["speech_id"]: r for r in stored}
    assert len(stored) == len(truth)
    for item in truth:
        row = by_speech[item["id"]]
        assert row["url"] == replica.base_url + item["path"]
        assert row["text"] == text_of(item)
        assert row["media_type"] == "application/pdf" and row["pages"] >= 1
        assert json.loads(row["warnings"]) == []
    # Each a fetch of its own, never a speech outcome; the summary counts them apart.
    fetched = rows(db, "SELECT outcome, speech_id, raw_sha256 FROM fetches"
                       " WHERE url LIKE '%/file/%'")
    assert {r["outcome"] for r in fetched} == {"attachment"} and len(fetched) == len(truth)
    assert all(r["raw_sha256"] for r in fetched)
    assert "attachments" in proc.stdout and f"{len(truth)} new" in proc.stdout
    stats = json.loads(rows(db, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")[0]["stats"])
    assert stats["pages"] == stats["new"] == SPEECHES  # files are not speech pages
    assert stats["attachments"] == {"new": len(truth)}


def test_a_pointer_only_speech_reads_its_text_from_the_pdf(crawled):
    replica, db, _, truth = crawled
    for item in (t for t in truth if t["pointer_only"]):
        page_gold = replica.gold(item["id"])
        assert len(page_gold["paragraphs"]) == 1  # the page says only "see the PDF"
        versions = rows(db, "SELECT version, paragraphs FROM speech_versions"
                            " WHERE speech_id = ? ORDER BY version", (item["id"],))
        assert [json.loads(v["paragraphs"]) for v in versions] == [
            page_gold["paragraphs"], item["paragraphs"]]
        warned = rows(db, "SELECT warnings FROM fetches WHERE speech_id = ? AND outcome ="
                          " 'attachment'", (item["id"],))
        assert any("text-from-attachment" in w["warnings"] for w in warned)
    # Every other speech is exactly its page: attachments never enter their content.
    others = {t["id"] for t in truth if t["pointer_only"]}
    gold = [g for g in replica.gold_records() if g["url"].removeprefix("https://www.justice.gov")
            not in others]
    assert corpus_vs_gold(db, gold) == []


def test_the_feed_lists_the_version_a_pdf_gave_a_pointer_only_speech(crawled, tmp_path):
    import feedparser

    from corpus.publish.feed import write_feed
    from corpus.urls import canonical_id

    _, db, _, truth = crawled
    with Corpus(str(db), readonly=True) as corpus:
        write_feed(corpus, tmp_path / "feed.xml", limit=SPEECHES * 2)
    entries = feedparser.parse((tmp_path / "feed.xml").read_bytes()).entries
    kinds = {}
    for entry in entries:
        speech_id = canonical_id(entry.link)
        kinds.setdefault(speech_id, []).append((entry.tags[0].term, entry.title.split(":")[0]))
    for item in truth:
        expected = [("new", "New")]
        if item["pointer_only"]:  # newest first: the version its PDF made, then the page
            expected.insert(0, ("changed", "Changed (version 2)"))
        assert kinds[item["id"]] == expected
    assert sum(len(k) for k in kinds.values()) == SPEECHES + 2


def test_reextract_keeps_the_text_read_from_the_pdf(crawled, tmp_path):
    _, db, _, truth = crawled
    copy = tmp_path / "copy.db"
    with Corpus(str(db), readonly=True) as source:
        source.execute("VACUUM INTO ?", (str(copy),))
    with Corpus(str(copy)) as corpus:
        result = corpus.reextract()
        assert result.get("changed", 0) == 0 and result["unchanged"] == SPEECHES
        sid = next(t["id"] for t in truth if t["pointer_only"])
        assert corpus.find_speech(sid)["text"] == text_of(
            next(t for t in truth if t["id"] == sid))


def test_search_finds_attachment_text_marked_as_such(crawled):
    _, db, _, truth = crawled
    item = next(t for t in truth if t["api_only"])
    words = item["paragraphs"][1].split()[:6]
    proc = run_cli("search", "--db", str(db), '"' + " ".join(words) + '"', "--format", "json")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)["hits"]
    in_file = [h for h in hits if h["source"] == "attachment" and h["id"] == item["id"]]
    assert in_file and in_file[0]["attachment_url"].endswith(item["path"])
    assert "«" in in_file[0]["snippet"]
    text = run_cli("search", "--db", str(db), '"' + " ".join(words) + '"').stdout
    assert "in attachment testimony.pdf: " in text


def test_export_and_release_carry_the_attachments(crawled, tmp_path):
    import pyarrow.parquet as pq

    _, db, _, truth = crawled
    proc = run_cli("export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path / "e"))
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "e" / "attachments.jsonl").read_text().splitlines()
    exported = {json.loads(line)["speech_id"]: json.loads(line) for line in lines}
    assert {t["id"]: text_of(t) for t in truth} == {k: v["text"] for k, v in exported.items()}
    manifest = json.loads((tmp_path / "e" / "manifest.json").read_text())
    assert [f["name"] for f in manifest["files"]] == [
        "speeches.jsonl", "speech_versions.jsonl", "speech_status.jsonl", "attachments.jsonl",
        "people.jsonl", "speech_speakers.jsonl"]
    assert "attachments" in proc.stdout

    out = tmp_path / "r"
    proc = run_cli("release", "--db", str(db), "--out", str(out), "--author", "Doe, Jane")
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(out / "attachments.parquet")
    assert table.num_rows == len(truth)
    assert str(table.schema.field("first_seen").type).startswith("timestamp")
    package = json.loads((out / "datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["name"] == "attachments")
    assert resource["schema"]["foreignKeys"][0]["reference"]["resource"] == "speeches"
    assert "attachments.parquet" in (out / "README.md").read_text()
    # Frictionless reads the CSV release: types, keys, and each attachment's speech
    # among the speeches.
    csv_out = tmp_path / "csv"
    proc = run_cli("release", "--db", str(db), "--out", str(csv_out), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    check = subprocess.run([str(FRICTIONLESS), "validate", "--json",
                            str(csv_out / "datapackage.json")],
                           capture_output=True, text=True, timeout=120)
    report = json.loads(check.stdout)
    assert check.returncode == 0 and report["valid"], report["errors"]
    rows = {t["name"]: t["stats"]["rows"] for t in report["tasks"]}
    assert rows["attachments"] == len(truth)


def test_recrawl_unchanged_writes_nothing_then_a_changed_pdf_is_a_new_row(tmp_path):
    db = tmp_path / "c.db"
    since = ("--since", "2023-01-01")  # the current site's speeches: quicker, both kinds
    with Replica(SPEECHES, seed=SEED) as replica:
        replica.configure(pointer_bodies=True)
        truth = [t for t in replica_attachments(replica.site)
                 if replica.gold(t["id"])["date"] >= "2023-01-01"]
        assert len(truth) >= 2 and any(t["pointer_only"] for t in truth)
        assert crawl("backfill", db, replica.base_url, *since).returncode == 0
        before = rows(db, "SELECT * FROM attachments ORDER BY id")
        versions = rows(db, "SELECT count(*) AS n FROM speech_versions")[0]["n"]
        # Every page changes its chrome only: pages are re-read, files asked again.
        replica.mutate(footer=True)
        again = crawl("backfill", db, replica.base_url, *since)
        assert again.returncode == 0, again.stderr[-3000:]
        assert rows(db, "SELECT id, raw_sha256, text FROM attachments ORDER BY id") == [
            {k: r[k] for k in ("id", "raw_sha256", "text")} for r in before]
        assert rows(db, "SELECT count(*) AS n FROM speech_versions")[0]["n"] == versions
        asked = rows(db, "SELECT reason, status FROM fetches WHERE crawl_id = 2"
                         " AND outcome = 'attachment'")
        assert len(asked) == len(truth)  # asked again, by conditional GET: 304
        assert {(r["reason"], r["status"]) for r in asked} == {("not modified", 304)}

        pointer = next(t for t in truth if t["pointer_only"])
        replica.mutate(change=[pointer["id"]])
        edited = next(t for t in replica_attachments(replica.site) if t["id"] == pointer["id"])
        assert edited["paragraphs"] != pointer["paragraphs"]
        third = crawl("backfill", db, replica.base_url, *since)
        assert third.returncode == 0, third.stderr[-3000:]
    kept = rows(db, "SELECT text FROM attachments WHERE speech_id = ? ORDER BY id",
                (pointer["id"],))
    assert [k["text"] for k in kept] == [text_of(pointer), text_of(edited)]
    speech = rows(db, "SELECT version, text FROM speeches WHERE id = ?", (pointer["id"],))[0]
    assert speech["text"] == text_of(edited) and speech["version"] == 3


def test_a_failed_attachment_is_recorded_and_does_not_fail_its_speech(tmp_path):
    db = tmp_path / "c.db"
    with Replica(SPEECHES, seed=SEED) as replica:
        replica.configure(pointer_bodies=True)
        broken = next(t for t in replica_attachments(replica.site) if not t["pointer_only"])
        replica.fail(broken["path"], "500", times=10)
        day = replica.gold(broken["id"])["date"]
        proc = crawl("backfill", db, replica.base_url, "--since", day, "--until", day)
    assert proc.returncode == 0, proc.stderr[-3000:]  # a file is not a speech page
    failed = rows(db, "SELECT speech_id, reason FROM fetches WHERE outcome = 'failed'")
    assert len(failed) == 1 and failed[0]["speech_id"] == broken["id"]
    assert failed[0]["reason"].startswith("attachment: HTTP 500")
    assert rows(db, "SELECT status FROM speeches WHERE id = ?", (broken["id"],)) == [
        {"status": "live"}]
    assert "attachment failed: HTTP 500" in proc.stdout
    stats = json.loads(rows(db, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")[0]["stats"])
    assert stats["failed"] == 0 and stats["attachments_failed"] == {"HTTP 500": 1}
