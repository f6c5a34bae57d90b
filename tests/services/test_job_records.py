"""Job records without a queue: reuse of an identical export, the bounds of running exports, stale jobs, expiry."""

from datetime import timedelta

from registry.models import Job, Organisation
from registry.services import jobs as service


def _org(session, slug: str) -> Organisation:
    org = Organisation(slug=slug, legal_name=slug.upper(), country="FR")
    session.add(org)
    session.commit()
    return org


def _queued(session, org, lang="fr", kind="register") -> Job:
    job, created = service.request_job(session, org.id, None, kind, {"lang": lang})
    session.commit()
    assert created
    return job


def test_an_identical_export_queued_or_running_is_reused_but_a_finished_one_is_not(session):
    org = _org(session, "acme")
    first = _queued(session, org)
    again, created = service.request_job(session, org.id, None, "register", {"lang": "fr"})
    assert again.id == first.id and not created
    english, created = service.request_job(session, org.id, None, "register", {"lang": "en"})
    assert created and english.id != first.id
    session.commit()
    service.cancel_job(session, first)
    session.commit()
    fresh, created = service.request_job(session, org.id, None, "register", {"lang": "fr"})
    assert created and fresh.id != first.id


def test_claims_stop_at_the_bound_per_organisation_and_per_installation(session):
    a, b = _org(session, "acme"), _org(session, "beta")
    bounds = service.Bounds(per_org=1, total=2)
    a1, a2, b1 = _queued(session, a, "fr"), _queued(session, a, "en"), _queued(session, b, "fr")
    c1 = _queued(session, b, "fr", kind="subprocessors")
    assert service.claim_job(session, a1.id, bounds) == "claimed"
    assert service.claim_job(session, a2.id, bounds) == "busy"  # ACME's one slot is taken
    assert service.claim_job(session, b1.id, bounds) == "claimed"
    assert service.claim_job(session, c1.id, bounds) == "busy"  # two running in the installation
    assert service.claim_job(session, a1.id, bounds) == "gone"  # already running: a second message does nothing
    session.commit()
    assert service.finish_job(session, a1.id, "1/x.pdf", "register.pdf", 10)
    session.commit()
    assert service.claim_job(session, a2.id, bounds) == "claimed"


def test_a_running_job_without_heartbeat_ends_failed_and_a_cancelled_one_cannot_finish(session, clock):
    org = _org(session, "acme")
    stale, cancelled = _queued(session, org, "fr"), _queued(session, org, "en")
    bounds = service.Bounds(per_org=5, total=5)
    for job in (stale, cancelled):
        assert service.claim_job(session, job.id, bounds) == "claimed"
    session.commit()
    assert service.cancel_job(session, session.get(Job, cancelled.id))
    assert not service.record_progress(session, cancelled.id, done=1)  # the task learns it must stop
    assert not service.finish_job(session, cancelled.id, "1/y.pdf", "register.pdf", 10)
    assert service.fail_stale_jobs(session, 120) == []  # heartbeat just now
    clock.now = clock.now + timedelta(seconds=121)
    assert service.fail_stale_jobs(session, 120) == [stale.id]
    session.commit()
    session.expire_all()
    assert session.get(Job, stale.id).state == "failed" and session.get(Job, stale.id).error_code == "worker_lost"
    assert session.get(Job, cancelled.id).state == "cancelled"


def test_files_of_old_exports_are_forgotten_and_returned_for_deletion(session, clock):
    org = _org(session, "acme")
    job = _queued(session, org)
    service.claim_job(session, job.id, service.Bounds(1, 1))
    service.finish_job(session, job.id, f"{org.id}/{job.id}-abc.pdf", "register.pdf", 10)
    session.commit()
    assert service.expire_results(session, keep_hours=24) == []
    clock.now = clock.now + timedelta(hours=25)
    assert service.expire_results(session, keep_hours=24) == [f"{org.id}/{job.id}-abc.pdf"]
    session.commit()
    session.expire_all()
    assert session.get(Job, job.id).state == "done" and session.get(Job, job.id).result_path is None


def test_a_fanned_out_job_waiting_for_workers_is_not_lost_until_its_parts_have_started(session, clock):
    org = _org(session, "acme")
    job = _queued(session, org, kind="annexes")
    assert service.claim_job(session, job.id, service.Bounds(per_org=1, total=1)) == "claimed"
    assert service.record_progress(session, job.id, done=0, total=4, parts=2)  # two parts sent to the queue
    session.commit()
    clock.now = clock.now + timedelta(seconds=121)
    assert service.fail_stale_jobs(session, 120) == []  # its parts wait behind other exports
    assert service.start_part(session, job.id) and service.add_units(session, job.id, 2) == 2
    assert service.start_part(session, job.id)  # the last part is taken: from now on, silence means lost
    session.commit()
    assert session.get(Job, job.id).parts_waiting == 0
    clock.now = clock.now + timedelta(seconds=121)
    assert service.fail_stale_jobs(session, 120) == [job.id]
    session.commit()
    session.expire_all()
    assert session.get(Job, job.id).error_code == "worker_lost"
    assert not service.start_part(session, job.id) and service.add_units(session, job.id, 1) is None


def _fanned_out(session) -> Job:
    """A running annex batch whose two parts were sent to the queue, none started yet (committed)."""
    job = _queued(session, _org(session, "acme"), kind="annexes")
    service.claim_job(session, job.id, service.Bounds(per_org=1, total=1))
    service.record_progress(session, job.id, total=4, parts=2)
    session.commit()
    return job


def test_a_fanned_out_job_whose_parts_never_start_is_lost_after_a_longer_wait(session, clock):
    job = _fanned_out(session)
    clock.now = clock.now + timedelta(seconds=120 * 30 - 1)
    assert service.fail_stale_jobs(session, 120) == []
    clock.now = clock.now + timedelta(seconds=2)
    assert service.fail_stale_jobs(session, 120) == [job.id]


def test_a_job_whose_parts_the_queue_no_longer_holds_is_lost_unless_one_started_meanwhile(session, clock):
    job = _fanned_out(session)
    clock.now = clock.now + timedelta(seconds=121)
    # Its parts are in the queue: it waits.
    assert service.fail_stale_jobs(session, 120, jobs_in_queue=lambda: {job.id}) == []

    def worker_takes_the_last_part_while_the_queue_is_read() -> set[int]:
        assert service.start_part(session, job.id)  # its heartbeat: the job is alive after all
        return set()

    assert service.fail_stale_jobs(session, 120, jobs_in_queue=worker_takes_the_last_part_while_the_queue_is_read) == []
    session.commit()
    assert session.get(Job, job.id).state == "running"
    # Silent again past the bound, and nothing of it left in the queue: lost, with the reason.
    service.record_progress(session, job.id, parts=1)
    session.commit()
    clock.now = clock.now + timedelta(seconds=121)
    assert service.fail_stale_jobs(session, 120, jobs_in_queue=set) == [job.id]
    session.commit()
    session.expire_all()
    ended = session.get(Job, job.id)
    assert (ended.state, ended.error_detail) == ("failed", "its parts are no longer in the task queue")
