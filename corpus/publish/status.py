"""Each speech's status in time: its live, gone and moved spells, from the fetches.

The spells follow the store's own rules (corpus/store/pages.py), replayed fetch by
fetch: a fetch that finds the page makes it live; a 404/410 or soft 404 makes a live
speech gone (a moved one stays moved); a redirect to another speech makes it moved,
pointing there. A speech known only from the Internet Archive has a live spell over its
captures (source `archive`) and a gone spell from when the corpus recorded it.
"""

from __future__ import annotations

from corpus.outcomes import LIVE_OUTCOMES, Outcome, sql_in
from corpus.urls import canonical_id

_FETCHES = f"""
SELECT speech_id, fetched_at, outcome, url FROM fetches
WHERE speech_id IS NOT NULL AND (:t IS NULL OR fetched_at <= :t)
  AND outcome IN {sql_in(LIVE_OUTCOMES + (Outcome.GONE, Outcome.MOVED))}
ORDER BY speech_id, id
"""
_ARCHIVE_ONLY = """
SELECT s.id, s.gone_since, min(c.captured_at) AS first, max(c.captured_at) AS last
FROM speeches s JOIN captures c ON c.speech_id = s.id
WHERE s.source = 'archive' AND (:t IS NULL OR c.recorded_at <= :t)
GROUP BY s.id ORDER BY s.id
"""


def history(corpus, moment: str | None) -> dict[str, dict]:
    """{speech_id: {status, last_seen, gone_since, moved_to, spells}} as of `moment`
    (now when None); spells are speech_status rows, oldest first."""
    states: dict[str, dict] = {}
    for sid, at, outcome, url in corpus.execute(_FETCHES, {"t": moment}):
        state = states.get(sid)
        if state is None:
            if outcome not in LIVE_OUTCOMES:
                continue  # a 404 for a speech never seen: no speech
            state = states[sid] = {"status": None, "last_seen": None, "gone_since": None,
                                   "moved_to": None, "spells": []}
        _step(state, sid, at, outcome, url)
    for row in corpus.query(_ARCHIVE_ONLY, {"t": moment}):
        if row["id"] in states:
            continue
        spells = [_spell(row["id"], "live", row["first"], row["last"], "archive")]
        if row["gone_since"] and (moment is None or row["gone_since"] <= moment):
            spells.append(_spell(row["id"], "gone", row["gone_since"], None, "archive"))
        states[row["id"]] = {"status": spells[-1]["status"], "last_seen": None,
                             "gone_since": row["gone_since"] if len(spells) > 1 else None,
                             "moved_to": None, "spells": spells}
    return states


def _step(state: dict, sid: str, at: str, outcome: str, url: str) -> None:
    if outcome in LIVE_OUTCOMES:
        state["last_seen"] = at
        new, state["gone_since"], state["moved_to"] = "live", None, None
    elif outcome == Outcome.MOVED:
        new, state["moved_to"] = "moved", canonical_id(url)
        state["gone_since"] = state["gone_since"] or at
    elif state["status"] == "live":
        new, state["gone_since"] = "gone", at
    else:
        return  # gone again, or a moved speech's old URL now 404s: no change
    if new == state["status"]:
        return
    if state["spells"]:
        state["spells"][-1]["status_until"] = at
    state["spells"].append(_spell(sid, new, at, None, "crawl"))
    state["status"] = new


def _spell(sid: str, status: str, start: str, until: str | None, source: str) -> dict:
    return {"speech_id": sid, "status": status, "status_from": start,
            "status_until": until, "source": source}
