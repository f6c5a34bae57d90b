"""A record's page shows its History from the audit trail; an organisation's trail downloads as JSON."""

import json
import re

from registry.models import Organisation


def history_of(page: str) -> str:
    return page[page.index('id="history"'):]


def test_an_edit_shows_in_the_history_with_old_and_new_values_and_the_editor(forms, make_subprocessor):
    sp = make_subprocessor(legal_name="OVH SAS")
    edit = f"/orgs/acme/subprocessors/{sp.id}/edit"
    response = forms.submit(edit, {"legal_name": "OVHcloud <b>SAS</b>", "status": "active",
                                   "version": str(sp.version), "locations-0-country": "FR"})
    assert response.status_code == 302
    page = forms.client.get(f"/orgs/acme/subprocessors/{sp.id}").get_data(as_text=True)
    history = history_of(page)
    rows = re.findall(r"<tr>.*?</tr>", history.split("<tbody>")[1], re.S)
    assert len(rows) == 2
    newest, oldest = rows
    assert "Modification" in newest and "dpo@acme.example.com" in newest
    assert "<del>OVH SAS</del>" in newest and "<ins>OVHcloud &lt;b&gt;SAS&lt;/b&gt;</ins>" in newest
    assert "<b>SAS</b>" not in page  # user text is escaped, never markup
    assert "Creation" in oldest and "test" in oldest  # the fixture's actor created it


def test_the_history_is_in_french_in_the_french_interface(forms, make_subprocessor):
    sp = make_subprocessor()
    forms.submit(f"/orgs/acme/subprocessors/{sp.id}/edit", {"legal_name": "OVHcloud", "status": "active",
                                                            "version": str(sp.version), "locations-0-country": "FR"})
    forms.client.get("/lang/fr")
    history = history_of(forms.client.get(f"/orgs/acme/subprocessors/{sp.id}").get_data(as_text=True))
    assert "Historique" in history and "Modification" in history and "Création" in history
    assert "Champs modifiés" in history


def test_a_record_without_entries_says_so(en, session, org):
    from registry.models import SecurityMeasure

    measure = SecurityMeasure(organisation_id=org.id, heading="backup", title="Written outside the app")
    session.add(measure)
    session.commit()
    history = history_of(en.get(f"/orgs/acme/measures/{measure.id}").get_data(as_text=True))
    assert "No change recorded yet." in history


def test_the_audit_export_lists_only_that_organisations_entries(en, org, make_org, make_subprocessor, session):
    other = make_org("other")
    make_subprocessor(other, legal_name="Other Vendor")
    mine = make_subprocessor(legal_name="Acme Vendor")
    response = en.get("/orgs/acme/audit.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["organisation"] == "acme"
    assert data["entries"] and all(e["organisation_id"] == org.id for e in data["entries"])
    assert [e["record_id"] for e in data["entries"] if e["record_type"] == "subprocessor"] == [mine.id]
    assert "Other Vendor" not in response.get_data(as_text=True)
    assert session.get(Organisation, other.id) is not None


def test_an_auditor_downloads_the_audit_trail_but_another_organisations_member_does_not(
        as_role, sign_in, make_org, make_subprocessor):
    make_subprocessor()
    client = as_role("auditor")
    assert client.get("/orgs/acme/audit.json").status_code == 200
    sign_in("someone@other.example.com", "admin", make_org("other"))
    assert client.get("/orgs/acme/audit.json").status_code == 404
