"""Record assembly for the two Drupal generations, driven by their selector tables."""

from __future__ import annotations

from lxml import etree

from corpus.extract import clean, density, metadata, shapes
from corpus.extract.families import (
    LABELS,
    LEADING_LABEL,
    class_rule,
    date_of,
    items_of,
    label_key,
    value_blocks,
    value_text,
)
from corpus.extract.fields import (
    DELIVERY,
    compiled,
    delivery_text,
    has_class,
    head_title,
    parse_date,
    pick,
    pick_list,
    pick_text,
    text_of,
)
from corpus.extract.shapes import BODY_MARK, ambiguity, date_line, place_line
from corpus.record import Speech

# A speech node in any Drupal convention (current theme, Drupal 7 themes, core).
SPEECH_NODE = "//*[" + " or ".join(
    has_class(token)
    for token in ("content-type-speech", "node--speech", "node--type-speech", "node-speech")
) + "]"
# Elements that show a field of the speech other than its body: what an article holds.
FIELD_MARKS = " | ".join(
    [class_rule(f)[1:] for f in ("date", "location", "speakers", "components", "title")]
    + ["//time", "//h1"]
)


def around_body(doc):
    """The nearest element around the body field that also holds other fields."""
    bodies = compiled(class_rule("body"))(doc)
    if not bodies:
        return None
    body = bodies[0]
    counts: dict = {}
    for mark in compiled(FIELD_MARKS)(doc):
        for ancestor in mark.iterancestors():
            counts[ancestor] = counts.get(ancestor, 0) + 1
    for ancestor in body.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if counts.get(ancestor, 0) >= 2:
            return ancestor
    return None


def find_article(doc, module, warnings: list[str]):
    """The speech's article: by the generation's class, any speech-node class, or as
    the nearest element around the body and its fields (the last two warn)."""
    found = compiled(module.ARTICLE)(doc)
    if found:
        return found[0]
    found = compiled(SPEECH_NODE)(doc)
    if found:
        warnings.append("article-fallback: speech-node")
        return found[0]
    article = around_body(doc)
    if article is not None:
        warnings.append("article-fallback: around-body")
    return article


def location_text(node) -> str | None:
    """Visible location parts joined by ", " ("Washington, DC" + "United States")."""
    parts = [part.strip(" ,") for part in value_blocks(node)]
    return ", ".join(part for part in parts if part) or None


FIELD_LINES = 6  # how many of the body's first lines may state fields
FIELD_LINE_MAX = 150  # characters: a longer line is speech, whatever it starts with
_BY_LABEL = {label: field for field, labels in LABELS.items() for label in labels}


def field_line(line: str):
    """(field, value) of a line that only states a field: a delivery line, a labelled
    value ("Date: ...", "Location - ..."), a bare date or a bare place; else None."""
    if len(line) > FIELD_LINE_MAX:
        return None
    if DELIVERY.match(line):
        return "delivery", delivery_text(line)
    m = LEADING_LABEL.match(line)
    if m:
        field, rest = _BY_LABEL.get(label_key(m.group(0))), line[m.end():]
        if field in ("date", "updated"):
            return (field, parse_date(rest)) if parse_date(rest) else None
        if field and rest:
            return field, rest if field in ("location", "delivery") else [rest]
        return None
    if date_line(line):
        return "date", date_line(line)
    if place_line(line):
        return "location", place_line(line)
    return None


def split_field_lines(paragraphs: list[str], fields: dict, warnings: list[str]) -> None:
    """The body's first lines that only state fields are fields, not paragraphs: a
    field still missing takes the value (`<field>-fallback: body-line`; a delivery line,
    as it always was, silently)."""
    for _ in range(FIELD_LINES):
        found = field_line(paragraphs[0]) if paragraphs else None
        if found is None:
            return
        paragraphs.pop(0)
        field, value = found
        if not fields.get(field):
            fields[field] = value
            if field != "delivery":
                warnings.append(f"{field}-fallback: body-line")


class set_aside:
    """Take the body out of the document while the fields are read: no metadata rule
    can then match speech text ("Location:" in a paragraph), and no rule has to walk a
    long speech. Put back on exit, tail text included."""

    def __init__(self, body, article):
        inside = body is not None and article is not None and (
            body is article or body in article.iterancestors())
        self.body = None if body is None or inside else body
        self.parent = self.body.getparent() if self.body is not None else None
        self.placeholder = etree.Element("div")
        self.placeholder.text = BODY_MARK  # where the header region ends (shapes.py)

    def __enter__(self):
        if self.parent is not None:
            self.parent.replace(self.body, self.placeholder)

    def __exit__(self, *exc):
        if self.parent is not None:
            self.parent.replace(self.placeholder, self.body)


def say_choice(warnings: list[str], field: str, found: list) -> None:
    """When the value was known by its shape among others, say which rule chose it."""
    if warnings and warnings[-1] == f"{field}-fallback: {field}-shape":
        note = ambiguity(field, found)
        if note:
            warnings.append(note)


def read_fields(doc, table, warnings, article) -> dict:
    """Every field but the body, by the generation's selector table."""

    def get(name):
        return pick(doc, table[name], name, warnings, article)

    title = pick_text(doc, table["title"], "title", warnings, article, text_of)
    if not title:
        title = head_title(doc)
        if title:
            warnings.append("title-fallback: head-title")
    found = get("date")
    date = next(filter(None, map(date_of, found)), None)
    say_choice(warnings, "date", found)
    found = get("location")
    location = location_text(found[0]) if found else None
    say_choice(warnings, "location", found)
    delivery = delivery_text(pick_text(doc, table["delivery"], "delivery", warnings, article,
                                       value_text))
    lists = {name: pick_list(doc, table[name], name, warnings, article, items_of)
             for name in ("speakers", "topics", "components")}
    updated = next(filter(None, map(date_of, get("updated"))), None)
    return dict(title=title, date=date, location=location, delivery=delivery, **lists,
                updated=updated)


def assemble(
    doc, url: str, generation: str, module, warnings: list[str], *, truncated: bool = False,
    source: str | None = None,
):
    """The record of a Drupal page, from the generation module's SELECTORS and ARTICLE."""
    table, optional = module.SELECTORS, module.OPTIONAL
    article = find_article(doc, module, warnings)
    body_warnings: list[str] = []  # said after the fields', as they always were
    bodies = pick(doc, table["body"], "body", body_warnings, article)
    body = bodies[0] if bodies else None
    # On a truncated page a missing body field means the text never arrived: guessing
    # a body from what did arrive would pass chrome off as speech.
    guessed = body is None and not truncated
    if guessed:
        body = density.densest_body(doc)
        if body is not None:
            body_warnings.append("body-fallback: densest-block")
    with set_aside(body, article):
        fields = read_fields(doc, table, warnings, article)
    shapes.forget()
    warnings.extend(body_warnings)

    paragraphs = []
    if body is not None:
        if guessed:
            clean.drop_boilerplate(body)
        paragraphs = density.drop_display_copies(body, clean.paragraphs(body))
    split_field_lines(paragraphs, fields, warnings)
    if paragraphs and fields["title"] and paragraphs[0] == fields["title"]:
        paragraphs.pop(0)
    metadata.reconcile(fields, doc, warnings, source, article)
    title = fields.pop("title")

    for name in ("date", "speakers", "components", "location", "topics", "delivery", "updated"):
        if not fields[name] and name not in optional:
            warnings.append(f"{name}-missing: no value found")

    return Speech(url=url, generation=generation, title=title or "", paragraphs=paragraphs,
                  warnings=warnings, **fields)
