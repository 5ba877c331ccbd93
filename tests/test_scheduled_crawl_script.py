"""The scheduling wrapper maps the crawl's exit codes as its comments say."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent.parent / "scripts" / "scheduled-crawl.sh"


@pytest.mark.parametrize("crawl_exit, expected", [(0, 0), (75, 0), (3, 3), (1, 1)])
def test_exit_codes(tmp_path, crawl_exit, expected):
    fake = tmp_path / "doj-speeches"
    fake.write_text(f'#!/bin/sh\necho "args: $*"\nexit {crawl_exit}\n')
    fake.chmod(0o755)
    log = tmp_path / "crawl.log"
    env = {**os.environ, "DOJ_SPEECHES": str(fake), "DOJ_LOG": str(log),
           "JUSTICE_CONTACT": "me@example.org", "CORPUS_DB": str(tmp_path / "c.db")}
    proc = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, timeout=30)
    assert proc.returncode == expected
    text = log.read_text()
    assert f"crawl --db {tmp_path / 'c.db'} --contact me@example.org --no-progress" in text
    assert ("another crawl holds the database" in text) == (crawl_exit == 75)


def test_contact_is_required(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JUSTICE_CONTACT"}
    proc = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, timeout=30)
    assert proc.returncode != 0 and b"JUSTICE_CONTACT" in proc.stderr
