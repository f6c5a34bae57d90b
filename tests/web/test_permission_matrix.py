"""Every route of the application, walked as each role: the server refuses what the role may not do.

The table ROUTES classifies every endpoint of `app.url_map`; a new route fails
`test_every_route_is_classified` until someone decides who may use it.
"""

import re

import pytest
from sqlalchemy import func, select

from registry.models import (
    Activity,
    AuditEntry,
    Breach,
    ClientController,
    DataRequest,
    Job,
    LawChange,
    MailMessage,
    Membership,
    Organisation,
    RetentionRule,
    SecurityMeasure,
    SubProcessor,
    SubProcessorChange,
    SubProcessorChangeCreate,
    SubProcessorCreate,
    Transfer,
)
from registry.services import users as accounts

# Kinds of route:
#   public       anyone, logged in or not
#   account      any logged-in person (their own account), no organisation
#   read         any member of the organisation of the URL (web)
#   read_costly  the same, but a PDF is rendered or a print process started: only the refused roles
#                (anonymous, other organisation) are walked here; tests/web/test_documents.py covers members
#   write        admins and DPOs of the organisation (web form or action)
#   write_get    admins and DPOs of the organisation, a page read with GET (the Outbox: clients' addresses, notices)
#   admin        admins of the organisation only (its settings, its members)
#   superuser    superusers of the installation only (creating an organisation); no role of the walk is one
#   api_public   no token needed
#   api_account  any valid token
#   api_read     token of any member of the organisation
#   api_write    token of an admin or DPO of the organisation
ROUTES: dict[str, tuple[str, type | None]] = {
    "static": ("skip", None),
    "set_language": ("public", None),
    "auth.login": ("public", None),
    "auth.logout": ("account", None),
    "auth.password": ("account", None),
    "auth.tokens": ("account", None),
    "auth.revoke_token": ("account", None),
    "auth.sessions": ("account", None),
    "auth.end_sessions": ("account", None),
    "auth.reminders": ("account", None),  # the person's own choice of reminders
    "home.index": ("account", None),
    "organisations.detail": ("read", None),
    "organisations.audit": ("read", None),
    "organisations.edit": ("admin", None),
    "documents.index": ("read", None),
    "documents.annex": ("read_costly", ClientController),
    "documents.subprocessors": ("read_costly", None),
    "documents.start_export": ("read_costly", None),  # queues an export: any member may, changes no record
    "documents.job": ("read_costly", Job),
    "documents.job_status": ("read_costly", Job),
    "documents.job_file": ("read_costly", Job),
    # Cancelling: the person who asked or an admin (tests/jobs/test_web_jobs.py walks the members)
    "documents.cancel_job": ("read_costly", Job),
    "documents.register_sheet": ("read", None),  # the register as xlsx/ods: any member may read it
    "imports.page": ("write", None),  # the spreadsheet import: DPOs and admins
    "imports.preview": ("write", None),
    "imports.confirm": ("write", None),
    "api.openapi": ("api_public", None),
    "api.organisations": ("api_account", None),
    "api.list_records": ("api_read", None),
    "api.get_record": ("api_read", None),
    "api.create_record": ("api_write", None),
    "api.update_record": ("api_write", None),
    "api.delete_record": ("api_write", None),
    # Organisations and members
    "home.new_organisation": ("superuser", None),
    "members.index": ("admin", None),
    "members.change_role": ("admin", None),
    "members.remove": ("admin", None),
    # Contracts of client controllers and sub-processors: the check page and the file are read by any member;
    # uploading and copying the extracted terms into the record are writes. Without a stored contract the file
    # and the terms form send the person back to the contract page (302), which the walk accepts.
    "clients.contract": ("read", ClientController),
    "clients.contract_file": ("read", ClientController),
    "clients.contract_upload": ("write", ClientController),
    "clients.contract_accept": ("write", ClientController),
    "subprocessors.contract": ("read", SubProcessor),
    "subprocessors.contract_file": ("read", SubProcessor),
    "subprocessors.contract_upload": ("write", SubProcessor),
    "subprocessors.contract_accept": ("write", SubProcessor),
}
# changeui: planned sub-processor changes (Art. 28(2)), the auditors' list as of a date, the public page
ROUTES.update({
    "changes.list": ("read", SubProcessorChange),
    "changes.detail": ("read", SubProcessorChange),
    "changes.new": ("write", SubProcessorChange),
    "changes.notice": ("write", SubProcessorChange),
    "changes.objection": ("write", SubProcessorChange),
    "changes.decide": ("write", SubProcessorChange),
    "changes.dpo_decision": ("write", SubProcessorChange),
    "changes.effective": ("write", SubProcessorChange),
    "changes.cancel": ("write", SubProcessorChange),
    "changes.notice_pdf": ("read_costly", SubProcessorChange),
    "subprocessors.as_of": ("read", None),
    "subprocessors.as_of_csv": ("read", None),
    "subprocessors.as_of_json": ("read", None),
    "subprocessors.as_of_pdf": ("read_costly", None),
    "subprocessors.compare": ("read", None),
    "public.subprocessors": ("public", None),  # when the organisation publishes it (the walk turns it on)
    "public.subprocessors_json": ("public", None),
    "public.feed": ("public", None),
    # notice19: a client's notice link, no account; the walk builds a valid link of the planned change
    "notice_link.page": ("public", SubProcessorChange),
    "changes.send_notices": ("write", SubProcessorChange),  # mails the clients not yet told (outbox in the walk)
})


def prepare_changes(session, org: Organisation) -> None:
    """A planned change to walk the change pages with, and the public page turned on (it is 404 while off)."""
    from registry import clock
    from registry.services import changes

    new = changes.propose_subprocessor(session, org, SubProcessorCreate(legal_name="Matrix Demo (fictional)"), "test")
    activity = session.scalar(select(Activity).where(Activity.organisation_id == org.id, Activity.reference == "PIL-S-02"))
    changes.plan_change(session, org, SubProcessorChangeCreate(kind="add", subprocessor_id=new.id,
                                                               activity_ids=[activity.id], notice_date=clock.today(org.timezone)),
                        "test")
    org.public_subprocessors = True
    session.commit()

AREAS = {
    "activities": Activity,
    "clients": ClientController,
    "subprocessors": SubProcessor,
    "transfers": Transfer,
    "retention": RetentionRule,
    "measures": SecurityMeasure,
}
API_AREAS = {**AREAS, "requests": DataRequest}
for _area, _model in AREAS.items():
    ROUTES[f"{_area}.list"] = ("read", _model)
    ROUTES[f"{_area}.detail"] = ("read", _model)
    ROUTES[f"{_area}.new"] = ("write", _model)
    ROUTES[f"{_area}.edit"] = ("write", _model)
    ROUTES[f"{_area}.delete"] = ("write", _model)
for _area in ("activities", "subprocessors"):
    ROUTES[f"{_area}.retire"] = ("write", AREAS[_area])
    ROUTES[f"{_area}.reviewed"] = ("write", AREAS[_area])  # "mark as reviewed" (the review reminders)

# Breaches (Arts. 33-34): pages, notices and their PDF documents. The demo data hold no breach, so the walk
# adds one to the organisation (without audit entry: it is the test's setup, not a request).
ROUTES.update({
    "breaches.list": ("read", None),
    "breaches.new": ("write", None),
    "breaches.detail": ("read", Breach),
    "breaches.edit": ("write", Breach),
    "breaches.notice": ("write", Breach),
    "breaches.client_notice_pdf": ("read_costly", Breach),
    "breaches.cnil_pdf": ("read_costly", Breach),
    "breaches.subjects_pdf": ("read_costly", Breach),
    "breaches.register_pdf": ("read_costly", None),
})


def _one_breach(session, org: Organisation) -> int:
    from datetime import UTC, datetime

    breach = Breach(organisation_id=org.id, reference="MATRIX-1", title="Walked by the matrix", confidentiality=True,
                    aware_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    session.add(breach)
    session.commit()
    return breach.id


def _one_job(session, org: Organisation) -> None:
    """A finished-or-not export of the organisation: another organisation's member must get 404 on its pages."""
    from registry.services.jobs import request_job

    request_job(session, org.id, None, "register", {"lang": "fr"})
    session.commit()


# Data-subject requests (Arts. 12, 15-22): the demo data hold none either.
ROUTES.update({
    "requests.list": ("read", None),
    "requests.new": ("write", None),
    "requests.detail": ("read", DataRequest),
    "requests.edit": ("write", DataRequest),
    "requests.delete": ("write", DataRequest),
    "requests.forward": ("write", DataRequest),
    # Reply letters: drafted and printed by admins and DPOs (they hold the requester's name), nothing saved.
    "requests.letter": ("write", DataRequest),
})


def _one_request(session, org: Organisation) -> int:
    from datetime import date

    request = DataRequest(organisation_id=org.id, reference="MATRIX-R1", received_on=date(2026, 1, 5), rights=["access"])
    session.add(request)
    session.commit()
    return request.id


# E-mail (issue 19): the Outbox and its messages are for DPOs and admins; auditors are refused.
ROUTES.update({
    "breaches.mail_notices": ("write", Breach),
    "mail.outbox": ("write_get", None),
    "mail.message": ("write_get", MailMessage),
    "mail.eml": ("write_get", MailMessage),  # not built yet: sent back to the message's page (302)
    "mail.send_again": ("write", MailMessage),  # queued already: refused with a message, back to its page (302)
})


def _one_message(session, org: Organisation) -> int:
    message = MailMessage(organisation_id=org.id, to_address="dpo@client.example.com", language="fr",
                          subject="Matrix", body="Walked by the matrix.", purpose="breach_notice", actor="test")
    session.add(message)
    session.commit()
    return message.id


# The law (issue 17): what-if on an organisation (a shipped example read by any member, a file run by DPOs and
# admins; nothing saved), a verdict changed by an installed update marked seen, and the superusers' reference update.
ROUTES.update({
    "law.what_if": ("read", None),
    "law.what_if_upload": ("write", None),
    "law.seen": ("write", LawChange),
    "reference.page": ("superuser", None),
    "reference.preview": ("superuser", None),
    "reference.install": ("superuser", None),
})


def _one_law_change(session, org: Organisation) -> int:
    from datetime import date

    change = LawChange(organisation_id=org.id, law_version=2, law_published=date(2026, 12, 8), kind="record_exemption",
                       label="Art. 30(5)", detail={"regime_before": None, "regime_after": None})
    session.add(change)
    session.commit()
    return change.id


EXTRA_RECORDS = {Breach: _one_breach, Job: _one_job, DataRequest: _one_request, MailMessage: _one_message,
                 LawChange: _one_law_change}

WEB_ORG = {"read", "write", "admin"}
API_ORG = {"api_read", "api_write"}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROLES = ["anonymous", "admin", "dpo", "auditor", "outsider"]


def test_every_route_is_classified(app):
    """A route nobody classified is a route nobody checked: add it to ROUTES with who may use it."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(ROUTES)) == []
    assert sorted(set(ROUTES) - endpoints) == []  # a stale entry would hide a renamed route


def _requests(app, session, org: Organisation, token_id: int) -> list[tuple[str, str, str, str]]:
    """(endpoint, kind, method, url) for every rule, URL parameters filled from records of `org`."""
    models = {*API_AREAS.values(), *(model for _kind, model in ROUTES.values() if model is not None)}
    ids = {
        model: session.scalar(select(model.id).where(model.organisation_id == org.id).order_by(model.id))
        for model in models
    }
    member_id = session.scalar(select(Membership.user_id).where(Membership.organisation_id == org.id)
                               .order_by(Membership.user_id))
    ids.update({model: session.scalar(select(model.id).where(model.organisation_id == org.id).order_by(model.id))
                for model in EXTRA_RECORDS})
    out = []
    for rule in app.url_map.iter_rules():
        kind, model = ROUTES[rule.endpoint]
        if kind == "skip":
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        if kind.startswith("api"):
            method = "PATCH" if "PATCH" in methods else methods[0]
            areas = API_AREAS if "area" in rule.arguments else {None: None}
            for area, area_model in areas.items():
                values = {"slug": org.slug, "area": area, "record_id": ids.get(area_model)}
                url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
                out.append((rule.endpoint, kind, method, url))
            continue
        values = {"slug": org.slug, "record_id": ids.get(model), "client_id": ids[ClientController],
                  "change_id": ids[SubProcessorChange], "token": _notice_token(app, session, ids[SubProcessorChange]),
                  "token_id": token_id, "code": "en", "job_id": ids.get(Job), "kind": "register",
                  "user_id": member_id, "fmt": "xlsx"}
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        out.append((rule.endpoint, kind, "GET" if "GET" in methods else "POST", url))
    # Deleting and logging out go last: the rest of the walk still needs the records and the session.
    return sorted(out, key=lambda r: (r[0] == "auth.logout", r[2] == "DELETE"))


def _notice_token(app, session, change_id: int) -> str:
    """The signed link token of the change's first affected client, as its notice e-mail carries it."""
    from registry.services.notice_links import make_token

    change = session.get(SubProcessorChange, change_id)
    return make_token(app.config["SECRET_KEY"], change_id, change.notices[0].client_id)


def _audit_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEntry))


def _expected(role: str, kind: str, method: str, status: int, location: str) -> str | None:
    """Why `status` is wrong for this role and route, or None when it is right."""
    if status >= 500:
        return "server error"
    if kind in ("public", "api_public"):
        return None if status < 400 else "public route refused"
    if role == "anonymous":
        if kind.startswith("api"):
            return None if status == 401 else "API without a token must be 401"
        return None if status == 302 and "/login" in location else "anonymous must be sent to /login"
    kind = {"read_costly": "read", "write_get": "write"}.get(kind, kind)
    if kind in ("account", "api_account"):
        return None if status < 400 else "own account refused"
    if kind == "superuser":
        return None if status == 403 else "only superusers may"
    if role == "outsider":
        return None if status == 404 else "another organisation's route must be 404"
    refused = kind == "admin" and role != "admin" or kind in ("write", "api_write") and role == "auditor"
    if refused:
        return None if status == 403 else "must be 403"
    return None if status not in (401, 403, 404) else "allowed route refused"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_its_permissions_say(app, client, demo, sign_in, role):
    session = demo
    pilotim = session.scalar(select(Organisation).where(Organisation.slug == "pilotim"))
    prepare_changes(session, pilotim)
    home = pilotim if role != "outsider" else session.scalar(select(Organisation).where(Organisation.slug == "apex-timing"))
    bearer, token_id = "rgt_not-a-token", 1
    if role != "anonymous":
        email = f"{role}@matrix.example.com"
        sign_in(email, "admin" if role == "outsider" else role, home)
        user = accounts.find_user(session, email)
        _api, bearer = accounts.create_token(session, user, "matrix")
        spare, _clear = accounts.create_token(session, user, "to revoke")
        session.commit()
        token_id = spare.id
    for make in EXTRA_RECORDS.values():
        make(session, pilotim)
    csrf = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    before = _audit_count(session)
    wrong = []
    for endpoint, kind, method, url in _requests(app, session, pilotim, token_id):
        if kind == "read_costly" and role in ("admin", "dpo", "auditor"):
            continue
        if kind.startswith("api"):
            headers = {"Authorization": f"Bearer {bearer}"}
            response = client.open(url, method=method, json={} if method != "GET" else None, headers=headers)
        elif method == "POST" or (kind in ("write", "admin") and role in ("auditor", "outsider", "anonymous")):
            # Refused roles post, with a valid token, so that only the role check can stop them.
            response = client.post(url, data={"csrf_token": csrf})
        else:
            response = client.get(url)
        why = _expected(role, kind, method, response.status_code, response.headers.get("Location", ""))
        if why:
            wrong.append((endpoint, method, url, response.status_code, why))
    assert wrong == []
    if role in ("anonymous", "auditor", "outsider"):
        assert _audit_count(session) == before, "a refused request wrote to the register"
