"""The system benchmark's own parts (scripts/bench.py, scripts/bench_bare_spider.py):
the token F1 it scores both extractors with, and the yardstick spider's settings.
The benchmark itself is not run here (minutes; see docs/benchmarks.md)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench = _load("bench")
bare = _load("bench_bare_spider")


def test_tokens_fold_case_and_drop_punctuation():
    assert bench.tokens("Thank you, President [William] Hubbard – “thank you.”") == [
        "thank", "you", "president", "william", "hubbard", "thank", "you"]
    assert bench.tokens(None) == bench.tokens("") == []


def test_identical_texts_score_one_whatever_the_layout():
    text = "Good morning.\n\nThank you all for coming."
    assert bench.token_prf(text, text) == (1.0, 1.0, 1.0)
    assert bench.token_prf("good MORNING thank you all, for coming", text) == (1.0, 1.0, 1.0)


def test_extra_and_missing_words_lower_precision_and_recall():
    expected = "a b c d"
    p, r, f = bench.token_prf("a b c d e f g h", expected)  # chrome kept: precision falls
    assert (p, r) == (0.5, 1.0) and f == pytest.approx(2 / 3)
    p, r, f = bench.token_prf("a b", expected)  # text dropped: recall falls
    assert (p, r) == (1.0, 0.5) and f == pytest.approx(2 / 3)


def test_repeated_tokens_count_as_often_as_both_have_them():
    # a bag of words, not a set: a duplicated paragraph is not free
    p, r, f = bench.token_prf("the the the law", "the law")
    assert (p, r) == (0.5, 1.0)
    p, r, f = bench.token_prf("the law", "the the the law")
    assert (p, r) == (1.0, 0.5)


def test_nothing_extracted_scores_zero_and_empty_agrees_with_empty():
    assert bench.token_prf("", "some speech text") == (0.0, 0.0, 0.0)
    assert bench.token_prf(None, "some speech text") == (0.0, 0.0, 0.0)
    assert bench.token_prf("site chrome only", "some speech text") == (0.0, 0.0, 0.0)
    assert bench.token_prf("", "") == (1.0, 1.0, 1.0)


def test_f1_of_an_eval_page_against_its_own_expectation():
    path = next((ROOT / "tests" / "fixtures" / "eval").glob("*.expected.json"))
    expected = json.loads(path.read_text("utf-8"))
    assert bench.token_prf("\n\n".join(expected["paragraphs"]), expected["text"])[2] == 1.0
    p, r, f = bench.token_prf(expected["title"] + "\n\n" + expected["text"], expected["text"])
    assert r == 1.0 and p < 1.0


def test_bare_spider_has_our_settings_without_our_components():
    from scraper.crawl.run import CrawlOptions, build_settings

    url = "http://127.0.0.1:9"
    ours = build_settings(CrawlOptions(mode="backfill", base_url=url, delay=0.0), "", 0.0, None)
    theirs = bare.bare_settings(url)
    for name in ("CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
                 "DOWNLOAD_DELAY_JITTER", "AUTOTHROTTLE_ENABLED", "DOWNLOAD_TIMEOUT",
                 "RETRY_ENABLED", "RETRY_TIMES", "ROBOTSTXT_OBEY", "USER_AGENT",
                 "COOKIES_ENABLED", "REDIRECT_ENABLED", "HTTPCACHE_ENABLED",
                 "REQUEST_FINGERPRINTER_IMPLEMENTATION", "LOG_LEVEL"):
        assert theirs.get(name) == ours.get(name), name
    assert theirs.getfloat("DOWNLOAD_DELAY") == 0 and not theirs.getbool("AUTOTHROTTLE_ENABLED")
    assert not theirs.getdict("ITEM_PIPELINES") and not theirs.getdict("EXTENSIONS")
    assert not theirs.getdict("DOWNLOADER_MIDDLEWARES")  # Scrapy's stock ones, retry included


def test_bare_spider_reads_paths_and_urls(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("/opa/speech/a\n\nhttp://other.example/b\n  /archive/x.htm  \n")
    assert bare.read_urls(str(listing), "http://127.0.0.1:9/") == [
        "http://127.0.0.1:9/opa/speech/a", "http://other.example/b",
        "http://127.0.0.1:9/archive/x.htm"]
