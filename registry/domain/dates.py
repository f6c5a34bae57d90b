"""Date ranges as a person means them: from the earlier date to the later one, whichever was given first."""

from datetime import date


def ordered_range(start: date, end: date) -> tuple[date, date, bool]:
    """(earlier, later, swapped): `swapped` is True when the two dates were given in reverse order."""
    return (end, start, True) if end < start else (start, end, False)
