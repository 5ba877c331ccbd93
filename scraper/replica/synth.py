"""Synthetic speeches: seeded metadata, the body as blocks, its HTML and its gold record.

A speech is generated from `random.Random` seeded with (seed, index, ...), so it is the
same every time. Only the metadata (a few hundred bytes) is kept per speech; the body is
rebuilt on demand from its seed and the number of edits made to it (`edits`), with a
small cache. The gold record is computed from the same blocks that are rendered, never
by parsing the HTML back, following the rules of tests/fixtures/eval/README.md.

A body is a list of blocks; each block renders to HTML and contributes zero or more
paragraphs to the gold record:

    ("p", text, fmt)           <p>text</p>                     -> [text]
    ("div", text, fmt)         <div>text</div>                 -> [text]
    ("br", texts, double)      <p>a<br>(<br>)b</p>             -> texts
    ("h3", text, strong)       <h3>(<strong>)text</h3>         -> [text]
    ("quote", text, with_p)    <blockquote>(<p>)text</blockquote> -> [text]
    ("list", texts, ordered)   <ul>/<ol> of <li>               -> texts
    ("heading", text)          <p><strong><u>text</u></strong></p> -> [text]
    ("stage", text)            <p>[Applause]</p>               -> [text] (role stage)
    ("lead", text)             <p>WASHINGTON – ...</p>         -> [text] (role lead)
    ("delivery", shown)        delivery typed as the first line -> [] (gold delivery)
    ("empty",)                 <p>&nbsp;</p>                   -> []
    ("figure", caption, src)   <figure><img><figcaption>      -> []
    ("image", src)             <p><img></p>                    -> []
    ("video", youtube_id)      <p><iframe></iframe></p>        -> []
    ("endmark", style)         <p ...>###</p>                  -> []
    ("wrap", blocks)           <div class="WordSection1">...</div> -> paragraphs of blocks

`fmt` is a tuple of inline variations that leave the visible text unchanged once
whitespace is collapsed: "nbsp" (two spaces after a full stop as "&nbsp; "), "newline"
(a line break in the source), "inline" (a word in <em>/<strong>/<a>), "entities"
(curly quotes and dashes as character references), "font" (archive <font> wrapper).
"""

from __future__ import annotations

import datetime as dt
import html
import random
import re
import uuid
import zlib
from functools import lru_cache
from zoneinfo import ZoneInfo

from . import vocab

FIRST_DAY = dt.date(2001, 1, 22)
LAST_DAY = dt.date(2025, 12, 19)
DRUPAL7_FROM = dt.date(2009, 1, 1)  # static archive before, Drupal 7 from here
CURRENT_FROM = dt.date(2023, 1, 1)  # current (USWDS) site from here
SITE = "https://www.justice.gov"
_EASTERN = ZoneInfo("America/New_York")
_SLUG_STOP = frozenset(
    "a an as at before but by for from is in into like of off on onto per since than the "
    "this that to up via with".split()
)


def generation_of(day: dt.date) -> str:
    if day < DRUPAL7_FROM:
        return "archive"
    return "drupal7" if day < CURRENT_FROM else "current"


def rng(seed, *parts) -> random.Random:
    return random.Random("/".join(map(str, (seed, *parts))))


def slugify(title: str, max_length: int = 90) -> str:
    """Drupal pathauto-like alias: lower case, punctuation and short words dropped."""
    words = re.sub(r"[^a-z0-9\s-]", "", title.lower().replace("’", "").replace("'", "")).split()
    out = ""
    for word in (w for w in words if w not in _SLUG_STOP):
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_length:
            break
        out = candidate
    return out


def long_date(day: dt.date) -> str:
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def month_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def eastern_midnight(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, tzinfo=_EASTERN).isoformat()


def epoch(day: dt.date, seconds: int = 0) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()) + seconds


class Speech:
    """The metadata of one synthetic speech (mutable: edits, chrome, gone, changed)."""

    __slots__ = (
        "index", "generation", "date", "slug", "path", "cid", "base_title", "speakers",
        "components", "topics", "location", "delivery", "delivery_shown", "delivery_in_body",
        "created", "changed", "updated", "uuid", "vuuid", "edits", "chrome", "gone",
        "header", "event", "place", "note", "alias",
        # truth of the derived fields: kind of text; (role, name, person) of each speaker
        # (from the title when the page has no speaker field); a RESEARCH entry or None
        "kind", "people", "research",
    )

    def __init__(self, **kw):
        for name in self.__slots__:
            setattr(self, name, kw.get(name))

    @property
    def url(self) -> str:
        """The gold URL: the canonical address on the real site."""
        return SITE + self.cid

    def info(self) -> dict:
        return {
            "id": self.cid, "index": self.index, "generation": self.generation,
            "path": self.path, "date": self.date.isoformat(), "title": self.title(),
            "status": "gone" if self.gone else "live", "gone_status": self.gone,
            "edits": self.edits, "chrome": self.chrome, "created": self.created,
            "changed": self.changed, "uuid": self.uuid, "alias": self.alias,
        }

    def title(self) -> str:
        return title_after_edits(self.base_title, self.generation, self.edits)


def title_after_edits(base: str, generation: str, edits: int) -> str:
    # Every third edit of a Drupal-era speech corrects its title; archive titles carry
    # the speaker and delivery, so their edits stay in the text.
    if generation == "archive":
        return base
    return base + " (Updated)" * ((edits + 1) // 3)


# ---------------------------------------------------------------------------- metadata

def _person(rnd: random.Random) -> str:
    return (
        f"{rnd.choice(vocab.FIRST_NAMES)} {rnd.choice(vocab.INITIALS)}. "
        f"{rnd.choice(vocab.LAST_NAMES)}"
    )


def _era(day: dt.date) -> int:
    era = 0
    for i, row in enumerate(vocab.ERAS):
        if day >= row[0]:
            era = i
    return era


def official(seed, day: dt.date, office: str) -> str:
    """The (fictional) holder of an office on a day: 'ag', 'dag', 'asg' or a division."""
    era = _era(day)
    if office in ("ag", "dag", "asg"):
        name = vocab.ERAS[era][("ag", "dag", "asg").index(office) + 1]
        role = {"ag": "Attorney General", "dag": "Deputy Attorney General",
                "asg": "Associate Attorney General"}[office]
        return f"{role} {name}"
    rnd = rng(seed, "official", era, office)
    role = vocab.DIVISION_ROLE.get(office, "Assistant Attorney General")
    roll = rnd.random()
    if role == "Assistant Attorney General" and roll < 0.15:
        role = "Acting Assistant Attorney General"
    return f"{role} {_person(rnd)}"


def _fill(template: str, rnd: random.Random, day: dt.date, topic: str | None = None) -> str:
    values = {
        "org": rnd.choice(vocab.ORGANISATIONS),
        "subject": rnd.choice(vocab.SUBJECTS),
        "committee": rnd.choice(vocab.COMMITTEES),
        "city": rnd.choice(vocab.CITIES),
        "ordinal": rnd.choice(vocab.ORDINALS),
        "meeting": rnd.choice(vocab.MEETINGS),
        "codename": rnd.choice(vocab.CODENAMES),
        "year": str(day.year),
        "number": str(rnd.choice((12, 27, 40, 65, 100, 150, 300, 1200))),
        "name": f"{rnd.choice(vocab.FIRST_NAMES)} {rnd.choice(vocab.LAST_NAMES)}",
        "topic": (topic or rnd.choice(vocab.SUBJECTS)).lower(),
    }
    # Nested patterns ({event} -> {action} -> {subject}) are filled in turn.
    values["action"] = rnd.choice(vocab.ACTIONS).format(**values)
    values["initiative"] = rnd.choice(vocab.INITIATIVES).format(**values)
    values["event"] = rnd.choice(vocab.EVENTS).format(**values)
    return template.format(**values)


def make_speech(seed, index: int, day: dt.date) -> Speech:
    """Metadata of speech `index` given on `day` (slug, path and cid set by the caller)."""
    rnd = rng(seed, "speech", index)
    generation = generation_of(day)
    created = epoch(day, 13 * 3600 + rnd.randrange(5 * 3600))
    changed = created if rnd.random() < 0.6 else created + rnd.randrange(3600, 40 * 86400)
    s = Speech(
        index=index, generation=generation, date=day, created=created, changed=changed,
        uuid=str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
        vuuid=str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
        edits=0, chrome=0, gone=0, alias=None, delivery_in_body=False, delivery_shown=None,
        header=None, event=None, place=None, note=None,
    )
    if generation == "archive":
        speaker = official(seed, day, "ag")
        opening, delivery = rnd.choice(vocab.ARCHIVE_OPENINGS)
        event = rnd.choice(vocab.ARCHIVE_EVENTS)
        s.base_title = f"{opening} {speaker} at the {event}"
        s.speakers, s.components, s.topics = (speaker,), (), ()
        s.delivery, s.location = delivery, None
        s.updated = None
        # Header layouts seen on real archive pages (visible-text-of-speech-pages.md).
        s.header = rnd.choice(("title-place-date", "title-event-place-date", "date-only",
                               "title-place-date", "title-date"))
        s.event = event if s.header == "title-event-place-date" else None
        s.place = rnd.choice(vocab.ARCHIVE_PLACES) if "place" in s.header else None
        s.location = s.place
        s.note = rnd.choice(vocab.ARCHIVE_NOTES) if (delivery and rnd.random() < 0.6) else None
        s.kind, s.people = "speech", (_truth_person(speaker),)
        return s

    roll = rnd.random()
    office = "ag" if roll < 0.45 else "dag" if roll < 0.65 else "asg" if roll < 0.7 else rnd.choice(vocab.DIVISIONS)
    speakers = [official(seed, day, office)]
    components = [vocab.COMPONENT_NAMES[office]]
    if rnd.random() < 0.06:  # a second speaker, from a division
        other = rnd.choice(vocab.DIVISIONS)
        if other != office:
            speakers.append(official(seed, day, other))
            components.append(vocab.COMPONENT_NAMES[other])
    elif rnd.random() < 0.08:  # a second component without its own speaker
        other = rnd.choice(vocab.DIVISIONS)
        if vocab.COMPONENT_NAMES[other] not in components:
            components.append(vocab.COMPONENT_NAMES[other])
    if rnd.random() < 0.04:  # some speeches have no speaker field
        speakers = []
    pool = vocab.TOPICS_BY_COMPONENT.get(office, ()) + vocab.GENERAL_TOPICS
    topics = rnd.sample(pool, rnd.choice((0, 1, 1, 2, 2, 3)))
    template, kind = rnd.choice(vocab.TITLES)
    first = speakers[0] if speakers else official(seed, day, office)
    s.base_title = _fill(template.replace("{sp}", first), rnd, day)
    if kind == "testimony":
        s.delivery = rnd.choice(("Testimony as prepared for delivery",) * 3 + (None,))
    else:
        s.delivery = rnd.choice(vocab.DELIVERIES[:2] * 3 + (None, None))
    if s.delivery:
        s.delivery_in_body = rnd.random() < 0.2
        s.delivery_shown = s.delivery + ("." if rnd.random() < 0.3 else "")
    roll = rnd.random()
    if roll < 0.5:
        s.location = vocab.LOCATIONS[0]
    elif roll < 0.8:
        s.location = rnd.choice(vocab.LOCATIONS[1:])
    elif roll < 0.85:
        s.location = rnd.choice(vocab.FOREIGN_LOCATIONS)
    elif roll < 0.9:
        s.location = ("", "", "United States")
    else:
        s.location = None
    s.speakers, s.components, s.topics = tuple(speakers), tuple(components), tuple(topics)
    s.updated = dt.datetime.fromtimestamp(changed, dt.timezone.utc).date()
    # Only the EVENTS pattern "a Press Conference Announcing ..." names one.
    s.kind = ("testimony" if kind == "testimony" else "press-conference"
              if "a Press Conference Announcing" in s.base_title else "speech")
    s.people = tuple(_truth_person(line) for line in (speakers or [first]))
    return s


def _truth_person(line: str) -> tuple[str, str, str]:
    """(role, name, person) of a generated official: the role is one of the generator's
    offices; generated officials are one person per full name."""
    role = next(r for r in vocab.OFFICE_ROLES if line.startswith(r + " "))
    name = line[len(role) + 1:]
    return role, name, name



def archive_file(seed, index: int, day: dt.date, event: str | None) -> str:
    """A file name like the real ones: MMDDYY + a few squeezed words + .htm."""
    rnd = rng(seed, "file", index)
    words = [w for w in re.sub(r"[^a-z ]", "", (event or "remarks").lower()).split()
             if w not in _SLUG_STOP]
    tag = "".join(words[: rnd.choice((1, 2, 3))])
    tag = rnd.choice(("", "ag", "agremarks")) + tag + rnd.choice(("", "", "remarks", "final"))
    return f"{day:%m%d%y}{tag}.htm"


# ---------------------------------------------------------------------------- content

def _sentence(rnd, day, topic):
    return _fill(rnd.choice(vocab.SENTENCES), rnd, day, topic)


def _paragraph(rnd, day, topic, first=False):
    if first and rnd.random() < 0.4:  # a short opener ("Good morning.")
        return rnd.choice(vocab.OPENERS)
    templates = rnd.sample(vocab.SENTENCES, rnd.choice((1, 2, 2, 3, 3, 4, 5)))
    return " ".join(_fill(t, rnd, day, topic) for t in templates)


def _fmt(rnd, generation) -> tuple:
    flags = []
    if rnd.random() < 0.25:
        flags.append("nbsp")
    if rnd.random() < 0.12:
        flags.append("newline")
    if generation != "archive" and rnd.random() < 0.15:
        flags.append("inline")
    if rnd.random() < (0.3 if generation != "current" else 0.1):
        flags.append("entities")
    return tuple(flags)


@lru_cache(maxsize=4096)
def content(seed, index: int, generation: str, date: dt.date, delivery_shown: str | None,
            delivery_in_body: bool, speaker: str, edits: int) -> tuple:
    """The body blocks of a speech after `edits` edits (a tuple; cached)."""
    rnd = rng(seed, "body", index)
    topic = rnd.choice(vocab.SUBJECTS)
    archive = generation == "archive"
    blocks = []
    if delivery_in_body and delivery_shown:
        blocks.append(("delivery", delivery_shown))
    if not archive and rnd.random() < 0.06:
        blocks.append(("video", "".join(rnd.choice("abcdefghijkLMNOPQ0123456789_") for _ in range(11))))
    if not archive and rnd.random() < 0.1:
        caption = _fill(rnd.choice(vocab.CAPTIONS).replace("{speaker}", speaker or "The speaker"), rnd, date)
        blocks.append(("figure", caption, f"/d9/{date.year}-{date.month:02d}/photo-{index}.jpg"))
    n = rnd.randint(1, 12)
    i = 0
    while i < n:
        roll = rnd.random()
        text = _paragraph(rnd, date, topic, first=(i == 0 and n > 2))
        if archive:
            if roll < 0.05 and i + 1 < n:
                blocks.append(("br", (text, _paragraph(rnd, date, topic)), rnd.random() < 0.7))
                i += 2
                continue
            blocks.append(("p", text, _fmt(rnd, generation)))
            i += 1
            continue
        if roll < 0.1 and i + 1 < n:
            k = min(n - i, rnd.choice((2, 3, 4)))
            texts = (text,) + tuple(_paragraph(rnd, date, topic) for _ in range(k - 1))
            blocks.append(("br", texts, rnd.random() < 0.8))
            i += k
            continue
        if roll < 0.15:
            blocks.append(("h3", _fill(rnd.choice(vocab.SUBHEADINGS), rnd, date, topic), rnd.random() < 0.5))
        elif roll < 0.19:
            blocks.append(("quote", _sentence(rnd, date, topic), rnd.random() < 0.6))
        elif roll < 0.23:
            items = sorted(rnd.sample(vocab.LIST_ITEMS, rnd.randint(2, len(vocab.LIST_ITEMS))), key=vocab.LIST_ITEMS.index)
            blocks.append(("list", tuple(_fill(t, rnd, date, topic) for t in items), rnd.random() < 0.3))
        elif roll < 0.26:
            blocks.append(("heading", _fill(rnd.choice(vocab.SUBHEADINGS), rnd, date, topic).upper() + ":"))
        elif roll < 0.31:
            blocks.append(("empty",))
        elif roll < 0.33:
            blocks.append(("image", f"/d9/{date.year}-{date.month:02d}/image-{index}-{i}.jpg"))
        kind = "div" if generation == "drupal7" and rnd.random() < 0.2 else "p"
        blocks.append((kind, text, _fmt(rnd, generation)))
        i += 1
    if not archive and rnd.random() < 0.05:
        blocks = [("wrap", tuple(blocks))]
    if rnd.random() < (0.5 if archive else 0.35):
        blocks.append(("endmark", rnd.choice(("center-style", "center-align"))))
    for k in range(1, edits + 1):
        blocks = _edit(blocks, rng(seed, "edit", index, k), date, topic, k)
    return tuple(blocks)


_TEXT_BLOCKS = ("p", "div", "br", "h3", "quote", "list", "heading", "stage", "lead")


def _edit(blocks, rnd, date, topic, k):
    """One content edit: a sentence added to a paragraph, or a paragraph added after
    the last text (never after the end mark).

    (Every third edit also changes the title of a Drupal-era speech: see Speech.title.)
    """
    blocks = list(blocks)
    if blocks[0][0] == "wrap":  # the whole text sits in a WordSection wrapper
        blocks[0] = ("wrap", tuple(_edit(blocks[0][1], rnd, date, topic, k)))
        return blocks
    paragraphs = [i for i, b in enumerate(blocks) if b[0] in ("p", "div")]
    sentence = f"[Edited {k}] " + _sentence(rnd, date, topic)
    if paragraphs and rnd.random() < 0.7:
        at = rnd.choice(paragraphs)
        kind, text, fmt = blocks[at]
        blocks[at] = (kind, f"{text} {sentence}", fmt)
    else:
        texts = [i for i, b in enumerate(blocks) if b[0] in _TEXT_BLOCKS]
        blocks.insert(texts[-1] + 1 if texts else len(blocks), ("p", sentence, ()))
    return blocks


def paragraphs_of(blocks) -> list[str]:
    out = []
    for block in blocks:
        kind = block[0]
        if kind in ("p", "div", "h3", "quote", "heading", "pointer", "stage", "lead"):
            out.append(block[1])
        elif kind in ("br", "list"):
            out.extend(block[1])
        elif kind == "wrap":
            out.extend(paragraphs_of(block[1]))
    return out


# ---------------------------------------------------------------------------- HTML

_ENTITIES = {"’": "&rsquo;", "‘": "&lsquo;", "“": "&ldquo;", "”": "&rdquo;", "–": "&ndash;",
             "—": "&mdash;", "…": "&#8230;"}
_SENTENCE_END = re.compile(r"([.?!]”?) (?=[A-Z“\[])")


def inline_html(text: str, fmt: tuple, salt) -> str:
    """HTML of a text whose visible, whitespace-collapsed form is exactly `text`."""
    out = html.escape(text, quote=False)
    if not fmt:
        return out
    rnd = random.Random(f"{salt}/{text}")
    if "entities" in fmt:
        for char, ref in _ENTITIES.items():
            out = out.replace(char, ref if rnd.random() < 0.8 else f"&#{ord(char)};")
    if "inline" in fmt:
        words = out.split(" ")
        plain = [i for i, w in enumerate(words) if re.fullmatch(r"[A-Za-z]{3,}", w)]
        if plain:
            i = rnd.choice(plain)
            tag = rnd.choice(("em", "strong", "a"))
            words[i] = (f'<a href="/opa">{words[i]}</a>' if tag == "a" else f"<{tag}>{words[i]}</{tag}>")
            out = " ".join(words)
    if "nbsp" in fmt:
        out = _SENTENCE_END.sub(r"\1&nbsp; ", out)
    if "newline" in fmt and " " in out:
        spaces = [m.start() for m in re.finditer(" ", out)]
        at = spaces[len(spaces) // 2]
        out = out[:at] + "\n" + out[at + 1:]
    return out


def body_html(blocks, generation: str, salt) -> str:
    parts = []
    font = generation == "archive" and zlib.crc32(str(salt).encode()) % 3 == 0
    for n, block in enumerate(blocks):
        kind = block[0]
        s = f"{salt}/{n}"
        if kind == "p":
            inner = inline_html(block[1], block[2], s)
            if font:
                inner = f'<font face="Arial, Helvetica, sans-serif" size="2">{inner}</font>'
            parts.append(f"<p>{inner}</p>")
        elif kind == "div":
            parts.append(f"<div>{inline_html(block[1], block[2], s)}</div>")
        elif kind in ("stage", "lead"):  # paragraphs like any other; their role is truth
            parts.append(f"<p>{html.escape(block[1], quote=False)}</p>")
        elif kind == "br":
            sep = "<br>\n<br>\n" if block[2] else "<br>\n"
            parts.append("<p>" + sep.join(inline_html(t, (), s) for t in block[1]) + "</p>")
        elif kind == "h3":
            inner = html.escape(block[1], quote=False)
            parts.append(f"<h3><strong>{inner}</strong></h3>" if block[2] else f"<h3>{inner}</h3>")
        elif kind == "quote":
            inner = inline_html(block[1], (), s)
            parts.append(f"<blockquote><p>{inner}</p></blockquote>" if block[2] else f"<blockquote>{inner}</blockquote>")
        elif kind == "list":
            tag = "ol" if block[2] else "ul"
            items = "".join(f"<li>{html.escape(t, quote=False)}</li>\n" for t in block[1])
            parts.append(f"<{tag}>\n{items}</{tag}>")
        elif kind == "heading":
            parts.append(f"<p><strong><u>{html.escape(block[1], quote=False)}</u></strong></p>")
        elif kind == "delivery":
            shown = html.escape(block[1], quote=False)
            parts.append(f"<p><em>{shown}</em></p>" if zlib.crc32(s.encode()) % 2 else f"<p>{shown}</p>")
        elif kind == "empty":
            parts.append("<p>&nbsp;</p>")
        elif kind == "figure":
            parts.append(
                '<figure role="group" class="caption caption-img align-center">'
                f'<img alt="" src="{block[2]}" width="600">'
                f"<figcaption>{html.escape(block[1], quote=False)}</figcaption></figure>"
            )
        elif kind == "image":
            parts.append(f'<p><img alt="" src="{block[1]}" style="width: 600px;"></p>')
        elif kind == "video":
            parts.append(
                f'<p><iframe width="560" height="315" src="https://www.youtube.com/embed/{block[1]}" '
                'title="YouTube video player" frameborder="0" allowfullscreen></iframe></p>'
            )
        elif kind == "endmark":
            parts.append('<p style="text-align: center;">###</p>' if block[1] == "center-style"
                         else '<p align="center">###</p>')
        elif kind == "wrap":
            parts.append('<div class="WordSection1">\n' + body_html(block[1], generation, s) + "\n</div>")
        elif kind == "pointer":  # the whole body points to the PDF (a real API body)
            head, _, tail = block[1].rpartition(" see the ")
            link = tail.rstrip(".")
            parts.append(f'<p>{html.escape(head)} see the <a href="{block[2]}">{html.escape(link)}</a>.</p>')
    return "\n".join(parts)


# ---------------------------------------------------------------------------- files

# A real speeches-API body, word for word: the speech itself is only in the PDF.
POINTER_TEXT = "Plain text version of this testimony is not available, see the text accessible PDF version."


def file_path(s: Speech) -> str:
    return f"/opa/file/{1_000_000 + s.index}/download"


def has_attachment(s: Speech, title: str) -> bool:
    """Written testimony on the current site comes with its PDF, linked from the page."""
    return (s.generation == "current" and s.index % 3 == 0
            and (" Testifies " in title or title.startswith("Statement of")))


def pointer_only(s: Speech, title: str) -> bool:
    """Half of those have no text on the page, only a pointer to the PDF."""
    return has_attachment(s, title) and s.index % 2 == 0 and not s.delivery_in_body


def api_attachment(s: Speech) -> bool:
    """Some Drupal-era testimony has a PDF only its API record lists (`attachment`)."""
    return (s.generation == "drupal7" and s.index % 3 == 0
            and (" Testifies " in s.base_title or s.base_title.startswith("Statement of")))


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def current_article(s: Speech, title: str, body: str, updated: dt.date) -> str:
    canonical = s.url
    out = [
        '<article role="article" class="content-type-speech">\n<div class="layout layout--onecol ">\n'
        '<div class="layout__region">\n'
        '<div class="block block- block-layout-builder block-field-blocknodespeechtitle bg-full-width block-field-title">\n'
        '            <h1 class="block-heading">\n'
        f'<span class="field-formatter--string">{_esc(title)}</span>\n</h1>\n  </div>\n'
        '<div class="node-share display-none tablet-lg:display-block"><div><div class="usdoj-sharing">'
        '<button type="button" class="usdoj-sharing-toggle" aria-label="Share" aria-expanded="false" '
        'aria-controls="sharing-links"><span class="toggle-text">Share</span></button>\n'
        f'<ul style="display:none;" id="sharing-links"><li><a href="http://www.facebook.com/sharer/sharer.php?u={canonical}" title="Share on Facebook">Facebook</a></li>'
        f'<li><a href="http://twitter.com/intent/tweet?url={canonical}" title="Share on Twitter">Twitter</a></li>'
        f'<li><a href="mailto:?subject=Speech&amp;body={canonical}" title="Share by Email">Email</a></li></ul></div></div></div>\n'
        '<div class="node-type-label">Speech</div>\n'
        '<div class="block block- block-layout-builder block-field-blocknodespeechfield-date bg-full-width">\n'
        f'  <div class="node-date"><time datetime="{s.date.isoformat()}T12:00:00Z">{long_date(s.date)}</time></div>\n'
        "</div>\n"
    ]
    if s.location:
        locality, area, country = s.location
        parts = []
        if locality:
            parts.append(f'<span class="locality">{_esc(locality)}</span>')
        if area:
            parts.append(f'<span class="administrative-area">{_esc(area)}</span>')
        line = ", ".join(parts)
        address = (line + "<br>\n" if line else "") + f'<span class="country">{_esc(country)}</span>'
        out.append(
            '<div class="block block- block-layout-builder block-field-blocknodespeechfield-location bg-full-width">\n'
            '  <div class="field_location">\n    <div class="field-label">Location</div>\n'
            f'    <p class="address" translate="no">{address}</p>\n  </div>\n</div>\n'
        )
    if s.delivery and not s.delivery_in_body:
        out.append(
            '<div class="block block- block-layout-builder block-field-blocknodespeechfield-speech-type bg-full-width">\n'
            f'  <div class="field_speech_type">{_esc(s.delivery_shown)}</div>\n</div>\n'
        )
    out.append(
        '<div class="block block- block-layout-builder block-field-blocknodespeechbody bg-full-width">\n'
        '  <div class="field-formatter--text-default field-text-format--wysiwyg text-formatted field_body">\n'
        f"{body}\n  </div>\n</div>\n"
    )
    if has_attachment(s, title):
        # written testimony comes with a PDF (as on current-delrahim-house-2017.html)
        out.append('<div class="block block-field-blocknodespeechfield-attachment"><div class="node-attachments">\n'
                   '<div class="field-label">Attachment(s): </div><div class="downloadable">'
                   f'<a href="{file_path(s)}">Download testimony.pdf</a></div></div></div>\n')
    if s.speakers:
        items = "".join(f'<div class="field-item">{_esc(p)}</div>' for p in s.speakers)
        out.append('<div class="block block-field-blocknodespeechfield-speaker"><div class="field_speaker">'
                   f'<div class="field-label">Speaker</div>{items}</div></div>\n')
    if s.topics:
        items = "".join(f'<li><a href="/topics/{slugify(t)}">{_esc(t)}</a></li>' for t in s.topics)
        out.append('<div class="block block-field-blocknodespeechfield-pr-topic"><div class="node-topics">'
                   f'<div class="field-label">Topics</div><ul>{items}</ul></div></div>\n')
    items = "".join(f'<div class="field-item"><a href="/{component_slug(c)}">{_esc(c)}</a></div>' for c in s.components)
    out.append('<div class="block block-field-blocknodespeechfield-pr-component"><div class="field_component">'
               f'<div class="field-label">Component</div>{items}</div></div>\n')
    out.append(f'<div class="block"><div class="node-updated-date">Updated {month_date(updated)}</div></div>\n'
               "</div>\n</div>\n</article>")
    return "".join(out)


def drupal7_article(s: Speech, title: str, body: str, updated: dt.date) -> str:
    out = [
        f'<h1 id="node-title">{_esc(title)}</h1>\n\n\t\t\t\t\t\t<div class="justice-news-header">Justice News</div>\n'
        f'<article about="{s.cid}" typeof="sioc:Item foaf:Document" class="node node--speech node--full node--speech--full">\n'
        f'<header><span property="dc:title" content="{_esc(title)}" class="rdf-meta element-hidden"></span></header>\n'
        '<div class="node__content">\n'
    ]
    if s.location:
        locality, area, country = s.location
        code = vocab.COUNTRY_CODES.get(country, "US")
        parts = []
        if locality:
            parts.append(f'<span class="locality">{_esc(locality)}</span>')
        if area:
            parts.append(f'<span class="state">{_esc(area)}</span>')
        out.append(
            '<div class="field field--name-field-speech-location field--type-addressfield field--label-hidden">'
            '<div class="field__items"><div class="field__item even"><div class="street-block"></div>\n'
            f'<div class="addressfield-container-inline locality-block country-{code}">{", ".join(parts)}</div>\n'
            f'<span class="country">{_esc(country)}</span></div></div></div>\n'
        )
    out.append(
        '<div class="field field--name-field-pr-date field--type-datetime field--label-hidden"><div class="field__items">'
        '<div class="field__item even"><span class="date-display-single" property="dc:date" datatype="xsd:dateTime" '
        f'content="{eastern_midnight(s.date)}">{long_date(s.date)}</span></div></div></div>\n'
    )
    if s.delivery and not s.delivery_in_body:
        out.append(
            '<div class="field field--name-field-speech-type field--type-text field--label-hidden"><div class="field__items">'
            f'<div class="field__item even">{_esc(s.delivery_shown)}</div></div></div>\n'
        )
    out.append(
        '<div class="field field--name-field-pr-body field--type-text-long field--label-hidden"><div class="field__items">'
        f'<div class="field__item even">\n{body}\n</div></div></div>\n'
    )
    if s.speakers:
        items = "".join(f'<div class="field__item {("even", "odd")[i % 2]}">{_esc(p)}</div>' for i, p in enumerate(s.speakers))
        out.append('<div class="field field--name-field-speech-speaker field--type-text field--label-above">'
                   f'<div class="field__label">Speaker:&nbsp;</div><div class="field__items">{items}</div></div>\n')
    if s.topics:
        items = "".join(f'<div class="field__item">{_esc(t)}</div>' for t in s.topics)
        out.append('<div class="field field--name-field-pr-topic field--type-taxonomy-term-reference field--label-above">'
                   f'<div class="field__label">Topic(s):&nbsp;</div><div class="field__items">{items}</div></div>\n')
    items = "".join(f'<div class="field__item"><a href="/{component_slug(c)}">{_esc(c)}</a></div>' for c in s.components)
    out.append('<div class="field field--name-field-pr-component field--type-taxonomy-term-reference field--label-above">'
               f'<div class="field__label">Component(s):&nbsp;</div><div class="field__items">{items}</div></div>\n')
    out.append(f'</div>\n<div class="node__updated">Updated {month_date(updated)}</div>\n</article>')
    return "".join(out)


def shift_date(s: Speech, article: str) -> str:
    """The article with its date slot showing another day (1-27 days later): the
    markup a witness check must catch ("altered" markup)."""
    other = s.date + dt.timedelta(days=1 + s.index % 27)
    for old, new in ((long_date(s.date), long_date(other)),
                     (f'datetime="{s.date.isoformat()}', f'datetime="{other.isoformat()}'),
                     (f'content="{eastern_midnight(s.date)}"', f'content="{eastern_midnight(other)}"')):
        article = article.replace(old, new, 1)
    return article


def archive_main(s: Speech, title: str, body: str) -> str:
    day = s.date
    if s.header == "date-only":
        header = f"{day:%A}, {day:%B} {day.day}, {day.year}".upper()
    else:
        lines = [html.escape(title, quote=False)]
        if s.event:
            lines.append(html.escape(s.event, quote=False))
        if s.place:
            lines.append(html.escape(s.place, quote=False))
        lines.append(month_date(day))
        header = "<br>\n".join(lines)
    out = f'<p align="center"><b>{header}</b></p>\n'
    if s.note:
        out += f'<p align="center">{html.escape(s.note, quote=False)}</p>\n'
    return out + body + "\n"


_COMPONENT_SLUGS = {name: slug for slug, name in vocab.COMPONENTS}


def component_slug(name: str) -> str:
    return _COMPONENT_SLUGS.get(name, slugify(name))


# ---------------------------------------------------------------------------- gold

def gold_record(s: Speech, blocks, title: str) -> dict:
    """What a perfect extractor returns for the page (keys of eval/*.expected.json)."""
    paragraphs = paragraphs_of(blocks)
    location = None
    if s.generation == "archive":
        location = s.place
    elif s.location:
        location = ", ".join(part for part in s.location if part)
    return {
        "url": s.url,
        "generation": s.generation,
        "title": " ".join(title.split()),
        "date": s.date.isoformat(),
        "location": location,
        "delivery": s.delivery,
        "speakers": list(s.speakers),
        "components": list(s.components),
        "topics": list(s.topics),
        "updated": s.updated.isoformat() if s.updated else None,
        "paragraphs": paragraphs,
        "text": "\n\n".join(paragraphs),
    }

