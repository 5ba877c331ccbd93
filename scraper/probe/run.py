"""`doj-speeches probe`: a one-minute, polite check of the live site before a first crawl.

About 20 requests in sequence, so plain urllib, not Scrapy: robots.txt, the listing, the
feed, the sitemap index and one sub-sitemap, the archive index, then up to N speeches of
each generation, extracted and compared with their witnesses (docs/design.md#d11-witnesses). Every
response is saved with index.json, to attach to a bug report. Polite as the crawl:
robots.txt obeyed on every URL and redirect hop (a disallowed URL is reported, never
requested), one request at a time, the larger of --delay and Crawl-delay between request
starts, the project's User-Agent, bounded sizes and time (docs/design.md#d13-bounds).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from protego import Protego

from corpus.extract.decode import header_charset
from corpus.errors import ExtractError
from corpus.extract import extract
from corpus.urls import canonical_id
from corpus.extract.witness import reconcile, tally
from scraper.discovery import parsers as discovery
from scraper.discovery.paths import ARCHIVE_INDEX, FEED, LISTINGS, SITEMAP
from scraper.crawl import settings
from scraper.probe.busy import Patience, SiteBusy
from scraper.probe.report import (COVERAGE, GENERATIONS, Sample, coverage, notes, problems,
                                  warning_kinds)
from scraper.crawl.robots import _read, check_speech_paths, fetch_robots

LISTING = LISTINGS["current"]
MAX_REDIRECTS = 5
MAX_YEAR_INDEXES = 3  # archive year pages read to find enough archive speeches
CURRENT_SINCE = "2023-01-01"  # a witness date before it hints at a Drupal 7 page
TIMEOUT = float(settings.DOWNLOAD_TIMEOUT)  # seconds for a whole response, however it trickles


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses: each hop is paced and checked against robots."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Page:
    url: str
    kind: str
    status: int | None = None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    reason: str = ""  # why it failed, when it did
    file: str = ""
    sha256: str = ""
    retried: bool = False  # a busy answer asked again: the retry's page says how it went

    @property
    def ok(self) -> bool:
        return not self.reason and self.status is not None and 200 <= self.status < 300


class Fetcher:
    """One request at a time, `delay` seconds apart (start to start), robots obeyed."""

    def __init__(self, base_url: str, agent: str, out: Path, timeout: float = TIMEOUT,
                 backoff: float = 2.0):
        self.base = base_url.rstrip("/")
        self.host = urlsplit(self.base).netloc
        self.agent, self.out, self.timeout = agent, out, timeout
        self.rules = Protego.parse("")
        self.delay, self.crawl_delay = 0.0, None
        self.pages: list[Page] = []
        self.disallowed: list[dict] = []
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._last = None
        self.patience = Patience(backoff)  # 429 and 5xx: waited out, asked again

    def robots(self, delay: float) -> Page:
        self._last = time.monotonic()
        robots = fetch_robots(self.base, self.agent)
        # fetch_robots keeps the text, not the bytes: saved as UTF-8 (the same bytes
        # unless the file was not UTF-8)
        page = Page(robots.url, "robots", robots.status, dict(robots.headers),
                    robots.text.encode("utf-8"))
        self._save(page)
        self.rules = Protego.parse(robots.text if 200 <= robots.status < 300 else "")
        check_speech_paths(self.rules, self.base, self.agent)
        self.crawl_delay = self.rules.crawl_delay(self.agent)
        self.delay = max(delay, float(self.crawl_delay or 0))
        return page

    def get(self, url: str, kind: str) -> Page | None:
        """The page at `url` after redirects; None when robots.txt forbids a hop."""
        for hop in range(MAX_REDIRECTS + 1):
            if urlsplit(url).netloc != self.host:  # never another host, even a sitemap's <loc>
                where = "redirect off-site to" if hop else "off-site URL, not fetched:"
                return self._note(Page(url, kind, reason=f"{where} {url}"))
            if not self.rules.can_fetch(url, self.agent):
                self.disallowed.append({"url": url, "kind": kind})
                return None
            page = self._request(url, kind)
            location = page.headers.get("Location") or page.headers.get("location")
            if page.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location.strip())
                continue
            if not page.ok and not page.reason:  # a 3xx without Location: no page either
                page.reason = f"HTTP {page.status}"
            return page
        return self._note(Page(url, kind, reason=f"redirect loop: over {MAX_REDIRECTS} redirects"))

    def _pace(self) -> None:
        if self._last is not None:
            time.sleep(max(0.0, self._last + self.delay - time.monotonic()))
        self._last = time.monotonic()

    def _request(self, url: str, kind: str) -> Page:
        """One page, asked again while the site answers busy (scraper/probe/busy.py)."""
        return self.patience.ask(lambda: self._request_once(url, kind), url)

    def _request_once(self, url: str, kind: str) -> Page:
        self._pace()
        request = urllib.request.Request(url, headers={"User-Agent": self.agent})
        page = Page(url, kind)
        cap = settings.JUSTICE_MAX_SITEMAP_BYTES if kind == "sitemap" else settings.JUSTICE_MAX_PAGE_BYTES
        deadline = time.monotonic() + self.timeout
        try:
            try:
                response = self._opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                response = exc  # a 3xx/4xx/5xx answer: keep its status, headers and body
            with response:
                page.status, page.headers = response.status, dict(response.headers)
                page.body, cut = _read(response, deadline, cap)
            if cut:
                page.reason = f"too large: over {cap} bytes"
            elif page.status >= 400:
                page.reason = f"HTTP {page.status}"
        except TimeoutError:
            page.reason = f"timeout: not read within {self.timeout:g} s"
        except (urllib.error.URLError, OSError) as exc:
            page.reason = f"network error: {getattr(exc, 'reason', exc)}"
        self._save(page)
        return page

    def _note(self, page: Page) -> Page:
        self.pages.append(page)
        return page

    def _save(self, page: Page) -> None:
        """The raw body into the out folder, named by order, kind and path."""
        self._note(page)
        name = re.sub(r"[^A-Za-z0-9]+", "-", urlsplit(page.url).path).strip("-")[:80] or "root"
        kind = (page.headers.get("Content-Type") or page.headers.get("content-type") or "")
        ext = next((e for e in ("html", "xml", "json") if e in kind), "txt" if "text" in kind else "bin")
        page.file = f"{len(self.pages):03d}-{page.kind}-{name}.{ext}"
        page.sha256 = hashlib.sha256(page.body).hexdigest()
        (self.out / page.file).write_bytes(page.body)

    def write_index(self) -> Path:
        rows = [{"url": p.url, "kind": p.kind, "status": p.status, "reason": p.reason or None,
                 "headers": p.headers, "sha256": p.sha256 or None, "file": p.file or None,
                 "bytes": len(p.body)} for p in self.pages]
        path = self.out / "index.json"
        path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


# ---------------------------------------------------------------- discovery


@dataclass
class Candidate:
    url: str
    hint: str  # the generation the URL and witnesses suggest; extraction decides
    witnesses: list[dict] = field(default_factory=list)


def _hint(entry: discovery.Entry) -> str:
    path = urlsplit(entry.url).path
    if discovery.ARCHIVE_SPEECH.match(path):
        return "archive"
    if path.startswith("/archives/") or (entry.date and entry.date < CURRENT_SINCE):
        return "drupal7"
    return "current"


def _add(found: dict, entries: list) -> int:
    """Merge entries into the candidates (one per speech id, every source a witness)."""
    speeches = [e for e in entries if discovery.is_speech_url(e.url)]
    for entry in speeches:
        candidate = found.setdefault(canonical_id(entry.url), Candidate(entry.url, _hint(entry)))
        if len(entry.meta()) > 1:
            candidate.witnesses.append(entry.meta())
    return len(speeches)


def discover(fetcher: Fetcher, per_generation: int, sources: list[dict]) -> dict:
    """{speech id: Candidate} from the listing, the feed, the sitemap and the archive;
    `sources` gets what each source page listed: {source, url, speeches}."""
    found: dict = {}
    for path, kind in ((LISTING, "listing"), (FEED, "feed")):
        page = fetcher.get(fetcher.base + path, kind)
        if page is not None and page.ok:
            entries = (discovery.parse_listing(page.body, page.url)[0] if kind == "listing"
                       else discovery.parse_feed(page.body, page.url))
            sources.append({"source": kind, "url": page.url, "speeches": _add(found, entries)})
    _sitemap(fetcher, found, sources)
    _archive(fetcher, found, per_generation, sources)
    return found


def _sitemap_entries(page: Page) -> tuple[str, list]:
    body = page.body
    if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap, read with the same cap
        body, _ = discovery.gunzip_capped(body, settings.JUSTICE_MAX_SITEMAP_BYTES)
    return discovery.parse_sitemap(body, settings.JUSTICE_MAX_SITEMAP_URLS)


def _pick_sitemap(fetcher: Fetcher, entries: list) -> str | None:
    """One sub-sitemap robots allows; one of a year before the current site if the
    names tell years (Drupal 7 speeches are found nowhere else), else the last one."""
    allowed = [e.url for e in entries if fetcher.rules.can_fetch(e.url, fetcher.agent)]
    older = [u for u in allowed if (m := re.search(r"(?<!\d)(\d{4})(?!\d)", urlsplit(u).path))
             and m.group(1) < CURRENT_SINCE[:4]]
    if len(allowed) < len(entries):
        fetcher.disallowed.extend({"url": e.url, "kind": "sitemap"} for e in entries
                                  if e.url not in allowed)
    if older:
        return older[0]
    return allowed[-1] if allowed else None


def _sitemap(fetcher: Fetcher, found: dict, sources: list[dict]) -> None:
    page = fetcher.get(fetcher.base + SITEMAP, "sitemap")
    if page is None or not page.ok:
        return
    kind, entries = _sitemap_entries(page)
    if kind == "index":
        sources.append({"source": "sitemap index", "url": page.url, "sitemaps": len(entries)})
        sub_url = _pick_sitemap(fetcher, entries)
        page = fetcher.get(sub_url, "sitemap") if sub_url else None
        if page is None or not page.ok:
            return
        kind, entries = _sitemap_entries(page)
    sources.append({"source": "sitemap", "url": page.url, "speeches": _add(found, entries),
                    "urls": len(entries)})


def _archive(fetcher: Fetcher, found: dict, per_generation: int, sources: list[dict]) -> None:
    page = fetcher.get(fetcher.base + ARCHIVE_INDEX, "archive_index")
    if page is None or not page.ok:
        return
    speeches, indexes = discovery.parse_archive_index(page.body, page.url)
    for index_url in reversed(indexes[-MAX_YEAR_INDEXES:]):
        if len(speeches) >= per_generation:
            break
        year = fetcher.get(index_url, "archive_index")
        if year is not None and year.ok:
            speeches += discovery.parse_archive_index(year.body, year.url)[0]
    sources.append({"source": "archive", "url": page.url, "speeches": _add(found, speeches)})


# ---------------------------------------------------------------- samples


def sample_one(fetcher: Fetcher, candidate: Candidate) -> Sample | None:
    """Fetch, extract and hear the witnesses of one speech; None if robots forbids it."""
    page = fetcher.get(candidate.url, "speech")
    if page is None:
        return None
    sample = Sample(candidate.url, page.url, candidate.hint)
    if not page.ok:
        sample.error = page.reason or f"HTTP {page.status}"
        return sample
    try:
        speech = extract(page.body, page.url, encoding=header_charset(page.headers))
    except ExtractError as exc:
        sample.error = f"extraction: {exc}"
        return sample
    except Exception as exc:  # noqa: BLE001 - a bug in the extractor is a finding to report
        sample.error = f"extraction crashed: {type(exc).__name__}: {exc}"
        return sample
    sample.generation = speech.generation
    sample.found = {name: bool(getattr(speech, name)) for name in COVERAGE}
    record, _, sample.agreement = reconcile(speech, candidate.witnesses)
    sample.warnings = list(record.warnings)
    return sample


def take_samples(fetcher: Fetcher, found: dict, per_generation: int) -> list[Sample]:
    """Up to `per_generation` speeches of each generation, taken in turn by hint. The
    page's markup decides its generation, so a few extra fetches are allowed for hints
    that were wrong, never more."""
    queues = {g: [c for c in found.values() if c.hint == g] for g in GENERATIONS}
    counts: Counter = Counter()
    budget = per_generation * (len(GENERATIONS) + 1)
    samples: list[Sample] = []
    while budget > 0:
        turn = [g for g in GENERATIONS if queues[g] and counts[g] < per_generation]
        if not turn:
            break
        for hint in turn[:budget]:
            sample = sample_one(fetcher, queues[hint].pop(0))
            if sample is None:
                continue  # forbidden by robots.txt: never requested
            budget -= 1
            counts[sample.generation] += 1
            samples.append(sample)
    return samples


def run(base_url: str, agent: str, out: Path, delay: float, per_generation: int,
        backoff: float = 2.0) -> dict:
    """Probe the site; the report (saved as report.json beside the pages)."""
    fetcher = Fetcher(base_url, agent, out, backoff=backoff)
    started = time.monotonic()
    sources: list[dict] = []
    samples: list[Sample] = []
    busy = None
    try:
        fetcher.robots(delay)
        found = discover(fetcher, per_generation, sources)
        samples = take_samples(fetcher, found, per_generation)
    except SiteBusy as exc:  # the site wants more patience than a probe has
        busy = str(exc)
    finally:
        fetcher.write_index()
    listed = {s["source"]: s.get("speeches") for s in sources}
    report = {
        "base_url": fetcher.base, "user_agent": agent, "delay": fetcher.delay,
        "robots": {"status": fetcher.pages[0].status, "crawl_delay": fetcher.crawl_delay},
        "requests": sum(1 for p in fetcher.pages if p.file),
        "seconds": round(time.monotonic() - started, 1), "out": str(out),
        "sources": sources, "disallowed": fetcher.disallowed,
        "samples": [asdict(s) for s in samples], "coverage": coverage(samples),
        "agreement": tally((s.agreement, s.warnings) for s in samples if not s.error),
        "warnings": warning_kinds(samples),
        "retries": fetcher.patience.retries,
        "retry_wait_seconds": round(fetcher.patience.waited, 1),
        "problems": [busy] if busy else problems(samples, fetcher.pages, listed),
        "notes": notes(samples),
    }
    report["exit_status"] = 3 if report["problems"] else 0
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    return report
