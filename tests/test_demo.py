"""The README's first command: `doj-speeches demo` runs the whole job offline."""

import sqlite3

from tests.crawl_support import run_cli


def test_demo_backfills_a_replica_into_the_corpus(tmp_path):
    db = tmp_path / "corpus.db"
    report = tmp_path / "report.html"
    proc = run_cli("demo", "--db", str(db), "--speeches", "40", "--no-progress",
                   "--report", str(report), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "backfill #1 healthy" in proc.stdout
    assert "40 speeches" in proc.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM speeches WHERE status='live'").fetchone()[0] == 40
    assert conn.execute("SELECT count(DISTINCT generation) FROM speeches").fetchone()[0] == 3
    assert "Traceback" not in proc.stderr
    html = report.read_text(encoding="utf-8")
    assert 'id="per-month"' in html and html.count('class="bar"') >= 10
