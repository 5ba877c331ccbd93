"""`report`: the corpus, or one crawl, as one self-contained static HTML page.

`build_report(corpus, ...)` is a pure read of the database: `queries.gather` reads the
figures into plain dicts (aggregated in SQL), `render.render` writes them through Jinja2
templates (templates/, autoescape on everywhere) with inline CSS (templates/report.css)
and an inline SVG chart (chart.py's geometry, chart.svg.j2). No JavaScript, no fonts,
nothing fetched; a Content-Security-Policy says so to the browser too.

Sections (stable ids, so tests and readers can find them): `#summary`, `#per-month`
(an `<svg>` with one `rect.bar` per month with speeches), `#per-year`, `#per-component`,
`#crawls`, `#changed`; for a crawl report also `#added` and `#problems`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from corpus.errors import UserError
from corpus.views.report.queries import gather
from corpus.views.report.render import chart_svg, diff_html, render

__all__ = ["build_report", "write_report", "gather", "render", "chart_svg", "diff_html"]


def build_report(corpus, *, crawl_id: int | None = None, changed: int = 20, crawls: int = 10,
                 generated_at: str | None = None) -> str:
    """The report page for the whole corpus (with its last `crawls` runs) or one run."""
    data = gather(corpus, crawl_id=crawl_id, changed=changed, crawls=crawls)
    return render(data, changed=changed, generated_at=generated_at)


def write_report(html: str, out) -> Path:
    """Write atomically (a temporary file beside it, then rename); UserError if we cannot."""
    out = Path(out)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(html)
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out
