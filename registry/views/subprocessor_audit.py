"""The auditors' sub-processor list (Art. 28(2), 30(4)): as of any date, filtered, compared between two dates,
exported as CSV, JSON and PDF stamped with the date and the content fingerprint. Read-only, for every member."""

from datetime import date
from io import BytesIO

from flask import Blueprint, Response, g, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry import clock
from registry.db import get_session
from registry.forms import country_choices, vocab_choices
from registry.forms.subprocessors import STATUSES, SubProcessorForm
from registry.forms.transfers import TransferForm
from registry.i18n import current_lang
from registry.models import SubProcessor
from registry.services import subprocessor_exports as exports
from registry.services.subprocessor_history import compare as compare_dates
from registry.views.entity import READ, requires
from registry.views.history import field_changes, row_text

# Short labels of the flags the list raises on a date (the record page gives the full message with its data).
FLAG_LABELS = {
    "no_dpa": _l("No signed DPA recorded (Art. 28(3))"),
    "no_processing_location": _l("Processing locations not recorded (Art. 30)"),
    "location_needs_safeguards": _l("Processing outside the EEA without a covering transfer (Art. 44, 46(1))"),
    "location_transfer_not_recorded": _l("Processing in an adequate country: transfer not recorded (Art. 30)"),
    "retired_still_used": _l("Retired but still used by an active activity (Art. 28(2))"),
    "eea_seat_non_eea_processing": _l("Seat in the EEA, processing outside it (Art. 44)"),
}
FLAGGED = [("", _l("Any")), ("1", _l("Flagged only")), ("0", _l("Without flags"))]


def org_today() -> date:
    """Today in the organisation's time zone: "as of" a day means the end of that day there."""
    return clock.today(g.org.timezone)


def _day(name: str, errors: dict) -> date:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return org_today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Give a date as YYYY-MM-DD.")
        return org_today()


def _choice(name: str, choices) -> str | None:
    value = (request.args.get(name) or "").strip()
    return value if value and value in {c for c, _label in choices()} else None


def read_filters() -> tuple[exports.Filters, dict]:
    """The filters of the query string, each kept only when it is one of the offered choices."""
    status_choices = lambda: [(c, c) for c, _label in STATUSES]  # noqa: E731
    flagged = request.args.get("flagged")
    filters = exports.Filters(
        country=_choice("country", country_choices(blank=False)),
        location=_choice("location", country_choices(blank=False)),
        mechanism=_choice("mechanism", vocab_choices("transfer_mechanisms", blank=False)),
        status=_choice("status", status_choices),
        flagged={"1": True, "0": False}.get(flagged or ""),
    )
    shown = {k: v for k, v in vars(filters).items() if v is not None}
    if filters.flagged is not None:
        shown["flagged"] = flagged
    return filters, shown


def _data():
    errors: dict = {}
    day = _day("as_of", errors)
    filters, shown = read_filters()
    return exports.export_data(get_session(), g.org, day, filters), shown, errors


def _existing(ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(get_session().execute(select(SubProcessor.id).where(SubProcessor.organisation_id == g.org.id,
                                                                   SubProcessor.id.in_(ids))).scalars())


def flag_label(code: str) -> str:
    return str(FLAG_LABELS.get(code, code))


@requires(READ)
def as_of_view():
    data, shown, errors = _data()
    return render_template(
        "subprocessors/as_of.html", org=g.org, data=data, shown=shown, errors=errors, as_of=date.fromisoformat(data["as_of"]),
        existing=_existing([e["id"] for e in data["subprocessors"]]), flag_label=flag_label,
        chain_sorted=exports.chain_sorted,
        countries=country_choices(blank=False)(), mechanisms=vocab_choices("transfer_mechanisms", blank=False)(),
        statuses=STATUSES, flagged_choices=FLAGGED, as_of_value=request.args.get("as_of") or data["as_of"],
    ), 422 if errors else 200


def _name(data: dict, ext: str) -> str:
    return f"subprocessors-{data['organisation']}-{data['as_of']}-{data['sha256'][:12]}.{ext}"


def _attachment(body: str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(READ)
def as_of_csv():
    data, _shown, _errors = _data()
    return _attachment(exports.to_csv(data, current_lang()), "text/csv; charset=utf-8", _name(data, "csv"))


@requires(READ)
def as_of_json():
    data, _shown, _errors = _data()
    return _attachment(exports.to_json(data), "application/json", _name(data, "json"))


@requires(READ)
def as_of_pdf():
    from registry.pdf.changes import subprocessors_as_of_pdf

    data, _shown, _errors = _data()
    lang = request.args.get("lang") if request.args.get("lang") in ("fr", "en") else current_lang()
    pdf = subprocessors_as_of_pdf(g.org, data, lang)
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=_name(data, "pdf"))


@requires(READ)
def compare_view():
    errors: dict = {}
    start, end = _day("from", errors), _day("to", errors)
    diff = compare_dates(get_session(), g.org, start, end)
    # The forms name the fields and show their values; the flags and transfers the list adds are told apart.
    transfer_form = TransferForm(meta={"csrf": False})
    others = {
        "flags": (_l("Flags"), lambda codes: "; ".join(flag_label(c) for c in codes)),
        "transfers": (_l("Transfers"), lambda rows: "; ".join(row_text(transfer_form, t) for t in rows)),
    }
    form = SubProcessorForm(meta={"csrf": False})
    changed = {sp_id: field_changes(form, fields, others) for sp_id, fields in diff["changed"].items()}
    return render_template(
        "subprocessors/compare.html", org=g.org, diff=diff, changed=changed, errors=errors,
        existing=_existing(list(diff["names"])), first=date.fromisoformat(diff["from"]), last=date.fromisoformat(diff["to"]),
        start=diff["from"] if diff["swapped"] else request.args.get("from") or start.isoformat(),
        end=diff["to"] if diff["swapped"] else request.args.get("to") or end.isoformat(),
    ), 422 if errors else 200


def register_audit_routes(bp: Blueprint) -> None:
    """Add the auditors' list as of a date, its exports and the comparison of two dates to the sub-processors' blueprint."""
    bp.add_url_rule("/as-of", "as_of", as_of_view)
    bp.add_url_rule("/as-of.csv", "as_of_csv", as_of_csv)
    bp.add_url_rule("/as-of.json", "as_of_json", as_of_json)
    bp.add_url_rule("/as-of.pdf", "as_of_pdf", as_of_pdf)
    bp.add_url_rule("/compare", "compare", compare_view)
