"""corpus/urls.py: one speech is one id whichever way its URL was written."""

from __future__ import annotations

import pytest

from corpus.urls import absolute_url, canonical_id, is_justice_host

ID = "/opa/speech/attorney-general-delivers-remarks"


@pytest.mark.parametrize("url", [
    "https://www.justice.gov" + ID,
    "http://www.justice.gov" + ID,
    "https://justice.gov" + ID,
    "https://www.usdoj.gov" + ID,
    "http://usdoj.gov" + ID,
    "http://127.0.0.1:8765" + ID,  # a replica or mirror: the host never enters the id
    ID,
    ID.lstrip("/"),
    "  https://www.justice.gov" + ID + " \n",
])
def test_hosts_and_schemes_do_not_change_the_id(url):
    assert canonical_id(url) == ID


@pytest.mark.parametrize("tail", ["/", "//", "?page=2", "?utm_source=x&b=1", "#top",
                                  "/?page=2#top"])
def test_trailing_slashes_queries_and_fragments_are_dropped(tail):
    assert canonical_id("https://www.justice.gov" + ID + tail) == ID


@pytest.mark.parametrize("url", [
    "https://www.justice.gov/archives" + ID,
    "https://www.justice.gov/archives" + ID + "/",
    "https://www.usdoj.gov/archives" + ID + "?x=1",
    "/archives" + ID,
])
def test_archives_alias_is_the_same_speech(url):
    assert canonical_id(url) == ID


def test_archives_prefix_is_removed_only_as_a_whole_segment():
    assert canonical_id("https://www.justice.gov/archivesx/y") == "/archivesx/y"
    assert canonical_id("https://www.justice.gov/archives") == "/"
    assert canonical_id("https://www.justice.gov/archives/") == "/"
    # Only one prefix is an alias: a second one is part of the path.
    assert canonical_id("https://www.justice.gov/archives/archives/x") == "/archives/x"


def test_site_root_is_slash():
    assert canonical_id("https://www.justice.gov") == "/"
    assert canonical_id("https://www.justice.gov/") == "/"


def test_repeated_slashes_and_dot_segments_are_collapsed():
    assert canonical_id("https://www.justice.gov//opa//speech//x") == "/opa/speech/x"
    assert canonical_id("https://www.justice.gov/opa/speech/./x/../y") == "/opa/speech/y"
    # A path cannot climb above the site root.
    assert canonical_id("https://www.justice.gov/../../etc") == "/etc"


def test_percent_encoding_is_decoded_so_both_spellings_agree():
    raw = "/opa/speech/attorney-general’s-remarks café"
    encoded = "/opa/speech/attorney-general%E2%80%99s-remarks%20caf%C3%A9"
    assert canonical_id("https://www.justice.gov" + encoded) == raw
    assert canonical_id("https://www.justice.gov" + raw) == raw
    assert canonical_id(encoded.lower()) == raw  # lower-case hex digits too


@pytest.mark.parametrize("encoded, kept", [
    ("a%2Fb", "a%2Fb"), ("a%2fb", "a%2Fb"),  # an encoded slash is not a path separator
    ("a%3Fb", "a%3Fb"), ("a%3fb", "a%3Fb"),  # an encoded ? does not start a query
    ("a%23b", "a%23b"),                      # an encoded # does not start a fragment
])
def test_encoded_separators_stay_encoded(encoded, kept):
    assert canonical_id("https://www.justice.gov/opa/speech/" + encoded) == "/opa/speech/" + kept
    assert canonical_id("https://www.justice.gov/opa/speech/" + encoded) != "/opa/speech/a/b"


def test_drupal_speech_paths_fold_to_lower_case_and_other_paths_keep_theirs():
    # justice.gov's speech slugs are lower case: an upper-case spelling is the same speech,
    # never a second one (docs/hostile.md, case 14)...
    assert canonical_id("https://www.justice.gov/OPA/Speech/X") == "/opa/speech/x"
    assert canonical_id("https://www.justice.gov/Archives/OPA/Speech/Y") == "/opa/speech/y"
    # ...while the static archive's file names and any other path keep their case.
    assert canonical_id("https://www.justice.gov/archive/ag/speeches/2001/Smith.htm") == \
        "/archive/ag/speeches/2001/Smith.htm"
    assert canonical_id("https://www.justice.gov/News/X") == "/News/X"


@pytest.mark.parametrize("url", [
    "https://www.justice.gov/x", "https://justice.gov/x", "http://usdoj.gov/x",
    "https://www.usdoj.gov/x", "https://WWW.JUSTICE.GOV/x",
    "https://user@www.justice.gov:443/x",
])
def test_is_justice_host_accepts_the_site_hosts(url):
    assert is_justice_host(url)


@pytest.mark.parametrize("url", [
    "https://evil.example/x", "https://justice.gov.evil.example/x",
    "https://evil.example/www.justice.gov/x", "https://notjustice.gov/x",
    "/opa/speech/x", "",
])
def test_is_justice_host_refuses_other_hosts(url):
    assert not is_justice_host(url)


def test_is_justice_host_accepts_the_base_urls_host_only():
    base = "http://127.0.0.1:8765"
    assert is_justice_host("http://127.0.0.1:8765/opa/speech/x", base)
    assert is_justice_host("http://127.0.0.1:9999/opa/speech/x", base)  # the host, any port
    assert not is_justice_host("http://127.0.0.2:8765/opa/speech/x", base)
    assert not is_justice_host("http://localhost:8765/opa/speech/x", base)
    assert not is_justice_host("http://127.0.0.1:8765/x")  # default base: justice.gov only


def test_absolute_url_joins_ids_to_the_base():
    assert absolute_url(ID) == "https://www.justice.gov" + ID
    assert absolute_url(ID, "http://127.0.0.1:8765/") == "http://127.0.0.1:8765" + ID
    assert absolute_url(ID, "http://127.0.0.1:8765") == "http://127.0.0.1:8765" + ID
    assert absolute_url("https://www.usdoj.gov/x") == "https://www.usdoj.gov/x"
