"""The 2014-2023 Drupal 7 site ("Justice News" header, field--name-field-pr-* fields).

The first rule of each field is the markup of our accuracy pages; the rest (the shared
families of `families.py`) read the same field in any other Drupal convention.
"""

from __future__ import annotations

from corpus.extract.families import family
from corpus.extract.fields import has_class

ARTICLE = "//article[contains(@class,'node--speech')]"


def _field(name: str, items: bool = True) -> str:
    path = f"//div[contains(@class,'field--name-field-{name}')]"
    return path + f"//div[{has_class('field__item')}]" if items else path


SELECTORS = {
    "body": [
        ("field-pr-body", "." + _field("pr-body")),
        *family("body"),
        ("any-pr-body", _field("pr-body")),
    ],
    "title": [
        ("node-title", "//h1[@id='node-title']"),
        ("dc:title", ".//*[@property='dc:title']/@content"),
        ("article-h1", ".//h1"),
        ("page-h1", "//h1[@id='page-title' or contains(@class,'page-title')]"),
        ("og:title", "//meta[@property='og:title']/@content"),
        ("main-h1", "//*[@role='main']//h1"),
    ],
    "date": [
        ("pr-date-content", "." + _field("pr-date", False) + "//span[contains(@class,'date-display-single')]/@content"),
        ("dc:date", "//*[@property='dc:date']/@content"),
        *family("date"),
        ("pr-date-text", _field("pr-date", False)),
    ],
    "location": [
        ("speech-location", "." + _field("speech-location")),
        *family("location"),
        ("any-location", "//div[contains(@class,'field--name-field-') and contains(@class,'location')]"),
    ],
    "delivery": [
        ("speech-type", "." + _field("speech-type")),
        *family("delivery"),
        ("any-speech-type", _field("speech-type")),
    ],
    "speakers": [
        ("speech-speaker", "." + _field("speech-speaker")),
        *family("speakers"),
    ],
    "topics": [
        ("pr-topic", "." + _field("pr-topic")),
        *family("topics"),
    ],
    "components": [
        ("pr-component", "." + _field("pr-component")),
        *family("components"),
    ],
    "updated": [
        ("node-updated", ".//div[contains(@class,'node__updated')]"),
        *family("updated"),
        ("any-updated", "//div[contains(@class,'node__updated')]"),
    ],
}

OPTIONAL = {"delivery", "topics", "location", "updated"}
