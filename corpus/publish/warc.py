"""`export --format warc`: the stored raw pages as WARC/1.1 response records + a CDXJ index.

A warcinfo record first (what wrote the file, and when the newest page in it was
fetched), then one response record per stored raw page, from the first fetch that
stored it: its URL (WARC-Target-URI), its time (WARC-Date, microseconds), its status line
and headers (from `fetches.headers`), the body exactly as stored, and `Speech-Id`, the
speech it belongs to. Digests are sha256 in hex, so a record's WARC-Payload-Digest is
`sha256:` + the `raw_sha256` of the release's tables: the join needs no re-hashing. The
corpus keeps a page once however often it was fetched again, and so does the WARC. Each
record is its own gzip member, so `pages.cdxj` (pywb's CDXJ: SURT, 14-digit timestamp,
JSON with offset and length) can point into the file, and pywb can replay it.

Same corpus and arguments -> byte-identical files: record ids are derived from the page
and URL, not random, and the warcinfo's date is that of the newest page.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from corpus.errors import UserError
from corpus.moments import parse_moment
from corpus.store import Corpus

WARC_NAME = "pages.warc.gz"
CDXJ_NAME = "pages.cdxj"
# The stored body is decoded (no gzip, no chunks): these headers would misdescribe it.
DROPPED_HEADERS = ("content-encoding", "transfer-encoding", "content-length")

_FIRST_FETCHES = """
SELECT f.id, f.url, f.status, f.headers, f.fetched_at, f.raw_sha256, f.speech_id
FROM fetches f
WHERE f.id IN (SELECT min(id) FROM fetches WHERE raw_sha256 IS NOT NULL
               AND (:t IS NULL OR fetched_at <= :t) GROUP BY raw_sha256)
ORDER BY f.id
"""


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _http_headers(row: dict, size: int) -> list[tuple[str, str]]:
    stored = json.loads(row["headers"] or "{}")
    headers = [(k, v) for k, v in stored.items() if k not in DROPPED_HEADERS]
    return headers + [("content-length", str(size))]


def surt(url: str) -> str:
    """Sort-friendly URI Reordering Transform, as pywb's CDXJ keys: gov,justice)/path?q."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    key = ",".join(reversed(host.split(".")))
    if parts.port and parts.port not in (80, 443):
        key += f":{parts.port}"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return f"{key}){(parts.path or '/').lower()}" + (f"?{query.lower()}" if query else "")


class _Sha256Hex:
    """warcio's digester interface, in sha256 hex: equal to the corpus's raw_sha256."""

    def __init__(self):
        self.digest = hashlib.sha256()

    def update(self, data: bytes) -> None:
        self.digest.update(data)

    def __str__(self) -> str:
        return "sha256:" + self.digest.hexdigest()


def _writer(fh):
    from warcio.warcwriter import WARCWriter

    class Writer(WARCWriter):
        _create_digester = staticmethod(_Sha256Hex)

    return Writer(fh, gzip=True, warc_version="1.1")


def _record_id(*parts) -> str:
    return f"<{uuid.uuid5(uuid.NAMESPACE_URL, 'doj-speeches:' + ':'.join(parts)).urn}>"


def _warcinfo(writer, rows: list[dict], moment: str | None):
    from corpus.publish.manifest import software

    made = software()
    newest = max((r["fetched_at"] for r in rows), default=moment or "1970-01-01T00:00:00Z")
    info = (f"software: doj-speeches {made['doj-speeches']} (warcio {made['warcio']})\r\n"
            "format: WARC File Format 1.1\r\n"
            "conformsTo: https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/\r\n"
            "description: raw justice.gov speech pages as the doj-speeches corpus stored"
            " them; Speech-Id names each record's speech, WARC-Payload-Digest is its"
            " raw_sha256\r\n"
            f"as-of: {moment or 'the whole corpus'}\r\n").encode("utf-8")
    return writer.create_warc_record(
        "", "warcinfo", payload=BytesIO(info), length=len(info),
        warc_headers_dict={"WARC-Date": newest, "WARC-Filename": WARC_NAME,
                           "WARC-Record-ID": _record_id("warcinfo", newest),
                           "Content-Type": "application/warc-fields"})


def _response(writer, corpus: Corpus, row: dict):
    from warcio.statusandheaders import StatusAndHeaders

    body = corpus.raw_page(row["raw_sha256"])
    status = f"{row['status']} {_reason(row['status'])}".strip()
    http = StatusAndHeaders(status, _http_headers(row, len(body)), protocol="HTTP/1.1")
    headers = {"WARC-Date": row["fetched_at"],
               "WARC-Record-ID": _record_id(row["raw_sha256"], row["url"]),
               "WARC-Payload-Digest": f"sha256:{row['raw_sha256']}"}
    if row["speech_id"]:
        headers["Speech-Id"] = row["speech_id"]
    return writer.create_warc_record(row["url"], "response", payload=BytesIO(body),
                                     length=len(body), http_headers=http,
                                     warc_headers_dict=headers)


def write_warc(corpus: Corpus, out_dir, *, as_of=None) -> dict:
    """Write pages.warc.gz and pages.cdxj into `out_dir`; return {records, speeches,
    as_of, warc, cdxj}."""
    out = Path(out_dir)
    moment = parse_moment(as_of) if as_of is not None else None
    warc_path, tmp = out / WARC_NAME, out / f".{WARC_NAME}.tmp"
    rows = corpus.query(_FIRST_FETCHES, {"t": moment})
    index: list[str] = []
    try:
        with open(tmp, "wb") as fh:
            writer = _writer(fh)
            writer.write_record(_warcinfo(writer, rows, moment))
            for row in rows:
                record = _response(writer, corpus, row)
                offset = fh.tell()
                writer.write_record(record)
                index.append(_cdxj(row, record, offset, fh.tell() - offset))
        os.replace(tmp, warc_path)
    except OSError as exc:
        raise UserError(f"cannot write {warc_path}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    cdxj_path = out / CDXJ_NAME
    cdxj_path.write_text("".join(sorted(index)), encoding="utf-8")
    speeches = len({r["speech_id"] for r in rows if r["speech_id"]})
    pages = [{"url": r["url"], "ts": r["fetched_at"], "title": r["speech_id"]}
             for r in rows if r["speech_id"] and r["status"] == 200]
    return {"records": len(index), "speeches": speeches, "as_of": moment, "pages": pages,
            "warc": _entry(warc_path, len(index)), "cdxj": _entry(cdxj_path, len(index))}


def _cdxj(row: dict, record, offset: int, length: int) -> str:
    stamp = "".join(ch for ch in row["fetched_at"] if ch.isdigit())[:14]
    headers = json.loads(row["headers"] or "{}")
    digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
    fields = {"url": row["url"], "mime": (headers.get("content-type") or "").split(";")[0],
              "status": str(row["status"]), "digest": digest,
              "length": str(length), "offset": str(offset), "filename": WARC_NAME}
    return f"{surt(row['url'])} {stamp} {json.dumps(fields, ensure_ascii=False)}\n"


def _entry(path: Path, rows: int) -> dict:
    data = path.read_bytes()
    return {"name": path.name, "rows": rows, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}
