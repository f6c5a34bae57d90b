"""A worker process killed in the middle of an export: its job ends failed (the periodic stale check), with a
message in the interface's language, never "running" forever."""

import os
import signal
import time
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from registry import clock
from registry.jobs import tasks
from registry.models import Job
from registry.services import jobs as service
from registry.services.organisations import get_by_slug
from tests.jobs.conftest import worker_process


def test_a_worker_killed_mid_job_leaves_the_job_failed_with_a_message(app, database_url, sign_in, demo):
    pilotim = get_by_slug(demo, "pilotim")
    job, _ = service.request_job(demo, pilotim.id, None, "annexes", {})
    demo.commit()
    worker = worker_process(app, database_url, "-k", "thread")
    try:
        tasks.enqueue(job)
        engine = app.extensions["registry.engine"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with Session(engine) as s:
                row = s.get(Job, job.id)
            if row.state != "queued":
                break
            assert worker.poll() is None, "the worker process ended by itself"
            time.sleep(0.02)
        assert row.state == "running" and row.done_units < 3
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert tasks.fail_stale(app) == []  # its last heartbeat is recent: not judged yet
    # The worker wrote its heartbeats on real time; the test's clock moves past the bound from there
    # (`_test_clock` puts it back afterwards).
    clock.set_now(datetime.now(UTC) + timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1))
    assert tasks.fail_stale(app) == [job.id]
    with Session(app.extensions["registry.engine"]) as s:
        ended = s.get(Job, job.id)
    assert ended.state == "failed" and ended.error_code == "worker_lost" and ended.result_path is None
    client = sign_in("dpo@x.example.com", "dpo", pilotim)
    page = client.get(f"/orgs/pilotim/documents/jobs/{job.id}").get_data(as_text=True)
    assert "stopped before the end" in page and 'http-equiv="refresh"' not in page
    client.get("/lang/fr")
    assert "arrêté avant la fin" in client.get(f"/orgs/pilotim/documents/jobs/{job.id}").get_data(as_text=True)


def test_a_fanned_out_job_whose_parts_the_queue_lost_ends_failed_at_the_next_check(app, demo):
    """Parts waiting behind other exports keep their job alive; parts the queue no longer holds (emptied, a Redis
    restarted without its data) do not: the job ends failed at the first check past the stale bound, not an hour on."""
    pilotim = get_by_slug(demo, "pilotim")
    job, _ = service.request_job(demo, pilotim.id, None, "annexes", {})
    demo.commit()
    assert service.claim_job(demo, job.id, tasks.bounds(app)) == "claimed"
    assert service.record_progress(demo, job.id, done=0, total=2, parts=2)
    demo.commit()
    for part in ([1], [2]):  # no worker in this module: the parts stay in the queue
        tasks.run_part(job.id, part, 2)
    assert tasks.jobs_with_parts_in_queue() == {job.id}
    clock.set_now(datetime.now(UTC) + timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1))
    assert tasks.fail_stale(app) == []  # its parts wait for a worker
    from registry.jobs import queue

    queue.huey.storage.flush_queue()
    assert tasks.fail_stale(app) == [job.id]
    with Session(app.extensions["registry.engine"]) as s:
        ended = s.get(Job, job.id)
    assert (ended.state, ended.error_code) == ("failed", "worker_lost")
    assert ended.error_detail == "its parts are no longer in the task queue"


def test_every_periodic_task_is_listed_in_one_place_with_its_schedule():
    listed = {task.task_class.__name__ for task, _when, _what in tasks.PERIODIC}
    assert listed == {p.name for p in tasks.huey._registry.periodic_tasks}
    stale, expire, *_others = (task for task, _when, _what in tasks.PERIODIC)
    stale, expire, remind, purge = stale.s(), expire.s(), tasks.remind.s(), tasks.purge_requests.s()
    assert stale.validate_datetime(datetime(2026, 1, 1, 3, 41)) and expire.validate_datetime(datetime(2026, 1, 1, 3, 7))
    assert not expire.validate_datetime(datetime(2026, 1, 1, 3, 8))
    assert remind.validate_datetime(datetime(2026, 1, 1, 3, 50)) and not remind.validate_datetime(datetime(2026, 1, 1, 3, 51))
    # The purge of expired data-subject requests: once a day.
    assert purge.validate_datetime(datetime(2026, 1, 1, 3, 23))
    assert not any(purge.validate_datetime(datetime(2026, 1, 1, h, 23)) for h in range(24) if h != 3)
