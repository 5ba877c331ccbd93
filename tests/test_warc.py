"""`export --format warc`: raw pages as WARC/1.1 response records, read back by warcio,
with a CDXJ index that points at each record."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from corpus.errors import UserError
from corpus.publish.export import export
from corpus.publish.warc import surt, write_warc
from scraper.cli import cli
from tests.history_support import build


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    corpus = build(tmp_path_factory.mktemp("warc") / "corpus.db")
    yield corpus
    corpus.close()


def first_fetches(corpus):
    """The first fetch of every stored raw page, from the corpus directly."""
    return corpus.query(
        "SELECT url, status, headers, fetched_at, raw_sha256, speech_id FROM fetches"
        " WHERE id IN (SELECT min(id) FROM fetches WHERE raw_sha256 IS NOT NULL"
        " GROUP BY raw_sha256) ORDER BY id")


def read(path):
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
                for r in ArchiveIterator(fh)]


def test_records_hold_the_stored_pages_byte_for_byte(corpus, tmp_path):
    written = write_warc(corpus, tmp_path)
    info, *records = read(tmp_path / "pages.warc.gz")
    expected = first_fetches(corpus)
    assert written["records"] == len(records) == len(expected) == 8
    assert written["speeches"] == 5  # a's three pages are one speech
    assert info[0] == "warcinfo" and b"software: doj-speeches" in info[3]
    assert info[1].get_header("WARC-Date") == max(f["fetched_at"] for f in expected)
    for (kind, warc, http, body), fetch in zip(records, expected):
        assert kind == "response" and warc.protocol == "WARC/1.1"
        # joins to the release's raw_sha256 and speech ids without re-hashing
        assert warc.get_header("WARC-Payload-Digest") == "sha256:" + fetch["raw_sha256"]
        assert hashlib.sha256(body).hexdigest() == fetch["raw_sha256"]
        assert warc.get_header("Speech-Id") == fetch["speech_id"]
        assert warc.get_header("WARC-Target-URI") == fetch["url"]
        assert warc.get_header("WARC-Date") == fetch["fetched_at"]
        assert http.get_statuscode() == str(fetch["status"]) == "200"
        assert http.get_header("ETag") == '"abc"'
        assert http.get_header("Content-Type") == "text/html; charset=UTF-8"
        assert body == corpus.raw_page(fetch["raw_sha256"])


def test_cdxj_points_at_each_record(corpus, tmp_path):
    write_warc(corpus, tmp_path)
    lines = (tmp_path / "pages.cdxj").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == 8
    data = (tmp_path / "pages.warc.gz").read_bytes()
    for line in lines:
        key, stamp, fields = line.split(" ", 2)
        fields = json.loads(fields)
        assert key == surt(fields["url"]) and len(stamp) == 14
        offset, length = int(fields["offset"]), int(fields["length"])
        with open(tmp_path / "pages.warc.gz", "rb") as fh:
            fh.seek(offset)
            [record] = list(ArchiveIterator(fh))[:1]
            assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]
        assert offset + length <= len(data)
    assert lines[0].startswith("gov,justice)/opa/speech/a 20240110000002 ")


def test_as_of_and_byte_identical(corpus, tmp_path):
    (tmp_path / "early").mkdir()
    (tmp_path / "again").mkdir()
    early = write_warc(corpus, tmp_path / "early", as_of="2024-01-31")
    assert early["records"] == 4  # a, b, c, e as first fetched
    write_warc(corpus, tmp_path / "again", as_of="2024-01-31")
    for name in ("pages.warc.gz", "pages.cdxj"):
        assert (tmp_path / "early" / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_surt():
    assert surt("https://www.justice.gov/OPA/speech/a?b=2&a=1") == "gov,justice)/opa/speech/a?a=1&b=2"
    assert surt("http://127.0.0.1:8000/x") == "1,0,0,127:8000)/x"


def test_export_command_writes_warc_and_manifest(corpus, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", "--db", corpus.path, "--format", "warc",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "warc" and manifest["files"][0]["rows"] == 8
    assert manifest["index"]["name"] == "pages.cdxj"
    assert "wrote 8 records of 5 speeches" in result.output  # issue 20, point 6
    with pytest.raises(UserError, match="do not apply"):
        export(corpus, "warc", tmp_path / "x", since="2020-01-01")


def test_warc_digests_verify_with_warcio(corpus, tmp_path):
    """Hex sha256 digests are ones warcio checks (it reads base16, base32 and base64)."""
    write_warc(corpus, tmp_path)
    with open(tmp_path / "pages.warc.gz", "rb") as fh:
        iterator = ArchiveIterator(fh, check_digests="raise")
        kinds = [r.rec_type for r in iterator if r.content_stream().read() is not None]
    assert kinds == ["warcinfo"] + ["response"] * 8
