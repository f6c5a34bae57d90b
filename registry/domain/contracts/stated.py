"""The terms one contract states, each with its quote, and a conflict wherever it states two values for one term."""

from registry.domain.contracts import names, terms
from registry.domain.contracts.numbers import BUSINESS_DAY
from registry.domain.contracts.segment import Passage
from registry.domain.contracts.terms import Found

# Business days are never counted as days: a period in business days goes to its own key, so that a record
# field or cross-check in calendar days never receives it.
_BY_UNIT = {"objection_period": ("objection_period_days", "objection_period_business_days"),
            "subprocessor_notice": ("subprocessor_notice_days", "subprocessor_notice_business_days")}


def stated_terms(ps: list[Passage]) -> tuple[dict, list[dict]]:
    """Term values (Arts. 28(2), 28(3)(h), 33(2), Chapter V), and the conflicts: both values with their quotes.

    A term stated with two different values is never settled silently: the first value stays the term's value
    (so that a reader sees one), and the conflict lists every value with the passage that states it.
    """
    objection, notice = terms.subprocessor_periods(ps)
    freq, audit_notice = terms.audit_terms(ps)
    breach = terms.breach_delays(ps)
    if any(isinstance(h.value, int) for h in breach):
        breach = [h for h in breach if isinstance(h.value, int)]  # an hour figure is more precise than a phrase
    found: dict[str, list[Found]] = {"objection_period": objection, "subprocessor_notice": notice,
                                     "breach_notice_hours": breach, "audits_per_year": freq,
                                     "audit_notice_days": audit_notice}
    values: dict = {}
    quotes: dict = {}
    conflicts = []
    for term, hits in found.items():
        keys = _BY_UNIT.get(term)
        if keys:
            values[keys[0]] = values[keys[1]] = None
        else:
            values[term] = None
        distinct = list(dict.fromkeys(_hashable(h.value) for h in hits))
        if not distinct:
            continue
        first = next(h for h in hits if _hashable(h.value) == distinct[0])
        key = term if not keys else keys[first.value["unit"] == BUSINESS_DAY]
        values[key] = first.value["value"] if keys else first.value
        quotes[key] = {"quote": first.quote, "page": first.page, "line": first.line}
        if len(distinct) > 1:
            conflicts.append({"term": keys[0] if keys else term, "values": [
                _conflict_value(next(h for h in hits if _hashable(h.value) == v)) for v in distinct]})
    clauses = terms.breach_clauses(ps)
    breach_passages = [p for p in ps if terms.is_breach_notice(p, clauses)]
    retention = terms.retention_periods(ps)
    eu_only = terms.is_eu_only(ps)
    named = names.named_subprocessors(ps)
    values.update({
        "breach_notice_content": terms.breach_notice_content(breach_passages),
        "subprocessors": [{"name": n["name"], "country": n["country"]} for n in named],
        "transfer_mechanisms": [f.value for f in terms.transfer_mechanisms(ps)],
        "retention": [{**f.value, "quote": f.quote, "page": f.page, "line": f.line} for f in retention],
        "stored_only_in_eu": bool(eu_only),
    })
    if eu_only:
        quotes["stored_only_in_eu"] = {"quote": eu_only.quote, "page": eu_only.page, "line": eu_only.line}
    quotes["subprocessors"] = [{"name": n["name"], "page": n["page"], "line": n["line"]} for n in named]
    values["term_quotes"] = quotes
    return values, conflicts


def _hashable(value: object) -> object:
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


def _conflict_value(h: Found) -> dict:
    unit = {"unit": h.value["unit"]} if isinstance(h.value, dict) else {}
    value = h.value["value"] if isinstance(h.value, dict) else h.value
    return {"value": value, **unit, "quote": h.quote, "page": h.page, "line": h.line}
