"""The Requests sheet of the spreadsheet export: no requester's name or contact unless --with-personal-data, and
the sheet imports back cell by cell (client, activities and measures, dates, rights)."""

from datetime import date

import pytest
from sqlalchemy import select

from registry.models import Activity, ActivityClientLink, DataRequest
from registry.services import requests as svc
from registry.services.organisations import get_by_slug
from registry.services.sheet_files import read_workbook


@pytest.fixture
def with_requests(demo):
    pilotim = get_by_slug(demo, "pilotim")
    link = demo.execute(select(ActivityClientLink).join(Activity, Activity.id == ActivityClientLink.activity_id)
                        .where(Activity.organisation_id == pilotim.id).order_by(Activity.id)).scalars().first()
    svc.create_request(demo, pilotim, {
        "reference": "DSR-S1", "received_on": date(2025, 12, 31), "rights": ["erasure", "access"],
        "client_id": link.client_id, "requester_name": "Jeanne Exemple", "requester_contact": "jeanne@example.org",
        "requester_category": "users", "forwarded_on": date(2026, 1, 2), "status": "answered",
        "answered_on": date(2026, 1, 20), "answer_summary": "=erased on the client's instruction",
        "activities": [{"activity_id": link.activity_id, "measure": "erased", "measure_note": "account"}]}, "test")
    svc.create_request(demo, pilotim, {"reference": "DSR-S2", "received_on": date(2026, 3, 3), "rights": ["access"],
                                       "extended": True, "extension_decided_on": date(2026, 3, 20),
                                       "extension_reasons": "Volume"}, "test")
    demo.commit()
    return pilotim


def _export(runner, path, slug="pilotim", *extra):
    result = runner.invoke(args=["export-sheet", "--org", slug, "-o", str(path), "--lang", "en", *extra])
    assert result.exit_code == 0, result.output
    return read_workbook(path.read_bytes())


def test_the_requests_sheet_leaves_out_the_requester_unless_asked(runner, tmp_path, with_requests):
    plain = _export(runner, tmp_path / "plain.xlsx")["Requests"]
    assert "Requester name" not in plain[0] and "Requester contact" not in plain[0]
    assert "Requester category" in plain[0] and "Client" in plain[0] and "Activities" in plain[0]
    assert [row[plain[0].index("Reference")] for row in plain[1:]] == ["DSR-S1", "DSR-S2"]
    assert "Jeanne" not in str(plain) and "jeanne@" not in str(plain)
    assert "'=erased on the client's instruction" in str(plain)  # no formula from a summary
    full = _export(runner, tmp_path / "full.xlsx", "pilotim", "--with-personal-data")["Requests"]
    row = dict(zip(full[0], full[1], strict=False))
    assert (row["Requester name"], row["Requester contact"]) == ("Jeanne Exemple", "jeanne@example.org")


@pytest.mark.parametrize("extra", [(), ("--with-personal-data",)])
@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_the_requests_sheet_imports_back_cell_by_cell(runner, session, tmp_path, with_requests, empty_org, extra,
                                                     suffix):
    first = _export(runner, tmp_path / f"first.{suffix}", "pilotim", *extra)
    result = runner.invoke(args=["import-sheet", str(tmp_path / f"first.{suffix}"), "--org", "cnil"])
    assert result.exit_code == 0, result.output
    second = _export(runner, tmp_path / f"second.{suffix}", "cnil", *extra)
    assert first == second
    session.expire_all()
    copied = session.scalars(select(DataRequest).where(DataRequest.organisation_id == empty_org.id)
                             .order_by(DataRequest.reference)).all()
    assert [r.reference for r in copied] == ["DSR-S1", "DSR-S2"]
    assert copied[0].activity_links[0].measure == "erased" and copied[0].client_id is not None
    assert copied[0].requester_name == ("Jeanne Exemple" if extra else None)
