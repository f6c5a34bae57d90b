"""Pickers list countries and records in the interface language's alphabetical order, accents and case included."""

import html
import re

NAMES = ["Zendesk Inc.", "iSendPro", "Infomaniak", "Amazon Web Services EMEA SARL", "Brevo", "Élan Cloud"]
IN_ORDER = ["Amazon Web Services EMEA SARL", "Brevo", "Élan Cloud", "Infomaniak", "iSendPro", "Zendesk Inc."]


def options(page: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{re.escape(select_id)}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [html.unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def boxes(page: str, fieldset_id: str) -> list[str]:
    fieldset = re.search(rf'<fieldset[^>]*id="{re.escape(fieldset_id)}"[^>]*>(.*?)</fieldset>', page, re.S).group(1)
    return [html.unescape(label).strip() for label in re.findall(r"<label><input[^>]*>([^<]*)</label>", fieldset)]


def test_country_list_follows_french_then_english_order(en):
    en.get("/lang/fr")
    fr = options(en.get("/orgs/acme/subprocessors/new").get_data(as_text=True), "country")
    assert fr[0] == "—" and fr[-1] == "Zimbabwe (ZW)"
    assert fr.index("Égypte (EG)") == fr.index("Dominique (DM)") + 1
    assert fr.index("Estonie (EE)") < fr.index("États-Unis (US)") < fr.index("Éthiopie (ET)") < fr.index("Fidji (FJ)")
    en.get("/lang/en")
    english = options(en.get("/orgs/acme/subprocessors/new").get_data(as_text=True), "country")
    assert english.index("Åland Islands (AX)") == english.index("Afghanistan (AF)") + 1
    assert english.index("Germany (DE)") < english.index("United States (US)") < english.index("Zimbabwe (ZW)")


def test_record_pickers_put_lower_case_and_accented_names_among_their_letter(en, make_subprocessor, make_activity):
    for name in NAMES:
        make_subprocessor(legal_name=name)
    make_activity(reference="RH-10", name="Payroll")
    make_activity(reference="RH-2", name="Recruitment")
    activity_form = en.get("/orgs/acme/activities/new").get_data(as_text=True)
    assert boxes(activity_form, "subprocessor_ids") == IN_ORDER
    en.get("/lang/fr")
    transfer_form = en.get("/orgs/acme/transfers/new").get_data(as_text=True)
    assert options(transfer_form, "subprocessor_id") == ["—", *IN_ORDER]
    assert options(transfer_form, "activity_id") == ["—", "RH-2 · Recruitment", "RH-10 · Payroll"]  # numbers as numbers
