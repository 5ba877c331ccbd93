"""Soft 404s: a 200 page in the site's chrome that says the page was not found.

Drupal answers a removed node with its 404 page, but a CDN, a redirect or a theme can
turn that into a 200. Such a page marks the speech gone, as a 404 does, instead of being
skipped as "not a speech" (which would leave a removed speech live forever).
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

NOT_FOUND = re.compile(
    r"^\s*(?:(?:error\s*)?404\b.*|page\s+not\s+found\b.*|not\s+found\b.*"
    r"|the\s+(?:requested\s+)?page\s+(?:could\s+not|cannot|can't)\s+be\s+found.*"
    r"|sorry,?\s+(?:we\s+)?(?:can(?:no|')t|could\s+not)\s+find\s+(?:that|the|this)\s+page.*)$",
    re.I | re.S,
)
# Where a not-found page says so: its title, its main heading.
PLACES = ("//title", "//h1")


def says_not_found(body: bytes) -> bool:
    """True when the page's title or main heading says it was not found."""
    try:
        doc = lxml.html.document_fromstring(body[:500_000])
    except (lxml.etree.ParserError, ValueError):
        return False
    for xpath in PLACES:
        for node in doc.xpath(xpath)[:2]:
            text = " ".join(node.text_content().split())
            # "Page not found | United States Department of Justice"
            if text and NOT_FOUND.match(text.split("|")[0]):
                return True
    return False
