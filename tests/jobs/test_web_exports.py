"""Exports as jobs on the real queue (SQLite file and Redis, a consumer in threads): from the Documents page to
the download, progress moving, cancelling, the per-organisation bound, and who may see a job."""

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from registry.models import Job
from registry.services import jobs as service
from registry.services.organisations import get_by_slug

pytestmark = pytest.mark.usefixtures("consumer")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def start(client, slug: str, kind: str, **form) -> str:
    """Press the button of the Documents page; returns the job page's URL."""
    page = client.get(f"/orgs/{slug}/documents/").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = client.post(f"/orgs/{slug}/documents/export/{kind}", data={"csrf_token": token, **form})
    assert response.status_code == 302
    return response.headers["Location"]


def poll(client, job_url: str, until, seconds: float = 90, every: float = 0.03) -> list[dict]:
    """The JSON statuses seen (each change once) until `until(status)` holds."""
    seen: list[dict] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(job_url + ".json").get_json()
        if not seen or status != seen[-1]:
            seen.append(status)
        if until(status):
            return seen
        time.sleep(every)
    raise AssertionError(f"not reached in {seconds} s; seen {seen}")


def job_row(app, job_id: int) -> Job:
    with Session(app.extensions["registry.engine"]) as s:
        return s.get(Job, job_id)


def test_register_export_from_the_page_to_the_download(app, sign_in, demo):
    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "ginger-minds"))
    job_url = start(client, "ginger-minds", "register", lang="en")
    page = client.get(job_url).get_data(as_text=True)
    # Without script the page refreshes itself; with it, job.js polls the JSON status.
    assert 'http-equiv="refresh"' in page and "js/job.js" in page and "<progress" in page
    seen = poll(client, job_url, lambda s: s["state"] not in ("queued", "running"))
    assert seen[-1]["state"] == "done" and seen[-1]["done"] == seen[-1]["total"] == 1
    done_page = client.get(job_url).get_data(as_text=True)
    assert "Download the file" in done_page and 'http-equiv="refresh"' not in done_page
    pdf = client.get(seen[-1]["file_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].endswith("register-ginger-minds-en.pdf")
    text = text_of(pdf.data)
    assert "GINGER MINDS" in text and "Record of processing activities" in text
    # The Documents page lists it, ready, in its body (the page's <title> stays the page's name).
    documents = client.get("/orgs/ginger-minds/documents/").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", documents, re.S).group(1)
    assert "<" not in title and "Recent exports" not in title
    assert "Ready" in documents[documents.index("</title>"):]
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", documents)  # times in the one date-time format


def test_an_identical_export_under_way_is_joined_not_started_twice(app, sign_in, demo):
    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "art-zone"))
    first = start(client, "art-zone", "register", lang="fr")
    second = start(client, "art-zone", "register", lang="fr")
    other_lang = start(client, "art-zone", "register", lang="en")
    assert first == second and other_lang != first
    for url in (first, other_lang):
        poll(client, url, lambda s: s["state"] == "done")


def test_progress_of_the_annex_batch_is_seen_moving(app, sign_in, demo):
    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "pilotim"))
    job_url = start(client, "pilotim", "annexes")
    seen = poll(client, job_url, lambda s: s["state"] == "done")
    units = [(s["done"], s["total"]) for s in seen if s["state"] == "running" and s["total"]]
    assert units and units[0][1] == 3  # one unit per client of PILOTIM
    done = [d for d, _t in units]
    assert done == sorted(done) and any(0 < d < 3 for d in done), seen
    archive = zipfile.ZipFile(io.BytesIO(client.get(seen[-1]["file_url"]).data))
    assert len(archive.namelist()) == 3 and all(n.endswith(".pdf") for n in archive.namelist())


def test_a_cancelled_export_stops_and_keeps_no_file(app, sign_in, demo):
    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "ginger-minds"))
    job_url = start(client, "ginger-minds", "register", lang="fr")
    poll(client, job_url, lambda s: s["state"] == "running", every=0.01)
    token = TOKEN.search(client.get(job_url).get_data(as_text=True)).group(1)
    assert client.post(job_url + "/cancel", data={"csrf_token": token}).status_code == 302
    job_id = int(job_url.rsplit("/", 1)[1])
    deadline = time.monotonic() + 60
    while job_row(app, job_id).heartbeat_at and time.monotonic() < deadline and _task_alive(app, job_id):
        time.sleep(0.1)
    job = job_row(app, job_id)
    assert job.state == "cancelled" and job.result_path is None
    assert not list(Path(app.config["EXPORTS_DIR"]).glob(f"*/{job_id}-*"))
    page = client.get(job_url).get_data(as_text=True)
    assert "cancelled: nothing was kept" in page and "Cancel this export" not in page


def _task_alive(app, job_id: int) -> bool:
    """Whether a worker thread still renders this job (it stops at its next unit once cancelled)."""
    import threading

    return any(t.name == f"job-{job_id}-heartbeat" for t in threading.enumerate())


@pytest.mark.parametrize("job_settings", [{"EXPORTS_PER_ORG": 1, "EXPORTS_RUNNING": 4, "JOB_STALE_SECONDS": 60}])
def test_the_bound_per_organisation_holds_a_job_until_a_slot_frees(app, sign_in, demo, job_settings):
    apex, ginger = get_by_slug(demo, "apex-timing"), get_by_slug(demo, "ginger-minds")
    # A job of APEX holds its only slot (claimed as a worker would, and kept running).
    holder, _ = service.request_job(demo, apex.id, None, "register", {"lang": "fr"})
    demo.commit()
    assert service.claim_job(demo, holder.id, service.Bounds(per_org=1, total=4)) == "claimed"
    demo.commit()
    client = sign_in("dpo@x.example.com", "dpo", apex)
    sign_in("dpo@x.example.com", "dpo", ginger)
    waiting = start(client, "apex-timing", "register", lang="en")
    elsewhere = start(client, "ginger-minds", "register", lang="fr")
    # Another organisation is not held back; APEX's second export waits for a worker slot.
    poll(client, elsewhere, lambda s: s["state"] == "done")
    assert client.get(waiting + ".json").get_json()["state"] == "queued"
    time.sleep(1.5)  # several retries of the queue meanwhile
    assert client.get(waiting + ".json").get_json()["state"] == "queued"
    service.cancel_job(demo, demo.get(Job, holder.id))
    demo.commit()
    assert poll(client, waiting, lambda s: s["state"] == "done")[-1]["file_url"]


def test_only_members_of_the_organisation_see_or_download_its_jobs(app, sign_in, demo, client):
    artzone, apex = get_by_slug(demo, "art-zone"), get_by_slug(demo, "apex-timing")
    dpo = sign_in("dpo@x.example.com", "dpo", artzone)
    job_url = start(dpo, "art-zone", "register", lang="fr")
    status = poll(dpo, job_url, lambda s: s["state"] == "done")[-1]
    job_id = status["id"]
    dpo.get("/lang/en")
    # An auditor of another organisation: every page of the job is a 404, under ART ZONE's URL or its own.
    auditor = sign_in("auditor@other.example.com", "auditor", apex)
    for url in (job_url, job_url + ".json", status["file_url"]):
        assert auditor.get(url).status_code == 404, url
    assert auditor.get(f"/orgs/apex-timing/documents/jobs/{job_id}").status_code == 404
    assert auditor.get(f"/orgs/apex-timing/documents/jobs/{job_id}/file").status_code == 404
    # An auditor of ART ZONE reads and downloads it but may not cancel another person's export.
    sign_in("auditor@other.example.com", "auditor", artzone)
    assert auditor.get(status["file_url"]).status_code == 200
    queued, _ = service.request_job(demo, artzone.id, demo.exec(select(Job.requested_by).where(Job.id == job_id)).one(),
                                    "subprocessors", {"lang": "fr"})
    demo.commit()
    token = TOKEN.search(auditor.get(f"/orgs/art-zone/documents/jobs/{queued.id}").get_data(as_text=True)).group(1)
    assert auditor.post(f"/orgs/art-zone/documents/jobs/{queued.id}/cancel", data={"csrf_token": token}).status_code == 403
    assert job_row(app, queued.id).state == "queued"


@pytest.mark.parametrize(("kind", "name", "expected"), [
    ("subprocessors", "subprocessors-ginger-minds-en.pdf", "Sub-processor"),
    ("breaches", "breach-register-ginger-minds-en.pdf", "GINGER MINDS"),
])
def test_the_sub_processor_list_and_the_breach_register_print_as_jobs(app, sign_in, demo, kind, name, expected):
    client = sign_in("auditor@x.example.com", "auditor", get_by_slug(demo, "ginger-minds"))
    status = poll(client, start(client, "ginger-minds", kind, lang="en"), lambda s: s["state"] == "done")[-1]
    pdf = client.get(status["file_url"])
    assert pdf.headers["Content-Disposition"].endswith(name) and expected in text_of(pdf.data)


def test_a_finished_file_expires_and_is_deleted_by_the_periodic_task(app, sign_in, demo, clock):
    from datetime import timedelta

    from registry.jobs import tasks

    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "art-zone"))
    job_url = start(client, "art-zone", "register", lang="fr")
    status = poll(client, job_url, lambda s: s["state"] == "done")[-1]
    stored = list(Path(app.config["EXPORTS_DIR"]).glob(f"*/{status['id']}-*.pdf"))
    assert len(stored) == 1
    assert tasks.expire_files(app) == []  # kept while younger than REGISTRY_EXPORT_KEEP_HOURS
    clock.travel(clock.now + timedelta(hours=app.config["EXPORT_KEEP_HOURS"], minutes=1))  # the user stays signed in
    assert len(tasks.expire_files(app)) == 1
    assert not stored[0].exists() and client.get(status["file_url"]).status_code == 404
    assert "expired and was deleted" in client.get(job_url).get_data(as_text=True)
