"""`check`: SQLite's own integrity checks plus the corpus invariants (docs/design.md)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from urllib.parse import urlsplit
from typing import TYPE_CHECKING

from corpus.record import CONTENT_FIELDS, LIST_FIELDS, content_hash
from corpus.store.raw import decompress
from corpus.urls import JUSTICE_HOSTS

if TYPE_CHECKING:
    from corpus.store import Corpus

CONTENT_COLUMNS = CONTENT_FIELDS
JSON_LISTS = tuple(name for name in LIST_FIELDS if name in CONTENT_FIELDS)


def problems(corpus: Corpus) -> list[str]:
    found: list[str] = []
    rows = [r[0] for r in corpus.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        found += [f"sqlite integrity_check: {r}" for r in rows]
    for table, rowid, parent, _ in corpus.execute("PRAGMA foreign_key_check"):
        found.append(f"{table} row {rowid}: refers to a missing {parent} row")
    try:
        corpus.execute("INSERT INTO speeches_fts(speeches_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        found.append(f"full-text index out of step with speeches ({exc})")
    found += _speech_problems(corpus)
    found += _site_problems(corpus)
    found += _version_problems(corpus)
    found += _raw_problems(corpus)
    found += _capture_problems(corpus)
    return found


def _capture_problems(corpus: Corpus) -> list[str]:
    """Archive captures: content hashes that match, and every speech known
    only from the archive backed by a capture, gone, with no version of ours."""
    found = _content_problems(corpus, "captures", "captured_at",
                              lambda sid, at: f"capture {sid} at {at}")
    for sid, status, version in corpus.execute(
            "SELECT id, status, version FROM speeches s WHERE s.source = 'archive' AND"
            " (status != 'gone' OR version != 0 OR NOT EXISTS"
            " (SELECT 1 FROM captures c WHERE c.speech_id = s.id))"):
        found.append(f"speech {sid}: known only from the archive, but {status}, version"
                     f" {version}, or without a capture")
    return found


def _content_problems(corpus: Corpus, table: str, second: str, label) -> list[str]:
    """Rows of a table of records (speech_versions, captures) whose list columns are not
    JSON, whose content_hash is not their content's, or whose text is not their
    paragraphs joined; `label(speech_id, <second key>)` names the row."""
    found = []
    cur = corpus.execute(f"SELECT speech_id, {second}, content_hash, text,"
                       f" {', '.join(CONTENT_COLUMNS)} FROM {table}"
                       f" ORDER BY speech_id, {second}")
    for sid, key, stored, text, *content in cur:
        record = dict(zip(CONTENT_COLUMNS, content))
        try:
            for name in JSON_LISTS:
                record[name] = json.loads(record[name] or "[]")
        except ValueError:
            found.append(f"{label(sid, key)}: a list column is not JSON")
            continue
        if content_hash(record) != stored:
            found.append(f"{label(sid, key)}: content_hash does not match content")
        if text != "\n\n".join(record["paragraphs"]):
            found.append(f"{label(sid, key)}: text is not its paragraphs joined")
    return found


def _speech_problems(corpus: Corpus) -> list[str]:
    found = []
    for sid, status, gone_since in corpus.execute(
            "SELECT id, status, gone_since FROM speeches"
            " WHERE status NOT IN ('live', 'gone', 'moved')"
            " OR (status != 'live') != (gone_since IS NOT NULL)"
            " OR (status = 'moved') != (moved_to IS NOT NULL)"):
        found.append(f"speech {sid}: status {status!r} with gone_since {gone_since!r}")
    for (sid,) in corpus.execute(
            "SELECT id FROM speeches s WHERE s.source != 'archive' AND NOT EXISTS"
            " (SELECT 1 FROM speech_versions v WHERE v.speech_id = s.id)"):
        found.append(f"speech {sid}: has no version")
    for sid, version, top, count, low in corpus.execute(
            "SELECT s.id, s.version, max(v.version), count(*), min(v.version)"
            " FROM speeches s JOIN speech_versions v ON v.speech_id = s.id"
            " GROUP BY s.id HAVING s.version != max(v.version) OR count(*) != max(v.version)"
            " OR min(v.version) != 1"):
        found.append(f"speech {sid}: version {version} but versions numbered {low}..{top}"
                     f" ({count} rows)")
    for sid, in corpus.execute(
            "SELECT s.id FROM speeches s JOIN speech_versions v"
            " ON v.speech_id = s.id AND v.version = s.version"
            " WHERE s.content_hash != v.content_hash OR s.title IS NOT v.title"
            " OR s.text IS NOT v.text OR v.seen_until IS NOT NULL"):
        found.append(f"speech {sid}: row differs from its current version")
    return found


def _site_problems(corpus: Corpus) -> list[str]:
    """Ids that are not site paths, URLs off every site the corpus crawled, and frontier
    items a finished run left pending (a page neither stored nor recorded as failed)."""
    found = []
    hosts = set(JUSTICE_HOSTS)
    for (args,) in corpus.execute("SELECT args FROM crawls"):
        base = (json.loads(args or "{}") or {}).get("base_url")
        if base:
            hosts.add((urlsplit(base).hostname or "").lower())
    for sid, url in corpus.execute("SELECT id, url FROM speeches"):
        if not sid.startswith("/") or "://" in sid:
            found.append(f"speech {sid}: id is not a site path")
        host = (urlsplit(url or "").hostname or "").lower()
        if url and host not in hosts:
            found.append(f"speech {sid}: url {url} is off-site")
    for crawl_id, pending in corpus.execute(
            "SELECT f.crawl_id, count(*) FROM frontier f JOIN crawls c ON c.id = f.crawl_id"
            " WHERE f.state = 'pending' AND c.finished IS NOT NULL AND c.exit_status = 0"
            " GROUP BY f.crawl_id"):
        found.append(f"crawl {crawl_id}: finished healthy with {pending} frontier items pending")
    return found


def _version_problems(corpus: Corpus) -> list[str]:
    found = _content_problems(corpus, "speech_versions", "version",
                              lambda sid, version: f"speech {sid} version {version}")
    for sid, version, until, following in corpus.execute(
            "SELECT a.speech_id, a.version, a.seen_until, b.seen_from FROM speech_versions a"
            " JOIN speech_versions b ON b.speech_id = a.speech_id AND b.version = a.version + 1"
            " WHERE a.seen_until IS NOT b.seen_from OR b.seen_from < a.seen_from"):
        found.append(f"speech {sid} version {version}: seen_until {until} but the next"
                     f" version is seen from {following}")
    for (sid,) in corpus.execute(
            "SELECT v.speech_id FROM speech_versions v LEFT JOIN speeches s"
            " ON s.id = v.speech_id WHERE s.id IS NULL GROUP BY v.speech_id"):
        found.append(f"speech_versions of {sid}: no such speech")
    return found


def _raw_problems(corpus: Corpus) -> list[str]:
    found = []
    # zstd dictionaries (raw_dicts) are read through the rows that name them: a
    # dictionary no row names yet is the current one (or an old one `recompress` keeps
    # out of the way), never an orphan raw page.
    dicts = dict(corpus.execute("SELECT id, dict FROM raw_dicts"))
    for sha, size, compression, body, dict_id in corpus.execute(
            "SELECT sha256, size, compression, body, dict_id FROM raw_pages"):
        if dict_id is not None and dict_id not in dicts:
            found.append(f"raw page {sha}: its dictionary {dict_id} is missing")
            continue
        try:
            raw = decompress(compression, body, dicts.get(dict_id))
        except Exception as exc:  # zlib.error, zstd.ZstdError or an unknown compression
            found.append(f"raw page {sha}: cannot decompress ({exc})")
            continue
        if hashlib.sha256(raw).hexdigest() != sha or len(raw) != size:
            found.append(f"raw page {sha}: content does not match its sha256/size")
    for (sha,) in corpus.execute(
            "SELECT r.sha256 FROM raw_pages r WHERE NOT EXISTS"
            " (SELECT 1 FROM fetches f WHERE f.raw_sha256 = r.sha256)"):
        found.append(f"raw page {sha}: orphan (no fetch refers to it)")
    for table, column in (("fetches", "raw_sha256"), ("speech_versions", "raw_sha256"),
                          ("speeches", "raw_sha256")):
        for (sha,) in corpus.execute(
                f"SELECT DISTINCT t.{column} FROM {table} t WHERE t.{column} IS NOT NULL"
                f" AND NOT EXISTS (SELECT 1 FROM raw_pages r WHERE r.sha256 = t.{column})"):
            found.append(f"{table}.{column} {sha}: no such raw page")
    return found
