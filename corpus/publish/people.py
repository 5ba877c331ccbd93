"""Release tables of people: `speech_speakers` (who spoke in each speech, as the version
the release holds) and `people` (each person's spellings and roles over time).

Both come from the derived fields of the released records (speaker_names,
speaker_roles, person_ids); nothing is derived again here.
"""

from __future__ import annotations

from collections.abc import Iterator

from corpus.store import Corpus


def speech_speakers(records) -> Iterator[dict]:
    """One row per speaker of each record, in speech and page order."""
    for record in records:
        stated = list(record.get("speakers") or [])
        people = zip(record.get("person_ids") or [], record.get("speaker_names") or [],
                     record.get("speaker_roles") or [])
        for position, (pid, name, role) in enumerate(people, start=1):
            # A speaker taken from the title: its words there are the role and name.
            line = stated[position - 1] if position <= len(stated) else f"{role} {name}".strip()
            yield {"speech_id": record["id"], "position": position, "person_id": pid or None,
                   "name": name, "role": role, "as_stated": line,
                   "date": record.get("date")}


def speaker_rows(corpus: Corpus, moment: str | None, ids=None) -> Iterator[dict]:
    """Who spoke in each released speech (`ids`: those of a filtered export)."""
    records = corpus.records(as_of=moment)
    return speech_speakers(r for r in records if ids is None or r["id"] in ids)


def people_rows(corpus: Corpus, moment: str | None, ids=None) -> Iterator[dict]:
    """One row per person of the released speeches, by person id."""
    people: dict[str, dict] = {}
    for row in speaker_rows(corpus, moment, ids):
        if row["person_id"] is None:  # a line naming an office only
            continue
        person = people.setdefault(row["person_id"], {"variants": [], "roles": {}})
        if row["name"] not in person["variants"]:
            person["variants"].append(row["name"])
        if row["role"] and row["date"]:
            first, last = person["roles"].get(row["role"], (row["date"], row["date"]))
            person["roles"][row["role"]] = (min(first, row["date"]), max(last, row["date"]))
    for pid in sorted(people):
        person = people[pid]
        variants = sorted(person["variants"])
        roles = sorted(person["roles"].items(), key=lambda item: (item[1], item[0]))
        yield {"person_id": pid, "name": max(variants, key=lambda v: (len(v.split()), len(v))),
               "variants": variants, "roles": [role for role, _ in roles],
               "role_first_dates": [dates[0] for _, dates in roles],
               "role_last_dates": [dates[1] for _, dates in roles]}
