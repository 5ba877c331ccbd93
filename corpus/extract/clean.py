"""Cleaning: a body element -> the speech's paragraphs.

The rules of tests/fixtures/eval/README.md: one paragraph per block (p, div with text,
h2-h6, li, blockquote paragraph), a <br> ends a paragraph, whitespace (incl. NBSP)
collapsed, characters otherwise kept; empty paragraphs, end marks, images, captions,
embedded video and chrome dropped.

Boilerplate rules are data (the named lists below), applied by small functions. The walk
is iterative (lxml.etree.iterwalk), so deeply nested markup cannot blow Python's stack.
"""

from __future__ import annotations

import re

from lxml import etree

# Elements that start and end a paragraph.
BLOCK_TAGS = frozenset(
    """p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote section article aside
    header footer main nav table thead tbody tfoot tr td th pre address center hr
    form fieldset details summary""".split()
)

# Elements whose whole subtree is never speech text. Not `label`: its text is visible
# text (the labels of a search box go with their `form`).
DROP_TAGS = frozenset(
    """script style noscript template iframe object embed video audio source track
    img picture svg canvas map figure figcaption button input select textarea
    form nav head title meta link""".split()
)

# Chrome that can sit inside or around a body (share buttons, feedback, field lists).
# Only used on fallback paths, where the body container is a guess.
BOILERPLATE_XPATHS = {
    "share": "//*[contains(@class,'usdoj-sharing') or contains(@class,'node-share')"
    " or contains(@class,'share-links') or contains(@class,'addtoany')]",
    "helpful": "//*[@id='page-helpful' or contains(@class,'doj-page-helpful')"
    " or contains(@class,'page-helpful')]",
    "updated": "//*[contains(@class,'node-updated-date') or contains(@class,'node__updated')]",
    "labelled-fields": "//*[contains(@class,'field_speaker') or contains(@class,'node-topics')"
    " or contains(@class,'field_component') or contains(@class,'field--name-field-pr-topic')"
    " or contains(@class,'field--name-field-pr-component')"
    " or contains(@class,'field--name-field-speech-speaker')"
    " or contains(@class,'node-attachments') or contains(@class,'field-label')"
    " or contains(@class,'field__label')]",
    "site-chrome": "//*[contains(@class,'usa-banner') or contains(@class,'usa-header')"
    " or contains(@class,'usa-footer') or contains(@class,'breadcrumb')"
    " or contains(@class,'usa-sidenav') or contains(@class,'usa-skipnav')"
    " or contains(@class,'element-invisible') or contains(@class,'usa-sr-only')"
    " or @role='navigation' or @role='banner' or @role='contentinfo']",
    "hidden": "//*[@hidden or contains(translate(@style,' ',''),'display:none')]",
}

# Paragraphs that are never speech text, wherever they appear.
BOILERPLATE_PATTERNS = {
    "end-mark": re.compile(r"^(?:[#*]\s*){3,}$|^-\s*(?:#\s*){3}-?$"),
    "skip-link": re.compile(r"^Skip to main content$", re.I),
    "helpful": re.compile(r"^Was this page helpful\??(?:\s*Yes\s*No)?$", re.I),
    "updated": re.compile(r"^Updated \w+ \d{1,2}, \d{4}$"),
    "share": re.compile(r"^(?:Share|Print|Email|Facebook|Twitter|LinkedIn)$", re.I),
    "official-banner": re.compile(
        r"^(?:An official website of the United States government|Here.s how you know)$",
        re.I,
    ),
}

END_MARK = BOILERPLATE_PATTERNS["end-mark"]


def collapse(text: str) -> str:
    """Collapse all whitespace (str.split knows NBSP and the other Unicode spaces)."""
    return " ".join(text.split())


def drop_boilerplate(root, names=None) -> int:
    """Remove the chrome named in BOILERPLATE_XPATHS from root's subtree; returns count."""
    removed = 0
    for name in names or BOILERPLATE_XPATHS:
        xpath = BOILERPLATE_XPATHS[name]
        for el in root.xpath("." + xpath if xpath.startswith("//") else xpath):
            if el is root:
                continue
            remove_keep_tail(el)
            removed += 1
    return removed


def remove_keep_tail(el) -> None:
    """Remove `el` from the tree and keep the text that followed it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _tag(el) -> str:
    tag = el.tag
    if "}" in tag:  # XHTML namespace
        return tag.rsplit("}", 1)[-1].lower()
    return tag


def blocks(root) -> list[tuple[object, str]]:
    """Split root's text into raw blocks: block elements and <br> end a paragraph.

    Each block is (owner, text): owner is the innermost block element the text sits in,
    so callers can look at its formatting (the archive's centred header lines).
    """
    out: list[tuple[object, str]] = []
    buf: list[str] = []
    stack = [root]
    owner = [root]

    def add(text):
        if not buf:
            owner[0] = stack[-1]
        buf.append(text)

    def flush():
        if buf:
            out.append((owner[0], "".join(buf)))
            buf.clear()

    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    skipped = None
    for event, el in walker:
        if event in ("comment", "pi"):  # no start/end for these: keep the text after them
            if el.tail:
                add(el.tail)
            continue
        tag = _tag(el)
        if event == "start":
            if el is not root and tag in DROP_TAGS:
                walker.skip_subtree()
                skipped = el
                continue
            if tag in BLOCK_TAGS or tag == "br":
                flush()
                if el is not root and tag != "br":
                    stack.append(el)
            if el.text and tag:
                add(el.text)
        else:
            if el is skipped:
                skipped = None
            elif tag in BLOCK_TAGS or tag == "br":
                flush()
                if el is not root and tag != "br" and stack[-1] is el:
                    stack.pop()
            if el is not root and el.tail:
                add(el.tail)
    flush()
    return out


def block_texts(root) -> list[str]:
    return [text for _, text in blocks(root)]


def is_boilerplate(paragraph: str) -> str | None:
    """The name of the rule that drops this paragraph, or None to keep it."""
    for name, pattern in BOILERPLATE_PATTERNS.items():
        if pattern.match(paragraph):
            return name
    return None


def paragraphs(root) -> list[str]:
    """The cleaned paragraphs of a body element, in order."""
    result = []
    for raw in block_texts(root):
        text = collapse(raw)
        if text and not is_boilerplate(text):
            result.append(text)
    return result
