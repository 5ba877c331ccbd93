"""`export --format warc`: the stored raw pages as WARC/1.1 response records + a CDXJ index.

One response record per stored raw page, from the first fetch that stored it: its URL
(WARC-Target-URI), its time (WARC-Date, microseconds), its status line and headers (from
`fetches.headers`), and the body exactly as stored. The corpus keeps a page once however
often it was fetched again, and so does the WARC. Each record is its own gzip member, so
`pages.cdxj` (pywb's CDXJ: SURT, 14-digit timestamp, JSON with offset and length) can
point into the file, and pywb can replay it.

Same corpus and arguments -> byte-identical files: record ids are derived from the page
and URL, not random.
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
SELECT f.id, f.url, f.status, f.headers, f.fetched_at, f.raw_sha256
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


def write_warc(corpus: Corpus, out_dir, *, as_of=None) -> dict:
    """Write pages.warc.gz and pages.cdxj into `out_dir`; return {records, warc, cdxj}."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = Path(out_dir)
    moment = parse_moment(as_of) if as_of is not None else None
    warc_path, tmp = out / WARC_NAME, out / f".{WARC_NAME}.tmp"
    index: list[str] = []
    try:
        with open(tmp, "wb") as fh:
            writer = WARCWriter(fh, gzip=True, warc_version="1.1")
            for row in corpus.query(_FIRST_FETCHES, {"t": moment}):
                body = corpus.raw_page(row["raw_sha256"])
                status = f"{row['status']} {_reason(row['status'])}".strip()
                http = StatusAndHeaders(status, _http_headers(row, len(body)),
                                        protocol="HTTP/1.1")
                record_id = uuid.uuid5(uuid.NAMESPACE_URL,
                                       f"doj-speeches:{row['raw_sha256']}:{row['url']}").urn
                record = writer.create_warc_record(
                    row["url"], "response", payload=BytesIO(body), length=len(body),
                    http_headers=http, warc_headers_dict={
                        "WARC-Date": row["fetched_at"], "WARC-Record-ID": f"<{record_id}>"})
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
    return {"records": len(index), "as_of": moment,
            "warc": _entry(warc_path, len(index)), "cdxj": _entry(cdxj_path, len(index))}


def _cdxj(row: dict, record, offset: int, length: int) -> str:
    stamp = "".join(ch for ch in row["fetched_at"] if ch.isdigit())[:14]
    headers = json.loads(row["headers"] or "{}")
    digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
    fields = {"url": row["url"], "mime": (headers.get("content-type") or "").split(";")[0],
              "status": str(row["status"]), "digest": digest.removeprefix("sha1:"),
              "length": str(length), "offset": str(offset), "filename": WARC_NAME}
    return f"{surt(row['url'])} {stamp} {json.dumps(fields, ensure_ascii=False)}\n"


def _entry(path: Path, rows: int) -> dict:
    data = path.read_bytes()
    return {"name": path.name, "rows": rows, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}
