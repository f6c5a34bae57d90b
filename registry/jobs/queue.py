"""The one task queue (Huey): an SQLite file on this machine by default, Redis when REGISTRY_REDIS_URL is set.

Huey's tasks belong to one module-level instance; `configure` points its storage at the app's settings (the
web app enqueues there) and `bind` names the app whose database and settings the tasks use in this process
(the `worker` command, `serve-demo` and the tests bind theirs).
"""

import logging
import os
import threading

from flask import Flask
from huey import Huey
from huey.consumer import Consumer
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

log = logging.getLogger("registry.jobs")

# Until `configure` runs the queue holds messages in memory only: an app always configures it at start-up.
huey = Huey("registry", results=False, utc=True, storage_class=MemoryStorage)

_state: dict = {"app": None, "settings": None}
_lock = threading.Lock()


def settings_of(config) -> tuple:
    """What identifies a queue: Redis URL and name, or the SQLite file and name."""
    if config.get("REDIS_URL"):
        return ("redis", config["REDIS_URL"], config["QUEUE_NAME"])
    return ("sqlite", config["QUEUE_FILE"], config["QUEUE_NAME"])


def configure(config) -> None:
    """Point the queue at the storage the settings name (a no-op when it already is)."""
    settings = settings_of(config)
    with _lock:
        if _state["settings"] == settings:
            return
        kind, where, name = settings
        if kind == "redis":
            storage = RedisStorage(name, url=where)
        else:
            from pathlib import Path

            Path(where).parent.mkdir(parents=True, exist_ok=True)
            storage = SqliteStorage(name, filename=where)
        huey.name = name
        huey.storage = storage
        _state["settings"] = settings


def describe() -> str:
    """The queue for a person reading the console: where its messages are (no password)."""
    kind, where, name = _state["settings"] or ("memory", "", "registry")
    if kind == "redis":
        from redis.connection import parse_url

        params = parse_url(where)
        where = f"redis://{params.get('host', '127.0.0.1')}:{params.get('port', 6379)}/{params.get('db', 0)}"
    return f"{kind} {where} (queue {name!r})"


def bind(app: Flask) -> None:
    """The app whose database and settings the tasks of this process use."""
    configure(app.config)
    _state["app"] = app


def engine_of(app: Flask):
    """The app's engine, with the connections inherited through a fork dropped (a process worker's own pool)."""
    engine = app.extensions["registry.engine"]
    if app.extensions.get("registry.engine_pid") != os.getpid():
        engine.dispose(close=False)
        app.extensions["registry.engine_pid"] = os.getpid()
    return engine


def bound_app() -> Flask:
    app = _state["app"]
    if app is None:
        raise RuntimeError("no app bound to the task queue: run tasks through `flask --app app worker`")
    return app


# An idle worker looks at an SQLite queue every 0.1 s at most (a cheap read); on Redis it blocks until a message
# comes. Either way a click's job starts within a tenth of a second.
CONSUMER_TIMING = {"initial_delay": 0.05, "backoff": 1.1, "max_delay": 0.1}
# How often a consumer looks for a worker process that ended (killed, or done with its --max-tasks) to start
# another in its place: a second's look at its children, so a recycled worker's slot is not left empty long.
HEALTH_CHECK_SECONDS = 1


class BackgroundConsumer(Consumer):
    """A consumer started inside another program (the development server, a test): its signals are that
    program's, so the consumer installs no handler and is stopped by `stop()`."""

    def _set_signal_handlers(self):
        pass


def start_consumer(app: Flask, workers: int = 1, periodic: bool = True) -> BackgroundConsumer:
    """Start a consumer in threads of this process for `app` (no new process: WeasyPrint stays loaded)."""
    bind(app)
    consumer = BackgroundConsumer(huey, workers=workers, periodic=periodic, worker_type="thread",
                                  **CONSUMER_TIMING, check_worker_health=False)
    consumer.start()
    return consumer
