"""The replica's content: its speeches, what each URL answers, and mutations.

Pure of HTTP: `Site.respond(path_and_query)` returns a `Page` (status, content type,
body bytes, Last-Modified, extra headers, and the kind of path, which faults and the
request log use). The HTTP server (server.py) adds ETag, conditional GETs, HEAD, faults.

URL space (as on justice.gov; see docs/replica.md):
  /robots.txt                               real rules (+ Crawl-delay, extra Disallow)
  /sitemap.xml                              sitemap index -> /sitemaps/speeches-YYYY.xml, /sitemaps/pages.xml
  /api/v1/speeches.json                     JSON API v1 (page, pagesize<=50, sort, direction, fields)
  /news/speeches[?page=N]                   current listing (2023+), 25 per page, newest first
  /archives/opa/speeches[?page=N]           Drupal 7 listing (2009-2022)
  /<component>/speeches[?page=N]            component listing (current markup)
  /opa/speech/<slug>                        current speech page
  /archives/opa/speech/<slug>               Drupal 7 speech page (/opa/speech/<slug> answers 301)
  /archive/ag/speeches/index.html           static archive: year index -> YYYY/index.html -> *.htm
  /feeds/opa/justice-news.xml               RSS 2.0 "Justice News": the 20 newest current speeches
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import parse_qs, quote, unquote, urlsplit

from corpus.urls import canonical_id

from . import files, synth, vocab
from .research import RESEARCH, derived_truth, research_content, research_speech
from .synth import Speech

LISTING_PAGE_SIZE = 25
API_MAX_PAGESIZE = 50
API_DEFAULT_PAGESIZE = 20
NOTICE = "Speeches published before January 20, 2025 can be found in the Archives"
GONE_STATUSES = (404, 410, "alternate")
# "altered": Drupal speech pages whose date slot shows another date than the speech's,
# as a site redesign might; the listing, API and feed still tell the true date, so a
# crawl that checks its witnesses must raise the alarm (docs/replica.md).
MARKUPS = ("standard", "altered")


@dataclass
class Page:
    status: int
    content_type: str = "text/html; charset=UTF-8"
    body: bytes = b""
    last_modified: int | None = None
    kind: str = "other"
    headers: dict = field(default_factory=dict)


class Template:
    """A chrome file with @@NAME@@ placeholders, split once so rendering is a join."""

    def __init__(self, text: str):
        self.parts = re.split(r"@@([A-Z_]+)@@", text)

    def render(self, **values) -> str:
        parts = self.parts[:]
        for i in range(1, len(parts), 2):
            parts[i] = values[parts[i]]
        return "".join(parts)


def load_chrome(name: str) -> str:
    return resources.files("scraper.replica").joinpath("data", name).read_text(
        "ascii" if name == "archive.html" else "utf-8"
    )


def http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def w3c(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class Site:
    def __init__(
        self,
        speeches: int = 300,
        seed: int = 1,
        *,
        crawl_delay: float | None = None,
        disallow=(),
        api: bool = True,
        gone_status="alternate",
        aliases: int = 0,
        sitemap_archive: bool = False,
        page_size: int = LISTING_PAGE_SIZE,
        feed: bool = True,
        markup: str = "standard",
        research: bool = False,
    ):
        """`research`: add the speeches of research.RESEARCH after the generated ones
        (the truth of the derived fields in every spelling; a default replica is
        unchanged)."""
        if markup not in MARKUPS:
            raise ValueError(f"markup must be one of {', '.join(MARKUPS)}")
        if not 1 <= speeches <= 1_000_000:
            raise ValueError("speeches must be between 1 and 1,000,000")
        self.seed = seed
        self.base_url = "http://127.0.0.1"
        self.crawl_delay = crawl_delay
        self.disallow = tuple(disallow)
        self.api = api
        self.gone_status = gone_status
        self.sitemap_archive = sitemap_archive
        self.feed = feed
        self.markup = markup
        self.page_size = page_size
        self.lock = threading.RLock()
        self.speeches: list[Speech] = []
        self.by_cid: dict[str, Speech] = {}
        self._names: set[str] = set()  # slugs and archive paths in use
        self.touched: dict[str, int] = {}  # surface -> time of its last add/remove
        self.mutations = 0
        self.removed = 0
        self.footer = 0
        self.footer_ts = 0
        self._cache: dict = {}
        self._set_templates()
        span = (synth.LAST_DAY - synth.FIRST_DAY).days
        days = random.Random(f"{seed}/days")
        for i in range(speeches):
            offset = int((i + days.random()) * span / speeches)
            self._add(synth.FIRST_DAY + dt.timedelta(days=offset))
        for entry in RESEARCH if research else ():
            self._add(dt.date.fromisoformat(entry["date"]), entry=entry)
        self.started = max(s.changed for s in self.speeches)
        self.clock = max(int(time.time()), self.started)
        for i, s in enumerate(self._pick_aliases(aliases)):
            s.alias = self._alias_path(s, i)

    # ------------------------------------------------------------------ building

    def _set_templates(self):
        notice = ""
        if self.footer:
            notice = (f'<div class="usa-alert usa-alert--info usa-alert--slim site-notice">'
                      f'<p class="usa-alert__text">Site notice {self.footer}: the footer was updated.</p></div>\n')
        current, drupal7 = load_chrome("current.html"), load_chrome("drupal7.html")
        self.t_current = Template(current.replace("</footer>", notice + "</footer>", 1))
        self.t_drupal7 = Template(drupal7.replace("</footer>", notice + "</footer>", 1))
        archive = load_chrome("archive.html")
        if self.footer:
            archive = archive.replace("</body>", f"<!-- footer revision {self.footer} -->\n</body>", 1)
        self.t_archive = Template(archive)

    def _add(self, day: dt.date, changed: int | None = None, entry=None) -> Speech:
        index = len(self.speeches)
        s = (research_speech(self.seed, index, entry) if entry
             else synth.make_speech(self.seed, index, day))
        if changed is not None:
            s.created = s.changed = changed
            s.updated = dt.datetime.fromtimestamp(changed, dt.timezone.utc).date()
        if s.generation == "archive":
            name = synth.archive_file(self.seed, index, day, s.event or s.base_title.split(" at the ")[-1])
            stem, n = name[:-4], 0
            while f"{day.year}/{name}" in self._names:
                name, n = f"{stem}{n}.htm", n + 1
            self._names.add(f"{day.year}/{name}")
            s.path = s.cid = f"/archive/ag/speeches/{day.year}/{name}"
        else:
            base = slug = synth.slugify(s.base_title)
            n = 0
            while slug in self._names:
                slug, n = f"{base}-{n}", n + 1
            self._names.add(slug)
            s.slug = slug
            s.cid = f"/opa/speech/{slug}"
            s.path = s.cid if s.generation == "current" else "/archives" + s.cid
        self.speeches.append(s)
        self.by_cid[s.cid] = s
        return s

    def _pick_aliases(self, count: int):
        pool = [s for s in self.speeches if s.generation != "archive"]
        rnd = random.Random(f"{self.seed}/aliases")
        return sorted(rnd.sample(pool, min(count, len(pool))), key=lambda s: s.index)

    @staticmethod
    def _alias_path(s: Speech, i: int) -> str:
        form = i % 3
        if form == 0:
            return s.path + "/"
        if form == 1:
            return s.path + "?utm_source=newsletter&utm_medium=email"
        return s.cid if s.generation == "drupal7" else "/archives" + s.cid

    # ------------------------------------------------------------------ lookups

    def speech(self, ident) -> Speech:
        if isinstance(ident, int):
            return self.speeches[ident]
        s = self.by_cid.get(canonical_id(str(ident)))
        if s is None:
            raise KeyError(ident)
        return s

    def live(self):
        return [s for s in self.speeches if not s.gone]

    def blocks(self, s: Speech):
        """The body as the page shows it: a pointer-only speech's is the pointer alone."""
        if self.is_pointer_only(s):
            return (("pointer", synth.POINTER_TEXT, synth.file_path(s)),)
        return self.text_blocks(s)

    # Off by default: a pointer-only speech's corpus record is its PDF's text, not its
    # page's gold, and the first reading of the PDF is a second version of it.
    pointer_bodies = False

    def is_pointer_only(self, s: Speech) -> bool:
        return self.pointer_bodies and synth.pointer_only(s, s.title())

    def text_blocks(self, s: Speech):
        """The speech's text (for a pointer-only speech, what its PDF holds)."""
        if s.research:
            return research_content(self.seed, s.index, s.date, s.research["body"],
                                          s.people[0], s.edits)
        return synth.content(self.seed, s.index, s.generation, s.date, s.delivery_shown,
                             s.delivery_in_body, s.speakers[0] if s.speakers else "", s.edits)

    def body_html(self, s: Speech) -> str:
        return synth.body_html(self.blocks(s), s.generation, f"{self.seed}/{s.index}/{s.edits}")

    def gold(self, ident) -> dict:
        s = self.speech(ident)
        return synth.gold_record(s, self.blocks(s), s.title())

    def gold_derived(self, ident) -> dict:
        """The derived fields of the speech's record as the generator knows them."""
        s = self.speech(ident)
        return derived_truth(s, self.blocks(s))

    def listed_path(self, s: Speech) -> str:
        return s.alias or s.path

    def _sorted(self, name: str, select, key, reverse=True):
        cache_key = (name, reverse)
        got = self._cache.get(cache_key)
        if got is None:
            with self.lock:
                got = sorted((s for s in self.speeches if not s.gone and select(s)), key=key, reverse=reverse)
                self._cache[cache_key] = got
        return got

    def _newest_first(self, name, select):
        return self._sorted(name, select, key=lambda s: (s.date, s.index))

    # ------------------------------------------------------------------ mutations

    def tick(self) -> int:
        with self.lock:
            self.clock = max(int(time.time()), self.clock + 1)
            return self.clock

    def _surfaces(self, s: Speech):
        if s.generation == "archive":
            keys = [f"archive:{s.date.year}"]
            if self.sitemap_archive:
                keys.append(f"sitemap:{s.date.year}")
            return keys
        keys = ["news" if s.generation == "current" else "drupal7", f"sitemap:{s.date.year}", "api"]
        keys += [f"component:{synth.component_slug(c)}" for c in s.components]
        return keys

    def mutate(self, change=0, remove=0, add=0, chrome=0, revert=0, footer=False,
               seed=None, generations=None, silent=0) -> dict:
        """Change the site between two crawls; returns the ids concerned.

        change: edit the text (and every third time the title) of N live speeches, or of
        the given ids; remove: make them answer 404/410; add: N new speeches, the newest
        of all; chrome: bump the "Updated" date (Drupal) or the markup (archive) only;
        revert: restore edited speeches to their original content (A -> B -> A);
        footer: change the footer of every page (content unchanged);
        silent: edit the text of N live speeches (or the given ids) and leave their
        lastmod alone (sitemap, Last-Modified, listings): only a refetch finds it.
        """
        with self.lock:
            self.mutations += 1
            rnd = random.Random(f"{self.seed}/mutate/{self.mutations}" if seed is None else f"mutate/{seed}")
            ts = self.tick()
            taken: set[int] = set()
            gens = set(generations) if generations else None

            def pick(spec, pool):
                if isinstance(spec, int):
                    pool = [s for s in pool if s.index not in taken and (gens is None or s.generation in gens)]
                    chosen = sorted(rnd.sample(pool, min(spec, len(pool))), key=lambda s: s.index)
                else:
                    chosen = [self.speech(i) for i in ([spec] if isinstance(spec, str) else spec)]
                taken.update(s.index for s in chosen)
                return chosen

            live = self.live()
            result = {"changed": [], "removed": [], "added": [], "chrome": [], "reverted": [],
                      "silent": [], "time": ts}
            for s in pick(change, live):
                s.edits += 1
                self._touch_speech(s, ts)
                result["changed"].append(s.cid)
            for s in pick(silent, live):
                s.edits += 1  # s.changed kept: the ETag (a hash of the body) still moves
                result["silent"].append(s.cid)
            for s in pick(revert, [s for s in live if s.edits]):
                s.edits = 0
                self._touch_speech(s, ts)
                result["reverted"].append(s.cid)
            for s in pick(chrome, live):
                s.chrome += 1
                self._touch_speech(s, ts)
                result["chrome"].append(s.cid)
            for s in pick(remove, live):
                status = self.gone_status
                if status == "alternate":
                    status = (404, 410)[self.removed % 2]
                self.removed += 1
                s.gone = int(status)
                s.changed = ts
                for key in self._surfaces(s):
                    self.touched[key] = ts
                result["removed"].append(s.cid)
            for _ in range(add):  # speeches are in date order: the last is the newest
                s = self._add(self.speeches[-1].date + dt.timedelta(days=1), changed=ts)
                for key in self._surfaces(s):
                    self.touched[key] = ts
                result["added"].append(s.cid)
            if footer:
                self.footer += 1
                self.footer_ts = ts
                self._set_templates()
            self._cache.clear()
            return result

    def _touch_speech(self, s: Speech, ts: int):
        s.changed = ts
        if s.updated is not None:
            s.updated = dt.datetime.fromtimestamp(ts, dt.timezone.utc).date()

    def configure(self, **settings):
        allowed = {"crawl_delay", "disallow", "api", "gone_status", "sitemap_archive", "feed", "markup",
                   "pointer_bodies"}
        unknown = set(settings) - allowed
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        with self.lock:
            for name, value in settings.items():
                if name == "disallow":
                    value = tuple(value)
                if name == "gone_status" and value not in GONE_STATUSES:
                    raise ValueError("gone_status must be 404, 410 or 'alternate'")
                if name == "markup" and value not in MARKUPS:
                    raise ValueError(f"markup must be one of {', '.join(MARKUPS)}")
                setattr(self, name, value)
            self._cache.clear()

    # ------------------------------------------------------------------ routing

    def respond(self, target: str) -> Page:
        parts = urlsplit(target)
        path = unquote(parts.path) or "/"
        query = parts.query
        if path == "/robots.txt":
            return self.robots()
        if path == "/sitemap.xml":
            return self.sitemap_index()
        if path.startswith("/sitemaps/"):
            return self.sitemap(path)
        if path == "/api/v1/speeches.json":
            return self.api_page(query) if self.api else self.not_found(kind="api")
        if path == "/feeds/opa/justice-news.xml":
            return self.rss_feed() if self.feed else self.not_found(kind="feed")
        if path in ("/news/speeches", "/archives/opa/speeches"):
            return self.listing(path, query)
        m = re.fullmatch(r"/([a-z]+)/speeches", path)
        if m and m.group(1) in vocab.COMPONENT_NAMES:
            return self.listing(path, query)
        if path.startswith("/archive/ag/speeches"):
            return self.archive(path, query)
        if files.FILE_PATH.fullmatch(path):
            return self.file(path)
        m = re.fullmatch(r"(/archives)?/opa/speech/([a-z0-9-]+)(/?)", path)
        if m:
            s = self.by_cid.get(f"/opa/speech/{m.group(2)}")
            if s is not None:
                if s.gone:
                    return self.not_found(s.gone, kind="gone")
                if path != s.path or query:
                    return self.redirect(s.path)
                return self.speech_page(s)
        return self.not_found()

    def file(self, path: str) -> Page:
        s = files.speech_of_file(self, path)
        if s is None:
            return self.not_found()
        return Page(200, "application/pdf", files.file_bytes(self, s), s.changed, "attachment",
                    {"Content-Disposition": f'attachment; filename="{files.FILE_NAME}"'})

    def redirect(self, path: str, status: int = 301) -> Page:
        location = self.base_url + path
        body = (f'<!DOCTYPE html>\n<html><head><meta charset="UTF-8"><title>Redirecting to {location}</title></head>'
                f'<body>Redirecting to <a href="{location}">{location}</a>.</body></html>').encode()
        return Page(status, body=body, kind="redirect", headers={"Location": location})

    def not_found(self, status: int = 404, kind: str = "missing") -> Page:
        title = "Page Not Found" if status == 404 else "Page Gone"
        main = (
            '<article role="article" class="content-type-page">\n<div class="layout layout--onecol ">\n'
            f'<h1 class="block-heading"><span class="field-formatter--string">{title}</span></h1>\n'
            "<p>The page you requested could not be found. It may have been moved or removed.</p>\n"
            '<p>Try the <a href="/news/speeches">speeches</a> or the <a href="/archives">archives</a>.</p>\n'
            "</div>\n</article>"
        )
        page = self.t_current.render(
            HEAD_TITLE=f"{title} | United States Department of Justice", TITLE=title,
            CANONICAL=synth.SITE + "/", CONTENT_TYPE="page", MAIN=main,
        )
        return Page(status, body=page.encode("utf-8"), kind=kind)

    # ------------------------------------------------------------------ pages

    def speech_page(self, s: Speech) -> Page:
        title = s.title()
        body = self.body_html(s)
        lm = max(s.changed, self.footer_ts)
        if s.generation == "current":
            page = self.t_current.render(
                HEAD_TITLE=f"Office of Public Affairs | {html.escape(title, quote=False)} | United States Department of Justice",
                TITLE=html.escape(title), CANONICAL=s.url, CONTENT_TYPE="speech",
                MAIN=self._altered(s, synth.current_article(s, title, body, s.updated)),
            )
            return Page(200, body=page.encode("utf-8"), last_modified=lm, kind="speech")
        if s.generation == "drupal7":
            page = self.t_drupal7.render(
                HEAD_TITLE=f"{html.escape(title, quote=False)} | OPA | Department of Justice",
                TITLE=html.escape(title), TITLE_Q=quote(title), CANONICAL=s.url,
                MAIN=self._altered(s, synth.drupal7_article(s, title, body, s.updated)),
            )
            return Page(200, body=page.encode("utf-8"), last_modified=lm, kind="speech")
        page = self.t_archive.render(TITLE=html.escape(title, quote=False), MAIN=synth.archive_main(s, title, body))
        if s.chrome:
            page = page.replace("</body>", f"<!-- page revision {s.chrome} -->\n</body>", 1)
        return Page(200, "text/html; charset=iso-8859-1", page.encode("cp1252", "xmlcharrefreplace"),
                    lm, "speech")

    def _altered(self, s: Speech, article: str) -> str:
        return synth.shift_date(s, article) if self.markup == "altered" else article

    def robots(self) -> Page:
        lines = [
            "#",
            "# robots.txt (replica of www.justice.gov)",
            "#",
            "User-agent: *",
        ]
        if self.crawl_delay is not None:
            lines.append(f"Crawl-delay: {self.crawl_delay:g}")
        lines += [
            "# Pagination and facets",
            "Disallow: /*?page=",
            "Disallow: /*?f%5B",
            "Disallow: /*?f[",
            "Allow: /api/*?page=",
            "# Paths (clean URLs)",
            "Disallow: /admin/",
            "Disallow: /search/",
            "Disallow: /user/",
        ]
        lines += [f"Disallow: {p}" for p in self.disallow]
        lines += ["", f"Sitemap: {self.base_url}/sitemap.xml", ""]
        return Page(200, "text/plain; charset=UTF-8", "\n".join(lines).encode(), self.started, "robots")

    # ------------------------------------------------------------------ listings

    def _listing_items(self, path: str):
        if path == "/news/speeches":
            return "news", self._newest_first("news", lambda s: s.generation == "current")
        if path == "/archives/opa/speeches":
            return "drupal7", self._newest_first("drupal7", lambda s: s.generation == "drupal7")
        slug = path.split("/")[1]
        name = vocab.COMPONENT_NAMES[slug]
        return f"component:{slug}", self._newest_first(
            f"component:{slug}", lambda s: s.generation != "archive" and name in s.components)

    def listing(self, path: str, query: str) -> Page:
        params = parse_qs(query)
        surface, all_items = self._listing_items(path)
        items = all_items
        year = None
        for key, values in params.items():
            if key.startswith("f[") and values and values[0].startswith("speech_date:"):
                year = values[0].split(":", 1)[1]
        if year:
            items = [s for s in items if str(s.date.year) == year]
        try:
            page = max(0, int(params.get("page", ["0"])[0]))
        except ValueError:
            page = 0
        size = self.page_size
        last = max(0, (len(items) - 1) // size)
        shown = items[page * size:(page + 1) * size]
        lm = max([s.changed for s in shown] + [self.touched.get(surface, self.started), self.footer_ts])
        if path == "/archives/opa/speeches":
            body = self._drupal7_listing(path, shown, page, last, len(items))
        else:
            years = sorted({s.date.year for s in all_items}, reverse=True)[:6]
            body = self._current_listing(path, surface, shown, page, last, len(items), years)
        return Page(200, body=body.encode("utf-8"), last_modified=lm, kind="listing")

    def _teaser(self, s: Speech) -> str:
        """The first paragraph, cut at a word near 200 characters (plain text)."""
        paragraphs = synth.paragraphs_of(self.blocks(s))
        text = paragraphs[0] if paragraphs else ""
        if len(text) > 200:
            text = text[:200].rsplit(" ", 1)[0] + "…"
        return text

    def _current_listing(self, path, surface, shown, page, last, count, years) -> str:
        if surface == "news":
            heading = "Speeches"
            intro = (f'<p>{NOTICE.replace("Archives", "")}<a href="/archives/opa/speeches">Archives</a>.</p>')
        else:
            heading = f"{vocab.COMPONENT_NAMES[path.split('/')[1]]}: Speeches"
            intro = ""
        rows = []
        for s in shown:
            rows.append(
                '    <div class="views-row">\n\n<article role="article" class="news-content-listing node-speech">\n'
                '  <div class="node-content">\n\n          <h2 class="news-title">\n'
                f'                  <a href="{html.escape(self.listed_path(s))}" hreflang="en">\n'
                f'<span class="field-formatter--string">{html.escape(s.title(), quote=False)}</span>\n</a>\n'
                "              </h2>\n\n"
                f'          <div class="node-date"><time datetime="{s.date.isoformat()}T12:00:00Z">{synth.month_date(s.date)}</time>\n</div>\n\n'
                '                  <div>\n        <div class="field-formatter--text-default field-text-format--wysiwyg text-formatted field_teaser">'
                f"<p>{html.escape(self._teaser(s), quote=False)}</p>\n</div>\n      </div>\n\n      </div>\n</article>\n</div>\n"
            )
        facets = "".join(
            f'<li class="facet-item"><a href="{path}?f%5B0%5D=speech_date%3A{y}" rel="nofollow" '
            f'data-drupal-facet-item-value="{y}"><span class="facet-item__value">{y}</span></a></li>'
            for y in years
        )
        main = (
            '<article role="article" class="content-type-landing-page">\n<div class="layout layout--onecol">\n'
            '<div class="block block-field-title"><h1 class="block-heading">'
            f'<span class="field-formatter--string">{html.escape(heading, quote=False)}</span></h1></div>\n'
            f'<div class="field_body">{intro}</div>\n'
            '<div class="block block-usdoj-facets usdoj-facet"><h2 class="usa-sr-only">Filter by year</h2>'
            f'<ul class="facet-inactive item-list__checkbox">{facets}</ul></div>\n'
            '<div class="field-formatter--viewsreference-news-formatter field_view"><div class="views-element-container">\n'
            '<div class="related-content-display current-display-speeches">\n'
            f'      <div class="results-count">\n      {count} Results\n    </div>\n\n'
            '  <div class="rows-wrapper">\n' + "".join(rows) + "\n    </div>\n"
            + self._uswds_pager(page, last) +
            "</div>\n</div></div>\n</div>\n</article>"
        )
        return self.t_current.render(
            HEAD_TITLE=f"{html.escape(heading, quote=False)} | United States Department of Justice",
            TITLE=html.escape(heading), CANONICAL=synth.SITE + path, CONTENT_TYPE="landing_page", MAIN=main,
        )

    @staticmethod
    def _uswds_pager(page: int, last: int) -> str:
        if last == 0:
            return ""
        out = ['      <nav aria-label="Pagination" class="usa-pagination">\n    <ul class="usa-pagination__list js-pager__items">\n']
        if page > 0:
            out.append(
                '                          <li class="usa-pagination__item usa-pagination__arrow">\n'
                '          <a href="?page=0" class="usa-pagination__link usa-pagination__previous-page" aria-label="First page">\n'
                '            <span class="usa-pagination__link-text"> First </span>\n          </a>\n        </li>\n'
                '                          <li class="usa-pagination__item usa-pagination__arrow">\n'
                f'          <a href="?page={page - 1}" class="usa-pagination__link usa-pagination__previous-page" aria-label="Previous page">\n'
                '            <span class="usa-pagination__link-text"> Previous </span>\n          </a>\n        </li>\n'
            )
        lo, hi = max(0, page - 4), min(last, max(0, page - 4) + 8)
        for n in range(lo, hi + 1):
            current = ' usa-current aria-current=&quot;page' if n == page else ""
            out.append(
                '              <li class="usa-pagination__item usa-pagination__page-no">\n'
                f'                                           <a href="?page={n}" class="usa-pagination__button{current}" aria-label="Page {n + 1}">{n + 1}</a>\n'
                "        </li>\n"
            )
        if hi < last:
            out.append('                          <li class="usa-pagination__item usa-pagination__overflow" role="presentation">\n'
                       "          <span> … </span>\n        </li>\n")
        if page < last:
            # As on the real site, the "Last page" link carries the next-page class too.
            out.append(
                '                          <li class="usa-pagination__item usa-pagination__arrow">\n'
                f'          <a href="?page={page + 1}" class="usa-pagination__link usa-pagination__next-page" aria-label="Next page">\n'
                '            <span class="usa-pagination__link-text"> Next </span>\n          </a>\n        </li>\n'
                '                          <li class="usa-pagination__item usa-pagination__arrow">\n'
                f'          <a href="?page={last}" class="usa-pagination__link usa-pagination__next-page" aria-label="Last page">\n'
                '            <span class="usa-pagination__link-text"> Last </span>\n          </a>\n        </li>\n'
            )
        out.append("          </ul>\n  </nav>\n")
        return "".join(out)

    def _drupal7_listing(self, path, shown, page, last, count) -> str:
        rows = []
        for n, s in enumerate(shown):
            cls = ("odd", "even")[n % 2] + (" views-row-first" if n == 0 else "") + (" views-row-last" if n == len(shown) - 1 else "")
            rows.append(
                f'      <tr class="{cls}">\n'
                '              <td class="views-field views-field-field-pr-date active">\n'
                '          <span class="date-display-single" property="dc:date" datatype="xsd:dateTime" '
                f'content="{synth.eastern_midnight(s.date)}">{s.date:%m/%d/%Y}</span>        </td>\n'
                '              <td class="views-field views-field-title">\n'
                f'          <a href="{html.escape(self.listed_path(s))}">{html.escape(s.title(), quote=False)}</a>        </td>\n'
                "          </tr>\n"
            )
        first = page * self.page_size + 1 if shown else 0
        header = f"      Displaying {first} - {page * self.page_size + len(shown)} of {count}    </div>\n"
        pager = ""
        if last:
            items = []
            if page > 0:
                items.append(f'<li class="pager__item pager__item--first"><a title="Go to first page" href="{path}">« first</a></li>\n')
                items.append(f'<li class="pager__item pager__item--previous"><a title="Go to previous page" href="{path}?page={page - 1}">‹ previous</a></li>\n')
            for n in range(max(0, page - 4), min(last, max(0, page - 4) + 8) + 1):
                if n == page:
                    items.append(f'<li class="pager__item pager__item--current">{n + 1}</li>\n')
                else:
                    items.append(f'<li class="pager__item"><a title="Go to page {n + 1}" href="{path}?page={n}">{n + 1}</a></li>\n')
            if page < last:
                items.append(f'<li class="pager__item pager__item--next"><a title="Go to next page" href="{path}?page={page + 1}">next ›</a></li>\n')
                items.append(f'<li class="pager__item pager__item--last"><a title="Go to last page" href="{path}?page={last}">last »</a></li>\n')
            pager = '      <h2 class="element-invisible">Pages</h2><ul class="pager">' + "".join(items) + "</ul>  \n"
        main = (
            '<h1 id="node-title">Speeches</h1>\n'
            '<div class="view view-speeches view-id-speeches view-display-id-page views-display-type-page">\n'
            '            <div class="view-header">\n' + header +
            '      <div class="view-content">\n'
            '      <table data-tablesaw-mode="stack" class="views-table cols-2 tablesaw tablesaw-stack">\n'
            "        <thead>\n      <tr>\n"
            '                  <th class="views-field views-field-field-pr-date active">Date</th>\n'
            '                  <th class="views-field views-field-title">Title</th>\n'
            "              </tr>\n    </thead>\n    <tbody>\n" + "".join(rows) +
            "    </tbody>\n</table>\n    </div>\n" + pager + "</div>"
        )
        return self.t_drupal7.render(
            HEAD_TITLE="Speeches | OPA | Department of Justice", TITLE="Speeches", TITLE_Q="Speeches",
            CANONICAL=synth.SITE + path, MAIN=main,
        )

    # ------------------------------------------------------------------ static archive

    def archive(self, path: str, query: str) -> Page:
        live = self._newest_first("archive", lambda s: s.generation == "archive")
        m = re.fullmatch(r"/archive/ag/speeches(?:/(?:index\.html)?)?", path)
        if m:
            known = sorted({s.date.year for s in self.speeches if s.generation == "archive"})
            links = "".join(f'<li><a href="{y}/index.html">{y}</a></li>\n' for y in known)
            main = ('<p align="center"><b>Speeches of the Attorney General</b></p>\n'
                    f"<ul>\n{links}</ul>\n")
            lm = max([self.started, self.footer_ts] + [v for k, v in self.touched.items() if k.startswith("archive:")])
            return self._archive_page("Speeches of the Attorney General", main, lm, "archive_index")
        m = re.fullmatch(r"/archive/ag/speeches/(\d{4})(?:/(?:index\.html)?)?", path)
        if m:
            year = int(m.group(1))
            items = sorted((s for s in live if s.date.year == year), key=lambda s: (s.date, s.index))
            if not any(s.generation == "archive" and s.date.year == year for s in self.speeches):
                return self.not_found()
            rows = "".join(
                f'<p><a href="{s.path.rsplit("/", 1)[1]}">{html.escape(s.title(), quote=False)}</a><br>\n'
                f"{synth.month_date(s.date)}</p>\n" for s in items
            )
            main = f'<p align="center"><b>Speeches of the Attorney General: {year}</b></p>\n{rows}'
            lm = max([s.changed for s in items] + [self.touched.get(f"archive:{year}", self.started), self.footer_ts])
            return self._archive_page(f"Speeches of the Attorney General: {year}", main, lm, "archive_index")
        s = self.by_cid.get(path)
        if s is not None:
            if s.gone:
                return self.not_found(s.gone, kind="gone")
            if query:
                return self.redirect(s.path)
            return self.speech_page(s)
        return self.not_found()

    def _archive_page(self, title: str, main: str, lm: int, kind: str) -> Page:
        page = self.t_archive.render(TITLE=html.escape(title, quote=False), MAIN=main)
        return Page(200, "text/html; charset=iso-8859-1", page.encode("cp1252", "xmlcharrefreplace"), lm, kind)

    # ------------------------------------------------------------------ sitemaps

    def _in_sitemap(self, s: Speech) -> bool:
        return s.generation != "archive" or self.sitemap_archive

    def _sitemap_years(self) -> dict[int, int]:
        """Year -> lastmod of its sub-sitemap (cached until the next mutation)."""
        got = self._cache.get("sitemap-years")
        if got is None:
            with self.lock:
                got = {}
                for s in self.speeches:
                    if self._in_sitemap(s):
                        ts = self.touched.get(f"sitemap:{s.date.year}", 0)
                        got[s.date.year] = max(got.get(s.date.year, 0), ts, 0 if s.gone else s.changed)
                self._cache["sitemap-years"] = got
        return got

    def sitemap_index(self) -> Page:
        years = self._sitemap_years()
        entries = [(f"{self.base_url}/sitemaps/speeches-{y}.xml", years[y]) for y in sorted(years, reverse=True)]
        entries.append((f"{self.base_url}/sitemaps/pages.xml", self.started))
        body = ['<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
        for loc, ts in entries:
            body.append(f"  <sitemap>\n    <loc>{loc}</loc>\n    <lastmod>{w3c(ts)}</lastmod>\n  </sitemap>\n")
        body.append("</sitemapindex>\n")
        lm = max(ts for _, ts in entries)
        return Page(200, "application/xml; charset=utf-8", "".join(body).encode(), lm, "sitemap")

    def sitemap(self, path: str) -> Page:
        if path == "/sitemaps/pages.xml":
            urls = [("/news/speeches", self.started), ("/archives/opa/speeches", self.started),
                    ("/archive/ag/speeches/index.html", self.started)]
            urls += [(f"/{slug}/speeches", self.started) for slug, _ in vocab.COMPONENTS]
            return self._urlset(urls, self.started)
        m = re.fullmatch(r"/sitemaps/speeches-(\d{4})\.xml", path)
        years = self._sitemap_years()
        if not m or int(m.group(1)) not in years:
            return self.not_found(kind="sitemap")
        year = int(m.group(1))
        items = self._sorted(f"sitemap:{year}", lambda s: self._in_sitemap(s) and s.date.year == year,
                             key=lambda s: (s.date, s.index), reverse=False)
        return self._urlset([(s.path, s.changed) for s in items], years[year])

    def _urlset(self, urls, lm) -> Page:
        body = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
        for path, ts in urls:
            body.append(f"  <url>\n    <loc>{self.base_url}{html.escape(path)}</loc>\n"
                        f"    <lastmod>{w3c(ts)}</lastmod>\n  </url>\n")
        body.append("</urlset>\n")
        return Page(200, "application/xml; charset=utf-8", "".join(body).encode(), lm, "sitemap")

    # ------------------------------------------------------------------ RSS

    def rss_feed(self) -> Page:
        items = self._newest_first("news", lambda s: s.generation == "current")[:20]
        out = [
            '<?xml version="1.0" encoding="utf-8" ?>\n'
            '<rss version="2.0" xml:base="https://www.justice.gov/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            "  <channel>\n    <title>Justice News</title>\n"
            f"    <link>{self.base_url}/news</link>\n    <description>Justice News</description>\n"
            "    <language>en</language>\n"
        ]
        for s in items:
            out.append(
                f"    <item>\n      <title>{html.escape(s.title(), quote=False)}</title>\n"
                f"      <link>{self.base_url}{html.escape(self.listed_path(s))}</link>\n"
                f"      <description>{html.escape(self._teaser(s), quote=False)}</description>\n"
                f"      <pubDate>{http_date(s.created)}</pubDate>\n"
                "      <dc:creator>Office of Public Affairs</dc:creator>\n"
                f'      <guid isPermaLink="false">{s.uuid}</guid>\n    </item>\n'
            )
        out.append("  </channel>\n</rss>\n")
        lm = max([s.changed for s in items] + [self.touched.get("news", self.started)])
        return Page(200, "application/rss+xml; charset=utf-8", "".join(out).encode(), lm, "feed")

    # ------------------------------------------------------------------ JSON API

    API_SORTS = {
        "date": lambda s: (synth.epoch(s.date), s.index),
        "created": lambda s: (s.created, s.index),
        "changed": lambda s: (s.changed, s.index),
        "title": lambda s: (s.title(), s.index),
    }

    def api_page(self, query: str) -> Page:
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        sort = params.get("sort", "created")
        if sort not in self.API_SORTS:
            sort = "created"
        reverse = params.get("direction", "ASC").upper() == "DESC"
        try:
            size = int(params.get("pagesize", API_DEFAULT_PAGESIZE))
            page = max(0, int(params.get("page", 0)))
        except ValueError:
            return self._api_error(400, "Invalid page or pagesize")
        size = max(1, min(size, API_MAX_PAGESIZE))
        items = self._sorted(f"api:{sort}", lambda s: s.generation != "archive", self.API_SORTS[sort], reverse)
        shown = items[page * size:(page + 1) * size]
        fields = [f for f in params.get("fields", "").split(",") if f]
        results = [self._api_item(s, fields) for s in shown]
        execution = round(0.05 + (page % 7) * 0.011 + size * 0.0007, 6)  # stable, so ETags are
        doc = {
            "metadata": {
                "responseInfo": {"status": 200, "developerMessage": "OK"},
                "resultset": {"count": len(items), "pagesize": size, "page": page},
                "executionTime": execution,
            },
            "results": results,
        }
        lm = max([s.changed for s in shown] + [self.touched.get("api", self.started), self.footer_ts])
        body = json.dumps(doc, ensure_ascii=True, separators=(",", ":")).encode()
        return Page(200, "application/json", body, lm, "api")

    def _api_error(self, status: int, message: str) -> Page:
        doc = {"metadata": {"responseInfo": {"status": status, "developerMessage": message}}, "results": []}
        return Page(status, "application/json", json.dumps(doc).encode(), None, "api")

    def _api_item(self, s: Speech, fields) -> dict:
        item = {}

        def want(name):
            return not fields or name in fields

        if want("attachment"):
            item["attachment"] = files.api_field(self, s)
        if want("body"):
            item["body"] = self.body_html(s)
        if want("changed"):
            item["changed"] = str(s.changed)
        if want("component"):
            item["component"] = [{"uuid": str(_uuid_of(c)), "name": c} for c in s.components]
        if want("created"):
            item["created"] = str(s.created)
        if want("date"):
            item["date"] = str(int(dt.datetime.fromisoformat(synth.eastern_midnight(s.date)).timestamp()))
        if want("image"):
            item["image"] = []
        if want("location"):
            if s.location:
                locality, area, country = s.location
                item["location"] = {"country": vocab.COUNTRY_CODES.get(country, "US"), "administrative_area": area,
                                    "locality": locality, "postal_code": "", "thoroughfare": "", "premise": ""}
            else:
                item["location"] = None
        if want("teaser"):
            item["teaser"] = self._teaser(s)
        if want("title"):
            item["title"] = s.title()
        if want("topic"):
            item["topic"] = [{"uuid": str(_uuid_of(t)), "name": t} for t in s.topics]
        if want("url"):
            item["url"] = self.base_url + self.listed_path(s)
        if want("uuid"):
            item["uuid"] = s.uuid
        if want("vuuid"):
            item["vuuid"] = s.vuuid
        return item


def _uuid_of(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, "https://www.justice.gov/taxonomy/" + name)
