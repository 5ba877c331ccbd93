"""The fetch log: one `fetches` row per response handled (pages, discovery, files, the
archive's answers), and the helpers that turn a response's headers into its columns."""

from __future__ import annotations

import json

from corpus.store.base import Store


def to_json(value) -> str:
    """JSON as the store keeps it: compact, UTF-8 text unescaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def norm_headers(headers) -> dict[str, str]:
    """Response headers as the store keeps them: lower-case names, one text value each
    (the last of a repeated header), sorted."""
    out = {}
    for key, value in (headers or {}).items():
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else ""
        if isinstance(key, bytes):
            key = key.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        out[str(key).lower()] = str(value)
    return dict(sorted(out.items()))



def fetch_row(crawl_id: int | None, url: str, status: int | None, headers: dict[str, str],
              size: int, **extra) -> dict:
    """The columns of a fetch that come from the response (headers normalised)."""
    return {"crawl_id": crawl_id, "url": url, "status": status, "bytes": size,
            "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
            "headers": to_json(headers) if headers else None, **extra}


def validators(row: dict | None) -> dict[str, str]:
    """Conditional-GET headers from a fetch row's etag and last_modified."""
    headers = {}
    if row and row["etag"]:
        headers["If-None-Match"] = row["etag"]
    if row and row["last_modified"]:
        headers["If-Modified-Since"] = row["last_modified"]
    return headers


class FetchLog:
    """Writes `fetches` rows (inside the caller's transaction)."""

    def __init__(self, store: Store):
        self.store = store

    def add(self, fetch: dict, outcome: str, speech_id: str | None, now: str, *,
            reason: str | None = None, version: int | None = None,
            warnings: str | None = None) -> None:
        self.store.insert("fetches", {**fetch, "outcome": outcome, "speech_id": speech_id,
                                      "fetched_at": now, "reason": reason, "version": version,
                                      "warnings": warnings})
