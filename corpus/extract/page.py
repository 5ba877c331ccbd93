"""Parse decoded HTML with lxml and tell which site generation made the page.

The generation is chosen by markers in the page (never by URL alone: docs/design.md#discovery); the URL
only breaks a tie for a bare page with no markers at all, with a warning.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from corpus.errors import ExtractError, NotASpeech
from corpus.extract.deep import doc_text_size, flatten, source_text_size
from corpus.extract.fields import compiled

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# libxml2 stops parsing at 2048 levels even with huge_tree and drops the rest of the page:
# past MAX_DEPTH levels, tags are flattened before a second parse (corpus/extract/deep.py),
# with lower limits where that was not enough.
MAX_DEPTH = 1500
_LIMITS = (MAX_DEPTH, 500, 100)

# Markers of each generation; each that matches scores one. Those of <head> and <body>'s
# own attributes are read in one pass over the page's <meta> and <link> elements (they
# settle most pages: HEAD_MARKERS); the rest are XPaths of the whole page (MARKERS).
HEAD_MARKERS = {
    "current": [
        ("content-type", "body", "data-content-type", None),
        ("generator", "meta", "generator", ("Drupal 9", "Drupal 1")),
        ("uswds-theme", "link", "usdoj_uswds", None),
    ],
    "drupal7": [("generator", "meta", "generator", ("Drupal 7",))],
    "archive": [("archive-css", "link", "/archive/", None)],
}
MARKERS = {
    "current": [
        ("article", "//article[contains(@class,'content-type-')]"),
        ("usa-banner", "//*[contains(@class,'usa-banner')]"),
    ],
    "drupal7": [
        ("news-header", "//*[contains(@class,'justice-news-header')]"),
        ("node-article", "//article[contains(@class,'node--')]"),
        ("field-name", "//*[contains(@class,'field--name-field-')]"),
        ("node-title", "//h1[@id='node-title']"),
    ],
    "archive": [
        ("seal", "//img[contains(@src,'dojseal') or @alt='Department of Justice Seal']"),
        ("archive-links", "//a[starts-with(@href,'/archive/')]"),
    ],
}

LISTING_XPATH = (
    "//*[contains(@class,'views-row')] | //nav[contains(@class,'usa-pagination')]"
    " | //ul[contains(@class,'pager')]"
)
ARCHIVE_PATH = re.compile(r"/archive/[^?#]*\.html?\b", re.I)


def _parser():
    # huge_tree: without it libxml2 silently drops content nested deeper than 255 levels
    # and text nodes over 10 MB (docs/design.md#d5-deep-markup). A parser per call: lxml parsers
    # keep their error log and are not thread-safe.
    return lxml.html.HTMLParser(
        huge_tree=True, remove_comments=True, remove_pis=True, no_network=True
    )


def _too_deep(parser) -> bool:
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def _parse_flattened(text: str, warnings: list[str] | None):
    """Parse a page too deep for libxml2, saying in a warning what (if anything) was lost."""
    for limit in _LIMITS:
        flat, dropped = flatten(text, limit)
        parser = _parser()
        doc = lxml.html.document_fromstring(flat, parser=parser)
        if not _too_deep(parser):
            break
    if warnings is not None:
        lost = source_text_size(text) - doc_text_size(doc)
        outcome = f"{lost} characters of text lost" if lost > 0 else "all text kept"
        warnings.append(
            f"deep-markup: nesting deeper than {limit} levels flattened"
            f" ({dropped} tags taken out); {outcome}"
        )
    return doc


def parse(text: str, warnings: list[str] | None = None):
    """Parse HTML text into an lxml document."""
    text = _XML_DECL.sub("", text, count=1)  # lxml refuses str input with an encoding decl
    try:
        parser = _parser()
        doc = lxml.html.document_fromstring(text, parser=parser)
        if _too_deep(parser):
            doc = _parse_flattened(text, warnings)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError(f"unparseable HTML: {exc}") from None
    if doc is None or doc.find("body") is None and not len(doc):
        raise ExtractError("unparseable HTML: no document")
    return doc


def looks_truncated(text: str) -> bool:
    return "</html>" not in text[-4096:].lower()


def _head_facts(doc) -> set:
    """Which HEAD_MARKERS hold: ("body", attribute), ("meta", generator prefix) and
    ("link", href part) facts, from one pass over the page's <meta> and <link>."""
    facts = set()
    body = doc.find("body")
    if body is not None and body.get("data-content-type") is not None:
        facts.add(("body", "data-content-type"))
    for el in doc.iter("meta", "link"):
        if el.tag == "meta":
            if (el.get("name") or "").replace("G", "g") == "generator":
                facts.add(("meta", el.get("content") or ""))
        else:
            facts.add(("link", el.get("href") or ""))
    return facts


def _holds(facts: set, kind: str, key: str, prefixes) -> bool:
    if kind == "body":
        return (kind, key) in facts
    if kind == "meta":
        return any(k == "meta" and v.startswith(prefixes) for k, v in facts)
    return any(k == "link" and key in v for k, v in facts)


def _score(doc, whole_page: bool) -> dict[str, int]:
    facts = _head_facts(doc)
    scores = {gen: sum(1 for _, *rule in rules if _holds(facts, *rule))
              for gen, rules in HEAD_MARKERS.items()}
    if whole_page:
        for gen, rules in MARKERS.items():
            scores[gen] += sum(1 for _, xpath in rules if compiled(xpath)(doc))
    return scores


def generation(doc, url: str, warnings: list[str]) -> str | None:
    """The generation whose markers the page carries most, or None."""
    scores = _score(doc, whole_page=False)
    if sum(1 for v in scores.values() if v) != 1:
        scores = _score(doc, whole_page=True)  # the head is not conclusive: the whole page
    best = max(scores, key=scores.get)
    if scores[best]:
        return best
    if ARCHIVE_PATH.search(url) and doc.xpath("//p | //td"):
        warnings.append("generation-guess: no markers; archive by URL")
        return "archive"
    return None


_NODE_TYPE = re.compile(r"(?:^|\s)node--type-([\w-]+)")


def _node_types(doc) -> list[str]:
    """Types named by Drupal 8+ core article classes: `node--type-speech`."""
    return [m[1] for c in doc.xpath("//article/@class") for m in _NODE_TYPE.finditer(c)]


def refuse_non_speech(doc, gen: str) -> None:
    """Raise NotASpeech for a node page of another type, or a listing."""
    if gen == "current":
        kinds = doc.xpath("/html/body/@data-content-type")
        kinds += [
            c.split("content-type-", 1)[1].split()[0]
            for c in doc.xpath("//article/@class")
            if "content-type-" in c
        ] + _node_types(doc)
        kinds = [k for k in kinds if k]
        if kinds and "speech" not in kinds:
            raise NotASpeech(f"a current-site '{kinds[0]}' page, not a speech")
        if not kinds and doc.xpath(LISTING_XPATH):
            raise NotASpeech("a listing page, not a speech")
    elif gen == "drupal7":
        nodes = doc.xpath("//article[contains(@class,'node--full')]/@class")
        types = [
            c.split("node--", 1)[1].split()[0]
            for c in nodes
        ] + _node_types(doc)
        if types and "speech" not in types:
            raise NotASpeech(f"a Drupal 7 '{types[0]}' page, not a speech")
        if "speech" not in types and not doc.xpath(
            "//article[contains(@class,'node--speech')]"
        ) and doc.xpath(LISTING_XPATH):
            raise NotASpeech("a listing page, not a speech")


_CANONICAL = re.compile(
    rb"""<link\b[^>]*\brel=["']?canonical["']?[^>]*>|<meta\b[^>]*\bproperty=["']og:url["'][^>]*>""",
    re.I,
)
_HREF = re.compile(rb"""\b(?:href|content)=["']([^"']+)["']""", re.I)


def canonical_url(html: bytes) -> str | None:
    """The page's own URL from <link rel=canonical> or og:url, if it declares one."""
    head = html[:200_000]
    for tag in _CANONICAL.finditer(head):
        m = _HREF.search(tag.group(0))
        if m and m.group(1).lower().startswith((b"http://", b"https://", b"/")):
            return m.group(1).decode("utf-8", "replace").strip()
    return None
