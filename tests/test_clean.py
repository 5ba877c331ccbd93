"""The paragraph rules of tests/fixtures/eval/README.md, one by one."""

import lxml.html
import pytest

from corpus.extract.clean import BOILERPLATE_PATTERNS, drop_boilerplate, is_boilerplate, paragraphs


def paras(html):
    return paragraphs(lxml.html.fragment_fromstring(html, create_parent="div"))


def test_one_paragraph_per_block_and_br():
    assert paras("<p>a</p><div>b</div><h3>c</h3><ul><li>d</li><li>e</li></ul>"
                 "<blockquote><p>f</p></blockquote><p>g<br>h<br><br>i</p>") == list("abcdefghi")


def test_whitespace_and_nbsp_collapse_but_characters_stay():
    assert paras("<p>  It\u2019s&nbsp;&nbsp;a \u201cquote\u201d \u2013 [Laughter]\n\t end </p>") == [
        "It\u2019s a \u201cquote\u201d \u2013 [Laughter] end"
    ]


def test_inline_markup_does_not_split():
    assert paras("<p>one <strong>two</strong> <em>three</em> <a href=x>four</a>.</p>") == [
        "one two three four."
    ]


@pytest.mark.parametrize("junk", [
    "<p>&nbsp;</p>", "<p style='text-align:center'>###</p>", "<p># # #</p>",
    "<figure><img src=x alt=y><figcaption>Caption</figcaption></figure>",
    "<p><iframe src=https://www.youtube.com/embed/x></iframe></p>",
    "<script>var a = 1;</script>", "<p><img src=x alt='Photo'></p>",
])
def test_dropped(junk):
    assert paras(f"<p>keep</p>{junk}") == ["keep"]


def test_text_after_a_dropped_element_is_kept():
    assert paras("<p>before <img src=x> after</p><figure>x</figure>tail") == ["before after", "tail"]


def test_boilerplate_rules_are_named_data():
    assert is_boilerplate("Was this page helpful?") == "helpful"
    assert is_boilerplate("Updated June 6, 2017") == "updated"
    assert is_boilerplate("Skip to main content") == "skip-link"
    assert is_boilerplate("The Updated June 6, 2017 memo") is None
    assert set(BOILERPLATE_PATTERNS) >= {"end-mark", "helpful", "updated", "share"}


def test_drop_boilerplate_removes_chrome_and_keeps_tails():
    root = lxml.html.fragment_fromstring(
        "<div><p>Speech.</p><div class='usdoj-sharing'><button>Share</button></div>tail"
        "<div id='page-helpful'>Was this page helpful? Yes No</div></div>"
    )
    assert drop_boilerplate(root) == 2
    assert paragraphs(root) == ["Speech.", "tail"]
