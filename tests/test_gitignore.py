"""What the README's commands leave behind in a checkout is ignored by git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path", ["corpus.db", "corpus.db-wal", "corpus.db.lock", "replica.db",
                                  "report.html", "release/speeches.parquet",
                                  "release-2026-11/manifest.json", "snap/speeches.csv",
                                  "demo.db", "crawl-12.html"])
def test_files_the_commands_write_are_ignored_by_git(path):
    proc = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, timeout=30)
    assert proc.returncode == 0, f"{path} is not in .gitignore"
