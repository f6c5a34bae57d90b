"""The Documents page offers the register as a workbook: an auditor downloads it, in either language and format."""

import io

import pytest
from openpyxl import load_workbook

from registry.services.organisations import get_by_slug
from registry.services.sheet_files import read_workbook


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_auditor_downloads_the_register_as_a_workbook(sign_in, demo, fmt):
    org = get_by_slug(demo, "pilotim")
    client = sign_in("auditor@x.example.com", "auditor", org)
    page = client.get("/orgs/pilotim/documents/").get_data(as_text=True)
    assert f"/orgs/pilotim/documents/register.{fmt}?lang=en" in page
    got = client.get(f"/orgs/pilotim/documents/register.{fmt}?lang=en")
    assert got.status_code == 200
    assert got.headers["Content-Disposition"].endswith(f"register-pilotim-en.{fmt}")
    sheets = read_workbook(got.data)
    assert list(sheets)[:2] == ["Activities", "Purposes"]
    assert len(sheets["Activities"]) > 1
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(got.data))["Activities"].freeze_panes == "A2"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_documents_page_offers_the_cnil_layout(sign_in, demo, fmt):
    org = get_by_slug(demo, "ginger-minds")
    client = sign_in("auditor@x.example.com", "auditor", org)
    page = client.get("/orgs/ginger-minds/documents/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"/orgs/ginger-minds/documents/register.{fmt}?layout=cnil" in page
    got = client.get(f"/orgs/ginger-minds/documents/register.{fmt}?layout=cnil")
    assert got.status_code == 200
    assert got.headers["Content-Disposition"].endswith(f"registre-cnil-ginger-minds.{fmt}")
    sheets = read_workbook(got.data)
    names = list(sheets)
    assert names[0] == "2 - Liste des traitements" and len(names) > 1
    assert all(sheets[n][0][0] == "Nom du traitement" for n in names[1:])
