"""The local Wayback's CDX search, answered as the archive's CDX server does.

What a client sees (internetarchive/wayback, wayback-cdx-server/README.md):
- rows sorted by URL key, then timestamp (a prefix query lists one URL's captures
  together); `filter` and `collapse` (adjacent rows only) apply to what is read;
- `limit=N`: the first N rows; `showResumeKey=true`: when rows are left, the answer
  ends with an empty row and a row holding the resumption key (plain text: an empty
  line, then the key), and `resumeKey=` continues after it;
- the paged mode: `showNumPages=true` answers a single number (pages of the secondary
  index, so a page holds up to `page_rows` rows before filters); `page=i` answers the
  i-th (none past the last); a server without it answers 400 to both.
"""

from __future__ import annotations

import json
from urllib.parse import quote, unquote

DEFAULT_FIELDS = "timestamp,original,statuscode,digest,mimetype"
FIELD_NAMES = {"statuscode": "status"}


def _value(capture, field: str) -> str:
    return str(getattr(capture, FIELD_NAMES.get(field, field), ""))


def _one(query: dict, name: str, default: str = "") -> str:
    return query.get(name, [default])[0]


def matching(by_key: dict, query: dict, key_of) -> list[tuple[str, object]]:
    """(url key, capture) of the URL or prefix asked for, in the server's order."""
    url = _one(query, "url")
    prefix = _one(query, "matchType", "exact") == "prefix" or url.endswith("*")
    key = key_of(url.rstrip("*"))
    if prefix:
        keys = sorted(k for k in by_key if k.startswith(key))
    else:
        keys = [key] if key in by_key else []
    return [(k, c) for k in keys for c in sorted(by_key[k], key=lambda c: (c.timestamp, c.original))]


def _filtered(rows: list, query: dict) -> list:
    for spec in query.get("filter", []):
        field, _, value = spec.partition(":")
        negate = field.startswith("!")
        field = field.lstrip("!")
        rows = [r for r in rows if (_value(r[1], field) == value) != negate]
    for spec in query.get("collapse", []):  # adjacent duplicates only, as the archive
        field, _, width = spec.partition(":")

        def cut(row, field=field, width=int(width or 0)):
            value = _value(row[1], field)
            return value[:width] if width else value

        rows = [r for i, r in enumerate(rows) if i == 0 or cut(r) != cut(rows[i - 1])]
    return rows


def resume_key(row) -> str:
    key, capture = row
    return quote(f"{key} {capture.timestamp}!", safe="")


def _after(rows: list, key: str) -> list:
    urlkey, _, stamp = unquote(key).rstrip("!").rpartition(" ")
    return [r for r in rows if (r[0], r[1].timestamp) > (urlkey, stamp)]


def answer(by_key: dict, query: dict, key_of, *, page_rows: int, paged: bool) -> tuple[int, bytes]:
    """(status, body) of one CDX search."""
    rows = matching(by_key, query, key_of)
    wants_pages = _one(query, "showNumPages") == "true" or "page" in query
    if wants_pages and not paged:
        return 400, b"pagination is not supported by this index"
    if _one(query, "showNumPages") == "true":
        return 200, f"{-(-len(rows) // page_rows)}\n".encode()
    if "page" in query:
        page = int(_one(query, "page", "0") or 0)
        rows = rows[page * page_rows:(page + 1) * page_rows] if page >= 0 else rows
    if _one(query, "resumeKey"):
        rows = _after(rows, _one(query, "resumeKey"))
    rows = _filtered(rows, query)
    limit = int(_one(query, "limit", "0") or 0)
    key = None
    if limit > 0 and len(rows) > limit:
        rows = rows[:limit]
        key = resume_key(rows[-1]) if _one(query, "showResumeKey") == "true" else None
    fields = _one(query, "fl", DEFAULT_FIELDS).split(",")
    table = [[_value(c, f) for f in fields] for _, c in rows]
    if _one(query, "output") == "json":
        out = [fields] + table if table else []
        if key:
            out += [[], [key]]
        return 200, json.dumps(out).encode()
    text = "".join(" ".join(r) + "\n" for r in table)
    return 200, (text + (f"\n{key}\n" if key else "")).encode()
