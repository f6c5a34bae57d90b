"""`python -m benchmarks jobs [--rounds N] [--redis URL] [--annexes N]`: exports through the task queue.

1. Click to link for the PILOTIM register: the Documents page's button (a POST through the app), then the job's
   JSON status polled on the page script's schedule until the file's link is there, with one warm
   `flask --app app worker` process consuming the queue; against the plain in-process WeasyPrint render of the
   same register's HTML and `register_pdf` in-process, measured alternately in the same run (medians).
2. Annex throughput: annex batches of several synthetic organisations (one job each) with a worker of 1 and of
   2 processes, as annexes per second, and the ratio 2 / 1.

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


def annex_throughput(app, client, env: dict, organisations: int, clients: int) -> None:
    from benchmarks.synthetic import build
    from registry.db import get_session

    slugs = [f"annexes-{i}" for i in range(organisations)]
    with app.app_context():
        session = get_session()
        for i, slug in enumerate(slugs):
            build(session, activities=20, subprocessors=10, clients=clients, seed=11 + i, slug=slug)
        session.commit()
    _sign_in(app, client, slugs)
    rates = {}
    for workers in (1, 2):
        worker = _worker(env, workers)
        try:
            # The same batches each time, from an empty cache (the first run's finished jobs are not joined).
            shutil.rmtree(Path(env["REGISTRY_EXPORTS_DIR"]) / "cache", ignore_errors=True)
            started = time.perf_counter()
            urls = [_click(client, slug, "annexes", lang="fr") for slug in slugs]
            for url in urls:
                _until_link(client, url)
            seconds = time.perf_counter() - started
        finally:
            os.killpg(worker.pid, 15)
            worker.wait()
        rates[workers] = organisations * clients / seconds
        print(f"  {workers} worker process(es): {organisations} batches x {clients} annexes in {seconds:6.1f} s "
              f"= {rates[workers]:5.1f} annexes/s")
    print(f"  throughput 2 / 1 workers: {rates[2] / rates[1]:.2f}x (one job per batch: a batch is not split)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks jobs")
    parser.add_argument("--rounds", type=int, default=5, help="click-to-link rounds (default 5)")
    parser.add_argument("--redis", metavar="URL", help="queue in Redis (e.g. redis://127.0.0.1:6379/0)")
    parser.add_argument("--annexes", type=int, default=40, help="clients per synthetic organisation (0: skip)")
    parser.add_argument("--organisations", type=int, default=4, help="organisations of the annex throughput")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        env = {**os.environ, "REGISTRY_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
               "REGISTRY_EXPORTS_DIR": str(Path(tmp) / "exports"), "REGISTRY_QUEUE_NAME": f"bench-{os.getpid()}",
               "REGISTRY_EXPORTS_PER_ORG": "2", "REGISTRY_EXPORTS_RUNNING": "8"}
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
            print(f"\nAnnex batches ({args.organisations} organisations x {args.annexes} clients, one job each):")
            annex_throughput(app, client, env, args.organisations, args.annexes)
        from registry.jobs.queue import huey

        huey.storage.flush_all()
    return 0
