"""Rule families shared by the Drupal generations: a field found by what names it.

Drupal names a field's wrapper differently in each version and theme: `field_date`
(our current theme), `field--name-field-date` (Drupal 8+ core, Drupal 7 themes),
`field-name-field-date` (Drupal 7 core), `views-field-field-date` (Views),
`node-date` / `node__date` (theme templates). `class_tokens` generates every spelling
from a field's machine names, so the rule for a field is data: FIELD_NAMES below.
Labels ("Location", "Location:", "Location:&nbsp;", "Speaker(s):") are recognised by
their normalised text and never leak into a value.
"""

from __future__ import annotations

import copy
import re

import lxml.html

from corpus.clean import block_texts, collapse
from corpus.extract.fields import DATE_TEXT, has_class, has_text, parse_date

# Drupal machine names of each field (hyphenated), as seen on justice.gov and in core.
FIELD_NAMES = {
    "title": ("title",),
    "body": ("body", "pr-body"),
    "date": ("date", "pr-date", "speech-date"),
    "location": ("location", "speech-location"),
    "delivery": ("speech-type",),
    "speakers": ("speaker", "speakers", "speech-speaker"),
    "components": ("component", "components", "pr-component"),
    "topics": ("topic", "topics", "pr-topic"),
    "updated": ("updated", "updated-date", "changed"),
}

# What a label says, normalised (lower case, "(s)" and colons dropped): see label_key.
LABELS = {
    "date": ("date",),
    "location": ("location", "place"),
    "delivery": ("speech type", "delivery"),
    "speakers": ("speaker", "speakers"),
    "components": ("component", "components"),
    "topics": ("topic", "topics"),
    "updated": ("updated", "last updated"),
}
ALL_LABELS = frozenset(label for labels in LABELS.values() for label in labels)

# Class tokens of a label element, and of text hidden from sight (a hidden label).
LABEL_CLASSES = ("field-label", "field__label", "views-label", "label")
HIDDEN_CLASSES = ("visually-hidden", "element-invisible", "sr-only", "usa-sr-only")
_LABEL_PRED = " or ".join(has_class(c) for c in LABEL_CLASSES + HIDDEN_CLASSES)
# Elements that may be a label by their text alone ("<strong>Location:</strong> ...").
LABEL_CANDIDATES = (
    f".//*[{_LABEL_PRED}] | .//dt | .//th | .//strong | .//b | .//em"
    " | .//h2 | .//h3 | .//h4 | .//span[not(*)] | .//div[not(*)]"
)
ITEMS = (
    ".//*[(contains(@class,'field-item') or contains(@class,'field__item') or self::li)"
    " and not(contains(@class,'field-items') or contains(@class,'field__items'))"
    " and not(.//*[contains(@class,'field-item') or contains(@class,'field__item') or self::li])]"
)
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)


def class_tokens(machine: str) -> list[str]:
    """Every Drupal spelling of a field's wrapper class, from its machine name."""
    under = machine.replace("-", "_")
    return [
        f"field_{under}",
        f"field--name-field-{machine}",
        f"field-name-field-{machine}",
        f"views-field-field-{machine}",
        f"field--name-{machine}",
        f"field-name-{machine}",
        f"views-field-{machine}",
        f"node-{machine}",
        f"node__{machine}",
    ]


def class_rule(field: str) -> str:
    """XPath (relative to the article) of the elements whose class names the field."""
    tokens = [t for name in FIELD_NAMES[field] for t in class_tokens(name)]
    return ".//*[@class and (" + " or ".join(has_class(t) for t in tokens) + ")]"


def label_key(text: str) -> str:
    """'Speaker(s):&nbsp;' -> 'speaker'; 'Location' -> 'location'."""
    text = collapse(text).lower().replace("(s)", "")
    return collapse(text.replace(":", " ").replace("：", " "))


def is_label(el, labels=ALL_LABELS) -> bool:
    text = el if isinstance(el, str) else "".join(el.itertext())
    return len(text) < 40 and label_key(text) in labels


def _label_elements(node):
    """Label elements inside node: label/hidden classes, or an element saying a label."""
    found = []
    for el in node.xpath(LABEL_CANDIDATES):
        classes = set((el.get("class") or "").split())
        if classes & set(HIDDEN_CLASSES) or (classes & set(LABEL_CLASSES) and is_label(el)):
            found.append(el)
        elif is_label(el):
            found.append(el)
    return found


def _remove_keep_tail(el) -> None:
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


_LEADING_LABEL = re.compile(
    r"^(?:" + "|".join(re.escape(label) for label in sorted(ALL_LABELS, key=len, reverse=True))
    + r")(?:\(s\))?\s*:\s*", re.I,
)


def strip_label(text: str) -> str:
    """A label typed into the value's own text ("Location: Washington") is dropped."""
    return _LEADING_LABEL.sub("", collapse(text), count=1)


def value_blocks(node) -> list[str]:
    """The visible text blocks of a field's value: its labels, hidden or not, removed."""
    if isinstance(node, str):
        text = strip_label(node)
        return [text] if text else []
    labels = [el for el in _label_elements(node) if el is not node]
    if labels:
        node = copy.deepcopy(node)  # small: one field's element
        for el in _label_elements(node):
            if el is not node:
                _remove_keep_tail(el)
    out = []
    for raw in block_texts(node):
        text = strip_label(raw)
        if text and not is_label(text):
            out.append(text)
    return out


def value_text(node) -> str:
    return collapse(" ".join(value_blocks(node)))


def items_of(node) -> list[str]:
    """The items of a list field: its field items or list items, else its links when
    only separators sit between them, else one item per text block."""
    if isinstance(node, str):
        return value_blocks(node)
    items = node.xpath(ITEMS)
    if items:
        return [v for item in items for v in [value_text(item)] if v]
    links = [collapse(a.text_content()) for a in node.iter("a")]
    links = [link for link in links if link]
    if links:
        rest = value_text(node)
        for link in links:
            rest = rest.replace(link, "", 1)
        if not re.sub(r"[\s,;|/·•]+", "", rest):
            return links
    return value_blocks(node)


def date_of(node) -> str | None:
    """A date from a machine-readable attribute (datetime, content), else the text."""
    if isinstance(node, str):
        return parse_date(node)
    for value in node.xpath("./@datetime | ./@content | .//@datetime | .//@content"):
        date = parse_date(value)
        if date:
            return date
    return parse_date(value_text(node))


class labelled:
    """Rule: the value next to a label saying one of `labels` ("Location", "Speaker(s):").

    The value is the label's following siblings (their field items when they have
    them) and the text right after the label, up to the next label or line break."""

    def __init__(self, field: str):
        self.labels = frozenset(LABELS[field])

    def __call__(self, scope):
        found = []
        for label in _label_elements(scope):
            if not is_label(label, self.labels):
                continue
            if label.tag == "dt":
                found.extend(label.xpath("following-sibling::dd[1]"))
                continue
            found.extend(self._after(label))
        return found

    @staticmethod
    def _after(label):
        """The value after a label, up to the next label, as one detached element."""
        value = lxml.html.Element("div")
        value.text = label.tail
        for sibling in label.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if is_label(sibling):
                break
            value.append(copy.deepcopy(sibling))  # small: a field value's parts
        return [value] if has_text(value) else []


def header_date_line(scope):
    """Rule: a line that is only a date ("Tuesday, December 7, 2021"), near the top."""
    for text in block_texts(scope)[:12]:
        text = collapse(text)
        if len(text.split()) > 30:
            break  # the speech text has begun
        m = DATE_TEXT.search(text) if len(text) <= 60 else None
        if m:
            rest = _WEEKDAY.sub("", text[: m.start()] + " " + text[m.end():])
            if label_key(re.sub(r"[,.]", " ", rest)) in ("", "date"):
                return [text]
    return []


def updated_line(scope):
    """Rule: a line "Updated December 7, 2021" (or "Last updated: ...") anywhere."""
    for text in block_texts(scope):
        text = collapse(text)
        if len(text) <= 60 and _UPDATED_LINE.match(text) and parse_date(text):
            return [text]
    return []


_UPDATED_LINE = re.compile(r"^(?:last\s+)?updated\b", re.I)


_NOT_UPDATED = "not(ancestor::*[contains(@class,'updated') or contains(@class,'changed')])"


def family(field: str) -> list[tuple[str, object]]:
    """The generation-independent rules of a field, tried after the generation's own."""
    rules: list[tuple[str, object]] = [("field-class", class_rule(field))]
    if field == "date":
        rules += [
            ("time", f".//time[{_NOT_UPDATED}]/@datetime"),
            ("dc:date", ".//*[@property='dc:date' or @itemprop='datePublished']"
                        "/@*[name()='content' or name()='datetime']"),
            ("labelled", labelled("date")),
            ("header-date-line", header_date_line),
        ]
    elif field == "updated":
        rules += [("labelled", labelled("updated")), ("updated-line", updated_line)]
    elif field in LABELS:
        rules.append(("labelled", labelled(field)))
    return rules
