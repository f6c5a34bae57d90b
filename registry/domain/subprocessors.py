"""Rules on sub-processors: DPA, processing locations outside the EEA, retired but still used (Arts. 28, 44)."""

from dataclasses import dataclass, field
from datetime import date

from registry import reference
from registry.domain.flags import Flag, flag
from registry.domain.transfers import is_restricted_transfer, needs_safeguards


@dataclass(frozen=True)
class SubProcessorFacts:
    seat_country: str | None
    status: str
    dpa_signed_on: date | None
    location_countries: tuple[str, ...] = ()
    covered_destinations: frozenset[str] = field(default_factory=frozenset)  # countries with a covering transfer
    recorded_destinations: frozenset[str] = field(default_factory=frozenset)  # countries with any transfer recorded
    active_activities_using: int = 0
    # Art. 28(4): the breach delay its contract gives it, and the shortest one promised to a client whose
    # active activity uses it (with that client's name).
    breach_notice_hours: int | None = None
    promised_breach_hours: int | None = None
    promised_to: str | None = None


def non_eea_locations(countries: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({c for c in countries if is_restricted_transfer(c)}))


def subprocessor_flags(sp: SubProcessorFacts, on: date) -> list[Flag]:
    """Flags of one sub-processor on a date."""
    out: list[Flag] = []
    if sp.dpa_signed_on is None and sp.status != "retired":
        out.append(flag("no_dpa", "Art. 28(3); Art. 28(4)", "dpa_signed_on"))
    if not sp.location_countries and sp.status != "retired":
        out.append(flag("no_processing_location", "Art. 30(1)(e); Art. 30(2)(c)", "locations", "warning"))
    for country in non_eea_locations(sp.location_countries):
        if country in sp.covered_destinations:
            continue
        if needs_safeguards(country, on):
            out.append(flag("location_needs_safeguards", "Art. 44; Art. 46(1)", "locations", country=country))
        elif country not in sp.recorded_destinations:
            out.append(flag("location_transfer_not_recorded", "Art. 30(1)(e); Art. 30(2)(c)", "locations", "warning",
                            country=country))
    if sp.status == "retired" and sp.active_activities_using:
        out.append(flag("retired_still_used", "Art. 28(2)", "status", "risk", count=sp.active_activities_using))
    if (sp.status != "retired" and sp.breach_notice_hours is not None and sp.promised_breach_hours is not None
            and sp.breach_notice_hours >= sp.promised_breach_hours):
        # It may report a breach to us no sooner than we must report it to the client: nothing left to pass it on.
        out.append(flag("breach_delay_exceeds_promise", "Art. 28(4); Art. 33(2)", "breach_notice_hours", "risk",
                        hours=sp.breach_notice_hours, promised=sp.promised_breach_hours, client=sp.promised_to or ""))
    # An EEA seat does not keep data in the EEA (Google Ireland, data reaching the US): the warning names each
    # location outside it until a transfer that satisfies Chapter V is recorded for it, then has nothing to add.
    uncovered = [c for c in non_eea_locations(sp.location_countries) if c not in sp.covered_destinations]
    if reference.is_eea(sp.seat_country) and uncovered:
        out.append(flag("eea_seat_non_eea_processing", "Art. 44", "locations", "warning", countries=", ".join(uncovered)))
    return out
