"""Bounds on what one page may cost and hold (issue 22).

A page is refused past the crawl's page cap or past a number of tags no speech page has:
lxml's tree costs about 60 times the bytes (a 50 MB page took 566 MB; a million sibling
<p> in 8 MB, 491 MB), so the Python API is bounded as the CLI is. A record's fields are
bounded in length, and invisible control characters (bidi overrides, zero-width
characters, C0/C1 controls) are removed from them, each with a warning: they would reach
terminals through `history`, `search` and `diff`.
"""

from __future__ import annotations

import re

from corpus.errors import ExtractError

MAX_PAGE_BYTES = 20 * 1024 * 1024  # the crawl's page cap (JUSTICE_MAX_PAGE_BYTES)
MAX_TAGS = 1_000_000  # speech pages have a few thousand; a 20 MB one of short paragraphs 660,000
MAX_FIELD_CHARS = 2_000  # a title, location, delivery line, or one list item
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f"
                       "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
SHORT_FIELDS = ("title", "location", "delivery")
LIST_FIELDS = ("speakers", "components", "topics")


def check_page_size(html: bytes, max_bytes: int = MAX_PAGE_BYTES, max_tags: int = MAX_TAGS) -> None:
    """Refuse a page whose tree would cost hundreds of MB, before it is parsed."""
    if len(html) > max_bytes:
        raise ExtractError(f"too large: {len(html)} bytes over the {max_bytes}-byte page limit")
    tags = html.count(b"<")
    if tags > max_tags:
        raise ExtractError(f"too large: {tags} tags (limit {max_tags}): not a speech page")


def _clean(value: str, name: str, warnings: list[str]) -> str:
    cleaned, removed = INVISIBLE.subn("", value)
    if removed:
        warnings.append(f"invisible-removed: {removed} invisible control characters"
                        f" removed from {name}")
    if len(cleaned) > MAX_FIELD_CHARS:
        warnings.append(f"field-cut: {name} of {len(cleaned)} characters cut to"
                        f" {MAX_FIELD_CHARS}")
        cleaned = cleaned[:MAX_FIELD_CHARS]
    return cleaned


def bound_fields(speech) -> None:
    """Clean and bound the record's text fields in place; paragraphs lose only invisible
    characters (a speech's text is as long as it is)."""
    warnings = speech.warnings
    for name in SHORT_FIELDS:
        value = getattr(speech, name)
        if isinstance(value, str):
            setattr(speech, name, _clean(value, name, warnings))
    for name in LIST_FIELDS:
        setattr(speech, name, [_clean(v, name, warnings) for v in getattr(speech, name)])
    removed = 0
    paragraphs = []
    for paragraph in speech.paragraphs:
        cleaned, n = INVISIBLE.subn("", paragraph)
        removed += n
        if cleaned.strip():
            paragraphs.append(cleaned)
    if removed:
        warnings.append(f"invisible-removed: {removed} invisible control characters removed"
                        " from the text")
    speech.paragraphs = paragraphs


def visible(text: str) -> str:
    """Text for a terminal: each invisible control character shown as its escape (a
    corpus stored before these bounds may still hold them)."""
    return INVISIBLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
