"""The real task queue in tests: an SQLite-file queue and a Redis queue (127.0.0.1:6379), each with a consumer
started once per module in threads of the test process, serving each test's app (its own database)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.web.conftest import sign_in  # noqa: F401  (the web tests' login fixture, for the job pages)

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REGISTRY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module", params=["sqlite-queue", "redis-queue"])
def queue_settings(request, tmp_path_factory):
    """The queue's settings for one module: a file of its own, or a Redis queue named for this run only (other
    runs on the same Redis never see its messages). Under CI=true a missing Redis fails instead of skipping."""
    name = f"registry-test-{uuid.uuid4().hex[:12]}"
    if request.param == "redis-queue":
        if not _redis_available():
            if os.environ.get("CI"):
                pytest.fail(f"Redis is not reachable at {REDIS_URL}: the Redis half of the queue tests must run in CI")
            pytest.skip(f"Redis is not reachable at {REDIS_URL}")
        settings = {"REDIS_URL": REDIS_URL, "QUEUE_NAME": name, "QUEUE_FILE": None}
    else:
        settings = {"REDIS_URL": None, "QUEUE_NAME": name,
                    "QUEUE_FILE": str(tmp_path_factory.mktemp("queue") / "queue.db")}
    yield settings
    from registry.jobs import queue

    queue.configure(settings)
    queue.huey.storage.flush_all()


@pytest.fixture(scope="module")
def consumer(queue_settings):
    """Two worker threads consuming the module's queue (periodic tasks off: the tests call them when they mean to)."""
    from registry.jobs import queue, tasks  # noqa: F401  (registers the tasks)

    queue.configure(queue_settings)
    started = queue.BackgroundConsumer(queue.huey, workers=2, periodic=False, worker_type="thread",
                                       initial_delay=0.05, backoff=1.1, max_delay=0.2, check_worker_health=False)
    started.start()
    yield started
    started.stop(graceful=True)


def worker_process(app, database_url: str, *options: str, log: Path | None = None) -> subprocess.Popen:
    """`flask --app app worker -w 1 --no-periodic [options]` in its own process group (stop it with os.killpg), on
    the test's database, queue and exports folder; its console goes to the file `log` if given."""
    env = {**os.environ, "REGISTRY_DATABASE_URL": database_url, "REGISTRY_QUEUE_NAME": app.config["QUEUE_NAME"],
           "REGISTRY_EXPORTS_DIR": app.config["EXPORTS_DIR"]}
    env.pop("REGISTRY_REDIS_URL", None)
    if app.config["REDIS_URL"]:
        env["REGISTRY_REDIS_URL"] = app.config["REDIS_URL"]
    else:
        env["REGISTRY_QUEUE_FILE"] = app.config["QUEUE_FILE"]
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115  (the child holds it; closed below)
    try:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "-w", "1", "--no-periodic",
                                 *options], cwd=ROOT, env=env, start_new_session=True, stdout=output,
                                stderr=subprocess.STDOUT)
    finally:
        if log:
            output.close()


@pytest.fixture
def job_settings():
    """Settings a test may change before its app is built (bounds, stale delay)."""
    return {"EXPORTS_PER_ORG": 2, "EXPORTS_RUNNING": 4, "JOB_STALE_SECONDS": 60}


@pytest.fixture
def app(database_url, tmp_path, queue_settings, job_settings):
    from registry import create_app
    from registry.jobs import queue

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "WTF_CSRF_ENABLED": True, "REGISTRY_BOOTSTRAP_ADMIN": False,
                      "EXPORTS_DIR": str(tmp_path / "exports"), **queue_settings, **job_settings})
    app.instance_path = str(tmp_path / "instance")
    queue.bind(app)
    yield app
    _wait_until_idle(app)
    queue.huey.storage.flush_queue()  # a retry left for this test's database must not reach the next one's
    queue.huey.storage.flush_schedule()
    app.extensions["registry.engine"].dispose()


def _wait_until_idle(app, seconds: float = 30) -> None:
    """No task of this test may still use its database when it is dropped: wait for its running jobs to end."""
    from sqlmodel import Session, func, select

    from registry.models import Job

    deadline = time.monotonic() + seconds
    with Session(app.extensions["registry.engine"]) as session:
        while time.monotonic() < deadline:
            session.expire_all()
            if not session.exec(select(func.count()).select_from(Job).where(Job.state == "running")).one():
                break
            time.sleep(0.1)
    time.sleep(0.2)  # a cancelled task notices at its next unit, then leaves
