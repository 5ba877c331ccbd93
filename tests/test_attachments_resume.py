"""A backfill killed after a speech page and before its file (the file is asked for from
memory, after the page's reply): --resume fetches the file, so the record is complete."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from scraper.replica import Replica
from scraper.replica.files import attachments as replica_attachments
from tests.crawl_support import rows
from tests.hostile import Hostile, drip, hcrawl, pending

pytestmark = pytest.mark.e2e

FILE = re.compile(r"^/(?:[\w-]+/)?file/\d+/download")


def test_a_backfill_killed_before_its_files_fetches_them_on_resume(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(100, seed=11)  # 7 files: 2 pointer-only pages, 4 listed only by the API
    replica.configure(pointer_bodies=True)
    truth = replica_attachments(replica.site)
    with Hostile(replica) as site:
        site.on(FILE, drip(b"%PDF-1.4\n", every=5))  # every file hangs
        proc = subprocess.Popen(
            [sys.executable, "-m", "scraper.cli", "backfill", "--db", str(db), "--base-url",
             site.base_url, "--delay", "0", "--no-progress"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(FILE.match(p) for p in site.paths()):
                time.sleep(0.05)
            assert proc.poll() is None, "the backfill ended before a file was asked for"
            os.kill(proc.pid, signal.SIGKILL)  # its writer follows within a second
        finally:
            proc.wait(30)
        read = rows(db, "SELECT speech_id FROM frontier WHERE state = 'done'")
        assert read and rows(db, "SELECT count(*) n FROM attachments")[0]["n"] == 0
        site.clear_rules()
        site.clear_log()
        resumed = hcrawl("backfill", db, site.base_url, "--resume")
        asked = [p for p in site.paths() if FILE.match(p)]
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    stored = rows(db, "SELECT speech_id, text FROM attachments")
    assert sorted(r["speech_id"] for r in stored) == sorted(t["id"] for t in truth)
    assert {r["speech_id"]: r["text"] for r in stored} == {
        t["id"]: "\n\n".join(t["paragraphs"]) for t in truth}
    assert len(asked) == len(truth)  # each file once: none asked twice on resume
    # the pointer-only pages read before the kill took their file's text on resume
    texts = {r["id"]: r["text"] for r in rows(db, "SELECT id, text FROM speeches")}
    for item in truth:
        if item["pointer_only"]:
            assert texts[item["id"]] == "\n\n".join(item["paragraphs"])
    assert pending(db) == 0
