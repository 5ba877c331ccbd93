"""What kind of text a record is, and whether its delivery line says prepared or delivered.

The delivery line decides first (it is the page's own label), then the title, then the
URL; what none of them names is a speech (remarks, addresses, keynotes). `other` is for
texts that are not spoken at all: an op-ed, a letter, an interview.
"""

from __future__ import annotations

import re

KINDS = ("speech", "testimony", "statement", "press-conference", "other")
DELIVERY_STATUSES = ("prepared", "delivered")

_TESTIMONY = re.compile(r"\btestif(?:y|ies|ied|ying)\b|\btestimony\b")
# "Statement of X Before the Committee": written testimony, not a press statement.
_STATEMENT_BEFORE = re.compile(r"^statement (?:of|by) .+ before (?:the )?(?:u\.s\. )?"
                               r"(?:house|senate|committee|subcommittee|united states)")
_OTHER = re.compile(r"\b(?:op-ed|op ed|letter to|interview|podcast)\b")


def kind(delivery: str | None, title: str, url: str) -> str:
    line = (delivery or "").lower()
    if "testimony" in line:
        return "testimony"
    if "statement" in line:
        return "statement"
    found = _from_words(title.lower())
    if found:
        return found
    path = url.lower().split("?", 1)[0].rsplit("/", 1)[-1].replace("-", " ")
    return _from_words(path) or "speech"


def _from_words(words: str) -> str | None:
    if _TESTIMONY.search(words) or _STATEMENT_BEFORE.search(words):
        return "testimony"
    if re.search(r"\bstatement\b", words):
        return "statement"
    if "press conference" in words:
        return "press-conference"
    if _OTHER.search(words):
        return "other"
    return None


def delivery_status(delivery: str | None) -> str | None:
    """prepared | delivered | None (no line, or a line that says neither)."""
    line = (delivery or "").lower()
    if "prepared" in line:
        return "prepared"
    if "delivered" in line:
        return "delivered"
    return None
