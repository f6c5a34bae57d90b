"""The Import page: a DPO previews a CNIL workbook (records and problems by cell, nothing written), then imports it."""

import io
import re

from sqlalchemy import func, select

from registry.models import Activity, Organisation
from registry.services.organisations import get_by_slug
from tests.cli.test_sheets import as_xlsx, cnil_book, fiche


def activities(session, slug="art-zone"):
    session.expire_all()
    org_id = session.scalar(select(Organisation.id).where(Organisation.slug == slug))
    return session.execute(select(func.count()).select_from(Activity).where(Activity.organisation_id == org_id)).scalar_one()



def test_preview_writes_nothing_then_one_click_imports(sign_in, demo):
    org = get_by_slug(demo, "art-zone")
    client = sign_in("dpo@x.example.com", "dpo", org)
    before = activities(demo)
    page = client.get("/orgs/art-zone/imports/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page)
    token = token.group(1) or token.group(2)
    book = cnil_book({"Paie": fiche("Gestion de la paie", "RH-01",
                                    transfer=["Organisme destinataire 1", "PayCloud Inc", "Etats-Unis", "Privacy shield"])})
    shown = client.post("/orgs/art-zone/imports/", data={"csrf_token": token, "file": (io.BytesIO(as_xlsx(book)), "registre.xlsx")},
                        content_type="multipart/form-data")
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200, text[:2000]
    assert "activity RH-01 (Gestion de la paie)" in text
    assert "fiche &#39;Paie&#39; D35: &#39;Privacy shield&#39; is not a valid safeguard" in text
    assert activities(demo) == before
    confirm = re.search(r'name="token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="token"', text)
    done = client.post("/orgs/art-zone/imports/confirm", data={"csrf_token": token, "token": confirm.group(1) or confirm.group(2)})
    assert done.status_code == 302
    assert activities(demo) == before + 1


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_the_field(sign_in, demo):
    org = get_by_slug(demo, "art-zone")
    client = sign_in("dpo@x.example.com", "dpo", org)
    page = client.get("/orgs/art-zone/imports/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page)
    shown = client.post("/orgs/art-zone/imports/", data={"csrf_token": token.group(1) or token.group(2),
                                                        "file": (io.BytesIO(b"%PDF-1.4 not a workbook"), "x.xlsx")},
                        content_type="multipart/form-data")
    assert shown.status_code == 422
    assert "not a spreadsheet" in shown.get_data(as_text=True)


def test_an_auditor_cannot_open_the_import_page(sign_in, demo):
    client = sign_in("auditor@x.example.com", "auditor", get_by_slug(demo, "art-zone"))
    assert client.get("/orgs/art-zone/imports/").status_code == 403
