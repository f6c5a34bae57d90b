"""Each change made through a form is one audit entry with who, before and after; a refused form writes none."""

from sqlmodel import select

from registry import audit
from registry.models import AuditEntry, SubProcessor


def entries(session):
    session.expire_all()
    return session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()


def test_create_edit_retire_and_delete_are_audited_with_the_user(forms, org, session, make_activity):
    assert forms.submit("/orgs/acme/subprocessors/new", {"legal_name": "Brevo SAS", "status": "active",
                                                          "locations-0-country": "FR"}).status_code == 302
    sp = session.exec(select(SubProcessor)).one()
    edit = f"/orgs/acme/subprocessors/{sp.id}/edit"
    assert forms.submit(edit, {"legal_name": "Brevo", "status": "active", "version": str(sp.version),
                               "locations-0-country": "FR"}).status_code == 302
    trail = entries(session)
    assert [(e.action, e.record_type, e.actor) for e in trail] == [
        ("create", "subprocessor", "dpo@acme.example.com"),
        ("update", "subprocessor", "dpo@acme.example.com"),
    ]
    assert trail[0].after["locations"] == [{"country": "FR", "site": None, "kind": "storage"}]
    assert (trail[1].before["legal_name"], trail[1].after["legal_name"]) == ("Brevo SAS", "Brevo")
    token = forms.token(edit)
    assert forms.client.post(f"/orgs/acme/subprocessors/{sp.id}/delete", data={"csrf_token": token}).status_code == 302
    assert entries(session)[-1].action == "delete" and entries(session)[-1].before["legal_name"] == "Brevo"
    assert audit.verify(session).ok


def test_a_refused_form_and_an_unchanged_save_write_no_audit_entry(forms, org, session, make_subprocessor):
    sp = make_subprocessor()
    before = len(entries(session))
    edit = f"/orgs/acme/subprocessors/{sp.id}/edit"
    assert forms.submit(edit, {"legal_name": "", "status": "active"}).status_code == 422
    assert forms.submit(edit, {"legal_name": "OVH SAS", "country": "FR", "status": "active",
                               "address": sp.address, "contact_name": sp.contact_name, "contact_email": sp.contact_email,
                               "locations-0-country": "FR", "version": str(sp.version)}).status_code == 302
    assert len(entries(session)) == before
