"""Markup variants of the eval records: the same speech in other plausible Drupal markup.

Nobody here has seen a real justice.gov speech page, so the extractor must read markup
it was not built against. Each eval record (tests/fixtures/eval/*.expected.json) is
rendered back into HTML by a family of markup choices, written by us from what Drupal
core, Drupal 7 and Views print:

- convention: how a field's wrapper is classed: `field_x` (our current theme),
  `field--name-field-x` (Drupal 8+ core), `field-name-field-x` (Drupal 7 core),
  `views-field-field-x` (Views), `node-x` (theme templates), or no class at all
  (`labels`: the field is known by its label only);
- label: inline, above, visually hidden, none, each with its own punctuation
  ("Location", "Location:", "Location:&nbsp;", "Speaker(s):");
- date: `<time datetime>`, `<span content>`, or text only;
- title inside or outside the article; speakers, components and topics as links,
  list items or plain text; the article classed as a speech node or not at all.

The page around the article is the replica's real chrome of the generation, so the
expected record is the eval record with `generation` set to the rendered one. Archive
records are rendered in several header layouts instead.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from scraper.replica.site import Template, load_chrome

EVAL = Path(__file__).parent / "fixtures" / "eval"


@dataclass(frozen=True)
class Family:
    name: str
    convention: str  # current | core8 | d7core | views | node | labels
    article: str  # content-type-speech | node--type-speech | node--speech | none
    label: str  # inline | above | hidden | none | dl
    punctuation: str  # plain | colon | nbsp | plural
    date: str  # time | content | text | header
    title: str  # inside | outside
    lists: str  # links | list | plain | inline-links
    body: str = "p"  # p | div | br


FAMILIES = {
    "current": [
        Family("core8-inline", "core8", "node--type-speech", "inline", "nbsp", "time", "inside", "links"),
        Family("d7core-above", "d7core", "content-type-speech", "above", "plural", "content", "outside", "list", "div"),
        Family("views-inline", "views", "content-type-speech", "inline", "colon", "text", "inside", "plain"),
        Family("node-hidden", "node", "none", "hidden", "plain", "time", "outside", "inline-links"),
        Family("labels-bold", "labels", "none", "inline", "colon", "header", "inside", "plain", "br"),
        Family("current-unlabelled", "current", "node--type-speech", "none", "plain", "content", "inside", "list"),
        Family("labels-dl", "labels", "content-type-speech", "dl", "plain", "text", "outside", "links"),
    ],
    "drupal7": [
        Family("d7core-above", "d7core", "node--speech", "above", "nbsp", "content", "outside", "links"),
        Family("core8-hidden", "core8", "node--type-speech", "hidden", "plain", "time", "inside", "list", "div"),
        Family("views-above", "views", "none", "above", "colon", "content", "outside", "plain"),
        Family("node-inline", "node", "node--speech", "inline", "plural", "text", "inside", "inline-links"),
        Family("labels-bold", "labels", "node--speech", "inline", "nbsp", "header", "outside", "links", "br"),
        Family("current-none", "current", "none", "none", "plain", "time", "inside", "plain"),
        Family("labels-dl", "labels", "none", "dl", "colon", "text", "inside", "list"),
    ],
}

# Machine names of the fields in each generation (justice.gov's, as in our eval pages).
MACHINE = {
    "current": {"date": "date", "location": "location", "delivery": "speech-type",
                "speakers": "speaker", "components": "component", "topics": "topic",
                "updated": "updated-date", "body": "body"},
    "drupal7": {"date": "pr-date", "location": "speech-location", "delivery": "speech-type",
                "speakers": "speech-speaker", "components": "pr-component", "topics": "pr-topic",
                "updated": "changed", "body": "pr-body"},
}
LABEL_WORDS = {"date": "Date", "location": "Location", "speakers": "Speaker",
               "components": "Component", "topics": "Topic"}


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def wrapper_class(convention: str, machine: str) -> str:
    under = machine.replace("-", "_")
    return {
        "current": f"field_{under}",
        "core8": f"field field--name-field-{machine} field--type-string",
        "d7core": f"field field-name-field-{machine} field-type-text",
        "views": f"views-field views-field-field-{machine}",
        "node": f"node-{machine}",
        "labels": "meta-row",
    }[convention]


def label_text(field: str, punctuation: str, plural: bool) -> str:
    word = LABEL_WORDS[field]
    if punctuation == "plural" and plural:
        return word + "(s):&nbsp;"
    return word + {"plain": "", "colon": ":", "nbsp": ":&nbsp;", "plural": ":"}[punctuation]


def label_html(f: Family, field: str, plural: bool = False) -> str:
    text = label_text(field, f.punctuation, plural)
    if f.label == "none" or (f.label == "dl"):
        return ""
    if f.label == "hidden":
        return f'<span class="visually-hidden">{LABEL_WORDS[field]}</span>'
    if f.convention == "labels":
        return f"<strong>{text}</strong> " if f.label == "inline" else f"<div><b>{text}</b></div>"
    cls = {"d7core": "field-label", "views": "views-label", "core8": "field__label"}.get(
        f.convention, "field-label")
    tag = "span" if f.label == "inline" else "div"
    return f'<{tag} class="{cls}">{text}</{tag}>' + (" " if f.label == "inline" else "")


def field_html(f: Family, gen: str, field: str, value: str, plural: bool = False) -> str:
    """A field's wrapper, label and value (already HTML)."""
    if f.label == "dl":
        text = label_text(field, f.punctuation, plural)
        return f"<dl class=\"meta-row\"><dt>{text}</dt><dd>{value}</dd></dl>\n"
    cls = wrapper_class(f.convention, MACHINE[gen][field])
    return f'<div class="{cls}">{label_html(f, field, plural)}{value}</div>\n'


def list_html(f: Family, field: str, items: list[str]) -> str:
    slug = {"speakers": "/speakers/", "components": "/", "topics": "/topics/"}[field]

    def link(item):
        return f'<a href="{slug}{quote(item.lower().replace(" ", "-"))}">{esc(item)}</a>'

    if f.lists == "links":
        item_cls = "field__item" if f.convention in ("core8", "labels") else "field-item"
        return "".join(f'<div class="{item_cls}">{link(i)}</div>' for i in items)
    if f.lists == "list":
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"
    if f.lists == "inline-links":
        return ", ".join(link(i) for i in items)
    return "<br>\n".join(esc(i) for i in items)


def date_html(f: Family, iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    shown = f"{day:%A}, {day:%B} {day.day}, {day.year}"
    if f.date == "time":
        return f'<time datetime="{iso}T12:00:00Z">{shown}</time>'
    if f.date == "content":
        return f'<span class="date-display-single" property="dc:date" content="{iso}T00:00:00-05:00">{shown}</span>'
    return shown


def location_html(location: str) -> str:
    parts = location.split(", ")
    if len(parts) >= 3:
        return (f'<span class="locality">{esc(parts[0])}</span>, '
                f'<span class="administrative-area">{esc(", ".join(parts[1:-1]))}</span><br>\n'
                f'<span class="country">{esc(parts[-1])}</span>')
    return esc(location)


def body_html(f: Family, gen: str, paragraphs: list[str]) -> str:
    if f.body == "br":
        inner = "<p>" + "<br>\n<br>\n".join(esc(p) for p in paragraphs) + "</p>"
    else:
        inner = "\n".join(f"<{f.body}>{esc(p)}</{f.body}>" for p in paragraphs)
    machine = MACHINE[gen]["body"]
    if f.convention == "d7core":
        return (f'<div class="field field-name-field-{machine} field-type-text-with-summary">'
                f'<div class="field-items"><div class="field-item even">\n{inner}\n</div></div></div>\n')
    if f.convention == "core8":
        return f'<div class="clearfix text-formatted field field--name-body">\n{inner}\n</div>\n'
    if f.convention in ("views", "node"):
        cls = "views-field views-field-body" if f.convention == "views" else "node-body"
        return f'<div class="{cls}"><div class="field-content">\n{inner}\n</div></div>\n'
    cls = "field_body text-formatted" if f.convention == "current" else "field field--name-body"
    return f'<div class="{cls}">\n{inner}\n</div>\n'


def article_html(record: dict, f: Family, gen: str) -> str:
    title = esc(record["title"])
    fields = []
    if f.date == "header":
        fields.append(f"<p>{date_html(f, record['date'])}</p>\n")
    else:
        fields.append(field_html(f, gen, "date", date_html(f, record["date"])))
    if record["location"]:
        fields.append(field_html(f, gen, "location", location_html(record["location"])))
    body = list(record["paragraphs"])
    if record["delivery"]:
        if f.convention == "labels":
            body.insert(0, record["delivery"])  # typed as the body's first line
        else:
            cls = wrapper_class(f.convention, MACHINE[gen]["delivery"])
            fields.append(f'<div class="{cls}">{esc(record["delivery"])}</div>\n')
    fields.append(body_html(f, gen, body))
    for name in ("speakers", "topics", "components"):
        if record[name]:
            fields.append(field_html(f, gen, name, list_html(f, name, record[name]),
                                     plural=len(record[name]) > 1 or name != "speakers"))
    if record["updated"]:
        day = dt.date.fromisoformat(record["updated"])
        cls = ("meta-row" if f.convention == "labels"
               else wrapper_class(f.convention, MACHINE[gen]["updated"]))
        fields.append(f'<div class="{cls}">Updated {day:%B} {day.day}, {day.year}</div>\n')
    heading = f'<h1 class="page-title"><span class="field field--name-title">{title}</span></h1>\n'
    open_tag = {
        "content-type-speech": '<article role="article" class="content-type-speech">',
        "node--type-speech": '<article role="article" class="node node--type-speech node--view-mode-full">',
        "node--speech": '<article class="node node--speech node--full node--speech--full">',
        "none": '<div class="layout layout--onecol"><div class="layout__region">',
    }[f.article]
    close_tag = "</div></div>" if f.article == "none" else "</article>"
    inside = heading if f.title == "inside" else ""
    outside = heading if f.title == "outside" else ""
    return f"{outside}{open_tag}\n{inside}{''.join(fields)}{close_tag}\n"


_CHROME: dict = {}


def chrome(gen: str) -> Template:
    if gen not in _CHROME:
        _CHROME[gen] = Template(load_chrome(f"{gen}.html"))
    return _CHROME[gen]


def render(record: dict, f: Family, gen: str) -> bytes:
    """The page of `record` in family `f` of generation `gen` (UTF-8 bytes)."""
    return render_main(record, article_html(record, f, gen), gen)


def render_main(record: dict, main: str, gen: str) -> bytes:
    """`main` (the article's HTML) in the real chrome of generation `gen`."""
    title = record["title"]
    if gen == "current":
        page = chrome(gen).render(
            HEAD_TITLE=f"Office of Public Affairs | {esc(title)} | United States Department of Justice",
            TITLE=html.escape(title), CANONICAL=record["url"], CONTENT_TYPE="speech", MAIN=main)
    else:
        page = chrome(gen).render(
            HEAD_TITLE=f"{esc(title)} | OPA | Department of Justice", TITLE=html.escape(title),
            TITLE_Q=quote(title), CANONICAL=record["url"], MAIN=main)
    return page.encode("utf-8")


# ------------------------------------------------------------------ archive

ARCHIVE_LAYOUTS = ("one-block", "lines", "date-first", "headings")


def _archive_header(record: dict, layout: str) -> str:
    title, place = esc(record["title"]), record["location"]
    day = dt.date.fromisoformat(record["date"])
    date = f"{day:%B} {day.day}, {day.year}"
    lines = [title] + ([esc(place)] if place else []) + [date]
    if layout == "one-block":
        return '<p align="center"><b>' + "<br>\n".join(lines) + "</b></p>\n"
    if layout == "lines":
        return "".join(f'<p align="center">{line}</p>\n' for line in lines)
    if layout == "date-first":
        upper = f"{day:%A}, {day:%B} {day.day}, {day.year}".upper()
        rest = "".join(f"<center><b>{line}</b></center>\n" for line in lines[:-1])
        return f'<p align="center"><b>{upper}</b></p>\n{rest}'
    # headings: the title as a heading, place and date as centred lines
    tail = "".join(f'<p align="center"><i>{line}</i></p>\n' for line in lines[1:])
    return f'<h2 align="center">{title}</h2>\n{tail}'


def render_archive(record: dict, layout: str) -> bytes:
    header = _archive_header(record, layout)
    body = "".join(f"<p>{esc(p)}</p>\n" for p in record["paragraphs"])
    main = header + body + '<p align="center">###</p>\n'
    page = chrome("archive").render(TITLE=esc(record["title"]), MAIN=main)
    return page.encode("cp1252", "xmlcharrefreplace")


# ------------------------------------------------------------------ the set

def eval_records() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EVAL.glob("*.expected.json"))]


def variants(shapes: bool = True):
    """(name, html bytes, expected record) for every eval record in every family; with
    `shapes`, the families by shape of tests/variants_shapes.py too."""
    from tests import variants_shapes as S  # it builds on this module's renderers

    out = []
    for record in eval_records():
        stem = record["url"].rstrip("/").rsplit("/", 1)[-1][:40]
        if record["generation"] == "archive":
            for layout in ARCHIVE_LAYOUTS:
                out.append((f"archive/{layout}/{stem}", render_archive(record, layout), record))
            if shapes:
                out.append((f"archive/bold-title/{stem}", S.archive_bold_title(record), record))
            continue
        for gen, families in FAMILIES.items():
            expected = dict(record, generation=gen)
            for f in families:
                out.append((f"{gen}/{f.name}/{stem}", render(record, f, gen), expected))
            for name in S.SHAPE_FAMILIES if shapes else ():
                out.append((f"{gen}/{name}/{stem}", S.render_shape(record, name, gen), expected))
    return out

