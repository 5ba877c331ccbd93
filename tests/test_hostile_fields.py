"""Issue 22, cases 12, 15 and 16: what a hostile speech page puts in a record.

Titles a million characters long or full of bidi overrides and zero-width characters,
a charset that lies, and pages whose tree would cost hundreds of MB: each is bounded or
said, in the recorded fetch and in what commands print.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from corpus.extract.bounds import INVISIBLE, MAX_FIELD_CHARS
from scraper.replica import Replica
from tests.crawl_support import rows, run_cli
from tests.hostile import Hostile, failed, hcrawl, one_line_error, page, pending, rewrite, \
    stored_ids

pytestmark = pytest.mark.e2e

BIDI = "\u202e\u200b\u2066\ufeff"  # right-to-left override, zero width space, isolate, BOM


def current_speech(replica, index=0):
    speech = [s for s in replica.speeches("live") if s["generation"] == "current"][index]
    return speech["id"], speech["path"], speech["title"]


def fetch_of(db, sid) -> dict:
    return rows(db, "SELECT outcome, reason, warnings FROM fetches WHERE speech_id = ?"
                    " ORDER BY id DESC LIMIT 1", (sid,))[0]


def test_a_huge_title_full_of_invisible_characters_is_cut_and_cleaned(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=291)
    with Hostile(replica) as site:
        sid, path, title = current_speech(replica)
        evil = (f"{BIDI}Evil{BIDI} " + "x" * 1_000_000).encode()
        site.on(path, rewrite(lambda body: body.replace(title.encode(), evil)))
        proc = hcrawl("backfill", db, site.base_url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    stored = rows(db, "SELECT title FROM speeches WHERE id = ?", (sid,))[0]["title"]
    assert stored.startswith("Evil ") and len(stored) == MAX_FIELD_CHARS
    assert not INVISIBLE.search(stored)
    warnings = json.loads(fetch_of(db, sid)["warnings"])
    assert any(w.startswith("invisible-removed:") and "title" in w for w in warnings), warnings
    assert f"field-cut: title of 1000005 characters cut to {MAX_FIELD_CHARS}" in warnings
    history = run_cli("history", "--db", str(db), sid)
    assert history.returncode == 0, history.stderr
    assert not INVISIBLE.search(history.stdout) and "Evil" in history.stdout
    assert len(stored_ids(db)) == 20 and pending(db) == 0


def test_an_http_charset_that_lies_about_utf8_bytes_is_warned(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=292)
    with Hostile(replica) as site:
        sid, path, title = current_speech(replica)
        body = replica.fetch(path).body.replace(title.encode(), f"Café — {title}".encode())
        assert b'charset="utf-8"' in body.lower() or b"charset=utf-8" in body.lower()
        site.on(path, page(body, "text/html; charset=iso-8859-1"))
        proc = hcrawl("backfill", db, site.base_url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    # The browsers' order holds (HTTP wins), and the mojibake is said, naming both.
    stored = rows(db, "SELECT title FROM speeches WHERE id = ?", (sid,))[0]["title"]
    assert stored.startswith("CafÃ©")
    warnings = json.loads(fetch_of(db, sid)["warnings"])
    [warning] = [w for w in warnings if w.startswith("charset-mismatch:")]
    assert "HTTP says iso-8859-1" in warning and "meta says utf-8" in warning.lower(), warning
    assert "charset-mismatch" in proc.stdout  # the summary's warning row


def test_an_xml_declaration_does_not_override_meta_charset(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=293)
    with Hostile(replica) as site:
        sid, path, title = current_speech(replica)
        body = replica.fetch(path).body.replace(title.encode(), f"Café — {title}".encode())
        body = b'<?xml version="1.0" encoding="iso-8859-1"?>\n' + body
        site.on(path, page(body, "text/html"))  # no charset in HTTP
        proc = hcrawl("backfill", db, site.base_url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    stored = rows(db, "SELECT title FROM speeches WHERE id = ?", (sid,))[0]["title"]
    assert stored == f"Café — {title}"  # before: CafÃ© â€” ..., and no warning


def test_a_page_of_a_million_paragraphs_is_refused_with_little_memory(tmp_path):
    body = b"<html><body><div class='field--name-body'>" + b"<p>x</p>" * 1_000_000 + \
        b"</div></body></html>"
    # The child's own peak RSS (VmHWM; ru_maxrss would carry pytest's across fork and exec).
    script = (
        "import sys\n"
        "from corpus.errors import ExtractError\n"
        "from corpus.extract import extract\n"
        "body = sys.stdin.buffer.read()\n"
        "try:\n"
        "    extract(body, 'https://www.justice.gov/opa/speech/x')\n"
        "except ExtractError as exc:\n"
        "    print(exc)\n"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(int(peak.split()[1]) // 1024)\n")
    proc = subprocess.run([sys.executable, "-c", script], input=body, capture_output=True,
                          timeout=120)
    reason, rss_mb = proc.stdout.decode().splitlines()
    assert reason == "too large: 2000006 tags (limit 1000000): not a speech page"
    assert int(rss_mb) < 150, rss_mb  # before: 343 MB for this 8 MB page
    saved = tmp_path / "many.html"
    saved.write_bytes(body)
    cli = run_cli("extract", str(saved), "--url", "https://www.justice.gov/opa/speech/x")
    assert cli.returncode == 2 and "too large: 2000006 tags" in one_line_error(cli, "Error:")


def test_a_crawled_page_of_a_million_paragraphs_is_a_recorded_failure(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=294)
    with Hostile(replica) as site:
        sid, path, _ = current_speech(replica)
        filler = b"<p>x</p>" * 1_000_000
        site.on(path, rewrite(lambda body: body.replace(b"<p>", filler + b"<p>", 1)))
        proc = hcrawl("backfill", db, site.base_url)
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "too large" in one_line_error(proc, "crawl unhealthy")
    [row] = failed(db)
    assert row["speech_id"] == sid and row["reason"].startswith("too large: 2001407 tags (limit 1000000)"), row
    assert sid not in stored_ids(db) and pending(db) == 0


def test_history_and_search_escape_what_an_older_corpus_stored_raw(tmp_path):
    import sqlite3

    db = tmp_path / "c.db"
    replica = Replica(10, seed=295)
    with Hostile(replica) as site:
        sid, _, title = current_speech(replica)
        assert hcrawl("backfill", db, site.base_url).returncode == 0
    conn = sqlite3.connect(db)  # as extraction stored titles before the bounds
    for table, key in (("speeches", "id"), ("speech_versions", "speech_id")):
        conn.execute(f"UPDATE {table} SET title = ? WHERE {key} = ?", (f"\u202e{title}", sid))
    conn.commit()
    conn.close()
    history = run_cli("history", "--db", str(db), sid)
    search = run_cli("search", "--db", str(db), f'"{title.split()[-1]}"')
    for proc in (history, search):
        assert proc.returncode == 0, proc.stderr
        assert not INVISIBLE.search(proc.stdout)
    assert f"\\u202e{title}" in history.stdout and f"\\u202e{title}" in search.stdout
