"""Helpers for end-to-end crawl tests: the CLI in a subprocess against a replica."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from corpus.urls import canonical_id

from corpus.record import FIELD, LIST_FIELDS, RECORD_FIELDS

# What extraction returns (the derived fields have their own truth: test_derive_replica).
FIELDS = tuple(name for name in RECORD_FIELDS if not FIELD[name].derived)


def run_cli(*args, timeout=240, env=None):
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", *args],
        capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )


def crawl(mode, db, base_url, *extra, timeout=240):
    proc = run_cli(mode, "--db", str(db), "--base-url", base_url, "--delay", "0",
                   "--no-progress", "--backoff", "0.05", *extra, timeout=timeout)
    return proc


def rows(db, sql, params=()):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def corpus_vs_gold(db, gold_records) -> list[str]:
    """Differences between the corpus's current records and the replica's gold ones."""
    speeches = {r["id"]: r for r in rows(db, "SELECT * FROM speeches")}
    latest = {r["speech_id"]: r for r in rows(
        db, "SELECT v.speech_id, v.paragraphs, v.text FROM speech_versions v JOIN speeches s"
            " ON s.id = v.speech_id AND s.version = v.version")}
    problems = []
    for gold in gold_records:
        sid = canonical_id(gold["url"])
        row = speeches.get(sid)
        if row is None:
            problems.append(f"missing {sid}")
            continue
        for field in FIELDS:
            value = row[field]
            if field in LIST_FIELDS:
                value = json.loads(value)
            if value != gold[field]:
                problems.append(f"{sid} {field}: {value!r} != {gold[field]!r}")
        if json.loads(latest[sid]["paragraphs"]) != gold["paragraphs"]:
            problems.append(f"{sid} paragraphs differ")
        if latest[sid]["text"] != gold["text"]:
            problems.append(f"{sid} text differs")
    return problems


def start_backfill(db, base_url, *, delay="0.02", output=subprocess.DEVNULL):
    """A slow backfill in the background, for tests that interrupt or race it."""
    return subprocess.Popen(
        [sys.executable, "-m", "scraper.cli", "backfill", "--db", str(db), "--base-url",
         base_url, "--delay", delay, "--no-progress"],
        stdout=output, stderr=output, text=True,
    )
