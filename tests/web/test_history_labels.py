"""The History section and the sub-processors' comparison show each field by its form label and each value as
the form shows it, in the interface language: no stored code, no JSON, no True/False."""

import html
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from registry import reference
from registry.forms.activities import ActivityForm
from registry.forms.retention import RetentionRuleForm
from registry.forms.subprocessors import KINDS, SubProcessorForm

ACTIVITY = {"reference": "RH-01", "name": "Payroll", "role": "controller", "status": "active", "dpia": "not_assessed",
            "purposes-0-purpose": "Pay staff", "purposes-0-legal_basis": "art6_1_c"}


def history_of(page: str) -> str:
    return page[page.index('id="history"'):page.index("</section>", page.index('id="history"'))]


def in_lang(app, lang: str, text) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(text) if isinstance(text, str) else str(text)


def no_stored_form(text: str, *codes: str, labels: tuple[str, ...] = ()) -> None:
    """No JSON, no True/False, and none of `codes` except where a code is also a word of a shown label."""
    assert "[" not in text and "{" not in text and "True" not in text and "False" not in text
    for code in codes:
        if any(re.search(rf"\b{re.escape(code)}\b", label) for label in labels):
            continue
        assert not re.search(rf"\b{re.escape(code)}\b", text), code


def page_in(client, lang: str, url: str) -> str:
    client.get(f"/lang/{lang}")
    return html.unescape(client.get(url).get_data(as_text=True))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_changed_legal_basis_shows_as_its_label(app, forms, make_activity, lang):
    act = make_activity()
    response = forms.submit(f"/orgs/acme/activities/{act.id}/edit",
                            {**ACTIVITY, "purposes-0-legal_basis": "art6_1_b", "version": str(act.version)})
    assert response.status_code == 302
    history = history_of(page_in(forms.client, lang, f"/orgs/acme/activities/{act.id}"))
    label = in_lang(app, lang, ActivityForm.purposes.kwargs["label"])
    change = re.search(rf"<strong>{re.escape(label)}</strong>:\s*<del>(.*?)</del> → <ins>(.*?)</ins>", history, re.S)
    assert change, history
    old, new = change.groups()
    assert "Pay staff" in old and reference.label("legal_bases", "art6_1_c", lang) in old
    assert "Pay staff" in new and reference.label("legal_bases", "art6_1_b", lang) in new
    no_stored_form(history, "art6_1_b", "art6_1_c", "purposes", "legal_basis")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_sub_processors_country_and_locations_show_by_name(app, forms, make_subprocessor, lang):
    sp = make_subprocessor()
    response = forms.submit(f"/orgs/acme/subprocessors/{sp.id}/edit", {
        "legal_name": "OVH SAS", "status": "active", "country": "DE", "version": str(sp.version),
        "locations-0-country": "DE", "locations-0-kind": "access", "locations-0-site": "Frankfurt",
        "breach_notice_undue_delay": "y"})
    assert response.status_code == 302
    history = history_of(page_in(forms.client, lang, f"/orgs/acme/subprocessors/{sp.id}"))
    france, germany = reference.country("FR").name(lang), reference.country("DE").name(lang)
    seat = in_lang(app, lang, SubProcessorForm.country.args[0])
    assert f"<strong>{seat}</strong>:\n            <del>{france}</del> → <ins>{germany}</ins>" in history
    places = in_lang(app, lang, SubProcessorForm.locations.kwargs["label"])
    storage, access = (in_lang(app, lang, dict(KINDS)[k]) for k in ("storage", "access"))
    assert f"<strong>{places}</strong>:\n            <del>{france} · {storage}</del> → " \
           f"<ins>{germany} · {access} · Frankfurt</ins>" in history
    undue = in_lang(app, lang, SubProcessorForm.breach_notice_undue_delay.args[0])
    no, yes = (in_lang(app, lang, word) for word in ("No", "Yes"))
    assert f"<strong>{undue}</strong>:\n            <del>{no}</del> → <ins>{yes}</ins>" in history
    no_stored_form(history, "DE", "FR", "access", "storage", "locations", "country", labels=(access, storage, places, seat))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_retention_rules_unit_and_bound_show_as_the_form_words(app, forms, make_rule, lang):
    rule = make_rule()
    response = forms.submit(f"/orgs/acme/retention/{rule.id}/edit", {
        "covers_backups": "y", "kind": "fixed", "bound": "minimum", "value": "6", "unit": "months",
        "end_action": "delete", "version": str(rule.version)})
    assert response.status_code == 302, response.get_data(as_text=True)
    history = history_of(page_in(forms.client, lang, f"/orgs/acme/retention/{rule.id}"))
    words = {name: in_lang(app, lang, getattr(RetentionRuleForm, name).args[0]) for name in ("unit", "bound", "end_action")}
    days, months = (in_lang(app, lang, w) for w in ("days", "months"))
    exactly, at_least, delete = (in_lang(app, lang, w) for w in ("Exactly", "At least", "Delete"))
    assert f"<strong>{words['unit']}</strong>:\n            <del>{days}</del> → <ins>{months}</ins>" in history
    assert f"<strong>{words['bound']}</strong>:\n            <del>{exactly}</del> → <ins>{at_least}</ins>" in history
    assert f"<strong>{words['end_action']}</strong>:\n            <del>—</del> → <ins>{delete}</ins>" in history
    no_stored_form(history, "minimum", "exact", "months", "delete", "end_action", labels=(months,))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_comparison_of_two_dates_shows_the_changed_fields_by_label(app, forms, make_subprocessor, clock, lang,
                                                                     sign_in, org):
    sp = make_subprocessor()
    start = clock.now.date()
    clock.now = clock.now + timedelta(days=2)
    sign_in("dpo@acme.example.com", "dpo", org)  # two days later the login session has ended: log in again
    response = forms.submit(f"/orgs/acme/subprocessors/{sp.id}/edit", {
        "legal_name": "OVH SAS", "status": "retired", "country": "DE", "version": str(sp.version),
        "locations-0-country": "IE", "dpa_signed_on": "2026-01-15"})
    assert response.status_code == 302
    end = clock.now.date()
    page = page_in(forms.client, lang, f"/orgs/acme/subprocessors/compare?from={start}&to={end}")
    changed = page[page.index("<h3>"):]
    for field, old, new in (("country", reference.country("FR").name(lang), reference.country("DE").name(lang)),
                            ("status", in_lang(app, lang, "Active"), in_lang(app, lang, "Retired"))):
        label = in_lang(app, lang, getattr(SubProcessorForm, field).args[0])
        assert f"<tr><td>{label}</td><td>{old}</td><td>{new}</td></tr>" in changed
    signed = in_lang(app, lang, SubProcessorForm.dpa_signed_on.args[0])
    assert re.search(rf"<tr><td>{re.escape(signed)}</td><td>—</td><td>[^<]*2026</td></tr>", changed), changed
    no_stored_form(changed, "DE", "FR", "IE", "retired", "active", "dpa_signed_on", "2026-01-15")
