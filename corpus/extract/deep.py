"""Flatten markup nested deeper than libxml2 can parse, keeping every character of text.

libxml2 stops at 2048 levels even with huge_tree, and drops the rest of the page. Past
the limit, tags are taken out of the source before a second parse; their text stays
where it was:

- block tags (clean.BLOCK_TAGS) become `<br>`, so paragraph breaks survive;
- inline and unknown tags (q, cite, sup, u, small, label, abbr, span...) go;
- the outermost element whose subtree is never speech text (clean.DROP_TAGS: figure,
  nav, form...) is kept, and every tag inside it goes: its text is dropped by cleaning
  anyway, and must not leak into the speech.

The open elements are tracked on a stack with the few implied end tags that matter for
depth (a `<p>` or `<li>` left open), an approximation of the HTML parser. Where it
errs, the caller flattens again with a lower limit, and measures what text was lost.
"""

from __future__ import annotations

import html
import re

from corpus.extract.clean import BLOCK_TAGS, DROP_TAGS

# Comments, doctypes and raw-text elements are opaque: a "<div>" inside a script or a
# comment is not markup. Everything else that looks like a tag is one.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<![^>]*>|<\?[^>]*>"
    r"|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([a-zA-Z][^\s/>]*)[^>]*>",
    re.S | re.I,
)
VOID_TAGS = frozenset(
    "area base basefont br col embed hr img input keygen link meta param source track wbr".split()
)
# Opening `tag` closes an open element named in the first set, searched from the
# innermost open element outwards until one named in the second set.
_BLOCKS = BLOCK_TAGS - {"p"}
_IMPLIED = {
    "li": ({"li"}, {"ul", "ol"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
    "option": ({"option"}, {"select", "optgroup"}),
    "a": ({"a"}, _BLOCKS),
}
_P_CLOSE = ({"p"}, _BLOCKS)
_SEARCH = 16  # how far down the stack an implied end tag is looked for
_CLOSERS = frozenset(_IMPLIED) | BLOCK_TAGS
_SPECIAL = _CLOSERS | VOID_TAGS | DROP_TAGS  # start tags that need more than a push


class _Flattener:
    """A re.sub callback over the tokens: returns what replaces each tag.

    Kept elements are always the bottom of the stack (`prefix` of them: past the limit
    nothing is kept), plus the one DROP_TAGS element of `region`. Written for speed: a
    page of 20 MB can be millions of tags.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.stack: list[str] = []  # open elements, innermost last
        self.prefix = 0  # the bottom `prefix` elements of the stack are kept
        self.region = 0  # 1 + the stack index of a kept DROP_TAGS element past the limit
        self.opened: dict[str, int] = {}  # open elements by tag, for O(1) lookups
        self.dropped = 0  # tags taken out
        self.names: dict[str, str] = {}

    def __call__(self, m) -> str:
        slash, name = m.group(2, 3)
        if name is None:  # opaque: comment, doctype, script, style
            return "" if self.region else m.group(0)
        tag = self.names.get(name) or self.names.setdefault(name, name.lower())  # one str each
        stack = self.stack
        # The bulk of a deep page, inline: an inline tag past the limit, and its end.
        if slash:
            if stack and stack[-1] == tag and len(stack) > self.prefix and not self.region:
                stack.pop()
                self.opened[tag] -= 1
                self.dropped += 1
                return "<br>" if tag in BLOCK_TAGS else ""
            return self.end(tag, m.group(0))
        if self.prefix == self.limit and tag not in _SPECIAL and m.group(0)[-2] != "/":
            stack.append(tag)
            self.opened[tag] = self.opened.get(tag, 0) + 1
            self.dropped += 1
            return ""
        return self.start(tag, m.group(0))

    def kept(self, index: int) -> bool:
        return index < self.prefix or index == self.region - 1

    def pop(self) -> str:
        tag = self.stack.pop()
        self.opened[tag] -= 1
        height = len(self.stack)
        if self.prefix > height:
            self.prefix = height
        if self.region > height:
            self.region = 0
        return tag

    def close_through(self, tag: str, explicit: bool) -> str:
        """Pop open elements down to and including `tag`; end tags libxml2 must see."""
        ends = []
        while self.stack:
            index = len(self.stack) - 1
            name = self.pop()
            if name == tag:
                break
            if explicit and index == self.region - 1:  # a kept element above a dropped one
                ends.append(f"</{name}>")
        return "".join(ends)

    def implied_end(self, tag: str) -> None:
        closes, stops = _IMPLIED.get(tag) or _P_CLOSE
        for name in reversed(self.stack[-_SEARCH:]):
            if name in closes:
                self.close_through(name, explicit=False)
                return
            if name in stops:
                return

    def start(self, tag: str, source: str) -> str:
        if tag in _CLOSERS:
            self.implied_end(tag)
        if tag in VOID_TAGS or source[-2] == "/":
            return "" if self.region and tag != "br" else source
        self.stack.append(tag)
        self.opened[tag] = self.opened.get(tag, 0) + 1
        if self.prefix == len(self.stack) - 1 and self.prefix < self.limit:
            self.prefix += 1
            return source
        if not self.region and tag in DROP_TAGS:  # the one allowed past the limit
            self.region = len(self.stack)
            return source
        return self.replacement(tag)

    def end(self, tag: str, source: str) -> str:
        if not self.opened.get(tag):
            return source if len(self.stack) < self.limit else ""  # a stray end tag
        index = len(self.stack) - 1
        while self.stack[index] != tag:
            index -= 1
        if self.kept(index):
            self.close_through(tag, explicit=False)
            return source
        return self.close_through(tag, explicit=True) + self.replacement(tag)

    def replacement(self, tag: str) -> str:
        self.dropped += 1
        return "<br>" if tag in BLOCK_TAGS and not self.region else ""


def flatten(text: str, limit: int) -> tuple[str, int]:
    """(text with no more than about `limit` levels of nesting, tags taken out)."""
    flat = _Flattener(limit)
    return _TOKEN.sub(flat, text), flat.dropped


def _visible(chars: str) -> int:
    return sum(len(word) for word in chars.split())


def source_text_size(text: str) -> int:
    """Characters of text (not whitespace) between the tags of HTML source."""
    return _visible(html.unescape(_TOKEN.sub(" ", text)))


def doc_text_size(doc) -> int:
    """Characters of text (not whitespace) in a parsed document, scripts, styles and
    comments aside."""
    size = 0
    for el in doc.iter():
        if el.text and el.tag not in ("script", "style") and isinstance(el.tag, str):
            size += _visible(el.text)
        if el.tail and el is not doc:
            size += _visible(el.tail)
    return size
