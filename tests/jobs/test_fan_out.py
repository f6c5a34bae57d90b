"""The annex batch and the chunked register fanned out as tasks over two consumers of the real queue (SQLite file
and Redis): one task per group of annexes or per chunk, joined by the last part to finish, which writes the file
once; the job's units move as parts finish; a failing part fails the job with a message; a cancelled job stops."""

import io
import threading
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from registry.jobs import exports, queue, tasks
from registry.pdf import register as register_module
from registry.services.organisations import get_by_slug
from tests.jobs.test_web_exports import TOKEN, job_row, poll, start, text_of

pytestmark = pytest.mark.usefixtures("consumer", "second_consumer")


@pytest.fixture(scope="module")
def second_consumer(consumer):
    """A second consumer on the same queue (as a worker on another machine would be): parts go to both."""
    other = queue.BackgroundConsumer(queue.huey, workers=2, periodic=False, worker_type="thread",
                                     initial_delay=0.05, backoff=1.1, max_delay=0.2, check_worker_health=False)
    other.start()
    yield other
    other.stop(graceful=True)


@pytest.fixture
def job_settings():
    """One annex per task, so PILOTIM's three clients make three parts."""
    return {"EXPORTS_PER_ORG": 2, "EXPORTS_RUNNING": 4, "JOB_STALE_SECONDS": 60, "ANNEXES_PER_TASK": 1}


@pytest.fixture
def counted(monkeypatch):
    """Counts the parts and assemblies run (by any consumer thread), keeping what they do."""
    calls = {"parts": [], "assemble": 0}
    for fanned in exports.FANNED.values():
        part, assemble = fanned.part, fanned.assemble

        def counted_part(*args, _part=part, **kwargs):
            calls["parts"].append(threading.current_thread().name)
            return _part(*args, **kwargs)

        def counted_assemble(*args, _assemble=assemble, **kwargs):
            calls["assemble"] += 1
            return _assemble(*args, **kwargs)

        monkeypatch.setattr(fanned, "part", staticmethod(counted_part))
        monkeypatch.setattr(fanned, "assemble", staticmethod(counted_assemble))
    return calls


def _running_units(seen: list[dict]) -> list[tuple[int, int]]:
    return [(s["done"], s["total"]) for s in seen if s["state"] == "running" and s["total"]]


def _no_parts_left(app, job_id: int) -> bool:
    return not (Path(app.config["EXPORTS_DIR"]) / "parts" / str(job_id)).exists()


def test_a_fanned_out_annex_batch_gives_one_zip_and_its_progress_moves(app, sign_in, demo, counted, monkeypatch):
    # The three parts run at once on four threads: each later one waits a little more, so that the page has the
    # time to show the count between them (on a loaded machine they could otherwise end within one poll).
    part, taken, lock = exports.FANNED["annexes"].part, [], threading.Lock()

    def staggered(*args, **kwargs):
        with lock:
            taken.append(None)
            wait = 0.4 * (len(taken) - 1)
        time.sleep(wait)
        return part(*args, **kwargs)

    monkeypatch.setattr(exports.FANNED["annexes"], "part", staticmethod(staggered))
    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "pilotim"))
    job_url = start(client, "pilotim", "annexes")
    seen = poll(client, job_url, lambda s: s["state"] not in ("queued", "running"), every=0.01)
    assert seen[-1]["state"] == "done", seen
    units = _running_units(seen)
    assert units and {t for _d, t in units} == {3}  # one unit per client
    done = [d for d, _t in units]
    assert done == sorted(done) and any(0 < d < 3 for d in done), seen
    assert len(counted["parts"]) == 3 and counted["assemble"] == 1
    archive = zipfile.ZipFile(io.BytesIO(client.get(seen[-1]["file_url"]).data))
    names = archive.namelist()
    assert len(names) == 3 and names == sorted(names) and all(n.startswith("annex-") for n in names)
    for name in names:  # each a whole annex of its own client
        assert "Annex" in text_of(archive.read(name))
    job_id = seen[-1]["id"]
    assert len(list(Path(app.config["EXPORTS_DIR"]).glob(f"*/{job_id}-*.zip"))) == 1
    assert _no_parts_left(app, job_id)


def test_a_fanned_out_register_equals_the_one_printed_in_one_process(app, clock, sign_in, demo, counted, monkeypatch,
                                                                  tmp_path):
    """The clock stands still: the cover prints the edition's time."""
    monkeypatch.setattr(register_module, "CHUNK_WEIGHT", 4)  # PILOTIM's 15 units make several chunks
    pilotim = get_by_slug(demo, "pilotim")
    expected = register_module.register_pdf(demo, pilotim.id, "en", cache_dir=tmp_path / "alone", workers=1)
    demo.rollback()
    chunks = len(register_module.chunks_of(register_module.register_body(
        register_module.documents.register(register_module.documents.load(demo, pilotim.id), "en"))[0]))
    demo.rollback()
    assert chunks >= 4
    client = sign_in("dpo@x.example.com", "dpo", pilotim)
    job_url = start(client, "pilotim", "register", lang="en")
    seen = poll(client, job_url, lambda s: s["state"] not in ("queued", "running"), every=0.01)
    assert seen[-1]["state"] == "done", seen
    units = _running_units(seen)
    assert {t for _d, t in units} == {chunks + 1}  # one unit per chunk and one for the assembly
    assert any(0 < d < chunks for d, _t in units), seen
    assert len(counted["parts"]) == chunks and counted["assemble"] == 1
    pdf = client.get(seen[-1]["file_url"]).data
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(PdfReader(io.BytesIO(expected)).pages)
    assert text_of(pdf) == text_of(expected)
    assert _no_parts_left(app, seen[-1]["id"])


def test_a_failing_part_fails_the_job_with_a_message(app, sign_in, demo, monkeypatch):
    part = exports.FannedAnnexes.part
    pilotim = get_by_slug(demo, "pilotim")
    second = sorted(c.id for c in register_module.documents.load(demo, pilotim.id).clients)[1]
    demo.rollback()

    def failing(session, org, job, ids, progress, places):
        if ids == [second]:
            raise RuntimeError("the font went missing")
        return part(session, org, job, ids, progress, places)

    monkeypatch.setattr(exports.FannedAnnexes, "part", staticmethod(failing))
    client = sign_in("dpo@x.example.com", "dpo", pilotim)
    job_url = start(client, "pilotim", "annexes")
    status = poll(client, job_url, lambda s: s["state"] not in ("queued", "running"))[-1]
    assert status["state"] == "failed" and status["file_url"] is None
    assert "The export failed" in status["message"]
    job = job_row(app, status["id"])
    assert job.error_code == "render_failed" and "the font went missing" in job.error_detail
    assert "The export failed" in client.get(job_url).get_data(as_text=True)
    client.get("/lang/fr")
    assert "export a échoué" in client.get(job_url).get_data(as_text=True).replace("&#39;", "'")
    assert not list(Path(app.config["EXPORTS_DIR"]).glob(f"*/{job.id}-*"))


def test_a_fanned_out_job_cancelled_mid_way_stops_and_keeps_nothing(app, sign_in, demo, monkeypatch):
    part = exports.FannedAnnexes.part
    release = threading.Event()
    pilotim = get_by_slug(demo, "pilotim")
    first = min(c.id for c in register_module.documents.load(demo, pilotim.id).clients)
    demo.rollback()
    inside = []

    def held(session, org, job, ids, progress, places):
        inside.append(ids)
        try:
            if ids != [first]:  # the first group goes through; the others wait for the test
                assert release.wait(30)
            return part(session, org, job, ids, progress, places)
        finally:
            inside.remove(ids)

    monkeypatch.setattr(exports.FannedAnnexes, "part", staticmethod(held))
    client = sign_in("dpo@x.example.com", "dpo", pilotim)
    job_url = start(client, "pilotim", "annexes")
    try:
        poll(client, job_url, lambda s: s["state"] == "running" and s["done"] == 1, every=0.01)
        token = TOKEN.search(client.get(job_url).get_data(as_text=True)).group(1)
        assert client.post(job_url + "/cancel", data={"csrf_token": token}).status_code == 302
    finally:
        release.set()
    job_id = int(job_url.rsplit("/", 1)[1])
    status = poll(client, job_url, lambda s: s["state"] != "running")[-1]
    assert status["state"] == "cancelled" and status["done"] == 1
    deadline = time.monotonic() + 30
    while inside and time.monotonic() < deadline:  # the held parts go on, and stop at their unit
        time.sleep(0.05)
    time.sleep(0.3)
    job = job_row(app, job_id)
    assert job.state == "cancelled" and job.result_path is None and job.done_units == 1
    assert not list(Path(app.config["EXPORTS_DIR"]).glob(f"*/{job_id}-*"))
    assert job_id in tasks.sweep_parts(app) and _no_parts_left(app, job_id)
    assert "cancelled: nothing was kept" in client.get(job_url).get_data(as_text=True)
