"""Second witnesses (DESIGN Decision 11): what discovery said about a speech vs the page.

The page's value wins; a field the page lacks is filled from a witness (warning
`<field>-from-<source>`); a disagreement keeps the page's value and warns
`<field>-disagrees-<source>`. Dates agree when equal as ISO dates, titles when equal
after whitespace and quote normalisation.
"""

from __future__ import annotations

import dataclasses
import html
import re

COMPARED = ("title", "date", "location", "components")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def _norm(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    text = html.unescape(str(value)).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def _agree(name: str, page, said) -> bool:
    if name == "components":  # order is the page's; membership is what a witness says
        return sorted(_norm(page)) == sorted(_norm(said))
    if name == "location":  # the API gives "Washington, DC"; the page adds the country
        return _norm(page).lower().startswith(_norm(said).lower())
    return _norm(page) == _norm(said)


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def reconcile(speech, witnesses: list[dict]):
    """(speech, warnings, agreement): agreement maps a field to (verdict, source), the
    verdict one of agree | disagree | filled."""
    warnings: list[str] = []
    agreement: dict[str, tuple[str, str]] = {}
    changes = {}
    for name in COMPARED:
        for witness in witnesses:
            said = witness.get(name)
            if _empty(said):
                continue
            source = witness.get("source") or "discovery"
            page = changes.get(name, getattr(speech, name))
            if _empty(page):
                changes[name] = list(said) if isinstance(said, list) else said
                warnings.append(f"{name}-from-{source}: {said}")
                agreement[name] = ("filled", source)
            elif _agree(name, page, said):
                agreement[name] = ("agree", source)
            else:
                warnings.append(f"{name}-disagrees-{source}: page {page!r}, {source} {said!r}")
                agreement[name] = ("disagree", source)
            break  # the first witness that speaks to a field is its witness
    if changes:
        speech = dataclasses.replace(speech, **changes)
    return speech, warnings, agreement
