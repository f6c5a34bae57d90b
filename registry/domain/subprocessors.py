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


# The sub-processor chain (Art. 28(2), 28(4); EDPB Opinion 22/2024): every hop, at every level, known and current.
OPINION = "EDPB Opinion 22/2024"


def would_cycle(parents: dict[int, int | None], node: int | None, new_parent: int | None) -> bool:
    """Whether hanging `node` under `new_parent` closes a loop in the chain (`parents`: id -> id of the hop above).

    A hop cannot be its own sub-processor, directly or through others; a loop already in `parents` counts too.
    """
    seen: set[int] = set()
    current = new_parent
    while current is not None:
        if current == node or current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def hops_up(parents: dict[int, int | None], node: int) -> list[int]:
    """`node`, then the hop that engages it, and so on up to the first level (a loop in `parents` stops the walk)."""
    hops, current = [node], parents.get(node)
    while current is not None and current not in hops:
        hops.append(current)
        current = parents.get(current)
    return hops


def chain_level(parents: dict[int, int | None], node: int) -> int:
    """1 for a sub-processor the organisation engages itself, 2 for one engaged by it, and so on."""
    return len(hops_up(parents, node))


def chain_order(parents: dict[int, int | None], key: dict[int, object]) -> list[tuple[int, int]]:
    """Every hop as (id, level), each followed by the hops below it, siblings in the order of `key`."""
    children: dict[int | None, list[int]] = {}
    for node, parent in parents.items():
        children.setdefault(parent if parent in parents else None, []).append(node)
    out: list[tuple[int, int]] = []

    def walk(parent: int | None, level: int) -> None:
        for node in sorted(children.get(parent, []), key=lambda n: (key.get(n), n)):
            out.append((node, level))
            walk(node, level + 1)

    walk(None, 1)
    return out


def chain_numbers(parents: dict[int, int | None], key: dict[int, object]) -> dict[int, tuple[int, str]]:
    """Each hop's level and number in chain order: 1, 1.1, 1.1.1, 2... (as annex IV numbers them), by id.

    The dict keeps chain order: iterating it lists each hop followed by the hops below it.
    """
    out: dict[int, tuple[int, str]] = {}
    counters: list[int] = []
    for node, level in chain_order(parents, key):
        counters = counters[:level] + [0] * (level - len(counters))
        counters[level - 1] += 1
        out[node] = (level, ".".join(map(str, counters)))
    return out


@dataclass(frozen=True)
class HopFacts:
    """What the chain rules read of one hop: its level, identity, contact and how current the register's view is."""

    level: int
    status: str
    address: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    confirmed_on: date | None = None
    active_from: date | None = None
    clients_informed_on: date | None = None


def months_before(on: date, months: int) -> date:
    """The same day `months` earlier (the last day of that month when it is shorter)."""
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    month += 1
    for day in (on.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(on)


def chain_flags(hop: HopFacts, on: date, confirmation_months: int = 12) -> list[Flag]:
    """Flags of one hop of the chain on a date.

    Identity and contact at every level (Art. 30(2)(a); Opinion 22/2024); below the first level, the processor
    above must have confirmed the hop within `confirmation_months`, and the clients must have been told of it
    (Art. 28(2): a change anywhere down the chain is a change of the processors handling their data).
    """
    if hop.status == "retired":
        return []
    cite = f"Art. 30(2)(a); {OPINION}"
    out: list[Flag] = []
    if not (hop.address or "").strip():
        out.append(flag("chain_address_missing", cite, "address", level=hop.level))
    if not (hop.contact_name or "").strip():
        out.append(flag("chain_contact_person_missing", cite, "contact_name", "warning", level=hop.level))
    if not ((hop.contact_email or "").strip() or (hop.contact_phone or "").strip()):
        out.append(flag("chain_contact_missing", cite, "contact_email", level=hop.level))
    if hop.level < 2:
        return out
    if hop.confirmed_on is None:
        out.append(flag("chain_not_confirmed", f"Art. 28(4); {OPINION}", "confirmed_on", "warning", level=hop.level))
    elif hop.confirmed_on < months_before(on, confirmation_months):
        out.append(flag("chain_confirmation_stale", f"Art. 28(4); {OPINION}", "confirmed_on", "warning",
                        level=hop.level, confirmed=hop.confirmed_on.isoformat(), months=confirmation_months))
    if hop.clients_informed_on is None:
        out.append(flag("chain_change_not_notified", f"Art. 28(2); {OPINION}", "clients_informed_on", "risk",
                        level=hop.level))
    elif hop.active_from is not None and hop.clients_informed_on > hop.active_from:
        out.append(flag("chain_change_notified_late", "Art. 28(2)", "clients_informed_on", "warning",
                        level=hop.level, informed=hop.clients_informed_on.isoformat(),
                        active=hop.active_from.isoformat()))
    return out
