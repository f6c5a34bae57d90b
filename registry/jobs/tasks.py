"""The tasks: `run_job(job_id)` prints one export; the periodic tasks (listed in PERIODIC) clean up after them.

A task takes ids, opens its own database sessions on the bound app's database and ends in one transaction:
claiming the job (within the bounds), then recording its file and state. Progress and heartbeats are short
updates of their own, so that every web worker sees them while the job runs.
"""

import logging
import os
import secrets
import threading
from pathlib import Path

from flask import Flask
from huey import crontab
from sqlmodel import Session

from registry.domain import jobs as rules
from registry.jobs import exports
from registry.jobs.queue import bound_app, huey
from registry.models import Job, Organisation
from registry.services import jobs as service

log = logging.getLogger("registry.jobs")

# A job that cannot start (its organisation or the installation at its bound) is looked at again this much later.
RETRY_SECONDS = 1
HEARTBEAT_SECONDS = 5


def exports_dir(app: Flask) -> Path:
    """Where finished files wait for their download: REGISTRY_EXPORTS_DIR, shared by every worker and web server."""
    return Path(app.config.get("EXPORTS_DIR") or Path(app.instance_path) / "exports")


def bounds(app: Flask) -> service.Bounds:
    return service.Bounds(per_org=app.config["EXPORTS_PER_ORG"], total=app.config["EXPORTS_RUNNING"])


def _engine(app: Flask):
    """The app's engine, with the connections inherited through a fork dropped (a process worker's own pool)."""
    engine = app.extensions["registry.engine"]
    if app.extensions.get("registry.engine_pid") != os.getpid():
        engine.dispose(close=False)
        app.extensions["registry.engine_pid"] = os.getpid()
    return engine


class Tracker(exports.Progress):
    """Writes the job's units and, from a thread, a heartbeat every few seconds; notices a cancellation."""

    def __init__(self, engine, job_id: int, beat_seconds: float = HEARTBEAT_SECONDS):
        self.engine, self.job_id = engine, job_id
        self.done = 0
        self.stopped = False
        self._lock = threading.Lock()
        self._end = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(beat_seconds,), daemon=True,
                                        name=f"job-{job_id}-heartbeat")
        self._thread.start()

    def _write(self, **values) -> None:
        with self._lock, Session(self.engine) as session:
            running = service.record_progress(session, self.job_id, **values)
            session.commit()
        if not running:
            self.stopped = True

    def _beat(self, seconds: float) -> None:
        while not self._end.wait(seconds):
            try:
                self._write()
            except Exception:  # a lost connection must not kill the export; the next beat tries again
                log.exception("heartbeat of job %s", self.job_id)

    def total(self, n: int) -> None:
        self._write(total=n)
        self._check()

    def advance(self, k: int = 1) -> None:
        if k:
            self.done += k
            self._write(done=self.done)
        self._check()

    def _check(self) -> None:
        if self.stopped:
            raise exports.Stopped()

    def close(self) -> None:
        self._end.set()
        self._thread.join()


def execute(app: Flask, job_id: int) -> str:
    """Run one job to its end in this process; returns its final state ("busy" if the bounds made it wait).

    The `worker` command's task and `export-pdf --here` both come here.
    """
    engine = _engine(app)
    with app.app_context():
        with Session(engine, expire_on_commit=False) as session:
            claimed = service.claim_job(session, job_id, bounds(app))
            session.commit()
            if claimed != "claimed":
                return claimed
            job = session.get(Job, job_id)
            org_id = job.organisation_id
            org = session.get(Organisation, org_id)
            tracker = Tracker(engine, job_id)
            try:
                output = exports.KINDS[job.kind](session, org, job, tracker, exports_dir(app) / "cache")
            except exports.Stopped:
                return "cancelled"
            except exports.ImportRefused as exc:
                session.rollback()
                service.fail_job(session, job_id, rules.ERROR_IMPORT, str(exc))
                session.commit()
                return "failed"
            except Exception as exc:
                log.exception("job %s (%s of organisation %s) failed", job_id, job.kind, org_id)
                session.rollback()
                service.fail_job(session, job_id, rules.ERROR_RENDER, f"{type(exc).__name__}: {exc}")
                session.commit()
                return "failed"
            finally:
                tracker.close()
            session.rollback()  # end the read transaction: the outcome is written in a fresh one
        relative = f"{org_id}/{job_id}-{secrets.token_hex(8)}{Path(output.name).suffix}"
        target = exports_dir(app) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(output.data)
        partial.replace(target)
        with Session(engine) as session:
            finished = service.finish_job(session, job_id, relative, output.name, len(output.data))
            session.commit()
        if not finished:  # cancelled during the last unit: the file is not kept
            target.unlink(missing_ok=True)
            return "cancelled"
        return "done"


@huey.task()
def run_job(job_id: int) -> None:
    """Print one export; a job that must wait for a free slot goes back to the queue."""
    if execute(bound_app(), job_id) == "busy":
        run_job.schedule((job_id,), delay=RETRY_SECONDS)


def fail_stale(app: Flask) -> list[int]:
    """Jobs whose worker stopped giving signs of life end failed, with a message for their page."""
    with app.app_context(), Session(_engine(app)) as session:
        ids = service.fail_stale_jobs(session, app.config["JOB_STALE_SECONDS"])
        session.commit()
    if ids:
        log.warning("jobs %s failed: their worker stopped (no heartbeat)", ids)
    return ids


def expire_files(app: Flask) -> list[str]:
    """Delete the files of exports finished longer ago than REGISTRY_EXPORT_KEEP_HOURS."""
    with app.app_context(), Session(_engine(app)) as session:
        paths = service.expire_results(session, app.config["EXPORT_KEEP_HOURS"])
        session.commit()
    root = exports_dir(app)
    for relative in paths:
        (root / relative).unlink(missing_ok=True)
    return paths


@huey.periodic_task(crontab(minute="*"))
def fail_stale_jobs() -> None:
    fail_stale(bound_app())


@huey.periodic_task(crontab(minute="7"))
def expire_export_files() -> None:
    expire_files(bound_app())


# Every periodic task of the installation, with when it runs (the reminders of the notifications issue join here).
PERIODIC = (
    (fail_stale_jobs, "every minute", "running jobs without a heartbeat for REGISTRY_JOB_STALE_SECONDS end failed"),
    (expire_export_files, "every hour at :07", "files of exports older than REGISTRY_EXPORT_KEEP_HOURS are deleted"),
)


def enqueue(job: Job) -> None:
    """Send a committed job to the workers (after the commit: a worker must find its row)."""
    run_job(job.id)
