"""Every run is recorded, even one that stops before crawling (issue 14): robots.txt
unreachable gives exit 3, one line, and a finished `crawls` row with its reason."""

import json
import socket

from tests.crawl_support import crawl, rows


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def test_a_run_whose_robots_txt_is_unreachable_is_recorded_as_finished(tmp_path, monkeypatch):
    db = tmp_path / "c.db"
    monkeypatch.setenv("JUSTICE_ROBOTS_DEADLINE", "2")
    proc = crawl("crawl", db, f"http://127.0.0.1:{closed_port()}")
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "robots.txt unavailable" in lines[0], proc.stderr
    [run] = rows(db, "SELECT * FROM crawls")
    assert run["finished"] and run["exit_status"] == 3
    assert "robots.txt unavailable" in json.loads(run["stats"])["health"][0]
