"""Record assembly for the two Drupal generations, driven by their selector tables."""

from __future__ import annotations

from corpus import clean
from corpus.extract.fields import (
    DELIVERY,
    compiled,
    delivery_text,
    head_title,
    location_text,
    parse_date,
    pick,
    pick_list,
    pick_text,
    text_of,
)
from corpus.record import Speech


def densest_block(doc):
    """The element whose <p> children carry the most text: the body when its field is gone."""
    totals: dict = {}
    for p in doc.xpath("//body//p"):
        parent = p.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + len(text_of(p))
    return max(totals, key=totals.get) if totals else None


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
    articles = compiled(module.ARTICLE)(doc)
    article = articles[0] if articles else None

    def get(name):
        return pick(doc, table[name], name, warnings, article)

    def first_text(name):
        return pick_text(doc, table[name], name, warnings, article)

    title = first_text("title")
    if not title:
        title = head_title(doc)
        if title:
            warnings.append("title-fallback: head-title")

    date = None
    for node in get("date"):
        date = parse_date(text_of(node))
        if date:
            break

    location = None
    found = get("location")
    if found:
        location = location_text(found[0])

    delivery = delivery_text(first_text("delivery"))
    speakers = pick_list(doc, table["speakers"], "speakers", warnings, article)
    topics = pick_list(doc, table["topics"], "topics", warnings, article)
    components = pick_list(doc, table["components"], "components", warnings, article)
    updated = parse_date(first_text("updated"))

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
