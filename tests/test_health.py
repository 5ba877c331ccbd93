"""A finished crawl's health (scraper/crawl/health.py): blocked sites, failure share,
the writer stopping, and the witness alarm read from the crawl's stats."""

from corpus.extract.witness import ALARM_SHARE
from corpus.outcomes import Outcome
from scraper.crawl import settings
from scraper.crawl.health import blocked, format_summary, health, summary, witness_alarms


def responses(total: int, **by_status: int) -> dict:
    stats = {"downloader/response_count": total}
    for status, n in by_status.items():
        stats[f"downloader/response_status_count/{status.removeprefix('s')}"] = n
    return stats


def test_a_site_answering_403_to_nearly_everything_is_blocked():
    assert blocked(responses(10, s403=9)) == "blocked: 9 of 10 requests answered HTTP 403"
    assert blocked(responses(10, s403=8)) is None  # under 90%: a flaky site, not a block
    assert blocked(responses(2, s403=2)) is None  # too few requests to say


def test_blocked_wins_over_its_symptoms():
    stats = responses(20, s429=20) | {f"outcome/{Outcome.FAILED}": 20}
    assert health(stats, [], max_failures=0.02) == (
        3, ["blocked: 20 of 20 requests answered HTTP 429"])


def test_failures_over_the_share_name_their_top_reasons():
    stats = {f"outcome/{Outcome.NEW}": 95, f"outcome/{Outcome.FAILED}": 5,
             "failed/HTTP 500": 3, "failed/timeout": 2}
    code, reasons = health(stats, [], max_failures=0.02)
    assert code == 3
    assert reasons == ["5 of 100 speech pages failed (more than 2%: 3 HTTP 500, 2 timeout)"]
    assert health(stats, [], max_failures=0.05) == (0, [])


def test_a_stopped_writer_and_source_problems_are_unhealthy():
    code, reasons = health({"writer/lost": 1}, ["the sitemap listed no speech"], 0.02)
    assert code == 3
    assert reasons[0] == "the sitemap listed no speech"
    assert reasons[1].startswith("the corpus writer stopped")


def test_the_witness_alarm_from_crawl_stats():
    stats = {"witness/date/agree": 10, "witness/date/disagree": 40, "witness/date/filled": 0,
             "witness_source/date/disagree/listing": 39, "witness_source/date/disagree/api": 1,
             "witness/title/agree": 50}
    assert witness_alarms(stats) == [
        "the site's markup may have changed: date disagrees with the listing on 40 of 50 speeches"]
    code, reasons = health(stats, [], 0.02)
    assert (code, reasons) == (3, witness_alarms(stats))


def test_the_alarm_threshold_is_one_number():
    assert settings.JUSTICE_WITNESS_ALARM == ALARM_SHARE
    at_the_share = {"witness/date/agree": 9, "witness/date/filled": 1,
                    "witness_source/date/filled/api": 1}
    assert witness_alarms(at_the_share) == []  # 1 of 10 is not more than 10%
    assert witness_alarms(at_the_share, share=0.05) == [
        "the site's markup may have changed: date was missing and filled from the api"
        " on 1 of 10 speeches"]


def test_summary_counts_pages_and_requests_and_prints_every_outcome():
    stats = {"downloader/request_count": 12, f"outcome/{Outcome.NEW}": 7,
             f"outcome/{Outcome.NOT_MODIFIED}": 3, "witness/date/agree": 7}
    result = summary(stats, extra_requests=1, started=0.0)
    assert result["requests"] == 13 and result["pages"] == 10
    assert result["witness"] == {"date": {"agree": 7, "disagree": 0, "filled": 0}}
    text = format_summary(result)
    rows = {line.strip().rsplit("  ", 1)[0].strip(): line.rsplit("  ", 1)[1]
            for line in text.splitlines()}
    assert rows["not modified (304)"] == "3" and rows["new"] == "7" and rows["requests"] == "13"
    assert "witness: date" in text and "7 agree, 0 disagree, 0 filled" in text


def test_a_crawl_whose_start_requests_raised_is_unhealthy():
    """Scrapy's reason "start_error": discovery broke part-way (a bug, or input that broke
    it), so the run cannot be healthy, however few pages failed."""
    stats = {"finish_reason": "start_error", "spider_exceptions/count": 1,
             "spider_exceptions/UnboundLocalError": 1}
    assert health(stats, [], 0.02) == (
        3, ["discovery stopped on an error in the crawler (UnboundLocalError)"])
    assert health({"finish_reason": "finished"}, [], 0.02) == (0, [])
