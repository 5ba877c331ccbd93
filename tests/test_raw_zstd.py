"""Issue 21 part 4: raw pages in zstd with a dictionary of the corpus's own pages; old
zlib rows stay readable; `recompress` rewrites a corpus and it still passes `check`."""

from __future__ import annotations

import hashlib
import sqlite3
import zlib

import pytest

from corpus.store import Corpus, raw
from scraper.replica import Replica
from tests.crawl_support import crawl, rows, run_cli
from tests.store_support import BASE, Clock, FakeExtractor, page


def stored(db) -> list[dict]:
    return rows(db, "SELECT sha256, compression, dict_id, length(body) AS n FROM raw_pages")


def store_pages(corpus, bodies, start=0) -> list[str]:
    crawl = corpus.begin_crawl("crawl", {})
    for i, body in enumerate(bodies, start):
        corpus.record_page(f"{BASE}/opa/speech/s{i}", 200, {}, body, crawl)
    return [hashlib.sha256(b).hexdigest() for b in bodies]


def layout(name: str, i: int) -> bytes:
    chrome = "".join(f"<li class='{name}-{k}'>menu entry {k} of the {name} site</li>"
                     for k in range(300))
    return (f"<html><head><title>{name} {i}</title></head><body><ul>{chrome}</ul>"
            f"<main><p>Speech number {i} of the {name} layout.</p></main></body></html>").encode()


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.setattr(raw, "BUILD_AFTER", 5)
    monkeypatch.setattr(raw, "WINDOW", 6)
    with Corpus(tmp_path / "c.db", clock=Clock(), extract=FakeExtractor()) as c:
        yield c


def test_old_zlib_rows_and_new_zstd_rows_read_back_the_same_bytes(corpus):
    old = b"<html>an old page stored by an earlier doj-speeches</html>" * 40
    sha = hashlib.sha256(old).hexdigest()
    with corpus.transaction():  # a row as an earlier doj-speeches wrote it
        corpus.execute("INSERT INTO raw_pages(sha256, size, compression, body, first_seen)"
                       " VALUES (?, ?, 'zlib', ?, '2024-01-01')",
                       (sha, len(old), zlib.compress(old, 3)))
    bodies = [page(title=f"T{i}") + b"<!-- %d -->" % i for i in range(8)]
    shas = store_pages(corpus, bodies)
    assert corpus.raw_page(sha) == old
    assert [corpus.raw_page(s) for s in shas] == bodies
    kinds = {r["sha256"]: r for r in stored(corpus.path)}
    assert kinds[sha]["compression"] == "zlib"
    assert {kinds[s]["compression"] for s in shas} == {"zstd"}
    # The first 5 had no dictionary; it was built from them, and the next ones name it.
    assert [kinds[s]["dict_id"] for s in shas] == [None] * 5 + [1] * 3


def test_a_dictionary_is_built_again_when_a_new_layout_compresses_worse(corpus):
    first = store_pages(corpus, [layout("drupal", i) for i in range(8)])
    worse = store_pages(corpus, [layout("uswds", i) for i in range(10)], start=100)
    by_sha = {r["sha256"]: r for r in stored(corpus.path)}
    dicts = rows(corpus.path, "SELECT id, ratio FROM raw_dicts ORDER BY id")
    assert len(dicts) == 2  # the second built from the new layout's pages
    assert by_sha[first[-1]]["dict_id"] == 1 and by_sha[worse[-1]]["dict_id"] == 2
    old_dict = [by_sha[s]["n"] for s in worse if by_sha[s]["dict_id"] == 1]
    new_dict = [by_sha[s]["n"] for s in worse if by_sha[s]["dict_id"] == 2]
    assert old_dict and new_dict and max(new_dict) * 3 < min(old_dict)  # the new one covers it
    assert corpus.check() == []  # both dictionaries are needed: neither is an orphan
    assert all(corpus.raw_page(s) is not None for s in first + worse)


def test_a_recompressed_corpus_passes_check_with_the_same_bytes(tmp_path):
    """A replica crawl stored as an old corpus did (zlib), then `recompress`: same raw
    bytes, `check` passes, `reextract` finds nothing new, the WARC export is identical."""
    db = tmp_path / "corpus.db"
    with Replica(40, seed=41) as replica:
        assert crawl("backfill", db, replica.base_url).returncode == 0
    conn = sqlite3.connect(db)
    originals = {}
    for sha, compression, body, dict_id in conn.execute(
            "SELECT sha256, compression, body, dict_id FROM raw_pages").fetchall():
        found = conn.execute("SELECT dict FROM raw_dicts WHERE id = ?", (dict_id,)).fetchone()
        data = raw.decompress(compression, body, found[0] if found else None)
        originals[sha] = data
        conn.execute("UPDATE raw_pages SET compression = 'zlib', body = ?, dict_id = NULL"
                     " WHERE sha256 = ?", (zlib.compress(data, 3), sha))
    conn.execute("DELETE FROM raw_dicts")
    conn.commit()
    conn.close()
    assert run_cli("export", "--db", str(db), "--format", "warc", "--out",
                   str(tmp_path / "before")).returncode == 0
    zlib_bytes = sum(r["n"] for r in stored(db))

    proc = run_cli("recompress", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert f"recompressed {len(originals)} raw pages" in proc.stdout
    after = stored(db)
    assert {r["compression"] for r in after} == {"zstd"} and {r["dict_id"] for r in after} == {1}
    assert sum(r["n"] for r in after) * 2 < zlib_bytes  # at most half of zlib's bytes
    with Corpus(db) as corpus:
        assert {sha: corpus.raw_page(sha) for sha in originals} == originals
    assert run_cli("check", "--db", str(db)).returncode == 0
    proc = run_cli("reextract", "--db", str(db))
    assert proc.returncode == 0 and "new 0, changed 0" in proc.stdout, proc.stdout
    assert run_cli("export", "--db", str(db), "--format", "warc", "--out",
                   str(tmp_path / "after")).returncode == 0
    before_files = sorted((tmp_path / "before").rglob("*.warc*"))
    after_files = sorted((tmp_path / "after").rglob("*.warc*"))
    assert before_files and [f.name for f in before_files] == [f.name for f in after_files]
    assert [f.read_bytes() for f in before_files] == [f.read_bytes() for f in after_files]
