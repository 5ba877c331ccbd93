"""Issue 22, case 19: the demo writes only into a corpus the demo itself created, even
when another corpus was made from a site on loopback (a look-alike of justice.gov)."""

from __future__ import annotations

import hashlib

import pytest

from scraper.cli import demo
from scraper.replica import Replica
from tests.crawl_support import rows, run_cli
from tests.hostile import Hostile, hcrawl, one_line_error, stored_ids

pytestmark = pytest.mark.e2e


def test_demo_refuses_a_corpus_of_a_look_alike_site_on_loopback(tmp_path):
    db = tmp_path / "c.db"
    with Hostile(Replica(12, seed=301)) as site:
        assert hcrawl("backfill", db, site.base_url).returncode == 0
        base_url = site.base_url
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    proc = run_cli("demo", "--db", str(db), "--speeches", "10", "--no-progress",
                   "--report", str(tmp_path / "r.html"), timeout=60)
    assert proc.returncode == 2, proc.stderr[-3000:]
    line = one_line_error(proc, "Error:")
    assert line == (f"Error: {db} holds a corpus the demo did not create (a crawl of"
                    f" {base_url}): the demo writes only into a new or a demo corpus"
                    " (use --db demo.db)")
    assert proc.stdout == ""  # not even the replica started
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert len(stored_ids(db)) == 12  # before: the demo's speeches were added (5 -> 17)


def test_the_demo_marks_the_corpus_it_creates(tmp_path):
    db = tmp_path / "d.db"
    assert demo.foreign_content(str(db)) is None  # nothing there yet
    demo._mark_as_demo(str(db))
    assert rows(db, "SELECT value FROM meta WHERE key = 'made_by'") == [{"value": "demo"}]
    assert demo.foreign_content(str(db)) is None
