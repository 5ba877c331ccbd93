"""Structured data as a source of its own: what the page states about itself for machines.

Vocabularies, tried in this order (docs/extraction.md):
- `json-ld`: <script type="application/ld+json"> objects (and their @graph) of a
  creative-work or event type: headline/name, datePublished/dateCreated/startDate,
  dateModified, contentLocation/locationCreated/location, author/speaker/performer;
- `microdata`: itemprop values inside an itemscope of such a type (@content, @datetime,
  else the text; a Place's name or its address parts);
- `rdfa`: @property dc:title/dc:date/dc:created/dcterms:*/schema:* with @content or text;
- `dublin-core`: <meta name="DC.title|DC.date|DC.coverage|DC.creator|dcterms.*">;
- `opengraph`: og:title only. article:published_time and article:modified_time are the
  node's publishing times, not when the speech was given nor its "Updated" line: the
  site's pages carry 2020 and 2023 times on 2015-2017 speeches, so they are no source.

The visible page wins. A field the visible page lacks is taken from the first
vocabulary that has it, with the warning `<field>-from-<vocabulary>`; a vocabulary
that states another value warns `<field>-disagrees-<vocabulary>`.
"""

from __future__ import annotations

import json

from corpus.extract.clean import collapse
from corpus.extract.fields import compiled, parse_date

VOCABULARIES = ("json-ld", "microdata", "rdfa", "dublin-core", "opengraph")
FIELDS = ("title", "date", "location", "speakers", "updated")
# Schema.org types that describe the speech itself (a breadcrumb or organisation does not).
TYPES = frozenset("""Article NewsArticle Report CreativeWork Speech SpeechEvent Event
PublicationEvent BlogPosting Transcript""".split())
# Where each vocabulary stands, and a string its markup cannot do without: a page whose
# source lacks the string is not walked for it (most pages carry one vocabulary or none).
_WHERE = {
    "json-ld": ("application/ld+json", "//script[@type='application/ld+json']"),
    "microdata": ("itemprop", "//*[@itemprop]"),
    "head": ("", "/html/head/meta[@name or @property]"),
}
# RDFa in the body describes the node it sits in: it is read inside the speech's article
# (the whole body when there is none); Open Graph's `property` is in the head.
_RDFA_IN = compiled(".//*[@property]")
_PROPS = {
    "title": ("headline", "name"),
    "date": ("datePublished", "dateCreated", "startDate"),
    "updated": ("dateModified",),
    "location": ("contentLocation", "locationCreated", "location"),
    "speakers": ("author", "speaker", "performer"),
}
_RDFA = {
    "dc:title": "title", "dcterms:title": "title", "schema:headline": "title",
    "dc:date": "date", "dc:created": "date", "dcterms:created": "date",
    "dcterms:date": "date", "schema:datePublished": "date",
    "dc:modified": "updated", "dcterms:modified": "updated", "schema:dateModified": "updated",
}
_DC = {
    "dc.title": "title", "dcterms.title": "title", "dc.date": "date", "dcterms.date": "date",
    "dc.date.created": "date", "dcterms.created": "date", "dcterms.issued": "date",
    "dc.coverage": "location", "dcterms.spatial": "location", "dc.creator": "speakers",
    "dcterms.modified": "updated", "dc.date.modified": "updated",
}


def _typed(obj) -> bool:
    kinds = obj.get("@type") or ()
    kinds = [kinds] if isinstance(kinds, str) else kinds
    return any(str(kind).rsplit("/", 1)[-1] in TYPES for kind in kinds)


def _objects(data, depth: int = 0):
    """Every dict of a JSON-LD document, @graph members and nested lists included (a few
    levels: a hostile page may nest a thousand)."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _objects(data["@graph"], depth + 1)


def _name(value) -> str | None:
    if isinstance(value, str):
        return collapse(value) or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    return None


def _place(value) -> str | None:
    """'Washington, DC, United States' from a Place, a PostalAddress or a string."""
    if isinstance(value, list):
        return _place(value[0]) if value else None
    if isinstance(value, str):
        return collapse(value) or None
    if not isinstance(value, dict):
        return None
    address = value.get("address")
    if isinstance(address, dict):
        parts = [_name(address.get(key)) for key in
                 ("addressLocality", "addressRegion", "addressCountry")]
        joined = ", ".join(p for p in parts if p)
        if joined:
            return joined
    return _name(address) or _name(value.get("name"))


def _people(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [name for name in map(_name, values) if name]


def _from_json_ld(script, out: dict) -> None:
    try:
        data = json.loads(script.text or "")
    except (ValueError, RecursionError):  # not JSON, or nested past Python's stack
        return
    for obj in _objects(data):
        if not _typed(obj):
            continue
        for field, props in _PROPS.items():
            for prop in props:
                if field in out or prop not in obj:
                    continue
                value = obj[prop]
                if field == "location":
                    value = _place(value)
                elif field == "speakers":
                    value = _people(value) or None
                else:
                    value = _name(value)
                if value:
                    out[field] = value


def _item_value(el) -> str:
    for attr in ("content", "datetime"):
        if el.get(attr):
            return el.get(attr)
    return collapse(el.text_content())


def _from_microdata(el, out: dict) -> None:
    scope = next((a for a in el.iterancestors() if a.get("itemscope") is not None), None)
    if scope is None or not any(kind.rsplit("/", 1)[-1] in TYPES
                                for kind in (scope.get("itemtype") or "").split()):
        return  # a property of a breadcrumb, an organisation, a place...
    prop = el.get("itemprop")
    for field, props in _PROPS.items():
        if prop in props and field not in out:
            if field == "location":
                value = _microdata_place(el)
            elif field == "speakers":
                value = [collapse(el.text_content())] if collapse(el.text_content()) else None
            else:
                value = _item_value(el)
            if value:
                out[field] = value


def _microdata_place(el) -> str | None:
    parts = []
    for key in ("addressLocality", "addressRegion", "addressCountry"):
        parts += [_item_value(n) for n in el.iter() if n.get("itemprop") == key]
    if parts:
        return ", ".join(p for p in parts if p) or None
    names = [_item_value(n) for n in el.iter() if n.get("itemprop") == "name"]
    return names[0] if names else collapse(el.text_content()) or None


def _candidates(doc, source: str | None, article):
    for token, xpath in _WHERE.values():
        if source is None or token in source:
            yield from compiled(xpath)(doc)
    scope = article if article is not None else doc.find("body")
    if scope is not None:
        yield from _RDFA_IN(scope)


def read(doc, source: str | None = None, article=None) -> dict[str, dict]:
    """{vocabulary: {field: value}} of what the page states in structured data; `source`,
    the page's HTML text when known, spares the walks for vocabularies it lacks."""
    found: dict[str, dict] = {}
    for el in _candidates(doc, source, article):
        if el.tag == "script":
            _from_json_ld(el, found.setdefault("json-ld", {}))
        elif el.get("itemprop"):
            _from_microdata(el, found.setdefault("microdata", {}))
        elif el.tag == "meta" and el.get("name"):
            field = _DC.get(el.get("name").lower())
            if field and el.get("content"):
                found.setdefault("dublin-core", {}).setdefault(
                    field, [el.get("content")] if field == "speakers" else el.get("content"))
        elif el.get("property"):
            prop = el.get("property")
            field = _RDFA.get(prop) or ("title" if prop == "og:title" else None)
            value = el.get("content") or collapse(el.text_content())
            if field and value:
                vocab = "opengraph" if prop == "og:title" else "rdfa"
                found.setdefault(vocab, {}).setdefault(field, value)
    return found


def _comparable(field: str, value):
    if field in ("date", "updated"):
        return parse_date(value) if isinstance(value, str) else None
    if field == "speakers":
        return frozenset(v.casefold() for v in value)
    if field == "location":  # part by part, dots aside ("D.C." is "DC")
        return tuple(collapse(part).replace(".", "").casefold() for part in value.split(","))
    return collapse(value).replace("’", "'").replace("“", '"').replace("”", '"')


def reconcile(fields: dict, doc, warnings: list[str], source: str | None = None,
              article=None) -> None:
    """Fill the fields the visible page lacks from structured data; warn where they differ."""
    stated = read(doc, source, article)
    if not stated:
        return
    for field in FIELDS:
        for vocab in VOCABULARIES:
            value = stated.get(vocab, {}).get(field)
            if not value or _comparable(field, value) in (None, frozenset(), ()):
                continue
            if not fields.get(field):
                fields[field] = parse_date(value) if field in ("date", "updated") else value
                warnings.append(f"{field}-from-{vocab}")
            elif _comparable(field, value) != _comparable(field, fields[field]):
                warnings.append(f"{field}-disagrees-{vocab}")
