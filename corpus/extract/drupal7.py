"""The 2014-2023 Drupal 7 site ("Justice News" header, field--name-field-pr-* fields)."""

from __future__ import annotations

from corpus.extract.fields import has_class, labelled

ARTICLE = "//article[contains(@class,'node--speech')]"


def _field(name: str, items: bool = True) -> str:
    path = f"//div[contains(@class,'field--name-field-{name}')]"
    return path + f"//div[{has_class('field__item')}]" if items else path


SELECTORS = {
    "body": [
        ("field-pr-body", "." + _field("pr-body")),
        ("any-pr-body", _field("pr-body")),
    ],
    "title": [
        ("node-title", "//h1[@id='node-title']"),
        ("dc:title", ".//*[@property='dc:title']/@content"),
        ("og:title", "//meta[@property='og:title']/@content"),
        ("main-h1", "//*[@role='main']//h1"),
    ],
    "date": [
        ("pr-date-content", _field("pr-date", False) + "//span[contains(@class,'date-display-single')]/@content"),
        ("dc:date", "//*[@property='dc:date']/@content"),
        ("pr-date-text", _field("pr-date", False)),
    ],
    "location": [
        ("speech-location", "." + _field("speech-location")),
        ("any-location", "//div[contains(@class,'field--name-field-') and contains(@class,'location')]"),
        ("labelled", labelled("location")),
    ],
    "delivery": [
        ("speech-type", "." + _field("speech-type")),
        ("any-speech-type", _field("speech-type")),
    ],
    "speakers": [
        ("speech-speaker", "." + _field("speech-speaker")),
        ("labelled", labelled("speaker", "speakers", "speaker(s)")),
    ],
    "topics": [
        ("pr-topic", "." + _field("pr-topic")),
        ("labelled", labelled("topic", "topics", "topic(s)")),
    ],
    "components": [
        ("pr-component", "." + _field("pr-component")),
        ("labelled", labelled("component", "components", "component(s)")),
    ],
    "updated": [
        ("node-updated", "//div[contains(@class,'node__updated')]"),
    ],
}

OPTIONAL = {"delivery", "topics", "location", "updated"}
