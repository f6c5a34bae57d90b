"""How a contract check appears on screen: verdicts, item and term labels, refusal messages, in the chosen language."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import format_decimal, format_percent, get_translations, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.domain.contracts.reliability import RELIABLE_SHARE, item_reliability
from registry.domain.contracts.rules import ITEM_BY_CODE, RULES
from registry.domain.contracts.terms import OUTDATED
from registry.i18n import current_lang
from registry.reference.checker_scores import CheckerScores, checker_scores
from registry.services.contract_files import ContractFileError
from registry.views.formatting import date_text, datetime_text

VERDICTS = {"present": _l("Present"), "weak": _l("Weak"), "missing": _l("Missing"), "to_verify": _l("To verify")}
KINDS = {"pdf": "PDF", "docx": "Word (DOCX)", "odt": "OpenDocument (ODT)", "markdown": "Markdown", "text": _l("Plain text")}
MECHANISMS = {
    "scc": _l("Standard contractual clauses (version not stated)"),
    "scc_2021": _l("Standard contractual clauses 2021/914"),
    "scc_2010": _l("Standard contractual clauses of 2010 (repealed)"),
    "dpf": _l("EU-US Data Privacy Framework"),
    "bcr": _l("Binding corporate rules"),
    "adequacy": _l("Adequacy decision"),
    "art46_safeguards": _l("Appropriate safeguards (Art. 46)"),
    "privacy_shield": _l("Privacy Shield (invalidated)"),
}
TERM_LABELS = {
    "objection_period_days": _l("Period to object to a new sub-processor"),
    "subprocessor_notice_days": _l("Notice before a new sub-processor"),
    "breach_notice_hours": _l("Breach notice delay"),
    "breach_notice_content": _l("Content of the breach notice (Art. 33(3))"),
    "audits_per_year": _l("Audits per year"),
    "audit_notice_days": _l("Audit notice"),
    "subprocessors": _l("Sub-processors named"),
    "transfer_mechanisms": _l("Transfer mechanisms"),
    "retention": _l("Retention and destruction delays"),
    "stored_only_in_eu": _l("Data stored only in the EU"),
}
# A period the contract counts in business days has its own key (never counted as days); one row shows both.
BUSINESS_DAY_KEYS = {"objection_period_days": "objection_period_business_days",
                     "subprocessor_notice_days": "subprocessor_notice_business_days"}
_MARKS = {"no_personal_data_clause": _l("At most weak: the document has no clause on personal data.")}
# What the rules of an item look for, by the verdict they give: the words shown when a rule has no French yet.
_LOOKED_FOR = {
    "present": _l("Wording that states the obligation in full."),
    "weak": _l("Wording narrower than the obligation, or indirect: read the passage."),
    "missing": _l("Wording that excludes the obligation or leaves it out."),
}


def refusal_message(exc: ContractFileError) -> str:
    """The reason a file was refused, in the interface language: the service's msgid translated here, its
    numbers formatted for the language (the technical detail of a corrupt file stays as the library wrote it)."""
    values = {k: format_decimal(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
              for k, v in exc.values.items()}
    return _(exc.msgid, **values)


def size_refusal(size: int, limit: int) -> str:
    """The service's oversize message, for a file refused before it is read into memory."""
    return _("The file is %(size)s MiB; the limit is %(limit)s MiB.", size=format_decimal(round(size / 1048576, 1)),
             limit=format_decimal(limit // 1048576))


def item_label(code: str) -> str:
    item = ITEM_BY_CODE.get(code)
    if item is None:
        return code
    return item.fr if current_lang() == "fr" else item.en


def outdated_label(entry: dict) -> str:
    """An outdated reference explained in the interface language (the check stores it in English)."""
    for code, en, fr, _pattern in OUTDATED:
        if code == entry.get("code"):
            label = fr if current_lang() == "fr" else en
            if "'XXX'" in (entry.get("label") or ""):
                label += " — n° XXX jamais rempli" if current_lang() == "fr" else " — number left as 'XXX'"
            return label
    if entry.get("code") == "law_1978_without_gdpr":
        return ("Loi n° 78-17 du 6 janvier 1978 citée sans le RGPD" if current_lang() == "fr"
                else "Law 78-17 of 6 January 1978 cited without the GDPR")
    return entry.get("label") or entry.get("code") or ""


def where(page: int | None, line: int | None) -> str:
    """Where a quote is in the file: page and line, or the line alone for a file without pages."""
    if line is None:
        return ""
    if page:
        return _("page %(page)s, line %(line)s", page=page, line=line)
    return _("line %(line)s", line=line)


def duration(value: int, unit: str) -> str:
    if unit == "day":
        return ngettext("%(num)s day", "%(num)s days", value)
    if unit == "business_day":
        return ngettext("%(num)s business day", "%(num)s business days", value)
    if unit == "week":
        return ngettext("%(num)s week", "%(num)s weeks", value)
    if unit == "month":
        return ngettext("%(num)s month", "%(num)s months", value)
    return ngettext("%(num)s year", "%(num)s years", value)


def term_value(term: str, value, unit: str | None = None) -> str:
    """One extracted term as text; the empty answer is a dash, never a guess."""
    if value is None or value == [] or value == "":
        return "—"
    if term in ("objection_period_days", "audit_notice_days", "subprocessor_notice_days"):
        return duration(value, unit or "day")
    if term in BUSINESS_DAY_KEYS.values():
        return duration(value, "business_day")
    if term == "breach_notice_hours":
        return _("%(n)s hours", n=value) if isinstance(value, int) else f"« {value} »"
    if term == "breach_notice_content":
        return ", ".join(f"Art. 33(3)({c.rsplit('_', 1)[-1]})" for c in value)
    if term == "subprocessors":
        return ", ".join(f"{s['name']} ({s['country']})" if s.get("country") else s["name"] for s in value)
    if term == "transfer_mechanisms":
        return ", ".join(str(MECHANISMS.get(code, code)) for code in value)
    if term == "stored_only_in_eu":
        return _("Yes") if value else _("No")
    return str(value)


@dataclass
class TermRow:
    term: str
    label: str
    value: str
    quotes: list[tuple[str, str]]  # (quote, where) of the passage that states the value


def term_rows(terms: dict) -> list[TermRow]:
    """One row per term with the passage that states it; a period in business days says so."""
    quoted = terms.get("term_quotes") or {}
    rows = []
    for term, label in TERM_LABELS.items():
        value = terms.get(term)
        if term == "retention":
            quotes = [(r.get("quote") or "", where(r.get("page"), r.get("line"))) for r in value or []]
            text = ", ".join(duration(r["value"], r["unit"]) for r in value or []) or "—"
            rows.append(TermRow(term, str(label), text, quotes))
            continue
        keys = [term, BUSINESS_DAY_KEYS[term]] if term in BUSINESS_DAY_KEYS else [term]
        stated = [k for k in keys if terms.get(k) not in (None, [], "")]
        text = " / ".join(term_value(k, terms[k]) for k in stated) or "—"
        quotes = [(q["quote"], where(q.get("page"), q.get("line"))) for k in stated
                  if isinstance(q := quoted.get(k), dict) and q.get("quote")]
        rows.append(TermRow(term, str(label), text, quotes))
    return rows


def conflict_value(term: str, entry: dict) -> str:
    """One of a conflict's values, in its own unit ("10 days", "15 business days")."""
    return term_value(term, entry.get("value"), entry.get("unit"))


def conflict_text(term: str, result: dict) -> str:
    """Every value a contract states for one term, each in its own unit ("10 business days, 30 days")."""
    entries = next((c.get("values") or [] for c in result.get("conflicts") or [] if c.get("term") == term), [])
    return ", ".join(conflict_value(term, entry) for entry in entries)


def _translated(message: str) -> bool:
    return current_lang() == "en" or get_translations().ugettext(message) != message


def rule_words(item: dict) -> str:
    """What the rule that decided an item looked for, in words of the interface language.

    The rule's own description where the catalog translates it; else what rules of that verdict look for.
    The rule id stays available to the template (title attribute) for support.
    """
    name = item.get("rule")
    if not name:
        return ""
    base, *marks = name.split("+")
    rule = next((r for r in RULES if r.name == base), None)
    if rule is not None and _translated(rule.doc):
        words = _(rule.doc)
    else:
        words = str(_LOOKED_FOR.get(rule.verdict if rule else item.get("verdict"), _LOOKED_FOR["present"]))
    return " ".join([words, *(str(_MARKS[m]) for m in marks if m in _MARKS)])


@dataclass(frozen=True)
class ItemRecord:
    """How the checker did on one item over the evaluation corpus, as the contract page shows it."""

    measured: bool
    accepted: int
    total: int
    share: str
    to_verify: bool


def item_record(code: str) -> ItemRecord:
    r = item_reliability(code)
    if not r.measured:
        return ItemRecord(False, 0, 0, "", True)
    return ItemRecord(True, r.score.accepted, r.score.total, format_percent(r.score.share, "#,##0 %"), r.to_verify)


def shown_verdict(item: dict) -> str:
    """"to_verify" for an item the checker gets right too rarely on the corpus, else the verdict itself."""
    return "to_verify" if item_record(item.get("code", "")).to_verify else item.get("verdict", "")


def local_time(moment: datetime, timezone: str) -> str:
    """An upload time in the organisation's time zone (stored in UTC; SQLite drops the zone), written as every page
    writes a date-time (registry.formats)."""
    return datetime_text(moment if moment.tzinfo else moment.replace(tzinfo=UTC), timezone)


def size_text(size: int) -> str:
    if size < 1024:
        return _("%(n)s bytes", n=size)
    if size < 1048576:
        return _("%(n)s KiB", n=format_decimal(size / 1024, "#,##0.0"))
    return _("%(n)s MiB", n=format_decimal(size / 1048576, "#,##0.0"))


def record_value(field: str, value) -> str:
    """A client record's value beside the contract's, in the same words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in ("objection_period_days", "audit_notice_days"):
        return duration(value, "day")
    if field == "breach_notice_hours":
        return _("%(n)s hours", n=value)
    return str(value)


def corpus_scores() -> CheckerScores | None:
    return checker_scores()


def split_label(split: str) -> str:
    return {"all": _("tuning and held-out documents"), "heldout": _("held-out documents only"),
            "tune": _("tuning documents only")}.get(split, split)


def scores_date(day: str) -> str:
    """The day the checker was measured (stored as an ISO date), written as every page writes a date."""
    return date_text(date.fromisoformat(day))


def threshold() -> str:
    return format_percent(RELIABLE_SHARE, "#,##0 %")


def terms_scores(terms: dict) -> str:
    """The term extraction's record on the corpus, in one sentence."""
    o, b, n = terms.get("objection_days", {}), terms.get("breach_hours", {}), terms.get("names", {})
    return _("On the corpus: objection periods %(o)s of %(os)s exact, breach delays in hours %(b)s of %(bs)s exact, "
             "named sub-processors %(nm)s of %(nl)s found with %(nw)s wrong.",
             o=o.get("exact", 0), os=o.get("stated", 0), b=b.get("exact", 0), bs=b.get("stated", 0),
             nm=n.get("matched", 0), nl=n.get("labelled", 0), nw=n.get("got", 0) - n.get("matched", 0))
