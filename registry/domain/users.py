"""When a login session ends: its idle and absolute lifetimes (Art. 32(1)(b): ongoing confidentiality of access)."""

from datetime import datetime, timedelta


def session_expiry(created_at: datetime, last_seen_at: datetime, now: datetime, idle: timedelta,
                   absolute: timedelta) -> str | None:
    """Why a session opened at `created_at` and last used at `last_seen_at` has ended at `now`, or None if live.

    "absolute" once `absolute` has passed since the login, whatever the use; "idle" once `idle` has passed
    without a request. A session dated in the future (a clock moved back, a forged row) counts as ended.
    """
    if created_at > now or now - created_at >= absolute:
        return "absolute"
    if now - last_seen_at >= idle:
        return "idle"
    return None
