"""`export --format wacz`: a WACZ that py-wacz's `wacz validate` accepts and pywb replays.

pywb runs in a subprocess (it brings gevent and reads its config from the working
folder); its WSGI app is called directly, so no socket is opened at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.history_support import build, sid

BIN = Path(sys.executable).parent

REPLAY = r"""
import io, json, sys
from wsgiref.util import setup_testing_defaults
from pywb.apps.frontendapp import FrontEndApp

app = FrontEndApp()
out = {}
for path in sys.argv[1:]:
    env = {"PATH_INFO": path, "wsgi.input": io.BytesIO()}
    setup_testing_defaults(env)
    seen = {}
    body = b"".join(app(env, lambda status, headers, exc=None: seen.update(status=status)))
    out[path] = [seen["status"], body.decode("utf-8", "replace")]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def packed(tmp_path_factory):
    root = tmp_path_factory.mktemp("wacz")
    corpus = build(root / "corpus.db")
    result = CliRunner().invoke(cli, ["export", "--db", corpus.path, "--format", "wacz",
                                      "--out", str(root / "out")])
    assert result.exit_code == 0, result.output
    yield corpus, root, result
    corpus.close()


def test_wacz_validate_accepts_it(packed):
    _, root, result = packed
    assert "wrote 8 records of 5 speeches" in result.output
    assert sorted(p.name for p in (root / "out").iterdir()) == ["manifest.json", "pages.wacz"]
    proc = subprocess.run([str(BIN / "wacz"), "validate", "-f", str(root / "out" / "pages.wacz")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with zipfile.ZipFile(root / "out" / "pages.wacz") as wacz:
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert {p["title"] for p in pages[1:]} == {sid(n) for n in "abcde"}


def test_pywb_replays_each_version_of_a_page(packed, tmp_path):
    corpus, root, _ = packed
    run = dict(cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert subprocess.run([str(BIN / "wb-manager"), "init", "coll"], **run).returncode == 0
    added = subprocess.run([str(BIN / "wb-manager"), "add", "--unpack-wacz", "coll",
                            str(root / "out" / "pages.wacz")], **run)
    assert added.returncode == 0, added.stderr
    url = "https://www.justice.gov" + sid("a")
    first, last = (f"/coll/{stamp}id_/{url}" for stamp in ("20240110000002", "20240310000002"))
    proc = subprocess.run([sys.executable, "-c", REPLAY, first, last], **run)
    assert proc.returncode == 0, proc.stderr
    replayed = json.loads(proc.stdout.splitlines()[-1])
    versions = {v["version"]: v for v in corpus.versions(sid("a"))}
    for path, version in ((first, 1), (last, 3)):
        status, body = replayed[path]
        assert status.startswith("200")
        assert body.encode() == corpus.raw_page(versions[version]["raw_sha256"])
