"""How a contract check appears on screen: verdicts, item and term labels, refusal messages, in the chosen language."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.domain.contracts.rules import ITEM_BY_CODE
from registry.domain.contracts.terms import OUTDATED
from registry.i18n import current_lang
from registry.services.contract_files import ContractFileError

VERDICTS = {"present": _l("Present"), "weak": _l("Weak"), "missing": _l("Missing")}
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
    "breach_notice_hours": _l("Breach notice delay"),
    "breach_notice_content": _l("Content of the breach notice (Art. 33(3))"),
    "audits_per_year": _l("Audits per year"),
    "audit_notice_days": _l("Audit notice"),
    "subprocessors": _l("Sub-processors named"),
    "transfer_mechanisms": _l("Transfer mechanisms"),
    "retention": _l("Retention and destruction delays"),
    "stored_only_in_eu": _l("Data stored only in the EU"),
}

# The refusals of registry.services.contract_files, in the interface language; the technical detail stays as it is.
_REFUSALS: tuple[tuple[re.Pattern, object], ...] = tuple((re.compile(p), m) for p, m in (
    (r"^The file is empty\.$", _l("The file is empty.")),
    (r"^The file is (?P<size>[\d.]+) MiB; the limit is (?P<limit>\d+) MiB\.$",
     _l("The file is %(size)s MiB; the limit is %(limit)s MiB.")),
    (r"^This is an encrypted Office document",
     _l("This is an encrypted Office document or an old binary .doc file: save it as an unprotected .docx, .odt or "
        ".pdf and upload it again.")),
    (r"^The file looks like a DOCX/ODT archive but is corrupt \((?P<detail>.*)\)\.$",
     _l("The file looks like a DOCX/ODT archive but is corrupt (%(detail)s).")),
    (r"^This archive is neither", _l("This archive is neither a Word (.docx) nor an OpenDocument text (.odt) file.")),
    (r"^The document holds more than (?P<limit>[\d,]+) characters",
     _l("The document holds more than %(limit)s characters of text.")),
    (r"^No text could be read", _l("No text could be read from this file (a scanned PDF needs OCR first: no text "
                                   "layer was found).")),
    (r"^The file is not a PDF", _l("The file is not a PDF, DOCX, ODT, Markdown or plain-text file.")),
    (r"^The archive holds (?P<count>\d+) parts; the limit is (?P<limit>\d+)\.$",
     _l("The archive holds %(count)s parts; the limit is %(limit)s.")),
    (r"^The document is password-protected",
     _l("The document is password-protected: remove the password and upload it again.")),
    (r"^The document decompresses to more than (?P<limit>\d+) MiB",
     _l("The document decompresses to more than %(limit)s MiB: refused as a possible zip bomb.")),
    (r"^The document archive is corrupt \((?P<detail>.*)\)\.$", _l("The document archive is corrupt (%(detail)s).")),
    (r"^The PDF is encrypted", _l("The PDF is encrypted: remove the password or protection and upload it again.")),
    (r"^The PDF has (?P<count>\d+) pages; the limit is (?P<limit>\d+)\.$",
     _l("The PDF has %(count)s pages; the limit is %(limit)s.")),
    (r"^The PDF is corrupt or unreadable \((?P<detail>.*)\)\.$", _l("The PDF is corrupt or unreadable (%(detail)s).")),
    (r"^The Word document is corrupt or unreadable \((?P<detail>.*)\)\.$",
     _l("The Word document is corrupt or unreadable (%(detail)s).")),
    (r"^The OpenDocument file is corrupt or unreadable \((?P<detail>.*)\)\.$",
     _l("The OpenDocument file is corrupt or unreadable (%(detail)s).")),
    (r"^file_name: the file has no name$", _l("The file has no name.")),
    (r"^The part (?P<part>.*) of the document is larger than (?P<limit>\d+) MiB once decompressed: refused\.$",
     _l("The part %(part)s of the document is larger than %(limit)s MiB once decompressed: refused.")),
    (r"^The document holds more than (?P<limit>\d+) XML elements: refused\.$",
     _l("The document holds more than %(limit)s XML elements: refused.")),
    (r"^Reading the document took longer than (?P<limit>[\d.]+) seconds: refused\.$",
     _l("Reading the document took longer than %(limit)s seconds: refused.")),
    (r"^Reading the document needed more than (?P<limit>\d+) seconds of processor time: refused\.$",
     _l("Reading the document needed more than %(limit)s seconds of processor time: refused.")),
    (r"^Reading the document needed more than the (?P<limit>\d+) MiB of memory allowed: refused\.$",
     _l("Reading the document needed more than the %(limit)s MiB of memory allowed: refused.")),
    (r"^The document could not be read: the reader stopped unexpectedly\.$",
     _l("The document could not be read: the reader stopped unexpectedly.")),
))


def refusal_message(exc: ContractFileError) -> str:
    """The reason a file was refused, as the service words it, in the interface language."""
    text = str(exc)
    for pattern, message in _REFUSALS:
        if m := pattern.search(text):
            # The lazy string translates the message with its placeholders; the file's own values fill them.
            return str(message) % m.groupdict() if m.groupdict() else str(message)
    return text


def size_refusal(size: int, limit: int) -> str:
    """The service's oversize message, for a file refused before it is read into memory."""
    return _("The file is %(size)s MiB; the limit is %(limit)s MiB.", size=f"{size / 1048576:.1f}",
             limit=limit // 1048576)


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
    if unit == "week":
        return ngettext("%(num)s week", "%(num)s weeks", value)
    if unit == "month":
        return ngettext("%(num)s month", "%(num)s months", value)
    return ngettext("%(num)s year", "%(num)s years", value)


def term_value(term: str, value) -> str:
    """One extracted term as text; the empty answer is a dash, never a guess."""
    if value is None or value == [] or value == "":
        return "—"
    if term in ("objection_period_days", "audit_notice_days"):
        return duration(value, "day")
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
    quotes: list[tuple[str, str]]  # (quote, where), for the retention periods


def term_rows(terms: dict) -> list[TermRow]:
    rows = []
    for term, label in TERM_LABELS.items():
        value = terms.get(term)
        if term == "retention":
            quotes = [(r.get("quote") or "", where(r.get("page"), r.get("line"))) for r in value or []]
            text = ", ".join(duration(r["value"], r["unit"]) for r in value or []) or "—"
            rows.append(TermRow(term, str(label), text, quotes))
        else:
            rows.append(TermRow(term, str(label), term_value(term, value), []))
    return rows


def local_time(moment: datetime, timezone: str) -> str:
    """An upload time in the organisation's time zone (stored in UTC)."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return format_datetime(moment, "medium", tzinfo=ZoneInfo(timezone), locale=str(get_locale() or "fr"))


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
