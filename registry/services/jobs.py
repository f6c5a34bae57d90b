"""Background jobs as records: ask for one (an identical one already under way is reused), claim it within the
bounds, record its progress, finish, fail or cancel it, and find the stale and the expired. Services flush; the
view, the command or the task commits."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from registry.clock import now as clock_now
from registry.domain import jobs as rules
from registry.models import Job
from registry.models.jobs import JOB_KINDS

# Any number: the key of PostgreSQL's transaction lock that serialises claims (the bound is a count of rows).
_CLAIM_LOCK = 18_001


@dataclass(frozen=True)
class Bounds:
    """At most `per_org` exports running at once for one organisation, `total` for the installation."""

    per_org: int
    total: int


def request_job(session: Session, organisation_id: int, requested_by: int | None, kind: str,
                params: dict) -> tuple[Job, bool]:
    """The job printing this export: the identical one already queued or running, else a new queued one.

    Returns (job, created). Done jobs are never reused: the register may have changed since.
    """
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    key = rules.params_key(kind, organisation_id, params)
    existing = session.exec(
        select(Job).where(Job.params_key == key, Job.state.in_(rules.ACTIVE_STATES)).order_by(Job.id)
    ).first()
    if existing is not None:
        return existing, False
    job = Job(organisation_id=organisation_id, requested_by=requested_by, kind=kind, params=params, params_key=key)
    session.add(job)
    session.flush()
    return job, True


def claim_job(session: Session, job_id: int, bounds: Bounds) -> str:
    """Move a queued job to running if the bounds allow: "claimed", "busy" (try later) or "gone" (cancelled,
    already taken, or deleted). One UPDATE whose condition counts the running jobs, so two workers cannot
    both take the last slot (PostgreSQL also takes a transaction lock: its snapshots would let both count)."""
    job = session.get(Job, job_id)
    if job is None or job.state != "queued":
        return "gone"
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CLAIM_LOCK})
    table = Job.__table__
    other = table.alias("other")
    running_here = sa.select(sa.func.count()).select_from(other).where(
        other.c.state == "running", other.c.organisation_id == job.organisation_id).scalar_subquery()
    running_all = sa.select(sa.func.count()).select_from(other).where(other.c.state == "running").scalar_subquery()
    at = clock_now()
    result = session.execute(
        sa.update(table)
        .where(table.c.id == job_id, table.c.state == "queued", running_here < bounds.per_org, running_all < bounds.total)
        .values(state="running", started_at=at, heartbeat_at=at)
    )
    session.expire(job)
    if result.rowcount == 1:
        return "claimed"
    return "busy" if session.get(Job, job_id).state == "queued" else "gone"


def record_progress(session: Session, job_id: int, done: int | None = None, total: int | None = None,
                    parts: int | None = None) -> bool:
    """Units done so far (and the total once known, and the parts sent to the queue) with a heartbeat; False when
    the job is no longer running (cancelled by its user, or declared lost), which tells the task to stop."""
    values: dict = {"heartbeat_at": clock_now()}
    if done is not None:
        values["done_units"] = done
    if total is not None:
        values["total_units"] = total
    if parts is not None:
        values["parts_waiting"] = parts
    table = Job.__table__
    result = session.execute(sa.update(table).where(table.c.id == job_id, table.c.state == "running").values(**values))
    return result.rowcount == 1


def add_units(session: Session, job_id: int, k: int) -> int | None:
    """Add `k` units done by one part of a fanned-out job, with a heartbeat; returns the job's units done after
    this addition, or None when the job is no longer running. The UPDATE holds the row until the commit, so
    parts finishing together each see their own count and exactly one sees the last unit."""
    table = Job.__table__
    result = session.execute(sa.update(table).where(table.c.id == job_id, table.c.state == "running").values(
        done_units=table.c.done_units + k, heartbeat_at=clock_now()))
    if result.rowcount != 1:
        return None
    return session.execute(sa.select(table.c.done_units).where(table.c.id == job_id)).scalar_one()


def start_part(session: Session, job_id: int) -> bool:
    """A worker takes one part of a fanned-out job: one fewer waits, with a heartbeat; False when the job is no
    longer running (the part is then dropped)."""
    table = Job.__table__
    result = session.execute(sa.update(table).where(table.c.id == job_id, table.c.state == "running").values(
        parts_waiting=sa.case((table.c.parts_waiting > 0, table.c.parts_waiting - 1), else_=0),
        heartbeat_at=clock_now()))
    return result.rowcount == 1


def running_job_ids(session: Session) -> set[int]:
    """Ids of the jobs queued or running (their parts folders are in use)."""
    return set(session.exec(select(Job.id).where(Job.state.in_(rules.ACTIVE_STATES))).all())


def finish_job(session: Session, job_id: int, result_path: str, result_name: str, size: int) -> bool:
    """Mark a running job done with its file; False if it was cancelled or declared lost meanwhile (the
    caller then deletes the file)."""
    table = Job.__table__
    result = session.execute(
        sa.update(table).where(table.c.id == job_id, table.c.state == "running").values(
            state="done", finished_at=clock_now(), result_path=result_path, result_name=result_name,
            result_bytes=size, done_units=table.c.total_units)
    )
    return result.rowcount == 1


def fail_job(session: Session, job_id: int, code: str, detail: str = "", silent_since: datetime | None = None) -> bool:
    """Mark a queued or running job failed with a message key (`domain.jobs.ERRORS`); with `silent_since`, only if
    it gave no sign of life since then (a part that started meanwhile keeps its job)."""
    if code not in rules.ERRORS:
        raise ValueError(f"unknown error code {code!r}")
    table = Job.__table__
    still = [table.c.heartbeat_at < silent_since] if silent_since is not None else []
    result = session.execute(
        sa.update(table).where(table.c.id == job_id, table.c.state.in_(rules.ACTIVE_STATES), *still).values(
            state="failed", finished_at=clock_now(), error_code=code, error_detail=detail[:2000])
    )
    return result.rowcount == 1


def cancel_job(session: Session, job: Job) -> bool:
    """Stop a queued or running job: a queued one never starts, a running one stops at its next unit and its
    file is not kept. False when it had already ended."""
    table = Job.__table__
    result = session.execute(
        sa.update(table).where(table.c.id == job.id, table.c.state.in_(rules.ACTIVE_STATES)).values(
            state="cancelled", finished_at=clock_now())
    )
    session.expire(job)
    return result.rowcount == 1


def fail_stale_jobs(session: Session, stale_seconds: int, at: datetime | None = None,
                    jobs_in_queue: Callable[[], set[int]] | None = None) -> list[int]:
    """Running jobs with no heartbeat for `stale_seconds`: their worker died (killed, machine lost). They end
    failed with a message, never "running" forever. A fanned-out job with parts still in the queue waits for a
    worker, it is not lost (its next part beats when it starts), up to WAITING_PARTS_PATIENCE times the bound.

    `jobs_in_queue` (read only when a job waits for its parts) names the jobs whose parts the queue really holds: a
    job that waits for parts no longer there (the queue emptied, Redis restarted without its data) is lost at once.
    """
    now = at or clock_now()
    cutoff = now - timedelta(seconds=stale_seconds)
    patience = now - timedelta(seconds=stale_seconds * rules.WAITING_PARTS_PATIENCE)
    stale = list(session.exec(select(Job.id).where(
        Job.state == "running", Job.heartbeat_at < cutoff,
        (Job.parts_waiting == 0) | (Job.heartbeat_at < patience))).all())
    waiting = session.exec(select(Job.id).where(
        Job.state == "running", Job.heartbeat_at < cutoff, Job.parts_waiting > 0, Job.heartbeat_at >= patience)).all()
    lost = []
    if waiting and jobs_in_queue is not None:
        queued = jobs_in_queue()
        lost = [job_id for job_id in waiting if job_id not in queued]
    failed = [job_id for job_id in stale if fail_job(session, job_id, rules.ERROR_WORKER_LOST,
                                                     f"no heartbeat for more than {stale_seconds} s", cutoff)]
    return failed + [job_id for job_id in lost if fail_job(session, job_id, rules.ERROR_WORKER_LOST,
                                                           "its parts are no longer in the task queue", cutoff)]


def expire_results(session: Session, keep_hours: int, at: datetime | None = None) -> list[str]:
    """Forget the files of jobs finished more than `keep_hours` ago; returns their paths for the caller to
    delete once committed (the job stays, as a record of what was printed)."""
    cutoff = (at or clock_now()) - timedelta(hours=keep_hours)
    table = Job.__table__
    old = session.execute(sa.select(table.c.id, table.c.result_path).where(
        table.c.result_path.is_not(None), table.c.finished_at < cutoff)).all()
    if old:
        session.execute(sa.update(table).where(table.c.id.in_([job_id for job_id, _ in old])).values(result_path=None))
    return [path for _, path in old]


def recent_jobs(session: Session, organisation_id: int, limit: int = 10) -> list[Job]:
    """The organisation's latest jobs, newest first (the documents page lists them)."""
    return list(session.exec(
        select(Job).where(Job.organisation_id == organisation_id).order_by(Job.id.desc()).limit(limit)).all())
