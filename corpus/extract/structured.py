"""Record assembly for the two Drupal generations, driven by their selector tables."""

from __future__ import annotations

from corpus import clean
from corpus.extract.families import (
    class_rule,
    date_of,
    items_of,
    value_blocks,
    value_text,
)
from corpus.extract.fields import (
    DELIVERY,
    compiled,
    delivery_text,
    has_class,
    head_title,
    pick,
    pick_list,
    pick_text,
    text_of,
)
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


def densest_block(doc):
    """The element whose <p> children carry the most text: the body when its field is gone."""
    totals: dict = {}
    for p in doc.xpath("//body//p"):
        parent = p.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + len(text_of(p))
    return max(totals, key=totals.get) if totals else None


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


def split_delivery(paragraphs: list[str], delivery: str | None) -> str | None:
    """A delivery line typed as the body's first line is the delivery, not a paragraph."""
    if paragraphs and DELIVERY.match(paragraphs[0]):
        line = delivery_text(paragraphs.pop(0))
        return delivery or line
    return delivery


def assemble(
    doc, url: str, generation: str, module, warnings: list[str], *, truncated: bool = False,
):
    """The record of a Drupal page, from the generation module's SELECTORS and ARTICLE."""
    table, optional = module.SELECTORS, module.OPTIONAL
    article = find_article(doc, module, warnings)

    def get(name):
        return pick(doc, table[name], name, warnings, article)

    def first_text(name, text=value_text):
        return pick_text(doc, table[name], name, warnings, article, text)

    title = first_text("title", text_of)
    if not title:
        title = head_title(doc)
        if title:
            warnings.append("title-fallback: head-title")

    date = None
    for node in get("date"):
        date = date_of(node)
        if date:
            break

    location = None
    found = get("location")
    if found:
        location = location_text(found[0])

    delivery = delivery_text(first_text("delivery"))
    speakers, topics, components = (
        pick_list(doc, table[name], name, warnings, article, items_of)
        for name in ("speakers", "topics", "components")
    )
    updated = next(filter(None, map(date_of, get("updated"))), None)

    # Body last: the fallback path removes chrome from the document.
    bodies = get("body")
    body = bodies[0] if bodies else None
    # On a truncated page a missing body field means the text never arrived: guessing
    # a body from what did arrive would pass chrome off as speech.
    if body is None and not truncated:
        clean.drop_boilerplate(doc)
        body = densest_block(doc)
        if body is not None:
            warnings.append("body-fallback: densest-block")
    paragraphs = clean.paragraphs(body) if body is not None else []
    delivery = split_delivery(paragraphs, delivery)
    if paragraphs and title and paragraphs[0] == title:
        paragraphs.pop(0)

    for name, value in (
        ("date", date), ("speakers", speakers), ("components", components),
        ("location", location), ("topics", topics), ("delivery", delivery),
        ("updated", updated),
    ):
        if not value and name not in optional:
            warnings.append(f"{name}-missing: no value found")

    return Speech(
        url=url,
        generation=generation,
        title=title or "",
        date=date,
        location=location,
        delivery=delivery,
        speakers=speakers,
        components=components,
        topics=topics,
        updated=updated,
        paragraphs=paragraphs,
        warnings=warnings,
    )
