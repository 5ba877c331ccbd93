"""Timestamps of the corpus: ISO 8601 UTC, fixed width, so text order is time order."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from corpus.errors import UserError

FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def utc_now() -> str:
    return format_moment(datetime.now(timezone.utc))


def format_moment(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(FORMAT)


def parse_date(value: str | date, what: str = "date") -> str:
    """A calendar date `YYYY-MM-DD`, validated; returned as that string.

    `what` names the value in the error; for a command's option use `option_date`, so
    every command words a bad date the same way.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    text = str(value).strip()
    try:
        if not _DATE.match(text):
            raise ValueError
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UserError(f"bad {what}: {value!r} (expected YYYY-MM-DD)") from None


def option_date(value: str | date | None, option: str) -> str | None:
    """The date given to a command option (`--since`): None stays None; a bad one is
    "bad --since date: '2020' (expected YYYY-MM-DD)", the one wording of every command."""
    if value is None:
        return None
    return parse_date(value, f"{option} date")


def parse_moment(value: str | date | datetime) -> str:
    """The corpus timestamp for an as-of moment.

    A bare date means the end of that day (UTC): everything recorded on it is included.
    A date-time without zone is taken as UTC.
    """
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return format_moment(datetime.combine(value, time.max))
    text = str(value).strip()
    if _DATE.match(text):
        day = date.fromisoformat(parse_date(text, "as-of date"))
        return format_moment(datetime.combine(day, time.max))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UserError(
            f"bad as-of moment: {value!r} (expected YYYY-MM-DD or an ISO 8601 date-time)"
        ) from None
    return format_moment(moment)


def later(moment: str, previous: str | None) -> str:
    """`moment`, or just after `previous` when the clock did not move forward (or went back)."""
    if previous is None or moment > previous:
        return moment
    then = datetime.strptime(previous, FORMAT) + timedelta(microseconds=1)
    return then.strftime(FORMAT)
