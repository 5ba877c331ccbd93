"""Markup variants by shape (issue 23): the same eval records with fields standing where
no class or rule names them, so the extractor must know a value by what it looks like,
read the page's structured data, or find the body by its shape.

- shape-lines: date, place and delivery as bare lines in blocks of their own;
- json-ld: date and place stated only in JSON-LD (an @graph beside a breadcrumb);
- microdata-dc: microdata headline and place, the date only in a Dublin Core meta;
- labels-anywhere: labels in th, b, span and plain text, with dash, pipe, period;
- fields-in-body: date, place and delivery typed as the body's first lines;
- no-container: no known body container, a pull quote repeating a sentence, and a
  related-speeches block with more text than a short speech;
- archive bold-title: a generic <title>; the title is the bold <font> line on top.

Written by us, none a copy of another family: tests/variants.py registers them.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

from tests.variants import (
    Family,
    body_html,
    chrome,
    esc,
    eval_records,
    field_html,
    list_html,
    render_main,
)

# Families where a field stands where no class or rule names it: the extractor must
# know the value by what it looks like, read structured data, or find the body by its
# shape. Each is rendered by its own function below.

def _ordinal(day: int) -> str:
    return "th" if 10 <= day % 100 < 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


DATE_FORMS = (
    lambda d: f"{d.day} {d:%B} {d.year}",
    lambda d: f"{d:%b}. {d.day}, {d.year}",
    lambda d: f"{d:%B} {d.day}{_ordinal(d.day)}, {d.year}",
    lambda d: f"{d:%A} the {d.day} of {d:%B}, {d.year}",
    lambda d: f"{d.month}/{d.day}/{d.year}",
    lambda d: d.isoformat(),
    lambda d: f"{d:%A}, {d:%B} {d.day}, {d.year}".upper(),
)


def _day(record: dict, form: int | None = None) -> str:
    """The record's date in one of the English forms, chosen by the record."""
    day = dt.date.fromisoformat(record["date"])
    index = form if form is not None else sum(map(ord, record["url"])) % len(DATE_FORMS)
    return DATE_FORMS[index](day)


def _updated(record: dict) -> str:
    if not record["updated"]:
        return ""
    day = dt.date.fromisoformat(record["updated"])
    return f"<p>Updated {day:%B} {day.day}, {day.year}</p>\n"


def _paras(paragraphs, tag="p") -> str:
    return "".join(f"<{tag}>{esc(p)}</{tag}>\n" for p in paragraphs)


def _links(field: str, items: list[str], sep=", ") -> str:
    slug = {"speakers": "/speakers/", "components": "/", "topics": "/topics/"}[field]
    return sep.join(f'<a href="{slug}{quote(i.lower().replace(" ", "-"))}">{esc(i)}</a>'
                    for i in items)


def _labelled_lists(record: dict, style: str) -> str:
    """Speakers, topics, components after labels of a given style."""
    words = {"speakers": "Speaker(s)", "topics": "Topics", "components": "Component"}
    out = []
    for name in ("speakers", "topics", "components"):
        if not record[name]:
            continue
        if style == "core8":
            out.append(field_html(Family("", "core8", "", "inline", "colon", "", "", "links"),
                                  "current", name, list_html(
                                      Family("", "core8", "", "", "", "", "", "links"),
                                      name, record[name]), plural=True))
        elif style == "mixed":  # a different element and punctuation per field
            label = {"speakers": "<p><b>Speaker(s) |</b> {}</p>",
                     "topics": "<div><span>Topics.</span> {}</div>",
                     "components": "<p>Component \u2013 {}</p>"}[name]
            value = (_links(name, record[name]) if name == "topics"
                     else esc("; ".join(record[name])))
            out.append(label.format(value) + "\n")
        else:  # strong
            out.append(f"<p><strong>{words[name]}:</strong> {_links(name, record[name])}</p>\n")
    return "".join(out)


def _heading(record: dict) -> str:
    return f"<h1>{esc(record['title'])}</h1>\n"


def shape_lines(record: dict) -> str:
    """Date, place and delivery as bare lines in blocks of their own, no class or label."""
    place = f"<p><em>{esc(record['location'])}</em></p>" if record["location"] else ""
    delivery = (f'<p class="subhead"><i>{esc(record["delivery"])}</i></p>\n'
                if record["delivery"] else "")
    return ('<article class="node node--type-speech node--view-mode-full">\n' + _heading(record)
            + f'<div class="meta-block"><h4>{_day(record)}</h4>{place}</div>\n' + delivery
            + f'<div class="field field--name-body">\n{_paras(record["paragraphs"])}</div>\n'
            + _labelled_lists(record, "core8") + _updated(record) + "</article>\n")


def _json_ld(record: dict) -> str:
    parts = (record["location"] or "").split(", ")
    data = {"@context": "https://schema.org", "@graph": [
        {"@type": "BreadcrumbList", "itemListElement": []},
        {"@type": "NewsArticle", "headline": record["title"],
         "datePublished": record["date"] + "T10:00:00-05:00",
         "author": [{"@type": "Person", "name": s} for s in record["speakers"]],
         **({"contentLocation": {"@type": "Place", "address": {
             "@type": "PostalAddress", "addressLocality": parts[0],
             "addressRegion": ", ".join(parts[1:-1]), "addressCountry": parts[-1]}}}
            if record["location"] else {})}]}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>\n'


def json_ld(record: dict) -> str:
    """Date and place stated only in the page's JSON-LD; the rest in Views markup."""
    f = Family("", "views", "", "above", "colon", "", "", "plain")
    delivery = ('<div class="views-field views-field-field-speech-type">'
                f'{esc(record["delivery"])}</div>\n' if record["delivery"] else "")
    lists = "".join(field_html(f, "current", name, list_html(f, name, record[name]), plural=True)
                    for name in ("speakers", "topics", "components") if record[name])
    return ('<article class="node node--speech node--full">\n' + _json_ld(record)
            + _heading(record) + delivery + body_html(f, "current", record["paragraphs"])
            + lists + _updated(record) + "</article>\n")


def microdata(record: dict) -> str:
    """Microdata headline and place (the place visible, unlabelled); the date only in a
    Dublin Core meta of the head (added by render_shape)."""
    place = ""
    if record["location"]:
        parts = record["location"].split(", ")
        props = ["addressLocality"] + ["addressRegion"] * (len(parts) - 2) + ["addressCountry"]
        spans = ", ".join(f'<span itemprop="{p}">{esc(v)}</span>' for p, v in zip(props, parts))
        place = ('<div itemprop="contentLocation" itemscope itemtype="https://schema.org/Place">'
                 f'<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">'
                 f"{spans}</div></div>\n")
    delivery = f"<p>{esc(record['delivery'])}</p>\n" if record["delivery"] else ""
    return ('<div itemscope itemtype="https://schema.org/NewsArticle" class="speech-wrap">\n'
            f'<h1 itemprop="headline">{esc(record["title"])}</h1>\n' + place
            + f'<div class="field field-name-body" itemprop="articleBody">\n{delivery}'
            + _paras(record["paragraphs"]) + "</div>\n"
            + _labelled_lists(record, "strong") + _updated(record) + "</div>\n")


def labels_anywhere(record: dict) -> str:
    """Labels in th, b, span and plain text, each with other punctuation."""
    rows = f"<tr><th>Date \u2014</th><td>{_day(record, 0)}</td></tr>"
    if record["location"]:
        rows += f"<tr><th>Location:</th><td>{esc(record['location'])}</td></tr>"
    delivery = (f"<p><strong>Delivery:</strong> {esc(record['delivery'])}</p>\n"
                if record["delivery"] else "")
    return ('<div class="layout layout--onecol"><div class="layout__region">\n' + _heading(record)
            + f'<table class="details">{rows}</table>\n' + delivery
            + f'<div class="field field--name-body">\n{_paras(record["paragraphs"])}</div>\n'
            + _labelled_lists(record, "mixed") + _updated(record) + "</div></div>\n")


def fields_in_body(record: dict) -> str:
    """Date, place and delivery typed as the body's first lines, labelled or not."""
    lines = f"<p><strong>Date:</strong> {_day(record, 2)}</p>\n"
    if record["location"]:
        lines += f"<p>Location - {esc(record['location'])}</p>\n"
    if record["delivery"]:
        lines += f"<p><em>{esc(record['delivery'])}</em></p>\n"
    return ('<article role="article" class="content-type-speech">\n' + _heading(record)
            + f'<div class="field_body text-formatted">\n{lines}'
            + f'{_paras(record["paragraphs"])}</div>\n'
            + _labelled_lists(record, "core8") + _updated(record) + "</article>\n")


def _pull_quote(paragraphs: list[str]) -> str:
    """The longest sentence of the longest paragraph, as a display quote."""
    sentences = max(paragraphs, key=len).split(". ")
    sentence = max(sentences, key=len).rstrip(".") + "."
    return f'<blockquote class="pullquote"><p>\u201c{esc(sentence)}\u201d</p></blockquote>\n'


def _teasers(record: dict) -> str:
    others = [r for r in eval_records() if r["url"] != record["url"]][:4]
    items = "".join(f'<div class="teaser"><h3><a href="{esc(r["url"])}">{esc(r["title"])}</a></h3>'
                    f"<p>{esc(r['paragraphs'][0][:320])}</p></div>\n" for r in others)
    return f'<div class="related"><h2>Related speeches</h2>\n{items}</div>\n'


def no_container(record: dict) -> str:
    """No known container around the body: paragraphs as bare divs, a display quote
    repeating a sentence, a related-speeches block with more text than a short speech."""
    paragraphs = record["paragraphs"]
    body = [f"<div>{esc(p)}</div>\n" for p in paragraphs]
    body.insert(1, _pull_quote(paragraphs))
    place = (f"<p><strong>Location:</strong> {esc(record['location'])}</p>\n"
             if record["location"] else "")
    delivery = f"<p>{esc(record['delivery'])}</p>\n" if record["delivery"] else ""
    return ('<div class="region-content">\n' + _heading(record)
            + f'<div class="byline">{_day(record, 6)}</div>\n{place}'
            + f'<div class="story"><div class="story__inner">\n{delivery}'
            + f'{"".join(body)}</div></div>\n'
            + _labelled_lists(record, "strong") + _updated(record) + _teasers(record) + "</div>\n")


SHAPE_FAMILIES = {
    "shape-lines": shape_lines,
    "json-ld": json_ld,
    "microdata-dc": microdata,
    "labels-anywhere": labels_anywhere,
    "fields-in-body": fields_in_body,
    "no-container": no_container,
}


def render_shape(record: dict, name: str, gen: str) -> bytes:
    """The page of `record` in shape family `name`, in the chrome of generation `gen`."""
    page = render_main(record, SHAPE_FAMILIES[name](record), gen)
    if name == "microdata-dc":
        page = page.replace(b"</head>", f'<meta name="DC.date" content="{record["date"]}">\n'
                            .encode() + b"</head>", 1)
    return page


def archive_bold_title(record: dict) -> bytes:
    """The oldest generation with a generic <title>: the title is the bold <font> line
    above the text, the date in another English form."""
    day = dt.date.fromisoformat(record["date"])
    place = f"<p><i>{esc(record['location'])}</i></p>\n" if record["location"] else ""
    main = (f'<p><font size="+1"><b>{esc(record["title"])}</b></font></p>\n{place}'
            f"<p>{day.day} {day:%B} {day.year}</p>\n" + _paras(record["paragraphs"])
            + '<p align="center">###</p>\n')
    page = chrome("archive").render(TITLE="Speeches of the Attorney General", MAIN=main)
    return page.encode("cp1252", "xmlcharrefreplace")
