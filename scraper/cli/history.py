"""`doj-speeches history`: one speech's versions and archive captures on one timeline,
with the diff of every change."""

from __future__ import annotations

import click

from corpus.record import SHOWN_FIELDS
from scraper.cli.options import db_option, echo_csv, echo_json, format_option
from scraper.cli.options import corpus_errors, open_corpus

# One row per version in CSV: its bookkeeping, the record's fields (but the text), changes.
VERSION_COLUMNS = ("speech_id", "version", "seen_from", "seen_until", "crawl_id",
                   "extractor_version", "content_hash", *SHOWN_FIELDS, "changes")


def _history(corpus, speech: dict) -> dict:
    """The speech, its versions (each with the lines of its diff from the one before) and
    its status changes: what every output format of `history` shows."""
    from corpus.views.diff import diff_records

    versions, previous = corpus.versions(speech["id"]), None
    for v in versions:
        v["changes"] = [] if previous is None else (
            diff_records(previous, v) or ["(no change in content)"])
        previous = v
    keep = ("id", "url", "status", "gone_since", "first_seen", "last_seen", "version")
    return {"speech": {k: speech[k] for k in keep}, "versions": versions,
            "status_changes": corpus.status_events(speech["id"]),
            "timeline": _timeline(corpus, speech["id"], versions)}


def _timeline(corpus, speech_id: str, versions: list[dict]) -> list[dict]:
    """Archive captures and our versions on one timeline, each marked by its source
    (docs/design.md#d14-captures), with the diff of each entry whose content changed."""
    from corpus.views.diff import diff_records

    captures = corpus.capture_records(speech_id)
    by_version = {v["version"]: v for v in versions}
    entries, previous = corpus.timeline(speech_id), None
    for entry in entries:
        record = (captures.get(entry["moment"]) if entry["source"] == "archive"
                  else by_version.get(entry["version"]))
        entry["changes"] = ([] if previous is None or record is None or not entry["changed"]
                            else diff_records(previous, record) or ["(no change in content)"])
        previous = record or previous
    return entries


def _render_history(info: dict) -> list[str]:
    speech, versions = info["speech"], info["versions"]
    gone = f" since {speech['gone_since']}" if speech["status"] == "gone" else ""
    lines = [f"{speech['id']}  {speech['status']}{gone}, {len(versions)} version(s),"
             f" first seen {speech['first_seen']}, last seen {speech['last_seen']}",
             f"  {speech['url']}"]
    for v in versions:
        lines.append(f"\nversion {v['version']}  {v['seen_from']} .. {v['seen_until'] or 'now'}"
                     f"  crawl {v['crawl_id']}  extractor {v['extractor_version']}"
                     f"  content {v['content_hash'][:12]}")
        if v["version"] == versions[0]["version"]:
            lines.append(f"  title: {v['title']}")
            lines.append(f"  date: {v['date']}  speakers: {'; '.join(v['speakers']) or '-'}")
            lines.append(f"  {len(v['paragraphs'])} paragraphs, {len(v['text'].split())} words")
        lines += [f"  {line}" for line in v["changes"]]
    if any(e["source"] == "archive" for e in info.get("timeline", [])):
        lines += _render_timeline(info["timeline"])
    if info["status_changes"]:
        lines.append("\nstatus:")
        lines += [f"  {e['at']}  {e['status']}  ({e['reason']})" for e in info["status_changes"]]
    return lines


def _render_timeline(entries: list[dict]) -> list[str]:
    lines = ["\ntimeline (Internet Archive captures and our versions):"]
    for e in entries:
        what = (f"[archive] capture {e['archive_url']}" if e["source"] == "archive"
                else f"[crawl]   version {e['version']}")
        mark = "changed" if e["changed"] else "same"
        lines.append(f"  {e['moment']}  {what}  {mark}  content {e['content_hash'][:12]}")
        lines += [f"    {line}" for line in e["changes"]]
    return lines


@click.command("history")
@db_option
@click.argument("id_or_url")
@format_option
@corpus_errors
def history_command(db_path, id_or_url, fmt):
    """The versions of one speech, with what changed between them.

    ID_OR_URL is the speech id (/opa/speech/...) or any of its URLs; `doj-speeches demo`
    prints one that has several versions.

    \b
    Examples:
      doj-speeches history /opa/speech/<slug>
      doj-speeches history https://www.justice.gov/archives/opa/speech/<slug> --json
    """
    from corpus.errors import UserError

    with open_corpus(db_path) as corpus:
        speech = corpus.find_speech(id_or_url)
        if speech is None:
            raise UserError(f"unknown speech: {id_or_url}")
        info = _history(corpus, speech)
    if fmt == "json":
        echo_json(info)
    elif fmt == "csv":
        echo_csv(list(VERSION_COLUMNS),
                 [{**v, "changes": "\n".join(v["changes"])} for v in info["versions"]])
    else:
        from corpus.extract.bounds import visible

        click.echo(visible("\n".join(_render_history(info))))
