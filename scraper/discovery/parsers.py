"""Discovery parsers: listing pages, sitemaps, the JSON API, archive indexes, robots.txt.

Pure functions of (body, url) -> entries, so each is tested offline on saved pages; the
spider only routes requests. An Entry is a URL found plus what the source said about it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from corpus.extract.fields import parse_date

# /news is the site's news section, not a component; a slug of dots is a dot segment.
SPEECH_PATH = re.compile(r"^(?:/archives)?(?:/(?!news/)[a-z0-9-]+)?/speech/(?!\.\.?/?$)[^/?#]+/?$",
                         re.I)
ARCHIVE_SPEECH = re.compile(r"^/archive/ag/speeches/(\d{4})/[^/]+\.html?$", re.I)
ARCHIVE_INDEX = re.compile(r"^/archive/ag/speeches/(?:\d{4}/)?(?:index\.html?)?$", re.I)


@dataclass
class Entry:
    """A URL a source listed, and what the source said of it: the speech's second
    witness (docs/design.md#d11-witnesses), carried with the request to the store."""

    url: str
    date: str | None = None  # the speech's date when the source tells it
    lastmod: str | None = None  # sitemap <lastmod> (ISO timestamp)
    uuid: str | None = None
    source: str = ""
    title: str | None = None
    components: list[str] = field(default_factory=list)
    location: str | dict | None = None
    attachments: list = field(default_factory=list)  # the API's `attachment` field, as is

    def meta(self) -> dict:
        return {k: v for k, v in (("date", self.date), ("lastmod", self.lastmod),
                                  ("uuid", self.uuid), ("source", self.source),
                                  ("title", self.title), ("components", self.components),
                                  ("location", self.location),
                                  ("attachments", self.attachments)) if v}


def is_speech_url(url: str) -> bool:
    path = urlsplit(url).path
    if "/./" in path or "/../" in path:  # the site never links such a path: not resolved
        return False
    return bool(SPEECH_PATH.match(path) or ARCHIVE_SPEECH.match(path))


def _html(body: bytes):
    try:
        return lxml.html.document_fromstring(body, parser=lxml.html.HTMLParser(huge_tree=True))
    except (lxml.etree.ParserError, ValueError):
        return None


# ---- listings (/news/speeches, component listings, Drupal 7 listings) ----

LISTING_ROWS = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' views-row ')]"
    " | //div[contains(@class,'view-content')]//tr[td]"
)
ROW_LINK = [
    ".//h2//a[@href]", ".//*[contains(@class,'views-field-title')]//a[@href]",
    ".//a[@rel='bookmark']", ".//a[@href]",
]
ROW_DATE = [".//time/@datetime", ".//*[contains(@class,'date-display-single')]/@content",
            ".//*[contains(@class,'date')]"]
NEXT_PAGE = (
    "//a[contains(@class,'usa-pagination__next-page')]/@href"
    " | //li[contains(@class,'pager__item--next') or contains(@class,'pager-next')]/a/@href"
    " | //a[@rel='next']/@href"
)


def parse_listing(body: bytes, url: str) -> tuple[list[Entry], str | None]:
    """Speech entries of a listing page, in page order, and the next page's URL."""
    doc = _html(body)
    if doc is None:
        return [], None
    entries, seen = [], set()
    for row in doc.xpath(LISTING_ROWS):
        link = next((found[0] for xp in ROW_LINK if (found := row.xpath(xp))), None)
        if link is None:
            continue
        href = urljoin(url, link.get("href").strip())
        if not is_speech_url(href) or href in seen:
            continue
        seen.add(href)
        date = None
        for xp in ROW_DATE:
            for value in row.xpath(xp):
                text = value if isinstance(value, str) else value.text_content()
                date = parse_date(text.strip())
                if date:
                    break
            if date:
                break
        title = " ".join(link.text_content().split()) or None
        entries.append(Entry(href, date=date, source="listing", title=title))
    next_href = doc.xpath(NEXT_PAGE)
    return entries, urljoin(url, next_href[0]) if next_href else None


# ---- sitemaps ----

# A document type declaration with an internal subset: a sitemap needs none, and its
# entities can expand without end ("billion laughs"; libxml2 then stops parsing).
DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.S | re.I)


def parse_sitemap(body: bytes, max_urls: int = 50_000,
                  warnings: list[str] | None = None) -> tuple[str, list[Entry]]:
    """('index' | 'urlset', entries) of a sitemap or sitemap index; at most `max_urls`
    entries (the protocol's limit: the caller warns when the list was cut there). A
    DOCTYPE is dropped before parsing, with a warning in `warnings`."""
    head = body[:4096]
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        body, dropped = DOCTYPE.subn(b"", body, count=1)
        if dropped and warnings is not None:
            warnings.append("a DOCTYPE (entity declarations) was ignored")
    try:
        root = lxml.etree.fromstring(
            body, parser=lxml.etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False,
                                              no_network=True)
        )
    except lxml.etree.XMLSyntaxError:
        return "urlset", []
    if root is None:
        return "urlset", []
    kind = "index" if lxml.etree.QName(root).localname == "sitemapindex" else "urlset"
    entries = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        values = {lxml.etree.QName(c).localname: (c.text or "").strip()
                  for c in node if isinstance(c.tag, str)}
        if values.get("loc"):
            if len(entries) >= max_urls:
                break
            entries.append(Entry(values["loc"], lastmod=values.get("lastmod") or None,
                                 source="sitemap"))
    return kind, entries


def gunzip_capped(body: bytes, max_bytes: int) -> tuple[bytes, bool]:
    """A gzip body (a .xml.gz sitemap) decompressed to at most `max_bytes`: (data, cut).
    A bomb stops at the cap instead of filling memory."""
    import zlib

    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error:
        return b"", True
    return data[:max_bytes], len(data) > max_bytes or bool(inflater.unconsumed_tail)


# ---- JSON API (/api/v1/speeches.json) ----

def _epoch_date(value) -> str | None:
    try:
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).date().isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return parse_date(str(value)) if value else None


def parse_api(body: bytes, url: str) -> tuple[list[Entry], dict]:
    """Entries of an API page and its resultset ({count, pagesize, page}). An entry of
    the wrong shape is left out (counted in resultset["malformed"]); the others are used."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:  # truncated, or not JSON at all
        return [], {"unreadable": f"not JSON ({exc})"}
    if not isinstance(data, dict):
        return [], {"unreadable": f"a JSON {type(data).__name__}, not an object"}
    metadata = data.get("metadata")
    resultset = metadata.get("resultset") if isinstance(metadata, dict) else None
    resultset = dict(resultset) if isinstance(resultset, dict) else {}
    results = data.get("results")
    entries, malformed = [], 0
    for item in results if isinstance(results, list) else []:
        entry = _api_entry(item, url)
        if entry is None:
            malformed += 1
        else:
            entries.append(entry)
    resultset["malformed"] = malformed
    return entries, resultset


def _api_entry(item, url: str) -> Entry | None:
    if not isinstance(item, dict) or not isinstance(item.get("url"), str) or not item["url"]:
        return None
    uuid = item.get("uuid")
    title = item.get("title")
    return Entry(
        urljoin(url, item["url"]), date=_epoch_date(item.get("date")),
        lastmod=_iso_epoch(item.get("changed")),
        uuid=uuid if isinstance(uuid, str) else None, source="api",
        title=" ".join(title.split()) if isinstance(title, str) else None,
        components=[c["name"] for c in item.get("component") or []
                    if isinstance(c, dict) and isinstance(c.get("name"), str)]
        if isinstance(item.get("component"), list) else [],
        location=_api_location(item.get("location")),
        attachments=_api_files(item.get("attachment")),
    )


def _api_files(value) -> list:
    """The `attachment` field kept as the API gave it (corpus.extract.attachments reads its
    shapes); a lone object becomes a list of one."""
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, (dict, str))] if isinstance(value, list) else []


def _api_location(value) -> dict | None:
    """The API's address parts (locality, administrative_area, country code), kept as
    they are: corpus.extract.witness compares them part by part with the page's location."""
    if not isinstance(value, dict):
        return None
    parts = {k: value.get(k) for k in ("locality", "administrative_area", "country")
             if isinstance(value.get(k), str) and value.get(k).strip()}
    return parts or None


def api_int(resultset: dict, key: str, default: int) -> int:
    try:
        return int(resultset.get(key, default))
    except (TypeError, ValueError):
        return default


def _iso_epoch(value) -> str | None:
    try:
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


# ---- static archive indexes (/archive/ag/speeches/) ----

def parse_archive_index(body: bytes, url: str) -> tuple[list[Entry], list[str]]:
    """Speech pages and further index pages linked from an archive index page."""
    doc = _html(body)
    if doc is None:
        return [], []
    speeches, indexes, seen = [], [], set()
    for href in doc.xpath("//a/@href"):
        absolute = urljoin(url, href.strip())
        path = urlsplit(absolute).path
        if absolute in seen:
            continue
        seen.add(absolute)
        if ARCHIVE_SPEECH.match(path) and not path.lower().endswith(("index.html", "index.htm")):
            speeches.append(Entry(absolute, source="archive"))
        elif ARCHIVE_INDEX.match(path) and absolute.split("#")[0] != url:
            indexes.append(absolute)
    return speeches, indexes


def lastmod_key(value: str | None) -> str:
    """Sortable form of a lastmod (dates and timestamps compare as UTC text)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def edited_since(lastmod: str | None, fetched: str | None) -> bool:
    """Whether a sitemap lastmod says a page may have changed since our fetch of it at
    `fetched`. A lastmod has whole seconds (or only a day): one in the very second (or
    day) of the fetch may be an edit made just after it, so it counts; the conditional
    GET that follows costs a 304 when it was not."""
    if not lastmod:
        return False
    edited, seen = lastmod_key(lastmod), lastmod_key(fetched)
    if len(lastmod.strip()) == 10:  # YYYY-MM-DD
        return edited[:10] >= seen[:10]
    return edited >= seen


# ---- the Justice News RSS feed (/feeds/opa/justice-news.xml) ----

def parse_feed(body: bytes, url: str) -> list[Entry]:
    """Speech entries of an RSS 2.0 (or Atom) feed, in feed order; other news is left out."""
    try:
        root = lxml.etree.fromstring(
            body, parser=lxml.etree.XMLParser(recover=True, resolve_entities=False,
                                              no_network=True)
        )
    except lxml.etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    entries = []
    for item in root.iter("{*}item", "{*}entry"):
        link = item.findtext("{*}link") or ""
        if not link.strip():
            atom = item.find("{*}link")
            link = atom.get("href", "") if atom is not None else ""
        published = item.findtext("{*}pubDate") or item.findtext("{*}published") or ""
        date = None
        if published:
            try:
                from email.utils import parsedate_to_datetime

                date = parsedate_to_datetime(published).date().isoformat()
            except (TypeError, ValueError):
                date = parse_date(published)
        href = urljoin(url, link.strip())
        title = " ".join((item.findtext("{*}title") or "").split()) or None
        if is_speech_url(href):
            entries.append(Entry(href, date=date, source="feed", title=title))
    return entries
