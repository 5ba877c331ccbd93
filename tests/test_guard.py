"""`scrapy crawl speeches` is refused with one line naming the command to use
(scraper/crawl/guard.py): the spider runs only through `doj-speeches crawl`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scraper.crawl.guard import REFUSAL

ROOT = Path(__file__).resolve().parent.parent


def test_scrapy_crawl_refuses_with_one_line_naming_the_cli(tmp_path):
    # As a user would type it in a clone: scrapy.cfg in the current directory.
    shutil.copy(ROOT / "scrapy.cfg", tmp_path / "scrapy.cfg")
    scrapy = Path(sys.executable).with_name("scrapy")
    proc = subprocess.run([str(scrapy), "crawl", "speeches", "-s", "JUSTICE_BASE_URL=http://127.0.0.1:9"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    ours = [line for line in proc.stderr.splitlines() if "doj-speeches" in line
            and "[scrapy" not in line]
    assert ours == [REFUSAL]
    assert "`doj-speeches crawl`" in REFUSAL
    assert "Traceback" not in proc.stderr
    assert "GET " not in proc.stderr and "Crawled" not in proc.stderr  # not one request


# -- export ------------------------------------------------------------------------------
