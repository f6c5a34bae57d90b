"""`python -m benchmarks web`: list pages with 10,000 activities and 1,000 sub-processors against bare pages.

Each real page (layout, session, i18n, sort, filter, pager, per-row flags) is compared with a bare
page registered only here, which selects the same 50 rows and renders them in a plain table with no
flags; the text search page is compared with a bare LIKE search. Requests of a pair alternate so
that both see the same machine state; the figures are the p50 and p95 of the same run. Flags are kept per
record between requests (registry.services.flag_cache.FlagCache), so the main figures are the steady state;
the first view after a real write (one record of the page edited and committed, untimed, before each
request), the view with the cache emptied, and the pages without flags (to split the cost between the page
and the rules) are measured too.
"""

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from flask import render_template_string, request
from sqlalchemy import func, insert, or_, select

BARE = """<!doctype html><title>bare</title><table>{% for a in rows %}<tr><td><a href="/x/{{ a.id }}">{{ a.reference }}</a></td>
<td>{{ a.name }}</td><td>{{ a.role }}</td><td>{{ a.status }}</td><td>{{ a.updated_at.date() }}</td></tr>{% endfor %}</table>"""
BARE_SP = """<!doctype html><title>bare</title><table>{% for s in rows %}
<tr><td><a href="/x/{{ s.id }}">{{ s.legal_name }}</a></td>
<td>{{ s.service }}</td><td>{{ s.country }}</td><td>{% for l in s.locations %}{{ l.country }} {% endfor %}</td>
<td>{{ s.dpa_signed_on }}</td><td>{{ s.status }}</td></tr>{% endfor %}</table>"""


def seed(app, n_activities: int, n_subprocessors: int) -> None:
    """Bulk rows through SQL inserts: realistic shapes (purposes, categories, links, locations, transfers)."""
    from registry.db import get_session
    from registry.models import (
        Activity,
        ActivityMeasureLink,
        ActivitySubProcessorLink,
        Organisation,
        ProcessingLocation,
        RetentionRule,
        SecurityMeasure,
        SubProcessor,
        Transfer,
    )

    rnd = random.Random(7)
    now = datetime.now(UTC).replace(microsecond=0)
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    with app.app_context():
        s = get_session()
        org = Organisation(slug="bench", legal_name="Bench SAS", country="FR", dpo_name="DPO", contact_email="a@b.fr")
        s.add(org)
        s.flush()
        oid = org.id
        services = ["Hosting", "E-mailing", "SMS", "E-signature", "Analytics", "Payroll software", "Support desk"]
        s.execute(insert(SubProcessor), [
            {"organisation_id": oid, "legal_name": f"Vendor {i:04d} {rnd.choice(['SAS', 'Ltd', 'GmbH', 'Inc.'])}",
             "service": rnd.choice(services), "country": rnd.choice(["FR", "IE", "DE", "US"]),
             "dpa_signed_on": date(2023, 1, 1) if i % 3 else None, "status": "active" if i % 10 else "retired",
             "certifications": [], **stamps}
            for i in range(n_subprocessors)
        ])
        sp_ids = list(s.scalars(select(SubProcessor.id).where(SubProcessor.organisation_id == oid)))
        s.execute(insert(ProcessingLocation), [
            {"subprocessor_id": sid, "country": c, "kind": "storage"}
            for k, sid in enumerate(sp_ids) for c in (["FR"] if k % 4 else ["FR", "US"])
        ])
        s.execute(insert(Transfer), [
            {"organisation_id": oid, "subprocessor_id": sid, "recipient": f"Vendor {k} US", "destination_country": "US",
             "exporter_role": "processor", "importer_role": "processor", "mechanism": "scc", "scc_module": 3, **stamps}
            for k, sid in enumerate(sp_ids) if k % 8 == 0
        ])
        s.execute(insert(SecurityMeasure), [
            {"organisation_id": oid, "heading": "backup", "title": f"Measure {i}", **stamps} for i in range(20)
        ])
        m_ids = list(s.scalars(select(SecurityMeasure.id).where(SecurityMeasure.organisation_id == oid)))
        words = ["payroll", "recruitment", "newsletter", "CRM", "video surveillance", "access badges", "invoicing"]
        s.execute(insert(Activity), [
            {"organisation_id": oid, "reference": f"ACT-{i:05d}", "name": f"{rnd.choice(words).capitalize()} {i}",
             "role": "controller" if i % 3 else "processor", "status": rnd.choice(["active", "active", "draft", "retired"]),
             "description": "Processing described for the benchmark.", "dpia": "not_assessed",
             "purposes": [{"purpose": "Main purpose", "legal_basis": "art6_1_b" if i % 5 else None, "art9_condition": None}],
             "data_subjects": [{"code": "customers", "detail": None}],
             "data_categories": [{"code": "identity", "detail": None}]
             + ([{"code": "health", "detail": None}] if i % 17 == 0 else []),
             "recipients": [{"code": "internal", "detail": None}] if i % 4 else [], **stamps}
            for i in range(n_activities)
        ])
        a_ids = list(s.scalars(select(Activity.id).where(Activity.organisation_id == oid)))
        s.execute(insert(ActivitySubProcessorLink), [
            {"activity_id": aid, "subprocessor_id": sid}
            for aid in a_ids for sid in rnd.sample(sp_ids, 3)
        ])
        s.execute(insert(ActivityMeasureLink), [
            {"activity_id": aid, "measure_id": rnd.choice(m_ids)} for k, aid in enumerate(a_ids) if k % 2
        ])
        s.execute(insert(RetentionRule), [
            {"organisation_id": oid, "activity_id": aid, "kind": "from_event", "bound": "exact", "value": 5, "unit": "years",
             "event": "contract_end", "covers_backups": False, **stamps}
            for k, aid in enumerate(a_ids) if k % 3
        ])
        s.commit()


def sign_in(app, client) -> None:
    """A DPO of the organisation with an open login session, its cookie given to the client (no password work)."""
    from registry.db import get_session
    from registry.models import Organisation, User
    from registry.services import users

    with app.app_context():
        s = get_session()
        user = User(email="dpo@bench.example.com", password_hash="unused")
        s.add(user)
        s.flush()
        users.grant(s, user, s.scalar(select(Organisation).where(Organisation.slug == "bench")), "dpo")
        token = users.open_session(s, user)
        s.commit()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = token
        cookie["_fresh"] = True


def add_bare_routes(app) -> None:
    from sqlalchemy.orm import selectinload

    from registry.db import get_session
    from registry.models import Activity, SubProcessor

    def org_id():
        from registry.models import Organisation

        return get_session().scalar(select(Organisation.id).where(Organisation.slug == "bench"))

    @app.get("/bench/bare/activities")
    def bare_activities():
        page = int(request.args.get("page", 1))
        rows = get_session().scalars(
            select(Activity).where(Activity.organisation_id == org_id())
            .order_by(Activity.reference, Activity.id).limit(50).offset((page - 1) * 50)
        ).all()
        return render_template_string(BARE, rows=rows)

    @app.get("/bench/bare/subprocessors")
    def bare_subprocessors():
        rows = get_session().scalars(
            select(SubProcessor).where(SubProcessor.organisation_id == org_id())
            .order_by(SubProcessor.legal_name, SubProcessor.id).limit(50).options(selectinload(SubProcessor.locations))
        ).all()
        return render_template_string(BARE_SP, rows=rows)

    @app.get("/bench/bare/search")
    def bare_search():
        needle = f"%{request.args['q'].lower()}%"
        # The same columns as the real search, so that both pages select the same rows.
        matches = or_(*[func.lower(c).like(needle) for c in (Activity.reference, Activity.name, Activity.description)])
        rows = get_session().scalars(
            select(Activity).where(Activity.organisation_id == org_id(), matches)
            .order_by(Activity.reference, Activity.id).limit(50)
        ).all()
        return render_template_string(BARE, rows=rows)


def first_ids(app, model, order, where=True) -> list[int]:
    """The ids of the first page's 50 rows, as the list sorts them."""
    from registry.db import get_session

    with app.app_context():
        return list(get_session().scalars(select(model.id).where(where).order_by(order, model.id).limit(50)))


def writer(app, model, ids: list[int], column: str):
    """A write as a save makes it (new value, version claimed, audit entry, one commit, then the web layer's
    after-request step that computes the flags it changed), to one of `ids` in turn."""
    from registry import audit
    from registry.db import get_session
    from registry.services import crud
    from registry.views.lists import refresh_flags_after_write

    turn = iter(range(10**9))

    def write():
        n = next(turn)
        with app.test_request_context():
            session = get_session()
            obj = session.get(model, ids[n % len(ids)])
            before = audit.snapshot(obj)
            changes = crud.apply(obj, {column: f"Edited for the benchmark ({n})"})
            crud.record_update(session, obj, before, changes, "bench@example.com")
            session.commit()
            refresh_flags_after_write(None)

    return write


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def compare(client, name: str, page: str, bare: str, runs: int, before=None) -> tuple[float, float]:
    """p50 and p95 ratios of `page` to `bare`; `before()`, untimed, runs before each request of the page."""
    before = before or (lambda: None)
    for _ in range(3):
        before()
        timed(client, page), timed(client, bare)
    real, base = [], []
    for _ in range(runs):
        before()
        real.append(timed(client, page))
        base.append(timed(client, bare))
    r50, r95, b50, b95 = pct(real, .5), pct(real, .95), pct(base, .5), pct(base, .95)
    print(f"{name:<34} page p50 {r50 * 1000:7.1f} ms  p95 {r95 * 1000:7.1f} ms | bare p50 {b50 * 1000:6.1f} ms"
          f"  p95 {b95 * 1000:6.1f} ms | ratio p50 {r50 / b50:4.2f}x  p95 {r95 / b95:4.2f}x")
    return r50 / b50, r95 / b95


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks web")
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--subprocessors", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", help="default: an SQLite file in a temporary directory")
    args = parser.parse_args(argv)

    from registry import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": False, "REGISTRY_BOOTSTRAP_ADMIN": False})
        app.instance_path = str(Path(tmp) / "instance")
        add_bare_routes(app)
        started = time.perf_counter()
        seed(app, args.activities, args.subprocessors)
        print(f"seeded {args.activities:,} activities and {args.subprocessors:,} sub-processors "
              f"on {url.split(':', 1)[0]} in {time.perf_counter() - started:.1f} s; {args.runs} runs per page\n")
        client = app.test_client()
        sign_in(app, client)
        client.get("/lang/en")
        ratios = [
            compare(client, "activities list, page 1", "/orgs/bench/activities/", "/bench/bare/activities", args.runs),
            compare(client, "activities list, page 120", "/orgs/bench/activities/?page=120",
                    "/bench/bare/activities?page=120", args.runs),
            compare(client, "sub-processors list, page 1", "/orgs/bench/subprocessors/", "/bench/bare/subprocessors",
                    args.runs),
            compare(client, "activities, flagged only, page 1", "/orgs/bench/activities/?flagged=1",
                    "/bench/bare/activities", args.runs),
            compare(client, "activities text search 'payroll'", "/orgs/bench/activities/?q=payroll",
                    "/bench/bare/search?q=payroll", args.runs),
        ]
        worst = max(max(r) for r in ratios)
        print(f"\nworst ratio {worst:.2f}x (target: at most 2x at p50 and p95)")
        print("\nthe first view after a write (one record of the page edited and committed before each request, as a"
              " save does: the save computes again the flags it changed, and the page finds them):")
        from registry.models import Activity, SubProcessor

        first_page = lambda model, order, where=True: first_ids(app, model, order, where)  # noqa: E731
        compare(client, "activities list, after a write", "/orgs/bench/activities/", "/bench/bare/activities", args.runs,
                writer(app, Activity, first_page(Activity, Activity.reference), "description"))
        compare(client, "sub-processors list, after a write", "/orgs/bench/subprocessors/", "/bench/bare/subprocessors",
                args.runs, writer(app, SubProcessor, first_page(SubProcessor, SubProcessor.legal_name), "service"))
        payroll = first_page(Activity, Activity.reference, func.lower(Activity.name).contains("payroll"))
        compare(client, "activities search, after a write", "/orgs/bench/activities/?q=payroll",
                "/bench/bare/search?q=payroll", args.runs, writer(app, Activity, payroll, "description"))
        print("\nthe same with the cache emptied before each request (a new day, or a restored backup):")
        from registry.services.flag_cache import FlagCache

        def emptied():
            app.extensions["registry.flag_cache"] = FlagCache()

        compare(client, "activities list, cache emptied", "/orgs/bench/activities/", "/bench/bare/activities", args.runs,
                emptied)
        compare(client, "sub-processors list, cache emptied", "/orgs/bench/subprocessors/", "/bench/bare/subprocessors",
                args.runs, emptied)
        print("\nthe same pages with the flags switched off, to split the cost between the page and the rules:")
        from registry.views import activities, subprocessors

        saved = activities.ENTITY.flags, subprocessors.ENTITY.flags
        activities.ENTITY.flags = subprocessors.ENTITY.flags = None
        compare(client, "activities list, no flags", "/orgs/bench/activities/", "/bench/bare/activities", args.runs)
        compare(client, "sub-processors list, no flags", "/orgs/bench/subprocessors/", "/bench/bare/subprocessors", args.runs)
        compare(client, "activities search, no flags", "/orgs/bench/activities/?q=payroll", "/bench/bare/search?q=payroll",
                args.runs)
        activities.ENTITY.flags, subprocessors.ENTITY.flags = saved
        app.extensions["registry.engine"].dispose()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
