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

from corpus.extract.clean import block_texts, collapse, remove_keep_tail
from corpus.extract.fields import compiled, has_class, has_text, parse_date
from corpus.extract.shapes import BODY_MARK, SHAPES, by_shape, scope_text, scope_texts

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

# Class tokens of text hidden from sight: a hidden label is still a label.
HIDDEN_CLASSES = frozenset(("visually-hidden", "element-invisible", "sr-only", "usa-sr-only"))


_LABEL_WORDS = frozenset(label.split()[0] for label in ALL_LABELS)

ITEMS = (
    ".//*[(contains(@class,'field-item') or contains(@class,'field__item') or self::li)"
    " and not(contains(@class,'field-items') or contains(@class,'field__items'))"
    " and not(.//*[contains(@class,'field-item') or contains(@class,'field__item') or self::li])]"
)


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
    names = FIELD_NAMES[field]
    tokens = [t for name in names for t in class_tokens(name)]
    # A cheap substring test first: every token holds a name, hyphenated or not.
    forms = sorted({form for name in names for form in (name, name.replace("-", "_"))})
    quick = " or ".join(f"contains(@class,'{form}')" for form in forms)
    return f".//*[({quick}) and (" + " or ".join(has_class(t) for t in tokens) + ")]"


_LABEL_PUNCT = re.compile(r"[:：|]")
_TRAILING_PUNCT = " -–—.·•"


def label_key(text: str) -> str:
    """'Speaker(s):&nbsp;' -> 'speaker'; 'Location' -> 'location'; 'Date —' -> 'date'."""
    text = collapse(text).lower().replace("(s)", "")
    return collapse(_LABEL_PUNCT.sub(" ", text)).rstrip(_TRAILING_PUNCT)


def is_label(el, labels=ALL_LABELS) -> bool:
    text = el if isinstance(el, str) else "".join(el.itertext())
    return len(text) < 40 and label_key(text) in labels


def _label_elements(node, labels=ALL_LABELS):
    """Elements inside node that say one of `labels` ("Speaker(s):"). A label's words
    are its own text, so a quick look at each element's text comes first."""
    words = {label.split()[0] for label in labels}
    found = []
    for el in node.iter():
        text = el.text
        if text and len(text) < 40 and any(w in text.lower() for w in words):
            if is_label(el, labels):
                found.append(el)
    return found


def _inner_labels(node) -> list:
    """The labels inside a field's value, shown or hidden from sight (a small element:
    its text is tested in Python before any XPath runs)."""
    if not len(node):
        return []  # a leaf holds no label element
    text = "".join(node.itertext()).lower()
    found = []
    if any(word in text for word in _LABEL_WORDS):
        found = [el for el in _label_elements(node) if el is not node]
    for el in node.iterdescendants():
        classes = el.get("class")
        if classes and HIDDEN_CLASSES.intersection(classes.split()):
            found.append(el)
    return found



_LABEL_ALTERNATIVES = "|".join(
    re.escape(label) for label in sorted(ALL_LABELS, key=len, reverse=True))
# A label typed before its value, with any of the separators a page uses.
LEADING_LABEL = re.compile(
    r"^(?:" + _LABEL_ALTERNATIVES + r")(?:\(s\))?\s*(?::|：|\||\s[-–—]|[-–—]\s)\s*", re.I,
)


def strip_label(text: str) -> str:
    """A label typed into the value's own text ("Location: Washington") is dropped."""
    return LEADING_LABEL.sub("", collapse(text), count=1)


def value_blocks(node) -> list[str]:
    """The visible text blocks of a field's value: its labels, hidden or not, removed."""
    if isinstance(node, str):
        text = strip_label(node)
        return [text] if text else []
    if _inner_labels(node):
        node = copy.deepcopy(node)  # small: one field's element
        for el in _inner_labels(node):
            remove_keep_tail(el)
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
    if isinstance(node, str) or not len(node):
        return value_blocks(node)
    has_items, links = False, []
    for el in node.iterdescendants():
        classes = el.get("class") or ""
        if el.tag == "li" or "field-item" in classes or "field__item" in classes:
            has_items = True
            break
        if el.tag == "a":
            links.append(collapse(el.text_content()))
    if has_items:
        return [v for item in compiled(ITEMS)(node) for v in [value_text(item)] if v]
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
        for label in _label_elements(scope, self.labels):
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
            if is_label(sibling) or sibling.text == BODY_MARK:
                break  # a value never runs into the next label, nor into the body
            value.append(copy.deepcopy(sibling))  # small: a field value's parts
        return [value] if has_text(value) else []


def updated_line(scope):
    """Rule: a line "Updated December 7, 2021" (or "Last updated: ...") anywhere."""
    for text in block_texts(scope):
        text = collapse(text)
        if len(text) <= 60 and _UPDATED_LINE.match(text) and parse_date(text):
            return [text]
    return []


_UPDATED_LINE = re.compile(r"^(?:last\s+)?updated\b", re.I)


class typed_label:
    """Rule: a line of plain text that starts with the field's label and a separator
    ("Component – Office of the Attorney General"); the value is the rest of the line."""

    def __init__(self, field: str):
        self.labels = frozenset(LABELS[field])
        words = "|".join(re.escape(label) for label in sorted(self.labels, key=len, reverse=True))
        self.quick = re.compile(
            r"(?:" + words + r")(?:\(s\))?\s*(?::|：|\||\s[-–—]|[-–—]\s)", re.I)

    def __call__(self, scope):
        if not self.quick.search(scope_text(scope)):
            return []  # no label of the field anywhere in scope: no block walk
        found = []
        for text in scope_texts(scope):
            m = LEADING_LABEL.match(text) if len(text) <= 300 else None
            if m and label_key(m.group(0)) in self.labels and text[m.end():]:
                found.append(text[m.end():])
        return found


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
        ]
    elif field == "updated":
        rules += [("labelled", labelled("updated")), ("updated-line", updated_line)]
    elif field in LABELS:
        rules.append(("labelled", labelled(field)))
    if field in LABELS and field != "updated":
        rules.append(("typed-label", typed_label(field)))
    if field in SHAPES:
        rules.append((f"{field}-shape", by_shape(field)))
    return rules
