"""`python -m benchmarks jobs [--rounds N] [--redis URL] [--annexes N] [--per-task N] [--max-tasks N]`: the queue.

1. Click to link for the PILOTIM register: the Documents page's button (a POST through the app), then the job's
   JSON status polled on the page script's schedule until the file's link is there, with one warm
   `flask --app app worker` process consuming the queue; against the plain in-process WeasyPrint render of the
   same register's HTML and `register_pdf` in-process, measured alternately in the same run (medians).
2. Annex throughput: the annex batch of one synthetic organisation of N clients (--annexes, default 2,000), one
   job fanned out in tasks of --per-task annexes, with a `worker` of 1 and of 2 processes (each from an empty
   cache), as annexes per second and the ratio 2 / 1; and the memory of a worker: the peak RSS of any worker
   process in the last quarter of the run against the second quarter (flat: <= 1.2x), each worker process being
   replaced after --max-tasks tasks as the `worker` command does (default 20; 0 keeps the same processes).

The queue is an SQLite file unless --redis is given; the database is an SQLite file in a temporary folder.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The job page's script (static/js/job.js) first polls after this delay, then every POLL_SECONDS.
POLL_SECONDS = 0.2


def _worker(env: dict, workers: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "-w", str(workers),
                             "--no-periodic"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _sign_in(app, client, slugs: list[str]) -> None:
    from sqlmodel import select

    from registry.db import get_session
    from registry.models import Organisation, User
    from registry.services import users

    with app.app_context():
        s = get_session()
        user = users.find_user(s, "dpo@bench.example.com")
        if user is None:
            user = User(email="dpo@bench.example.com", password_hash="unused")
            s.add(user)
            s.flush()
        for slug in slugs:
            users.grant(s, user, s.scalar(select(Organisation).where(Organisation.slug == slug)), "dpo")
        token = users.open_session(s, user)
        s.commit()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = token
        cookie["_fresh"] = True


def _click(client, slug: str, kind: str, **form) -> str:
    page = client.get(f"/orgs/{slug}/documents/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/orgs/{slug}/documents/export/{kind}", data={"csrf_token": token, **form})
    return response.headers["Location"]


def _until_link(client, job_url: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        status = client.get(job_url + ".json").get_json()
        if status["state"] == "done":
            client.get(job_url)  # the script reloads the page, which shows the link
            return status
        if status["state"] in ("failed", "cancelled"):
            raise SystemExit(f"job {job_url} {status['state']}: {status['message']}")
    raise SystemExit(f"job {job_url} not done in {timeout} s: is the worker running?")


def click_to_link(app, client, rounds: int) -> None:
    from registry.db import get_session
    from registry.pdf import documents
    from registry.pdf.register import plain_register_html, register_pdf
    from registry.pdf.render import html_to_pdf
    from registry.services.organisations import get_by_slug

    with app.app_context():
        session = get_session()
        org_id = get_by_slug(session, "pilotim").id
        html = plain_register_html(documents.register(documents.load(session, org_id), "fr"))
        html_to_pdf(html)  # warm: fonts and stylesheets loaded, as in a running worker
    _until_link(client, _click(client, "pilotim", "register", lang="fr"))  # warms the worker the same way
    plain, inproc, clicks = [], [], []
    for _ in range(rounds):
        with app.app_context():
            started = time.perf_counter()
            html_to_pdf(html)
            plain.append(time.perf_counter() - started)
            started = time.perf_counter()
            register_pdf(get_session(), org_id, "fr", workers=1)
            inproc.append(time.perf_counter() - started)
        started = time.perf_counter()
        _until_link(client, _click(client, "pilotim", "register", lang="fr"))
        clicks.append(time.perf_counter() - started)
    p, i, c = (statistics.median(x) for x in (plain, inproc, clicks))
    print(f"PILOTIM register, {rounds} rounds (medians):")
    print(f"  plain WeasyPrint render of its HTML   {p:6.2f} s")
    print(f"  register_pdf in-process                {i:6.2f} s   {i / p:4.2f}x plain")
    print(f"  click -> download link (queue, worker) {c:6.2f} s   {c / p:4.2f}x plain   (target <= 1.5x)")


def _started(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid: int) -> list[int]:
    """The worker processes a consumer forked: its children but the first, Huey's scheduler."""
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return sorted(children, key=lambda c: (_started(c), c))[1:]


def _rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class MemorySampler:
    """The resident memory of each worker process of a consumer, every `every` seconds, in a thread."""

    def __init__(self, consumer_pid: int, every: float = 0.25):
        self.pid, self.every = consumer_pid, every
        self.samples: list[tuple[float, int, int]] = []  # (time, worker pid, KiB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.ended = time.perf_counter()
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            at = time.perf_counter()
            for child in _children(self.pid):
                rss = _rss_kib(child)
                if rss is not None:
                    self.samples.append((at, child, rss))

    def quarters(self) -> tuple[int, int, int] | None:
        """The peak RSS (KiB) of any one worker process in the second quarter of the run and in the last quarter,
        and how many worker processes there were in all (a recycled worker is replaced by a new process)."""
        span = self.ended - self.started
        peaks = [0, 0]
        for at, _pid, rss in self.samples:
            part = int(4 * (at - self.started) / span) if span else 0
            if part == 1:
                peaks[0] = max(peaks[0], rss)
            elif part >= 3:
                peaks[1] = max(peaks[1], rss)
        if not all(peaks):
            return None
        return peaks[0], peaks[1], len({pid for _at, pid, _rss in self.samples})


def annex_throughput(app, client, env: dict, annexes: int, max_tasks: int) -> dict:
    """One organisation of `annexes` clients, its annex batch (one job, fanned out in groups) with a worker of
    1 and of 2 processes, each from an empty cache; annexes per second and each worker's memory."""
    from benchmarks.synthetic import build
    from registry.db import get_session

    with app.app_context():
        session = get_session()
        build(session, activities=20, subprocessors=10, clients=annexes, seed=11, slug="annexes")
        session.commit()
    _sign_in(app, client, ["annexes"])
    rates, memory = {}, {}
    for workers in (1, 2):
        worker = _worker(env, workers)
        try:
            shutil.rmtree(Path(env["REGISTRY_EXPORTS_DIR"]) / "cache", ignore_errors=True)
            time.sleep(1)  # the consumer forks its workers
            with MemorySampler(worker.pid) as sampler:
                started = time.perf_counter()
                _until_link(client, _click(client, "annexes", "annexes", lang="fr"), timeout=24 * 3600)
                seconds = time.perf_counter() - started
        finally:
            os.killpg(worker.pid, 15)
            worker.wait()
        rates[workers] = annexes / seconds
        memory[workers] = sampler.quarters()
        print(f"  {workers} worker process(es): {annexes} annexes in {seconds:7.1f} s = {rates[workers]:6.1f} annexes/s")
        if memory[workers] is None:
            print("    (run too short to sample each quarter's memory)")
        else:
            q2, q4, processes = memory[workers]
            print(f"    peak RSS of a worker process: {q2 / 1024:6.0f} MiB in the 2nd quarter, {q4 / 1024:6.0f} MiB in "
                  f"the last = {q4 / q2:4.2f}x   (target <= 1.2x); {processes} worker processes in all "
                  f"(each replaced after {max_tasks or 'no limit of'} tasks)")
    print(f"  throughput 2 / 1 workers: {rates[2] / rates[1]:.2f}x   (target >= 1.8x)")
    if memory[2]:  # the README's sketch, if each machine does what this one did (Redis, database and NFS not counted)
        print(f"  sketch, 10 machines x 2 workers: about {10 * rates[2]:.0f} annexes/s, {annexes} annexes in about "
              f"{annexes / (10 * rates[2]):.0f} s, {2 * memory[2][1] / 1024:.0f} MiB of workers per machine")
    return {"rates": rates, "memory": memory}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks jobs")
    parser.add_argument("--rounds", type=int, default=5, help="click-to-link rounds (default 5)")
    parser.add_argument("--redis", metavar="URL", help="queue in Redis (e.g. redis://127.0.0.1:6379/0)")
    parser.add_argument("--annexes", type=int, default=2000,
                        help="annexes of the throughput batch (default 2000; 0 skips it)")
    parser.add_argument("--per-task", type=int, default=25, help="annexes per task of the batch (default 25)")
    parser.add_argument("--max-tasks", type=int, default=20,
                        help="tasks of a worker process before it is replaced (the worker's --max-tasks; default 20, "
                             "0: never)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        env = {**os.environ, "REGISTRY_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
               "REGISTRY_EXPORTS_DIR": str(Path(tmp) / "exports"), "REGISTRY_QUEUE_NAME": f"bench-{os.getpid()}",
               "REGISTRY_EXPORTS_PER_ORG": "2", "REGISTRY_EXPORTS_RUNNING": "8",
               "REGISTRY_ANNEXES_PER_TASK": str(args.per_task), "REGISTRY_WORKER_MAX_TASKS": str(args.max_tasks)}
        env.pop("REGISTRY_REDIS_URL", None)
        if args.redis:
            env["REGISTRY_REDIS_URL"] = args.redis
        else:
            env["REGISTRY_QUEUE_FILE"] = str(Path(tmp) / "queue.db")
        os.environ.update(env)
        from registry import create_app
        from registry.db import get_session
        from registry.services.demo import seed_demo

        app = create_app({"SECRET_KEY": "bench", "REGISTRY_BOOTSTRAP_ADMIN": False})
        app.instance_path = str(Path(tmp) / "instance")
        with app.app_context():
            seed_demo(get_session())
            get_session().commit()
        client = app.test_client()
        _sign_in(app, client, ["pilotim"])
        from registry.jobs.queue import describe

        print(f"queue: {describe()}; database: SQLite; one `flask --app app worker` process\n")
        worker = _worker(env, 1)
        try:
            click_to_link(app, client, args.rounds)
        finally:
            os.killpg(worker.pid, 15)
            worker.wait()
        if args.annexes:
            print(f"\nAnnex batch of {args.annexes} clients (one job, {args.per_task} annexes per task, fanned out "
                  "over the worker's processes):")
            annex_throughput(app, client, env, args.annexes, args.max_tasks)
        from registry.jobs.queue import huey

        huey.storage.flush_all()
    return 0
