"""`flask --app app worker [-w N]`: the consumer of the task queue; and the shell side of a job (queue, wait, copy)."""

import logging
import shutil
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from registry.db import get_session
from registry.models import Job

# How long the shell waits for a worker to take a queued job before it says how to start one.
NO_WORKER_HINT_SECONDS = 5


@click.command("worker")
@click.option("-w", "--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Jobs run at once by this consumer (each a process, or a thread with -k thread).")
@click.option("-k", "--worker-type", type=click.Choice(["process", "thread"]), default="process", show_default=True,
              help="Processes use every core; threads share one (enough on a small machine).")
@click.option("--no-periodic", is_flag=True,
              help="Do not run the periodic tasks here (when another worker of the installation already does).")
@click.option("--max-tasks", type=click.IntRange(0), default=None,
              help="Replace a worker process by a fresh one after this many tasks, so that its memory does not "
                   "grow with the hours (0: never; default REGISTRY_WORKER_MAX_TASKS, 20).")
@with_appcontext
def worker_command(workers: int, worker_type: str, no_periodic: bool, max_tasks: int | None) -> None:
    """Run background jobs (exports) and the periodic clean-up from the task queue until Ctrl+C.

    Start as many as needed, on this machine or on others: every worker must see the same
    REGISTRY_REDIS_URL (without it the queue is an SQLite file, for this machine only), REGISTRY_DATABASE_URL
    and REGISTRY_EXPORTS_DIR (a shared folder; the render cache is in it unless REGISTRY_CACHE_DIR names another
    shared one). Large exports are split across all the workers (REGISTRY_ANNEXES_PER_TASK annexes per task).
    Each worker process is replaced by a fresh one after --max-tasks tasks (a task ends before its process does).
    """
    from registry.jobs import queue, tasks

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its steps per page would drown the jobs
    app = current_app._get_current_object()
    queue.bind(app)
    if max_tasks is None:
        max_tasks = app.config["WORKER_MAX_TASKS"]
    recycle = max_tasks if worker_type == "process" and max_tasks else None  # a fresh thread frees nothing
    click.echo(f"Queue: {queue.describe()}")
    click.echo(f"Exports folder: {tasks.exports_dir(app)}")
    click.echo(f"Render cache: {tasks.cache_dir(app)}")
    if recycle:
        click.echo(f"Each worker process is replaced after {recycle} tasks")
    consumer = queue.huey.create_consumer(workers=workers, worker_type=worker_type, periodic=not no_periodic,
                                          **queue.CONSUMER_TIMING, max_tasks=recycle, check_worker_health=True,
                                          health_check_interval=queue.HEALTH_CHECK_SECONDS)
    consumer.run()


def run_job_from_shell(job: Job, output: Path, here: bool) -> None:
    """Queue the committed job (or run it in this process with `here`), show its progress, copy its file to `output`."""
    from registry.jobs import tasks

    app = current_app._get_current_object()
    if here:
        tasks.execute(app, job.id)
    else:
        tasks.enqueue(job)
    engine = get_session().get_bind()
    started, hinted = time.monotonic(), False
    with click.progressbar(length=1, label=f"Job {job.id} ({job.kind})", file=sys.stderr) as bar:
        while True:
            with Session(engine) as session:
                current = session.get(Job, job.id)
            if current.total_units:
                bar.length = current.total_units
                bar.update(current.done_units - bar.pos)
            if current.state in ("done", "failed", "cancelled"):
                break
            if here and current.state == "queued":
                # In this process, a job that waits for a free slot is tried again until it starts.
                time.sleep(tasks.RETRY_SECONDS)
                tasks.execute(app, job.id)
                continue
            if not hinted and current.state == "queued" and time.monotonic() - started > NO_WORKER_HINT_SECONDS:
                click.echo("\nStill queued: is a worker running? Start one with `flask --app app worker`, "
                           "or run the export in this process with --here.", err=True)
                hinted = True
            time.sleep(0.2)
    if current.state != "done":
        detail = current.error_code or current.state
        raise click.ClickException(f"job {job.id} {current.state}: {detail}")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    shutil.copyfile(tasks.exports_dir(app) / current.result_path, partial)
    partial.replace(output)
    click.echo(f"{output} ({current.result_bytes // 1024} KiB)")


COMMANDS = (worker_command,)
