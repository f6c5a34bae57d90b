"""The law as dated data: regimes and adequacy decisions validated from plain JSON, and picked by date (pure)."""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

STATUSES = ("in_force", "adopted_not_applicable", "proposed")
KINDS = ("breach", "record_exemption")
THRESHOLDS = ("risk", "high")  # notify unless unlikely to result in a risk | only if likely to result in a high risk
EXEMPTION_CONDITIONS = ("likely_risk", "likely_high_risk", "not_occasional", "special_categories", "criminal_data")
SCOPES = ("full", "partial")
WHAT_IF_CHANGES = ("end_adequacy", "add_adequacy", "apply_regime")


class InvalidReference(ValueError):
    """A reference file that cannot be used, with every reason found (each names the entry and the field)."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass(frozen=True)
class Adequacy:
    destination: str  # ISO alpha-2, or "org:CODE" for an international organisation
    decision: str
    date: date
    scope: str  # full | partial
    condition: str | None
    valid_until: date | None
    source_url: str
    last_checked: date

    def in_force(self, on: date) -> bool:
        return self.date <= on and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True)
class Regime:
    """One dated version of a rule: its source, when it applies, and the values the domain rules read."""

    id: str
    kind: str  # breach | record_exemption
    status: str  # in_force | adopted_not_applicable | proposed | what_if (a proposal applied for a hypothesis)
    applies_from: date | None
    applies_until: date | None
    title_en: str
    title_fr: str
    source: str
    source_url: str
    article: str
    # kind "breach" (Arts. 33-34)
    authority_threshold: str | None = None
    authority_hours: int | None = None
    authority_code: str = "cnil"
    authority_en: str = ""
    authority_fr: str = ""
    authority_short_en: str = ""
    authority_short_fr: str = ""
    subjects_threshold: str | None = None
    processor_ceiling_hours: int | None = None
    # kind "record_exemption" (Art. 30(5))
    persons_below: int | None = None
    unless: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def authority(self, lang: str) -> str:
        """The recipient of the notification, as a sentence names it ("the CNIL")."""
        return self.authority_fr if lang == "fr" else self.authority_en

    def authority_short(self, lang: str) -> str:
        """The recipient as a label names it ("CNIL")."""
        return self.authority_short_fr if lang == "fr" else self.authority_short_en

    def applies_on(self, on: date) -> bool:
        """Applied by its dates: never a proposal, whose application date is unknown."""
        if self.status == "proposed" or self.applies_from is None:
            return False
        return self.applies_from <= on and (self.applies_until is None or on <= self.applies_until)


@dataclass(frozen=True)
class Law:
    """Everything the rules read of the law, as one value: compared before and after an update or a what-if."""

    version: int
    published: date
    regimes: tuple[Regime, ...]
    adequacy: tuple[Adequacy, ...]
    what_if: str | None = None  # the hypothesis this law was built for, if any

    def regime(self, kind: str, on: date) -> Regime | None:
        return pick(self.regimes, kind, on)

    def adequacy_for(self, destination: str | None, on: date) -> Adequacy | None:
        """The adequacy decision in force for a country code or "org:CODE" on a date, if any (Art. 45)."""
        if not destination:
            return None
        key = destination if destination.startswith("org:") else destination.upper()
        return next((a for a in self.adequacy if a.destination == key and a.in_force(on)), None)


def pick(regimes: tuple[Regime, ...], kind: str, on: date) -> Regime | None:
    """The regime of `kind` that applies on a date; None before the first one (the GDPR applies from 25 May 2018)."""
    return next((r for r in regimes if r.kind == kind and r.applies_on(on)), None)


# --- reading and checking files ---------------------------------------------------------------------


def _date(value, where: str, reasons: list[str], required: bool = True) -> date | None:
    if value is None:
        if required:
            reasons.append(f"{where}: a date is required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        reasons.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def _text(entry: dict, key: str, where: str, reasons: list[str]) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        reasons.append(f"{where}.{key}: text required")
        return ""
    return value


def _hours(entry: dict, key: str, where: str, reasons: list[str]) -> int | None:
    value = entry.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 8760:
        reasons.append(f"{where}.{key}: a whole number of hours between 1 and 8760 is required, got {value!r}")
        return None
    return value


def _bilingual(entry: dict, key: str, where: str, reasons: list[str]) -> dict:
    value = entry.get(key)
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang] for lang in ("en", "fr")):
        reasons.append(f"{where}.{key}: an object with English (en) and French (fr) text is required")
        return {"en": "", "fr": ""}
    return value


def _regime(entry: dict, where: str, reasons: list[str]) -> Regime | None:
    if not isinstance(entry, dict):
        reasons.append(f"{where}: an object is required")
        return None
    kind, status = entry.get("kind"), entry.get("status")
    if kind not in KINDS:
        reasons.append(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    if status not in STATUSES:
        reasons.append(f"{where}.status: {status!r} is not one of {', '.join(STATUSES)}")
    start = _date(entry.get("applies_from"), f"{where}.applies_from", reasons, required=status != "proposed")
    end = _date(entry.get("applies_until"), f"{where}.applies_until", reasons, required=False)
    if status == "proposed" and start is not None:
        reasons.append(f"{where}.applies_from: a proposed regime has no date of application; leave it null "
                       "(a what-if supplies one)")
    if start and end and end < start:
        reasons.append(f"{where}.applies_until: {end} is before applies_from {start}")
    title = _bilingual(entry, "title", where, reasons)
    values: dict = {}
    if kind == "breach":
        for key in ("authority_threshold", "subjects_threshold"):
            if entry.get(key) not in THRESHOLDS:
                reasons.append(f"{where}.{key}: {entry.get(key)!r} is not one of {', '.join(THRESHOLDS)}")
        authority = entry.get("authority")
        if not isinstance(authority, dict) or not all(
            isinstance(authority.get(k), str) and authority[k] for k in ("code", "en", "fr", "short_en", "short_fr")
        ):
            reasons.append(f"{where}.authority: code, en, fr, short_en and short_fr are required")
            authority = {}
        values = dict(
            authority_threshold=entry.get("authority_threshold"),
            authority_hours=_hours(entry, "authority_hours", where, reasons),
            authority_code=authority.get("code", "cnil"), authority_en=authority.get("en", ""),
            authority_fr=authority.get("fr", ""), authority_short_en=authority.get("short_en", ""),
            authority_short_fr=authority.get("short_fr", ""),
            subjects_threshold=entry.get("subjects_threshold"),
            processor_ceiling_hours=_hours(entry, "processor_ceiling_hours", where, reasons),
        )
    elif kind == "record_exemption":
        persons = entry.get("persons_below")
        if not isinstance(persons, int) or isinstance(persons, bool) or persons < 1:
            reasons.append(f"{where}.persons_below: a positive whole number is required, got {persons!r}")
        unless = entry.get("unless")
        if not isinstance(unless, list) or any(c not in EXEMPTION_CONDITIONS for c in unless):
            reasons.append(f"{where}.unless: a list of conditions among {', '.join(EXEMPTION_CONDITIONS)} is required")
            unless = []
        values = dict(persons_below=persons, unless=tuple(unless))
    return Regime(
        id=_text(entry, "id", where, reasons), kind=kind, status=status, applies_from=start, applies_until=end,
        title_en=title["en"], title_fr=title["fr"], source=_text(entry, "source", where, reasons),
        source_url=_text(entry, "source_url", where, reasons), article=_text(entry, "article", where, reasons),
        **values,
    )


def _overlaps(periods: list[tuple[date, date | None, str]]) -> list[tuple[str, str]]:
    out = []
    ordered = sorted(periods, key=lambda p: p[0])
    for (_s1, e1, a), (s2, _e2, b) in zip(ordered, ordered[1:], strict=False):
        if e1 is None or s2 <= e1:
            out.append((a, b))
    return out


def parse_regimes(doc: object) -> tuple[int, date | None, tuple[Regime, ...]]:
    """Check a regimes document (schema, dates, one applicable regime per kind at any date) and read it.

    Returns (version, published, regimes); raises InvalidReference with every reason found.
    """
    reasons: list[str] = []
    if not isinstance(doc, dict):
        raise InvalidReference(["the file must hold a JSON object"])
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        reasons.append(f"version: a positive whole number is required, got {version!r}")
    published = _date(doc.get("published"), "published", reasons)
    entries = doc.get("regimes")
    if not isinstance(entries, list) or not entries:
        reasons.append("regimes: a non-empty list is required")
        entries = []
    regimes = [r for i, e in enumerate(entries) if (r := _regime(e, f"regimes[{i}]", reasons))]
    ids = [r.id for r in regimes]
    reasons.extend(f"regimes: id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1}))
    for kind in KINDS:
        dated = [(r.applies_from, r.applies_until, r.id) for r in regimes
                 if r.kind == kind and r.status != "proposed" and r.applies_from]
        reasons.extend(f"regimes: {a!r} and {b!r} ({kind}) apply on the same days" for a, b in _overlaps(dated))
        if not dated:
            reasons.append(f"regimes: no {kind} regime in force or adopted")
    if reasons:
        raise InvalidReference(reasons)
    return version, published, tuple(regimes)


def _adequacy(entry: dict, where: str, reasons: list[str]) -> Adequacy | None:
    if not isinstance(entry, dict):
        reasons.append(f"{where}: an object is required")
        return None
    dest = entry.get("destination")
    if not isinstance(dest, str) or not (len(dest) == 2 and dest.isalpha() and dest.isupper() or dest.startswith("org:")):
        reasons.append(f"{where}.destination: an ISO country code (e.g. 'JP') or 'org:CODE' is required, got {dest!r}")
    if entry.get("scope") not in SCOPES:
        reasons.append(f"{where}.scope: {entry.get('scope')!r} is not one of {', '.join(SCOPES)}")
    start = _date(entry.get("date"), f"{where}.date", reasons)
    end = _date(entry.get("valid_until"), f"{where}.valid_until", reasons, required=False)
    if start and end and end < start:
        reasons.append(f"{where}.valid_until: {end} is before the decision's date {start}")
    url = _text(entry, "source_url", where, reasons)
    if url and not url.startswith("https://"):
        reasons.append(f"{where}.source_url: an https:// address is required")
    checked = _date(entry.get("last_checked"), f"{where}.last_checked", reasons)
    condition = entry.get("condition")
    if condition is not None and not isinstance(condition, str):
        reasons.append(f"{where}.condition: text or null is required")
    decision = _text(entry, "decision", where, reasons)
    if start is None or checked is None:
        return None
    return Adequacy(dest, decision, start, entry.get("scope"), condition, end, url, checked)


def parse_adequacy(doc: object, countries: frozenset[str] = frozenset()) -> tuple[Adequacy, ...]:
    """Check an adequacy document (Art. 45): each decision dated and sourced, one in force per destination a day."""
    reasons: list[str] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise InvalidReference(["adequacy: an object with a list of 'entries' is required"])
    found = [a for i, e in enumerate(doc["entries"]) if (a := _adequacy(e, f"adequacy.entries[{i}]", reasons))]
    conditions = doc.get("conditions")
    for a in found:
        if countries and not a.destination.startswith("org:") and a.destination not in countries:
            reasons.append(f"adequacy: {a.destination!r} is not an ISO country code")
        if a.condition and conditions is not None and a.condition not in conditions:
            reasons.append(f"adequacy: condition {a.condition!r} of {a.destination} has no label in 'conditions'")
    for dest in sorted({a.destination for a in found}):
        periods = [(a.date, a.valid_until, a.decision) for a in found if a.destination == dest]
        reasons.extend(f"adequacy: two decisions for {dest} are in force on the same days ({a!r}, {b!r})"
                       for a, b in _overlaps(periods))
    if reasons:
        raise InvalidReference(reasons)
    return tuple(found)


# --- updates and what-ifs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """A dated reference file: new regimes, new adequacy decisions, or both, each replacing the one in use."""

    version: int
    published: date
    regimes_doc: dict | None
    adequacy_doc: dict | None
    law: Law


def parse_update(doc: object, current: Law, countries: frozenset[str] = frozenset()) -> Update:
    """Check an update file and refuse one not newer than the law in use (by version and published date).

    The file holds `version`, `published` and `regimes` (the whole list), optionally `adequacy` (the whole
    adequacy document): what it holds replaces what is in use; what it omits stays.
    """
    if not isinstance(doc, dict):
        raise InvalidReference(["the file must hold a JSON object"])
    reasons: list[str] = []
    regimes, version, published = current.regimes, doc.get("version"), None
    try:
        version, published, regimes = parse_regimes(doc)
    except InvalidReference as exc:
        reasons.extend(exc.reasons)
    adequacy = current.adequacy
    if "adequacy" in doc and not isinstance(doc["adequacy"], str):
        try:
            adequacy = parse_adequacy(doc["adequacy"], countries)
        except InvalidReference as exc:
            reasons.extend(exc.reasons)
    if not reasons and (version <= current.version or published <= current.published):
        reasons.append(f"older or same as the law in use: version {version} published {published}, in use version "
                       f"{current.version} published {current.published}; an update must be newer in both")
    if reasons:
        raise InvalidReference(reasons)
    adequacy_doc = doc["adequacy"] if isinstance(doc.get("adequacy"), dict) else None
    regimes_doc = {k: v for k, v in doc.items() if k != "adequacy"}
    return Update(version, published, regimes_doc, adequacy_doc, Law(version, published, regimes, adequacy))


@dataclass(frozen=True)
class WhatIf:
    """A hypothesis: changes to the law from a date (a proposal applied, a decision ended or added)."""

    title_en: str
    title_fr: str
    applies_from: date | None
    changes: tuple[dict, ...] = field(default_factory=tuple)

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en


def parse_what_if(doc: object, current: Law, countries: frozenset[str] = frozenset()) -> WhatIf:
    """Check a what-if file: a bilingual title, an optional default date and a list of changes."""
    if not isinstance(doc, dict):
        raise InvalidReference(["the file must hold a JSON object"])
    reasons: list[str] = []
    title = _bilingual(doc, "title", "what-if", reasons)
    start = _date(doc.get("applies_from"), "what-if.applies_from", reasons, required=False)
    changes = doc.get("changes")
    if not isinstance(changes, list) or not changes:
        reasons.append("what-if.changes: a non-empty list is required")
        changes = []
    ids = {r.id: r for r in current.regimes}
    for i, c in enumerate(changes):
        where = f"what-if.changes[{i}]"
        op = c.get("change") if isinstance(c, dict) else None
        if op not in WHAT_IF_CHANGES:
            reasons.append(f"{where}.change: {op!r} is not one of {', '.join(WHAT_IF_CHANGES)}")
        elif op == "end_adequacy":
            dest = c.get("destination")
            if not any(a.destination == dest for a in current.adequacy):
                reasons.append(f"{where}.destination: no adequacy decision for {dest!r} to end")
        elif op == "add_adequacy":
            try:
                parse_adequacy({"entries": [c.get("decision")]}, countries)
            except InvalidReference as exc:
                reasons.extend(f"{where}: {r}" for r in exc.reasons)
        elif op == "apply_regime" and c.get("regime") not in ids:
            reasons.append(f"{where}.regime: no regime {c.get('regime')!r} in the law in use "
                           f"(known: {', '.join(sorted(ids))})")
    if reasons:
        raise InvalidReference(reasons)
    return WhatIf(title["en"], title["fr"], start, tuple(changes))


def apply_what_if(law: Law, what_if: WhatIf, start: date) -> Law:
    """The law as it would be if the hypothesis applied from `start`: what applied before stays as it was.

    A proposed regime turned on becomes the regime of its kind from `start` (the one in force ends the day before);
    an adequacy decision ended ceases the day before `start`; one added applies from `start` at the earliest.
    """
    regimes, adequacy = list(law.regimes), list(law.adequacy)
    eve = start - timedelta(days=1)
    for c in what_if.changes:
        if c["change"] == "apply_regime":
            chosen = next(r for r in regimes if r.id == c["regime"])
            regimes = [_ended(r, eve) if r.kind == chosen.kind and r.id != chosen.id else r for r in regimes]
            regimes = [replace(r, status="what_if", applies_from=start, applies_until=None) if r.id == chosen.id else r
                       for r in regimes]
        elif c["change"] == "end_adequacy":
            adequacy = [a for a in (_ended(a, eve) if a.destination == c["destination"] else a for a in adequacy) if a]
        elif c["change"] == "add_adequacy":
            added = parse_adequacy({"entries": [c["decision"]]})[0]
            adequacy = [_ended(a, eve) if a.destination == added.destination else a for a in adequacy]
            adequacy = [a for a in adequacy if a] + [replace(added, date=max(added.date, start))]
    return Law(law.version, law.published, tuple(regimes), tuple(adequacy), what_if.title_en)


def _ended(item, eve: date):
    """A regime or decision cut the day before a hypothesis applies; None for a decision that would not yet exist."""
    if isinstance(item, Regime):
        if item.status == "proposed" or item.applies_from is None or item.applies_from > eve:
            return replace(item, status="proposed", applies_from=None, applies_until=None) \
                if item.status != "proposed" else item
        return replace(item, applies_until=min(item.applies_until or eve, eve))
    if item.date > eve:
        return None
    return replace(item, valid_until=min(item.valid_until or eve, eve))
