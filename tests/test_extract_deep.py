"""Markup nested past libxml2's depth limit keeps its text, paragraph by paragraph
(docs/design.md#d5-deep-markup), or the `deep-markup:` warning says how much text was lost."""

import re

import lxml.html
import pytest

from corpus.extract import deep, extract
from corpus.extract.decode import decode
from corpus.extract.page import parse
from tests.conftest import EVAL, REAL, load_case

INLINE = ["q", "cite", "sup", "u", "small", "label", "abbr"]
PARAS = [
    "We meet at a moment of profound challenge for our nation.",
    "The Department\u2019s work \u2013 every day \u2013 protects the rights of all.",
    "Our prosecutors, agents and staff serve with integrity.",
    "Violent crime fell in many of the communities we partner with.",
    "We have strengthened our work against fraud that targets older Americans.",
    "The rule of law depends on the trust of the people it serves.",
    "That trust must be earned, case by case, and community by community.",
    "I want to thank the state attorneys general for their partnership.",
    "Together we have returned billions of dollars to victims.",
    "There is more to do, and we will do it together.",
    "Thank you.",
]


@pytest.fixture(scope="module")
def aba():
    return load_case("current-lynch-aba-2015")


def page_with(aba, body: str) -> bytes:
    """The ABA speech page with `body` inserted before its own first paragraph."""
    html, _ = aba
    at = html.index(b"<p>Thank you, President")
    return html[:at] + body.encode("utf-8") + html[at:]


def nest(tags: list[str], depth: int, inner: str) -> str:
    """`inner` inside `depth` levels of the tags, taken in turn."""
    opened = [tags[i % len(tags)] for i in range(depth)]
    return "".join(f"<{t}>" for t in opened) + inner + "".join(f"</{t}>" for t in reversed(opened))


def paragraphs_html(paras=PARAS) -> str:
    return "".join(f"<p>{p}</p>" for p in paras)


def deep_warnings(speech) -> list[str]:
    return [w for w in speech.warnings if w.startswith("deep-markup:")]


def check(aba, page: bytes, depth: int, paras=PARAS):
    _, expected = aba
    speech = extract(page, expected["url"])
    assert speech.paragraphs == [*paras, *expected["paragraphs"]]
    assert speech.title == expected["title"]  # what follows the deep part survives
    assert speech.topics == expected["topics"]
    warnings = deep_warnings(speech)
    assert bool(warnings) == (depth > 2000)
    for warning in warnings:
        assert warning.endswith("all text kept"), warning
    return speech


@pytest.mark.parametrize("depth", [300, 3000, 20000])
@pytest.mark.parametrize("tag", [*INLINE, "span", "div", "blockquote", "section"])
def test_one_tag_nested_around_real_paragraphs(aba, tag, depth):
    check(aba, page_with(aba, nest([tag], depth, paragraphs_html())), depth)


@pytest.mark.parametrize("depth", [300, 3000, 20000])
def test_mixed_inline_and_block_nesting(aba, depth):
    tags = [*INLINE, "div", "span", "blockquote", "b", "em", "font"]
    check(aba, page_with(aba, nest(tags, depth, paragraphs_html())), depth)


@pytest.mark.parametrize("depth", [300, 3000, 20000])
def test_each_paragraphs_text_nested_in_another_inline_tag(aba, depth):
    # Deep nesting inside each paragraph: libxml2 would lose everything after the first.
    paras = PARAS[:4] if depth > 3000 else PARAS  # 20,000 levels x 11 is slow to build
    body = "".join(
        f"<p>{nest([INLINE[i % len(INLINE)]], depth, text)}</p>" for i, text in enumerate(paras)
    )
    check(aba, page_with(aba, body), depth, paras)


@pytest.mark.parametrize("depth", [300, 3000, 20000])
def test_deep_blocks_without_p_keep_their_paragraph_breaks(aba, depth):
    # Past the limit the divs are taken out: each becomes a line break, not a merge.
    body = nest(["div"], depth, "".join(f"<div>{p}</div>" for p in PARAS))
    check(aba, page_with(aba, body), depth)
    items = nest(["div", "ul"], depth, "<ul>" + "".join(f"<li>{p}" for p in PARAS) + "</ul>")
    check(aba, page_with(aba, items), depth)


@pytest.mark.parametrize("depth", [300, 3000, 20000])
def test_deep_chrome_stays_out_of_the_text(aba, depth):
    # A figure's caption, a script and a comment with tags in them, deep in the markup.
    inner = (
        "<figure><img src='x.jpg'><figcaption>Photo: the Attorney General</figcaption></figure>"
        "<script>var s = '<div><div><span>';</script><!-- <div><div> -->"
        + paragraphs_html()
    )
    check(aba, page_with(aba, nest(["div", "span", "q"], depth, inner)), depth)


def test_archive_page_with_unclosed_paragraphs_in_deep_font_tags():
    # The static archive leaves <p> open; old editors nest <font> without end.
    html, expected = load_case("archive-gonzales-usattorneys-2005")
    body = "".join(f"<p>{p}" for p in PARAS)
    at = html.index(b"<p>Thank you for that introduction")  # after the header lines
    deep_part = nest(["font"], 5000, body).encode("ascii", "xmlcharrefreplace")  # latin-1 page
    page = html[:at] + deep_part + html[at:]
    speech = extract(page, expected["url"])
    assert speech.paragraphs == [*PARAS, *expected["paragraphs"]]
    assert speech.date == expected["date"]
    assert deep_warnings(speech)[0].endswith("all text kept")


def test_text_is_lost_only_with_a_warning_that_counts_it(aba, monkeypatch):
    # Were flattening not enough, libxml2 would drop the rest of the page: the warning
    # says how many characters went, at least those of every paragraph after the cut.
    monkeypatch.setattr("corpus.extract.page.flatten", lambda text, limit: (text, 0))
    html, expected = aba
    page = page_with(aba, nest(["q"], 3000, paragraphs_html()))
    warnings: list[str] = []
    parse(page.decode("utf-8"), warnings)
    (warning,) = warnings
    lost = int(re.search(r"; (\d+) characters of text lost$", warning).group(1))
    after = sum(len(p.replace(" ", "")) for p in PARAS + expected["paragraphs"])
    assert lost >= after


def test_flattening_keeps_every_character_of_real_pages():
    # At any limit, even absurdly low ones, the text of real pages is all there.
    for path in sorted([*REAL.glob("*/*.html"), *EVAL.glob("*.html")]):
        text, _ = decode(path.read_bytes())
        size = deep.source_text_size(text)
        assert size > 800
        for limit in (8, 3):
            flat, dropped = deep.flatten(text, limit)
            assert dropped > 0 or limit == 8  # the archive's pages are not 8 levels deep
            assert deep.doc_text_size(lxml.html.document_fromstring(flat)) == size, path
