"""Helpers shared by the per-generation extractors: selector tables, dates, labelled fields.

A selector table maps a field to an ordered list of (name, xpath) rules; an xpath that
starts with "." is relative to the speech's article element. The first rule is the
page's own markup; any later rule is a fallback, and using one adds a warning
"<field>-fallback: <rule name>" so a change of the real site's markup shows up in the
crawl summary (docs/design.md#d6-warnings-are-data).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from lxml import etree

from corpus.extract.clean import block_texts, collapse

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DATE_TEXT = re.compile(_MONTH_RE + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)
# "7 December 2021", "7th December, 2021", "the 7th of December, 2021"
DATE_DMY = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r"\.?,?\s+(\d{4})", re.I
)
DATE_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
DATE_ISO_ANY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

# "Remarks as prepared for delivery", "Testimony as Delivered", "Prepared Remarks"...
DELIVERY = re.compile(
    r"^(?:(?:(?:opening |closing )?(?:remarks|testimony|statement|speech|address|keynote"
    r"(?: address)?)\s+)?as\s+(?:prepared\s+(?:for\s+delivery)?|delivered)"
    r"|prepared\s+(?:remarks|testimony|statement))\s*\.?$",
    re.I,
)


def has_class(name: str) -> str:
    """XPath predicate: the class attribute holds this exact token (not field__items)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _safe_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """An ISO date from an ISO timestamp or a written date ("Sunday, August 2, 2015")."""
    if not text:
        return None
    m = DATE_ISO.match(text)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    found = find_date(text)
    return found[0] if found else None


def find_date(text: str) -> tuple[str, int, int] | None:
    """(ISO date, start, end) of the first date written in text, in the first form that
    has one: month first ("Dec. 7th, 2021"), day first ("7 December 2021"), US numeric
    ("12/7/2021"), ISO."""
    m = DATE_TEXT.search(text)
    if m:
        return _found(m, int(m[3]), MONTHS[m[1][:3].lower()], int(m[2]))
    m = DATE_DMY.search(text)
    if m:
        return _found(m, int(m[3]), MONTHS[m[2][:3].lower()], int(m[1]))
    m = DATE_NUMERIC.search(text)
    if m:
        return _found(m, int(m[3]), int(m[1]), int(m[2]))
    m = DATE_ISO_ANY.search(text)
    if m:
        return _found(m, int(m[1]), int(m[2]), int(m[3]))
    return None


def _found(m, year: int, month: int, day: int):
    iso = _safe_date(year, month, day)
    return (iso, m.start(), m.end()) if iso else None


def text_of(node) -> str:
    """Collapsed text of an element, or a string result of an xpath (attribute)."""
    if isinstance(node, str):
        return collapse(node)
    return collapse(" ".join(block_texts(node)))


_NORMALIZED = etree.XPath("normalize-space(string(.))")


@functools.lru_cache(maxsize=512)
def compiled(xpath: str) -> etree.XPath:
    """A selector compiled once: compiling costs about as much as running it."""
    return etree.XPath(xpath)


def has_text(node) -> bool:
    if isinstance(node, str):
        return bool(node.strip())
    return bool(_NORMALIZED(node))


def pick(root, rules, field: str, warnings: list[str], scope=None):
    """Nodes matched by the first rule that matches something; warn when a fallback did.

    Rules starting with "." are relative to `scope` (the speech's article element: a
    search of it, not of the whole page) and skipped when there is none; others search
    from `root`; callable rules get the scope, else the root."""
    for index, (name, rule) in enumerate(rules):
        if callable(rule):
            nodes = rule(scope if scope is not None else root)
        elif rule.startswith("."):
            nodes = compiled(rule)(scope) if scope is not None else []
        else:
            nodes = compiled(rule)(root)
        found = [n for n in nodes if has_text(n)]
        if found:
            if index:
                warnings.append(f"{field}-fallback: {name}")
            return found
    return []


def pick_text(root, rules, field, warnings, scope=None, text=text_of) -> str | None:
    found = pick(root, rules, field, warnings, scope)
    return text(found[0]) if found else None


def pick_list(root, rules, field, warnings, scope=None, items=None) -> list[str]:
    """Distinct values of the matched nodes, in page order; `items` splits a node."""
    seen, out = set(), []
    for node in pick(root, rules, field, warnings, scope):
        for value in items(node) if items else [text_of(node)]:
            if value and value not in seen:
                seen.add(value)
                out.append(value)
    return out


def delivery_text(value: str | None) -> str | None:
    if not value:
        return None
    return collapse(value).rstrip(". ") or None


def head_title(doc) -> str | None:
    """The page's <head><title> minus the site names around it."""
    titles = doc.xpath("/html/head/title/text()")
    if not titles:
        return None
    parts = [collapse(p) for p in titles[0].split("|")]
    site = {
        "united states department of justice",
        "department of justice",
        "opa",
        "office of public affairs",
        "justice.gov",
        "",
    }
    kept = [p for p in parts if p.lower() not in site]
    return max(kept, key=len) if kept else None
