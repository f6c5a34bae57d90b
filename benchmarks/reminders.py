"""`python -m benchmarks reminders [--activities N]`: the periodic reminder run on the demo register plus an
organisation of N activities (default 5,000) never reviewed for more than the review period, on a fresh SQLite
database: the first run's time and messages (the N reviews of one person make one message), then a second run,
which must queue nothing."""

import argparse
import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks reminders")
    parser.add_argument("--activities", type=int, default=5000)
    args = parser.parse_args(argv)
    from sqlalchemy import func, insert, select
    from sqlmodel import Session

    from registry import clock, create_app
    from registry.jobs import tasks
    from registry.models import Activity, MailMessage, Organisation, SentReminder
    from registry.services import users as accounts
    from registry.services.demo import seed_demo

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
                          "REGISTRY_BOOTSTRAP_ADMIN": False, "SECRET_KEY": "benchmark",
                          "REGISTRY_OUTBOX_DIR": str(Path(tmp) / "outbox")})
        app.instance_path = tmp
        engine = app.extensions["registry.engine"]
        with Session(engine) as session:
            seed_demo(session)
            org = Organisation(slug="bench", legal_name="Bench SAS", country="FR")
            session.add(org)
            session.flush()
            user = accounts.create_user(session, "dpo@bench.example.com", "bench-password-long")
            accounts.grant(session, user, org, "dpo")
            old = clock.now() - timedelta(days=400)
            stamp = {"organisation_id": org.id, "created_at": old, "updated_at": old, "version": 1,
                     "role": "controller", "status": "active"}
            session.execute(insert(Activity.__table__), [
                {**stamp, "reference": f"B-{i:05d}", "name": f"Activity {i}", "purposes": [], "data_subjects": [],
                 "data_categories": [], "recipients": [], "dpia": "not_assessed"} for i in range(args.activities)])
            session.commit()
        runs = []
        for _ in range(2):
            start, cpu = time.perf_counter(), time.process_time()
            outcome = tasks.remind_all(app)
            runs.append((time.perf_counter() - start, time.process_time() - cpu, outcome))
        with Session(engine) as session:
            keys = session.scalar(select(func.count()).select_from(SentReminder))
            queued = session.scalar(select(func.count()).select_from(MailMessage))
    print(f"register: the five demo organisations + {args.activities:,} activities not reviewed for 400 days")
    for n, (wall, cpu, outcome) in enumerate(runs, 1):
        print(f"run {n}: {wall:.2f} s (CPU {cpu:.2f} s): {outcome.messages} messages queued for "
              f"{outcome.reminders} reminders, {outcome.digests} digests")
    print(f"keys recorded: {keys:,}; messages in the table: {queued}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0 if runs[1][2].messages == 0 else 1
