"""A worker process replaced after --max-tasks tasks (so that its memory stays flat over the hours): the jobs
after the replacement still run, each exactly once, on a new process."""

import os
import signal
import time

import pytest
from sqlmodel import Session

from registry.jobs import tasks
from registry.models import Job
from registry.services import jobs as service
from registry.services.organisations import get_by_slug
from tests.jobs.conftest import worker_process


# Recycling is the consumer's, whatever the queue and the database: it runs once, on production's pair.
@pytest.mark.parametrize("queue_settings", ["redis-queue"], indirect=True)
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_process_replaced_after_its_max_tasks_leaves_no_job_behind(app, database_url, demo, tmp_path):
    slugs = ["pilotim", "ginger-minds", "apex-timing"]
    jobs = []
    for slug in slugs:
        job, _ = service.request_job(demo, get_by_slug(demo, slug).id, None, "subprocessors", {"lang": "fr"})
        jobs.append(job)
    demo.commit()
    log = tmp_path / "worker.log"
    worker = worker_process(app, database_url, "-k", "process", "--max-tasks", "1", log=log)
    try:
        for job in jobs:
            tasks.enqueue(job)
        engine = app.extensions["registry.engine"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with Session(engine) as s:
                states = [s.get(Job, job.id).state for job in jobs]
            if all(state in ("done", "failed", "cancelled") for state in states):
                break
            assert worker.poll() is None, "the consumer ended by itself"
            time.sleep(0.05)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert states == ["done", "done", "done"]
    # One task per process: after each of the first two jobs the worker process made way for a fresh one.
    console = log.read_text()
    assert "Each worker process is replaced after 1 tasks" in console
    assert console.count("restarting (max tasks)") >= 2
