"""The body where no rule looks: found by what a speech body looks like.

As readability and trafilatura find article text: every text block of the page that is
long and poor in links scores its length for the element around it, and half of it for
the one around that; the element with the best score, scaled by how little of its own
text is link text, is the body, unless links are more than MAX_BODY_LINKS of its text (a
listing of teasers under linked headings is no speech). Page chrome (navigation, header,
footer, asides, forms, the chrome of clean.BOILERPLATE_XPATHS) scores nothing.

Two rules about the paragraphs of any body, fallback or not:
- a sentence repeated for display (a pull quote: an aside, or an element classed
  `*pull*`) is one paragraph: the display copy is dropped when its text stands in
  another paragraph. A bare blockquote is a quotation and stays, repeated or not;
- a line that only states fields (structured.split_field_lines) is a field.
"""

from __future__ import annotations

from corpus.extract.clean import BOILERPLATE_XPATHS, block_texts, blocks, collapse
from corpus.extract.fields import compiled

MIN_BLOCK = 40  # characters: shorter blocks are headings, labels, buttons
MAX_LINK_SHARE = 0.33  # of a block's text, past which it is navigation
MIN_BODY = 150  # characters of scored text below which nothing is taken for a body
MAX_BODY_LINKS = 0.15  # share of a candidate's text in links past which it is a listing
CHROME_TAGS = frozenset(("nav", "header", "footer", "aside", "form", "menu"))
CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search"))
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "title"))
_CHROME = compiled(" | ".join(BOILERPLATE_XPATHS.values()))
_QUOTE_CHARS = " \"'“”‘’«»"


def _link_chars(el) -> int:
    return sum(len(collapse(a.text_content())) for a in el.iter("a"))


def _chrome(doc) -> set:
    """Elements whose subtree is page chrome."""
    found = set(_CHROME(doc))
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in CHROME_TAGS or (el.get("role") or "") in CHROME_ROLES:
            found.add(el)
    return found


def _in_chrome(el, chrome: set) -> bool:
    return any(node in chrome for node in (el, *el.iterancestors()))


def densest_body(doc):
    """The element holding the page's run of long, link-poor text blocks, or None."""
    root = doc.find("body")
    if root is None:
        return None
    chrome = _chrome(doc)
    scores: dict = {}
    for owner, raw in blocks(root):
        text = collapse(raw)
        if len(text) < MIN_BLOCK or owner.tag in HEADINGS or owner is root:
            continue
        if _link_chars(owner) > MAX_LINK_SHARE * len(text) or _in_chrome(owner, chrome):
            continue
        parent = owner.getparent()
        if owner.tag not in ("p", "div", "li", "blockquote", "pre", "td", "dd"):
            parent = owner
        for el, share in ((parent, 1.0), (parent.getparent() if parent is not None else None, 0.5)):
            if el is not None and el is not root:
                scores[el] = scores.get(el, 0.0) + share * len(text)
    best, best_score = None, 0.0
    for el, score in scores.items():
        links = _link_chars(el) / (len(collapse(el.text_content())) or 1)
        if links > MAX_BODY_LINKS:
            continue  # teasers under linked headings, menus: a listing, not a speech
        score *= 1 - links
        if score > best_score:
            best, best_score = el, score
    return best if best_score >= MIN_BODY else None


# Display copies: an aside, or an element classed as a pull quote (pullquote, pull-quote).
# A bare <blockquote> is a quotation, kept even when the speech says it again.
_DISPLAY = compiled(".//aside | .//*[contains(@class,'pull')]")


def drop_display_copies(body, paragraphs: list[str]) -> list[str]:
    """Paragraphs without the display copies of a sentence the body already holds."""
    copies = {collapse(text) for el in _DISPLAY(body) for text in block_texts(el)}
    if not copies:
        return paragraphs
    out = []
    for paragraph in paragraphs:
        bare = paragraph.strip(_QUOTE_CHARS)
        if paragraph in copies and len(bare.split()) >= 4 and any(
            bare in other for other in paragraphs if other != paragraph
        ):
            continue
        out.append(paragraph)
    return out
