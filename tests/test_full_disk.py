"""A disk that fills during a crawl (issue 14): one line, exit 3, no traceback; what was
stored stays consistent. CORPUS_MAX_DB_BYTES caps the database as a full disk would."""

import os

from scraper.replica import Replica
from tests.crawl_support import rows, run_cli


def test_a_disk_that_fills_mid_crawl_gives_one_line_and_exit_3(tmp_path):
    db = tmp_path / "c.db"
    with Replica(60, seed=91) as replica:
        env = {**os.environ, "CORPUS_MAX_DB_BYTES": str(700_000)}
        proc = run_cli("backfill", "--db", str(db), "--base-url", replica.base_url,
                       "--delay", "0", "--no-progress", "--backoff", "0.05", env=env)
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert "database or disk is full" in last, last
    stored = rows(db, "SELECT count(*) AS n FROM speeches")[0]["n"]
    assert 0 < stored < 60  # some pages stored before the disk filled, not all
    check = run_cli("check", "--db", str(db))
    assert check.returncode == 0, check.stdout + check.stderr
