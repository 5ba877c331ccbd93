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

from corpus.clean import BLOCK_TAGS, DROP_TAGS

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


class _Flattener:
    """One pass over the source; `out` collects the flattened text."""

    def __init__(self, limit: int):
        self.limit = limit
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, kept in the output)
        self.kept = 0  # open elements kept in the output: the depth libxml2 will see
        self.opened: dict[str, int] = {}  # open elements by tag, for O(1) lookups
        self.drop_region = 0  # stack height of a kept DROP_TAGS element past the limit
        self.dropped = 0  # tags taken out

    def push(self, tag: str, keep: bool) -> None:
        self.stack.append((tag, keep))
        self.kept += keep
        self.opened[tag] = self.opened.get(tag, 0) + 1

    def pop(self) -> tuple[str, bool]:
        tag, keep = self.stack.pop()
        self.kept -= keep
        self.opened[tag] -= 1
        if self.drop_region > len(self.stack):
            self.drop_region = 0
        return tag, keep

    def close_through(self, tag: str, explicit: bool) -> None:
        """Pop open elements down to and including `tag`."""
        while self.stack:
            name, keep = self.pop()
            if name == tag:
                return
            if keep and explicit:  # libxml2 must close it where we do
                self.out.append(f"</{name}>")

    def implied_end(self, tag: str) -> None:
        closes, stops = _IMPLIED.get(tag) or (_P_CLOSE if tag in BLOCK_TAGS else ((), ()))
        if not closes:
            return
        for name, _ in reversed(self.stack[-_SEARCH:]):
            if name in closes:
                self.close_through(name, explicit=False)
                return
            if name in stops:
                return

    def start(self, tag: str, source: str) -> None:
        self.implied_end(tag)
        if tag in VOID_TAGS or source.endswith("/>"):
            self.out.append(source if not self.drop_region or tag == "br" else "")
            return
        keep = not self.drop_region and (
            self.kept < self.limit or tag in DROP_TAGS and self.kept <= self.limit
        )
        if keep and self.kept >= self.limit:  # the one DROP_TAGS element allowed past
            self.drop_region = len(self.stack) + 1
        self.push(tag, keep)
        self.out.append(source if keep else self.replacement(tag))

    def end(self, tag: str, source: str) -> None:
        if not self.opened.get(tag):
            self.out.append(source if self.kept < self.limit else "")  # a stray end tag
            return
        index = next(i for i in range(len(self.stack) - 1, -1, -1) if self.stack[i][0] == tag)
        keep = self.stack[index][1]
        self.close_through(tag, explicit=not keep)
        self.out.append(source if keep else self.replacement(tag))

    def replacement(self, tag: str) -> str:
        self.dropped += 1
        return "<br>" if tag in BLOCK_TAGS and not self.drop_region else ""


def flatten(text: str, limit: int) -> tuple[str, int]:
    """(text with no more than about `limit` levels of nesting, tags taken out)."""
    flat = _Flattener(limit)
    last = 0
    for m in _TOKEN.finditer(text):
        flat.out.append(text[last:m.start()])
        last = m.end()
        if m.group(3) is None:  # opaque: comment, doctype, script, style
            flat.out.append(m.group(0) if not flat.drop_region else "")
        elif m.group(2):
            flat.end(m.group(3).lower(), m.group(0))
        else:
            flat.start(m.group(3).lower(), m.group(0))
    flat.out.append(text[last:])
    return "".join(flat.out), flat.dropped


def _visible(chars: str) -> int:
    return sum(len(word) for word in chars.split())


def source_text_size(text: str) -> int:
    """Characters of text (not whitespace) between the tags of HTML source."""
    size = last = 0
    for m in _TOKEN.finditer(text):
        size += _visible(html.unescape(text[last:m.start()]))
        last = m.end()
    return size + _visible(html.unescape(text[last:]))


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
