"""The application's one clock: the present instant in UTC, and the date it is in an organisation's time zone.

Every "now" and "today" of the register reads this module, so that a test (or a whole test run) can set the
time once for all of them. Set, the clock either stands still or starts at the given instant and advances with
real time ("ticking"), for code that needs time to pass (rate-limit windows, session ages).
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# None: real time. Otherwise (instant set, time.monotonic() when set, or None when the clock stands still).
_setting: tuple[datetime, float | None] | None = None


def now() -> datetime:
    """The present instant, timezone-aware in UTC, to the second (what the database stores)."""
    setting = _setting
    if setting is None:
        moment = datetime.now(UTC)
    else:
        at, started = setting
        moment = at if started is None else at + timedelta(seconds=time.monotonic() - started)
    return moment.replace(microsecond=0)


def today(tz: str) -> date:
    """The date it is now in the time zone `tz` (an IANA name such as "Europe/Paris")."""
    return now().astimezone(ZoneInfo(tz)).date()


def set_now(at: datetime, ticking: bool = True) -> None:
    """Set the clock to `at` (timezone-aware); ticking, it then advances with real time, otherwise it stands still."""
    global _setting
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime refused: give the instant with its UTC offset")
    _setting = (at.astimezone(UTC), time.monotonic() if ticking else None)


def reset() -> None:
    """Back to real time."""
    global _setting
    _setting = None


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """The clock stands still at `at` inside the block, then is as it was before (set, ticking or real)."""
    global _setting
    previous = _setting
    set_now(at, ticking=False)
    try:
        yield
    finally:
        _setting = previous
