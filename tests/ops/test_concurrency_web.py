"""Several users editing the same records at once through the running app (gunicorn, several workers).

Each client process reads a record, then sends its edit with the version it read, as the JSON API and the
edit forms do. A user must get either their edit saved (200) or a refusal naming what changed (409):
never a lost edit, never a 500 from an integrity error or "database is locked".
"""

import http.client
import json
import multiprocessing
import os
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from registry import audit
from registry.db import make_engine
from registry.models import AuditEntry, Organisation, SecurityMeasure
from registry.services import users as accounts

ROOT = Path(__file__).resolve().parents[2]
SERVER_WORKERS = 3
# Each worker imports the whole app (WeasyPrint included) before it answers: on a loaded 2-core machine that took
# over 30 s. Waiting longer costs nothing when it boots fast.
BOOT_SECONDS = 120
CLIENTS = 4
ROUNDS = 6  # per client and record: one read and one edit
RECORDS = 2  # the records every client edits
TIMEOUT = 20  # seconds, per request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            payload = {"raw": raw[:300].decode("utf-8", "replace")}
        return response.status, payload
    finally:
        conn.close()


def _client(port: int, token: str, paths: list[str], number: int, results) -> None:
    """One user: read each record, then change its description, sending back the version read."""
    outcomes = []
    try:
        for rnd in range(ROUNDS):
            for path in paths:
                status, record = _request(port, "GET", path, token)
                if status != 200:
                    outcomes.append((path, "GET", status, str(record)[:300]))
                    continue
                body = {"version": record["version"], "description": f"client {number}, round {rnd}"}
                status, answer = _request(port, "PATCH", path, token, body)
                outcomes.append((path, "PATCH", status, "" if status in (200, 409) else str(answer)[:300]))
    except Exception as exc:  # a timeout or a dropped connection is a failure the parent reports
        outcomes.append(("", "error", 0, repr(exc)[:300]))
    results.put(outcomes)


def _start_server(database_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "REGISTRY_DATABASE_URL": database_url, "REGISTRY_SECRET_KEY": secrets.token_hex(32)}
    env.pop("REGISTRY_ENV", None)
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(SERVER_WORKERS), "--bind", f"127.0.0.1:{port}",
           "--timeout", "60", "--no-control-socket", "app:app"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise AssertionError(f"gunicorn did not answer within {BOOT_SECONDS} s: {log.read_text(errors='replace')[-2000:]}")


def test_concurrent_edits_of_the_same_records_are_saved_or_refused_never_lost(app, demo, database_url, tmp_path):
    session = demo
    org = session.execute(
        select(Organisation).join(SecurityMeasure, SecurityMeasure.organisation_id == Organisation.id)
        .order_by(Organisation.id)
    ).scalars().first()
    measures = session.execute(
        select(SecurityMeasure).where(SecurityMeasure.organisation_id == org.id).order_by(SecurityMeasure.id)
        .limit(RECORDS)
    ).scalars().all()
    start_version = {m.id: m.version for m in measures}
    tokens = []
    for n in range(CLIENTS):
        user = accounts.create_user(session, f"writer{n}@test.example.com", "correct horse battery")
        accounts.grant(session, user, org, "dpo")
        tokens.append(accounts.create_token(session, user, "concurrency test")[1])
    session.commit()
    seq_before = audit.verify(session).entries
    session.close()
    app.extensions["registry.engine"].dispose()

    port = _free_port()
    server = _start_server(database_url, port, tmp_path / "gunicorn.log")
    paths = {m.id: f"/api/v1/orgs/{org.slug}/measures/{m.id}" for m in measures}
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    started = time.monotonic()
    try:
        procs = [ctx.Process(target=_client, args=(port, tokens[n], list(paths.values()), n, results))
                 for n in range(CLIENTS)]
        for p in procs:
            p.start()
        outcomes = [o for _ in procs for o in results.get(timeout=CLIENTS * ROUNDS * RECORDS * 2 * TIMEOUT)]
        for p in procs:
            p.join(timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=30)
    elapsed = time.monotonic() - started

    statuses = Counter((method, status) for _, method, status, _ in outcomes)
    print(f"\n{database_url.split(':')[0]}: {len(outcomes) * 2} requests in {elapsed:.1f} s, {dict(statuses)}")
    failures = [o for o in outcomes if (o[1], o[2]) not in (("GET", 200), ("PATCH", 200), ("PATCH", 409))]
    assert failures == [], failures
    assert len(outcomes) == CLIENTS * ROUNDS * RECORDS

    saved = Counter(path for path, method, status, _ in outcomes if method == "PATCH" and status == 200)
    assert sum(saved.values()) >= RECORDS  # the first edit of each record cannot be stale
    with Session(make_engine(database_url)) as s:
        for record_id, path in paths.items():
            # No lost update: each saved edit took its own version, and nothing else bumped it.
            assert s.get(SecurityMeasure, record_id).version == start_version[record_id] + saved[path]
            updates = s.execute(
                select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.seq > seq_before, AuditEntry.record_type == "security_measure",
                    AuditEntry.record_id == record_id, AuditEntry.action == "update")
            ).scalar_one()
            assert updates == saved[path]  # one audit entry per saved edit, none for a refused one
        chain = audit.verify(s)
        assert chain.ok, chain.reason
        assert chain.entries == seq_before + sum(saved.values())
