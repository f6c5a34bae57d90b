"""The tasks: `run_job(job_id)` prints one export; the periodic tasks (listed in PERIODIC) clean up after them.

A task takes ids, opens its own database sessions on the bound app's database and ends in one transaction:
claiming the job (within the bounds), then recording its file and state. Progress and heartbeats are short
updates of their own, so that every web worker sees them while the job runs.
"""

import logging
import secrets
import shutil
import threading
from pathlib import Path

from flask import Flask
from huey import crontab
from sqlmodel import Session

from registry import config
from registry.domain import jobs as rules
from registry.jobs import exports, mail
from registry.jobs.exports import cache_dir, exports_dir
from registry.jobs.queue import bound_app, huey
from registry.jobs.queue import engine_of as _engine
from registry.models import Job, Organisation
from registry.services import jobs as service
from registry.services import reminders

log = logging.getLogger("registry.jobs")

# A job that cannot start (its organisation or the installation at its bound) is looked at again this much later.
RETRY_SECONDS = 1
HEARTBEAT_SECONDS = 5


def bounds(app: Flask) -> service.Bounds:
    return service.Bounds(per_org=app.config["EXPORTS_PER_ORG"], total=app.config["EXPORTS_RUNNING"])


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


class PartTracker(Tracker):
    """The progress of one part of a fanned-out job: adds its units to the job's count and notes whether it
    brought the count to `expected` (then this part is the last one and assembles the file)."""

    def __init__(self, engine, job_id: int, expected: int, beat_seconds: float = HEARTBEAT_SECONDS):
        super().__init__(engine, job_id, beat_seconds)
        self.expected = expected
        self.last = False

    def advance(self, k: int = 1) -> None:
        if k:
            with self._lock, Session(self.engine) as session:
                done = service.add_units(session, self.job_id, k)
                session.commit()
            if done is None:
                self.stopped = True
            elif done - k < self.expected <= done:
                self.last = True
        self._check()


def places(app: Flask, job_id: int) -> exports.Places:
    return exports.Places(cache_dir(app), exports_dir(app) / "parts" / str(job_id))


def _failed(engine, job: Job, exc: Exception, what: str = "") -> str:
    log.error("job %s (%s of organisation %s)%s failed", job.id, job.kind, job.organisation_id, what, exc_info=exc)
    with Session(engine) as session:
        service.fail_job(session, job.id, rules.ERROR_RENDER, f"{type(exc).__name__}: {exc}")
        session.commit()
    return "failed"


def _store(app: Flask, engine, job_id: int, org_id: int, output: exports.Output) -> str:
    """Write the finished file into the exports folder and mark the job done (or drop the file if it ended)."""
    relative = f"{org_id}/{job_id}-{secrets.token_hex(8)}{Path(output.name).suffix}"
    target = exports_dir(app) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    if output.path is not None:  # a large file made in the job's work folder: moved, never read into memory
        shutil.move(output.path, partial)
    else:
        partial.write_bytes(output.data)
    partial.replace(target)
    with Session(engine) as session:
        finished = service.finish_job(session, job_id, relative, output.name, target.stat().st_size)
        session.commit()
    if not finished:  # cancelled during the last unit: the file is not kept
        target.unlink(missing_ok=True)
        return "cancelled"
    return "done"


def execute(app: Flask, job_id: int, fan_out: bool = False) -> str:
    """Run one job in this process; returns its state then ("busy" if the bounds made it wait, "fanned" when
    its parts went to the queue). The `worker` command's task (with `fan_out`) and `export-pdf --here` come here.
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
            if fan_out and job.kind in exports.FANNED:
                try:
                    fan = exports.FANNED[job.kind].plan(session, org, job, places(app, job_id),
                                                        app.config["ANNEXES_PER_TASK"])
                except Exception as exc:
                    session.rollback()
                    return _failed(engine, job, exc, " planning its parts")
                if fan is not None:
                    session.rollback()
                    return _fan_out(engine, job_id, fan)
            tracker = Tracker(engine, job_id)
            try:
                output = exports.KINDS[job.kind](session, org, job, tracker, cache_dir(app))
            except exports.Stopped:
                return "cancelled"
            except exports.ImportRefused as exc:
                session.rollback()
                service.fail_job(session, job_id, rules.ERROR_IMPORT, str(exc))
                session.commit()
                return "failed"
            except Exception as exc:
                session.rollback()
                return _failed(engine, job, exc)
            finally:
                tracker.close()
            session.rollback()  # end the read transaction: the outcome is written in a fresh one
        return _store(app, engine, job_id, org_id, output)


def _fan_out(engine, job_id: int, fan: exports.Fan) -> str:
    """Record the job's units, then send one task per part to the queue: any worker of the installation takes them."""
    with Session(engine) as session:
        running = service.record_progress(session, job_id, done=fan.done, total=fan.total, parts=len(fan.parts))
        session.commit()
    if not running:
        return "cancelled"
    for part in fan.parts:
        run_part(job_id, part, fan.expected)
    return "fanned"


def execute_part(app: Flask, job_id: int, part, expected: int) -> str:
    """Run one part of a fanned-out job; the part that completes it assembles the file right away."""
    engine = _engine(app)
    with app.app_context():
        with Session(engine, expire_on_commit=False) as session:
            started = service.start_part(session, job_id)
            session.commit()
            if not started:  # cancelled, failed by another part, or lost
                return "gone"
            job = session.get(Job, job_id)
            org = session.get(Organisation, job.organisation_id)
            tracker = PartTracker(engine, job_id, expected)
            try:
                exports.FANNED[job.kind].part(session, org, job, part, tracker, places(app, job_id))
            except exports.Stopped:
                return "cancelled"
            except Exception as exc:
                session.rollback()
                return _failed(engine, job, exc, " in one of its parts")
            finally:
                tracker.close()
            session.rollback()
    return assemble(app, job_id) if tracker.last else "done"


def assemble(app: Flask, job_id: int) -> str:
    """Write the file of a fanned-out job from its parts, once, and delete its parts folder."""
    engine = _engine(app)
    where = places(app, job_id)
    try:
        with app.app_context():
            with Session(engine, expire_on_commit=False) as session:
                job = session.get(Job, job_id)
                if job is None or job.state != "running":
                    return "gone"
                org_id = job.organisation_id
                tracker = Tracker(engine, job_id)  # heartbeats while the file is put together
                try:
                    output = exports.FANNED[job.kind].assemble(session, session.get(Organisation, org_id), job, where)
                except Exception as exc:
                    session.rollback()
                    return _failed(engine, job, exc, " assembling its file")
                finally:
                    tracker.close()
                session.rollback()
            return _store(app, engine, job_id, org_id, output)
    finally:
        shutil.rmtree(where.work, ignore_errors=True)


@huey.task()
def run_job(job_id: int) -> None:
    """Print one export (or send its parts to the queue); a job that must wait for a free slot goes back to the queue."""
    if execute(bound_app(), job_id, fan_out=True) == "busy":
        run_job.schedule((job_id,), delay=RETRY_SECONDS)


@huey.task()
def run_part(job_id: int, part, expected: int) -> None:
    """One part of a fanned-out job (a chunk of the register, a group of annexes)."""
    execute_part(bound_app(), job_id, part, expected)


def jobs_with_parts_in_queue() -> set[int]:
    """The jobs of which the queue holds parts not yet taken (a read of every message queued: asked only when a
    job has waited for its parts past the stale bound)."""
    return {int(task.args[0]) for task in huey.pending() if isinstance(task, run_part.task_class) and task.args}


def fail_stale(app: Flask) -> list[int]:
    """Jobs whose worker stopped giving signs of life, or whose parts the queue lost, end failed with a message."""
    with app.app_context(), Session(_engine(app)) as session:
        ids = service.fail_stale_jobs(session, app.config["JOB_STALE_SECONDS"], jobs_in_queue=jobs_with_parts_in_queue)
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
    sweep_parts(app)
    return paths


def remind_all(app: Flask) -> reminders.Outcome:
    """Queue every organisation's due reminders and weekly digests, one transaction per organisation (its messages
    and the keys that keep them from being queued again commit together). A key another worker committed first
    makes this organisation's transaction fail and roll back: its messages are then not sent twice."""
    from sqlalchemy.exc import IntegrityError

    total = reminders.Outcome()
    with app.app_context(), Session(_engine(app)) as session:
        for org_id in reminders.organisation_ids(session):
            org = session.get(Organisation, org_id)
            try:
                done = reminders.remind_organisation(session, org, site=config.base_url(app.config))
                session.commit()
            except IntegrityError:
                session.rollback()
                log.warning("reminders of organisation %s: already queued by another worker", org_id)
                continue
            except Exception:
                session.rollback()
                log.exception("reminders of organisation %s failed", org_id)
                continue
            total.add(done)
    if total.messages:
        log.info("reminders: %s messages queued (%s reminders, %s digests)", total.messages, total.reminders,
                 total.digests)
    return total


def sweep_parts(app: Flask) -> list[int]:
    """Delete the parts folders of fanned-out jobs that ended without assembling (cancelled, failed, lost)."""
    folder = exports_dir(app) / "parts"
    if not folder.is_dir():
        return []
    with app.app_context(), Session(_engine(app)) as session:
        active = service.running_job_ids(session)
    swept = []
    for path in folder.iterdir():
        if path.is_dir() and path.name.isdigit() and int(path.name) not in active:
            shutil.rmtree(path, ignore_errors=True)
            swept.append(int(path.name))
    return swept


@huey.periodic_task(crontab(minute="*"))
def fail_stale_jobs() -> None:
    fail_stale(bound_app())


@huey.periodic_task(crontab(minute="7"))
def expire_export_files() -> None:
    expire_files(bound_app())


@huey.periodic_task(crontab(minute="*/10"))
def remind() -> None:
    remind_all(bound_app())


def purge_expired_requests(app: Flask) -> dict[str, list[str]]:
    """Delete, in every organisation, the closed data-subject requests past its retention period (Art. 5(1)(e)).

    Each organisation in its own transaction, so that one refusal does not keep the others' expired requests."""
    from sqlalchemy import select

    from registry.services import requests as requests_service

    removed: dict[str, list[str]] = {}
    with app.app_context(), Session(_engine(app)) as session:
        orgs = list(session.scalars(select(Organisation).order_by(Organisation.slug)))
        for org in orgs:
            try:
                refs = requests_service.purge_requests(session, org, "task:purge_requests")
                session.commit()
            except Exception:
                session.rollback()
                log.exception("purge of expired requests of organisation %s failed", org.slug)
                continue
            if refs:
                removed[org.slug] = refs
                log.info("%s: %d expired closed request(s) deleted", org.slug, len(refs))
    return removed


@huey.periodic_task(crontab(minute="23", hour="3"))
def purge_requests() -> None:
    purge_expired_requests(bound_app())


# Every periodic task of the installation, with when it runs.
PERIODIC = (
    (fail_stale_jobs, "every minute", "running jobs without a heartbeat for REGISTRY_JOB_STALE_SECONDS end failed"),
    (expire_export_files, "every hour at :07",
     "files of exports older than REGISTRY_EXPORT_KEEP_HOURS, and parts of ended jobs, are deleted"),
    (mail.resend_waiting_mail, "every minute", "queued messages whose try is over a minute late are handed to the workers again"),
    (remind, "every 10 minutes", "reminders before deadlines are mailed once each, and the weekly digests on Monday "
     "from 08:00 in each organisation's time zone"),
    (purge_requests, "every day at 03:23 UTC",
     "closed data-subject requests past their organisation's retention period are deleted"),
)


def enqueue(job: Job) -> None:
    """Send a committed job to the workers (after the commit: a worker must find its row)."""
    run_job(job.id)


def start(session: Session, job: Job) -> None:
    """Send a committed job to the workers; when the queue itself cannot be reached (Redis down...), fail the job at
    once, so that its page says why instead of waiting for nothing."""
    try:
        enqueue(job)
    except Exception:
        log.exception("job %s could not be queued", job.id)
        service.fail_job(session, job.id, rules.ERROR_QUEUE, "the task queue could not be reached")
        session.commit()
