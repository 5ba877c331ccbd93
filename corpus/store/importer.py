"""Offline backfill: saved HTML pages (files or folders) into the corpus.

Each page's URL is its canonical link (or og:url) when it is on justice.gov, else the
`url` that a MAP.csv (columns `path,url`) gives for its path. Paths in the map are
relative to the map's folder or to the current directory; failing both, a file name that
names exactly one entry of the map is accepted.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from corpus.errors import UserError
from corpus.outcomes import Outcome
from corpus.store import Corpus
from corpus.store.messages import Reply
from corpus.urls import DEFAULT_BASE_URL, absolute_url, is_justice_host

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")


def find_pages(paths: Iterable[str]) -> list[Path]:
    """The files named, and the HTML files under the folders named (sorted, no repeats)."""
    found: dict[str, Path] = {}
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and sub.suffix.lower() in PAGE_SUFFIXES:
                    found.setdefault(os.path.realpath(sub), sub)
        elif path.is_file():
            found.setdefault(os.path.realpath(path), path)
        else:
            raise UserError(f"no such file or folder: {name}")
    return list(found.values())


def site_url_problem(url: str, base_url: str = "") -> str | None:
    """Why a URL cannot be a speech's (not http(s), or not on justice.gov or the base
    URL's host); None when it can. A foreign URL must never become a speech id."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL: {url}"
    if not is_justice_host(url, base_url or DEFAULT_BASE_URL):
        return f"not on justice.gov{' or ' + base_url if base_url else ''}: {url}"
    return None


def read_url_map(map_path: str, base_url: str = "") -> tuple[dict[str, str], dict[str, str]]:
    """({real path: url}, {real path: why rejected}) from a CSV with columns path,url."""
    base = Path(map_path).parent
    try:
        with open(map_path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"path", "url"} <= set(reader.fieldnames):
                raise UserError(f"{map_path}: needs a header with columns path,url")
            mapping, rejected = {}, {}
            for line, row in enumerate(reader, start=2):
                path, url = (row.get("path") or "").strip(), (row.get("url") or "").strip()
                if not path or not url:
                    raise UserError(f"{map_path} line {line}: empty path or url")
                problem = site_url_problem(url, base_url)
                target = rejected if problem else mapping
                value = f"{map_path} line {line}: {problem}" if problem else url
                target[os.path.realpath(base / path)] = value
                target.setdefault(os.path.realpath(path), value)
            return mapping, rejected
    except OSError as exc:
        raise UserError(f"cannot read {map_path}: {exc.strerror or exc}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UserError(f"{map_path}: not a readable CSV ({exc})") from None


def page_url(body: bytes, path: Path, url_map: dict[str, str]) -> str | None:
    url = site_canonical_url(body) or url_map.get(os.path.realpath(path))
    if url is None and url_map:
        # A map written elsewhere: accept a file name that names one entry only.
        named = [u for p, u in url_map.items() if os.path.basename(p) == path.name]
        if len(set(named)) == 1:
            url = named[0]
    return url


def site_canonical_url(body: bytes) -> str | None:
    """The page's canonical link (a relative one on justice.gov), unless it leads off the
    site: a page saved from a mirror must not make a foreign URL a speech's."""
    from corpus.extract import canonical_url

    link = canonical_url(body)
    if link is None:
        return None
    url = absolute_url(link)
    return None if site_url_problem(url) else url


def import_pages(corpus: Corpus, files: list[Path], url_map: dict[str, str], crawl_id: int,
                 on_page: Callable[[Path, Reply], None] | None = None) -> Counter:
    """Record each page (one transaction each); count outcomes. `no_url` and `unreadable`
    are pages that could not be recorded at all."""
    counts: Counter = Counter()
    for path in files:
        try:
            body = path.read_bytes()
        except OSError as exc:
            result = Reply(Outcome.UNREADABLE, reason=exc.strerror or str(exc))
        else:
            url = page_url(body, path, url_map)
            if url is None:
                result = Reply(Outcome.NO_URL, reason="no canonical link on justice.gov"
                                    " and not in --url-map")
            else:
                result = corpus.record(url, 200, {}, body, crawl_id)
        counts[result.outcome] += 1
        if on_page:
            on_page(path, result)
    return counts
