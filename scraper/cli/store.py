"""Corpus commands: import-pages, stats, search, reextract, check, export (history is in
history.py).

The store and pyarrow are imported inside each command so the CLI starts fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from corpus.publish.formats import FORMATS, RAW_FORMATS

from scraper.cli.options import corpus_errors, db_option, echo_csv, echo_json, format_option, open_corpus


@click.command("import-pages")
@db_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--url-map", type=click.Path(dir_okay=False),
              help="CSV with columns path,url for pages without a canonical link.")
@click.option("-v", "--verbose", is_flag=True, help="One line per page.")
@corpus_errors
def import_pages_command(db_path, paths, url_map, verbose):
    """Ingest saved HTML pages (files or folders) into the corpus, offline.

    \b
    Example:
      doj-speeches import-pages saved/ --url-map saved/urls.csv

    Exit code 2 when any page could not be imported as a speech (each is named).
    """
    from corpus.errors import UserError
    from corpus.store.importer import find_pages, import_pages, read_url_map

    import os

    files = find_pages(paths)
    mapping, rejected = read_url_map(url_map) if url_map else ({}, {})
    problems, given = 0, len(files)
    for path in [f for f in files if os.path.realpath(f) in rejected]:
        problems += 1
        files.remove(path)
        click.echo(f"{path}: rejected: {rejected[os.path.realpath(path)]}", err=True)

    def report(path, result):
        nonlocal problems
        if result.outcome in ("failed", "skipped", "no_url", "unreadable"):
            problems += 1
            click.echo(f"{path}: {result.outcome}: {result.reason}", err=True)
        elif verbose:
            click.echo(f"{path}: {result.outcome} {result.speech_id} v{result.version}")

    with open_corpus(db_path, create=True) as corpus:
        crawl_id = corpus.begin_crawl("import", {"paths": list(paths), "url_map": url_map})
        counts = import_pages(corpus, files, mapping, crawl_id, on_page=report)
        corpus.finish_crawl(crawl_id, dict(counts), 2 if problems else 0)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    click.echo(f"imported {len(files)} pages into {db_path} (crawl {crawl_id}): {summary or 'none'}")
    if problems:
        raise UserError(f"{problems} of {given} pages were not imported as speeches")


@click.command("stats")
@db_option
@format_option
@corpus_errors
def stats_command(db_path, fmt):
    """Counts by status, generation, year and component; the last crawls.

    \b
    Examples:
      doj-speeches stats --db corpus.db
      doj-speeches stats --json | jq .by_generation
      doj-speeches stats --format csv > stats.csv
    """
    from corpus.views.summary import SUMMARY_COLUMNS, render, summary, summary_rows

    with open_corpus(db_path, readonly=True) as corpus:
        info = summary(corpus)
    if fmt == "json":
        echo_json(info)
    elif fmt == "csv":
        echo_csv(list(SUMMARY_COLUMNS), summary_rows(info))
    else:
        click.echo("\n".join(render(info)))


SEARCH_COLUMNS = ("rank", "id", "version", "date", "title", "status", "snippet", "source",
                  "attachment_url")


@click.command("search")
@db_option
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="Show at most this many (the total is counted anyway).")
@click.option("--all-versions", is_flag=True,
              help="Search every version of every speech and every attachment file ever"
                   " fetched (each hit names its version).")
@format_option
@corpus_errors
def search_command(db_path, query, limit, all_versions, fmt):
    """Full-text search of titles and texts, best matches first, with the total.

    Searched: the current version of each speech (title and text) and the newest file
    behind each of its attachment links; with --all-versions, every version of every
    speech (a speech may match in several) and every attachment file.

    \b
    QUERY is SQLite FTS5 syntax: words (stemmed), "a phrase", AND/OR/NOT, prefix*.
    A query that is not valid syntax is searched as plain words (said on stderr).
    Matches are marked «like this» in the snippets.
    Examples:
      doj-speeches search '"Justice Department" AND communities'
      doj-speeches search 'prosecut*' --limit 5 --format csv
      doj-speeches search '"Justice Department"' --all-versions
    """
    from corpus.views.search import search

    with open_corpus(db_path, readonly=True) as corpus:
        result = search(corpus, query, limit, all_versions=all_versions)
    if result.fallback:
        click.echo(f"note: {query!r} is not valid search syntax ({result.error});"
                   f" searched for the words {result.searched} instead", err=True)
    hits = [{"rank": rank, **hit} for rank, hit in enumerate(result.hits, start=1)]
    if fmt == "json":
        echo_json({"query": query, "searched": result.searched, "fallback": result.fallback,
                   "total": result.total, "hits": hits})
        return
    if fmt == "csv":
        echo_csv(list(SEARCH_COLUMNS), hits)
        return
    from corpus.extract.bounds import visible

    for hit in hits:
        gone = "  [gone]" if hit["status"] == "gone" else ""
        click.echo(f"{hit['rank']}. {hit['date'] or 'undated'}  {visible(hit['title'])}{gone}")
        version = f"  (version {hit['version']})" if all_versions and hit["version"] else ""
        click.echo(f"   {hit['id']}{version}")
        if hit.get("source") == "attachment":  # the match is in a file the speech links
            click.echo(f"   in attachment {hit['attachment_name']}: {hit['attachment_url']}")
        click.echo(f"   {visible(hit['snippet'])}")
    shown = f"{len(hits)} of " if len(hits) < result.total else ""
    click.echo(f"{shown}{result.total} match{'es' if result.total != 1 else ''}"
               if result.total else "no matches")


@click.command("reextract")
@db_option
@corpus_errors
def reextract_command(db_path):
    """Re-run extraction over the stored raw pages (no network).

    A new version, marked with the new extractor version, only where the record changed;
    the derived fields (people, kind, place, counts, language) of every version are
    computed again (docs/derive.md).

    \b
    Example (after improving corpus/extract/ and bumping EXTRACTOR_VERSION):
      doj-speeches reextract --db corpus.db && doj-speeches check --db corpus.db
    """
    from corpus.extract import EXTRACTOR_VERSION

    def progress(done, total):
        if done % 1000 == 0 or done == total:
            click.echo(f"  {done}/{total}", err=True)

    with open_corpus(db_path) as corpus:
        result = corpus.reextract(progress=progress)
    counts = ", ".join(f"{k} {result.get(k, 0)}"
                       for k in ("new", "changed", "unchanged", "failed", "skipped"))
    click.echo(f"re-extracted {result['pages']} pages with extractor {EXTRACTOR_VERSION}"
               f" (crawl {result['crawl_id']}): {counts};"
               f" derived fields of {result.get('rederived', 0)} records computed again")
    for failure in result["failures"]:
        click.echo(f"failed: {failure}", err=True)


@click.command("check")
@db_option
@format_option
@corpus_errors
def check_command(db_path, fmt):
    """Integrity: SQLite's own check, then the corpus invariants (exit 2 on any problem).

    \b
    Examples:
      doj-speeches check --db corpus.db
      doj-speeches check --json
    """
    from corpus.errors import UserError

    with open_corpus(db_path) as corpus:
        problems = corpus.check()
        counts = corpus.execute(
            "SELECT (SELECT count(*) FROM speeches), (SELECT count(*) FROM speech_versions),"
            " (SELECT count(*) FROM raw_pages)").fetchone()
    result = {"ok": not problems, "speeches": counts[0], "versions": counts[1],
              "raw_pages": counts[2], "problems": problems}
    if fmt == "json":
        echo_json(result)
    elif fmt == "csv":
        echo_csv(list(result), [result])
    else:
        for problem in problems:
            click.echo(problem)
        if not problems:
            click.echo(f"ok: {counts[0]} speeches, {counts[1]} versions,"
                       f" {counts[2]} raw pages checked")
    if problems:
        raise UserError(f"{db_path}: {len(problems)} problem(s) found")


@click.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice([*FORMATS, *RAW_FORMATS]),
              required=True, help="Data file format (warc, wacz: the raw pages, not the records).")
@click.option("--out", "out_dir", required=True, type=click.Path(),
              help="Folder for the data files, manifest.json and datapackage.json.")
@click.option("--as-of", help="The corpus as it was then: YYYY-MM-DD (end of day, UTC) "
                              "or an ISO 8601 date-time.")
@click.option("--since", help="Speeches dated on or after YYYY-MM-DD.")
@click.option("--until", help="Speeches dated on or before YYYY-MM-DD.")
@click.option("--force", is_flag=True,
              help="Write into a folder that is not empty (its previous export is replaced).")
@corpus_errors
def export_command(db_path, fmt, out_dir, as_of, since, until, force):
    """Write the corpus's tables: a release without the citation files.

    parquet, jsonl and csv write the tables of `release` (speeches, speech_versions,
    speech_status, and captures and attachments when there are some) with manifest.json
    and datapackage.json; --since/--until keep the speeches dated between them and their
    rows. warc writes the raw pages (pages.warc.gz, pages.cdxj); wacz packs them for
    replay (ReplayWeb.page, pywb). The same corpus and arguments give byte-identical data
    files. A folder that is not empty is refused unless --force.

    \b
    Examples:
      doj-speeches export --format parquet --out release-2026-11/
      doj-speeches export --format csv --out snap/ --as-of 2025-06-30 --since 2021-01-01
      doj-speeches export --format wacz --out release-pages/
    """
    from corpus.publish.export import export

    with open_corpus(db_path) as corpus:
        manifest = export(corpus, fmt, out_dir, as_of=as_of, since=since, until=until,
                          force=force)
    out = Path(out_dir)
    if fmt in ("warc", "wacz"):
        data = manifest["files"][0]
        click.echo(f"wrote {manifest['records']} records of {manifest['speeches']} speeches"
                   f" to {out / data['name']} and {out / 'manifest.json'}")
        return
    rows = {f["table"]: f["rows"] for f in manifest["files"]}
    if rows["speeches"] == 0:  # an empty export is legal, but rarely what was meant
        click.echo(f"0 speeches match (as of {as_of or 'now'}, since {since or '-'},"
                   f" until {until or '-'})", err=True)
    for entry in manifest["files"]:
        what = "speeches" if entry["table"] == "speeches" else f"rows of {entry['table']}"
        click.echo(f"wrote {entry['rows']} {what} to {out / entry['name']}")
    click.echo(f"and {out / 'manifest.json'}, {out / 'datapackage.json'}")


@click.command("recompress")
@db_option
@corpus_errors
def recompress_command(db_path):
    """Rewrite the raw pages with zstd and a dictionary built from the corpus's own pages
    (older corpora hold zlib), then VACUUM to give the space back. The bytes read back,
    their sha256, `reextract` and the WARC export are unchanged. Takes the corpus lock.

    \b
    Example:
      doj-speeches recompress --db corpus.db && doj-speeches check --db corpus.db
    """
    from corpus.store.lock import CorpusLock

    with CorpusLock(db_path), open_corpus(db_path) as corpus:
        result = corpus.recompress()
    click.echo(f"recompressed {result['pages']} raw pages: {result['stored_bytes_before']:,}"
               f" -> {result['stored_bytes_after']:,} bytes stored (dictionary"
               f" {result['dictionary']})")
    if result["skipped"]:
        click.echo(f"left as they were: {result['skipped']} raw pages whose bytes do not"
                   " match their sha256 (run `doj-speeches check`)", err=True)


def register(group: click.Group) -> None:
    from scraper.cli.history import history_command

    for command in (import_pages_command, stats_command, search_command, history_command,
                    reextract_command, check_command, export_command, recompress_command):
        group.add_command(command)
