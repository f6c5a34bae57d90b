"""A large workbook's confirmed import runs as a job on the real queue: its page shows fiches done out of the total,
then the import's report; the records are written in one transaction."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from benchmarks.sheets import workbook
from registry.models import Activity, Organisation
from registry.services.organisations import get_by_slug
from tests.jobs.test_web_exports import job_row, poll

pytestmark = pytest.mark.usefixtures("consumer")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
CONFIRM = re.compile(r'name="token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="token"')


@pytest.fixture
def job_settings():
    return {"EXPORTS_PER_ORG": 2, "EXPORTS_RUNNING": 4, "JOB_STALE_SECONDS": 60, "REGISTRY_IMPORT_INLINE_ACTIVITIES": 5}


def activities(app, slug):
    with Session(app.extensions["registry.engine"]) as s:
        org_id = s.scalar(select(Organisation.id).where(Organisation.slug == slug))
        return s.scalar(select(func.count()).select_from(Activity).where(Activity.organisation_id == org_id))


def test_a_large_import_runs_as_a_job_with_its_progress_then_its_report(app, sign_in, demo):
    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "art-zone"))
    before = activities(app, "art-zone")
    page = client.get("/orgs/art-zone/imports/").get_data(as_text=True)
    match = TOKEN.search(page)
    csrf = match.group(1) or match.group(2)
    shown = client.post("/orgs/art-zone/imports/", data={"csrf_token": csrf, "file": (io.BytesIO(workbook(12)), "r.xlsx")},
                        content_type="multipart/form-data")
    assert shown.status_code == 200
    match = CONFIRM.search(shown.get_data(as_text=True))
    assert activities(app, "art-zone") == before  # the preview wrote nothing
    done = client.post("/orgs/art-zone/imports/confirm", data={"csrf_token": csrf, "token": match.group(1) or match.group(2)})
    assert done.status_code == 302 and "/documents/jobs/" in done.headers["Location"]
    job_url = done.headers["Location"]
    assert "Spreadsheet import" in client.get(job_url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    seen = poll(client, job_url, lambda s: s["state"] not in ("queued", "running"))
    assert seen[-1]["state"] == "done", seen
    assert seen[-1]["total"] == 12 and seen[-1]["done"] == 12
    assert all(s["done"] <= s["total"] or not s["total"] for s in seen)
    assert activities(app, "art-zone") == before + 12
    report = client.get(seen[-1]["file_url"])
    assert report.status_code == 200 and report.mimetype == "text/plain"
    text = report.get_data(as_text=True)
    assert text.startswith("cnil layout: ") and "create  activity B-00001 (Traitement 1)" in text
    job = job_row(app, seen[-1]["id"])
    assert job.kind == "import_sheet" and job.requested_by is not None
    assert not list((Path(app.config["EXPORTS_DIR"]) / "imports").rglob("*.bin"))  # the upload is not kept


def test_a_small_import_is_written_at_once(app, sign_in, demo):
    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "art-zone"))
    before = activities(app, "art-zone")
    page = client.get("/orgs/art-zone/imports/").get_data(as_text=True)
    match = TOKEN.search(page)
    csrf = match.group(1) or match.group(2)
    shown = client.post("/orgs/art-zone/imports/", data={"csrf_token": csrf, "file": (io.BytesIO(workbook(3)), "r.xlsx")},
                        content_type="multipart/form-data")
    match = CONFIRM.search(shown.get_data(as_text=True))
    done = client.post("/orgs/art-zone/imports/confirm", data={"csrf_token": csrf, "token": match.group(1) or match.group(2)})
    assert done.status_code == 302 and "/documents/jobs/" not in done.headers["Location"]
    assert activities(app, "art-zone") == before + 3
