"""Figures for `backfill --source wayback` against the local Wayback (delay 0):
requests per speech to the archive, and seconds for N speeches.

    .venv/bin/python scripts/bench_wayback.py --speeches 300

Loopback only: a replica of justice.gov and its local Wayback in this process, the
crawler in a subprocess (the CLI), as the tests run it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.replica import Replica  # noqa: E402
from scraper.replica.wayback import LocalWayback  # noqa: E402
from tests.crawl_support import crawl, rows, run_cli  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=int, default=300)
    parser.add_argument("--edited", type=int, default=30)
    parser.add_argument("--removed", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.db"
        replica = Replica(args.speeches, seed=args.seed)
        with LocalWayback(replica, edited=args.edited, removed=args.removed,
                          seed=args.seed) as wb, replica:
            proc = crawl("backfill", db, replica.base_url, timeout=1200)
            if proc.returncode:
                sys.exit(f"replica backfill failed: {proc.stderr}")
            before = len(wb.requests())
            started = time.monotonic()
            proc = run_cli("backfill", "--db", str(db), "--source", "wayback", "--wayback-url",
                           wb.base_url, "--wayback-delay", "0", "--no-progress", timeout=1200)
            seconds = time.monotonic() - started
            if proc.returncode:
                sys.exit(f"wayback backfill failed: {proc.stderr}")
            stats = json.loads(rows(db, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")
                               [0]["stats"])
            asked = wb.requests()[before:]
            kinds = {"cdx": sum(r["path"].startswith("/cdx/") for r in asked),
                     "playback": sum(r["path"].startswith("/web/") for r in asked)}
            result = {
                "speeches": stats["speeches"], "removed_found": stats["removed_found"],
                "requests": len(asked), **kinds,
                "requests_per_speech": round(len(asked) / stats["speeches"], 2),
                "captures_kept": stats["captures_kept"],
                "seconds_wall": round(seconds, 1), "seconds_run": stats["seconds"],
                "seconds_per_speech": round(seconds / stats["speeches"], 3),
                "minutes_at_the_default_2s_delay": round(len(asked) * 2.0 / 60, 1),
            }
            print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
