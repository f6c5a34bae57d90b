"""JSON API v1 under /api/v1: the register's records for scripts, with the web interface's permissions.

Each area reuses the web interface's entity description (services, search, filters, delete blockers), so the
API and the forms write through the same validated, audited service functions.
"""

from flask import Blueprint, abort, g, jsonify, request, url_for
from sqlalchemy import func, or_, select

from registry import audit
from registry.auth import WRITE_ROLES, csrf
from registry.db import get_session
from registry.models import (
    ActivityCreate,
    ClientControllerCreate,
    DataRequestCreate,
    Organisation,
    RetentionRuleCreate,
    SecurityMeasureCreate,
    SubProcessorCreate,
    TransferCreate,
)
from registry.models.checks import INT_MAX, unsafe_character
from registry.models.requests import PERSONAL_FIELDS
from registry.services import users as accounts
from registry.services.crud import Invalid, StaleRecord
from registry.views import activities, clients, measures, requests, retention, subprocessors, transfers
from registry.views.api_spec import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated: no ambient cookie authority to forge
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
# INT_MAX (checks): integer columns are 32-bit on PostgreSQL, a larger value can match or fit nothing

# Area -> (entity of the web interface, validating model of its input).
AREAS = {
    "activities": (activities.ENTITY, ActivityCreate),
    "clients": (clients.ENTITY, ClientControllerCreate),
    "subprocessors": (subprocessors.ENTITY, SubProcessorCreate),
    "transfers": (transfers.ENTITY, TransferCreate),
    "retention": (retention.ENTITY, RetentionRuleCreate),
    "measures": (measures.ENTITY, SecurityMeasureCreate),
    "requests": (requests.ENTITY, DataRequestCreate),
}
# Links are written as `client_ids`, ... by the services; the audit snapshot names them by relationship.
LINK_NAMES = {"clients": "client_ids", "subprocessors": "subprocessor_ids", "measures": "measure_ids"}
HIDDEN = {"organisation_id", "activities"}


def public(obj) -> dict:
    """A record as the API shows it: every field, links as id lists, and the version to send back on update."""
    snap = audit.snapshot(obj)
    out = {LINK_NAMES.get(k, k): v for k, v in snap.items() if k not in HIDDEN}
    out["id"] = obj.id
    if hasattr(obj, "activity_links"):  # a data-subject request: its activities with the measure taken in each
        out["activities"] = [{"activity_id": a.activity_id, "measure": a.measure, "measure_note": a.measure_note}
                             for a in obj.activity_links]
        if g.get("role") not in WRITE_ROLES:
            # Only admins and DPOs read who made a request (Art. 5(1)(c)); the others read that it was withheld.
            out.update({name: None for name in PERSONAL_FIELDS})
            out["withheld"] = list(PERSONAL_FIELDS)
    return out


def error(status: int, code: str, message: str, **extra):
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="registry"'
    return response


@bp.errorhandler(404)
def _not_found(_exc):
    return error(404, "not_found", "No such record in an organisation you belong to.")


@bp.errorhandler(403)
def _forbidden(_exc):
    return error(403, "forbidden", "Your role in this organisation is read-only.")


@bp.errorhandler(405)
def _method(_exc):
    return error(405, "method_not_allowed", "Method not allowed on this resource.")


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = accounts.user_for_token(get_session(), token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        return error(401, "unauthenticated", "Send a valid personal access token: Authorization: Bearer <token>.")
    g.api_user = user
    return None


@bp.after_request
def _commit_token_use(response):
    # The token's last use is written even when the request itself only reads.
    if getattr(g, "api_user", None) is not None and response.status_code < 500:
        get_session().commit()
    return response


def _org(slug: str, write: bool = False) -> Organisation:
    session = get_session()
    org = session.execute(select(Organisation).where(Organisation.slug == slug)).scalars().first()
    role = accounts.role_in(session, g.api_user, org.id) if org else None
    if role is None:
        abort(404)
    if write and role not in WRITE_ROLES:
        abort(403)
    g.org, g.role = org, role
    return org


def _area(name: str):
    if name not in AREAS:
        abort(404)
    return AREAS[name]


def _record(entity, org: Organisation, record_id: int):
    if record_id > INT_MAX:
        abort(404)
    obj = get_session().get(entity.model, record_id)
    if obj is None or obj.organisation_id != org.id:
        abort(404)
    return obj


def _out_of_range(value, path: str) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) > INT_MAX:
        return path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _out_of_range(item, f"{path}-{key}" if path else str(key))
        if found:
            return found
    return None


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid({"": ["Send a JSON object."]})
    field = _out_of_range(data, "")
    if field:
        raise Invalid({field: ["This number is too large."]})
    return data


def _invalid(exc: Invalid):
    return error(422, "invalid", "Some fields are invalid.", errors=exc.errors)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document({name: schema for name, (_e, schema) in AREAS.items()}))


@bp.get("/orgs")
def organisations():
    rows = accounts.organisations_of(get_session(), g.api_user)
    return jsonify({"items": [{"slug": o.slug, "legal_name": o.legal_name, "role": r} for o, r in rows]})


@bp.get("/orgs/<slug>/<area>")
def list_records(slug: str, area: str):
    entity, _schema = _area(area)
    org = _org(slug)
    try:
        page = min(max(int(request.args.get("page", 1)), 1), MAX_PAGE)
        per_page = min(max(int(request.args.get("per_page", 50)), 1), MAX_PER_PAGE)
    except ValueError:
        return error(422, "invalid", "page and per_page are whole numbers.", errors={"page": ["not a number"]})
    for name, value in request.args.items(multi=True):
        found = unsafe_character(value, lines=False)
        if found:
            return error(422, "invalid", "Some parameters are invalid.",
                         errors={name: [f"contains the character {found}, which no search can match"]})
    stmt = select(entity.model).where(entity.model.organisation_id == org.id)
    text = (request.args.get("q") or "").strip()
    if text and entity.search:
        pattern = f"%{text.lower()}%"
        stmt = stmt.where(or_(*(func.lower(col).like(pattern) for col in entity.search)))
    for f in entity.filters:
        value = request.args.get(f.name)
        if value:
            stmt = f.apply(stmt, value)
    session = get_session()
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = session.execute(stmt.order_by(entity.model.id).offset((page - 1) * per_page).limit(per_page)).scalars()
    return jsonify({"items": [public(r) for r in rows], "page": page, "per_page": per_page, "total": total})


@bp.post("/orgs/<slug>/<area>")
def create_record(slug: str, area: str):
    entity, _schema = _area(area)
    org = _org(slug, write=True)
    session = get_session()
    try:
        obj, _changes = entity.create(session, org, _body(), g.api_user.email)
    except Invalid as exc:
        session.rollback()
        return _invalid(exc)
    session.commit()
    response = jsonify(public(obj))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_record", slug=slug, area=area, record_id=obj.id)
    return response


@bp.get("/orgs/<slug>/<area>/<int:record_id>")
def get_record(slug: str, area: str, record_id: int):
    entity, _schema = _area(area)
    return jsonify(public(_record(entity, _org(slug), record_id)))


@bp.route("/orgs/<slug>/<area>/<int:record_id>", methods=["PUT", "PATCH"])
def update_record(slug: str, area: str, record_id: int):
    """PUT replaces the record's fields, PATCH merges into them; both need the `version` last read."""
    entity, _schema = _area(area)
    org = _org(slug, write=True)
    obj = _record(entity, org, record_id)
    session = get_session()
    try:
        body = _body()
        if body.get("version") in (None, ""):
            raise Invalid({"version": ["Send the version you read, so that no other change is overwritten."]})
        current = public(obj)
        data = {**current, **body} if request.method == "PATCH" else dict(body)
        for key in ("id", "created_at", "updated_at"):
            data.pop(key, None)
        entity.update(session, org, obj, data, g.api_user.email)
    except Invalid as exc:
        session.rollback()
        return _invalid(exc)
    except StaleRecord:
        session.rollback()
        fresh = public(_record(entity, org, record_id))
        changed = {k: v for k, v in fresh.items() if k in body and body[k] != v and k != "version"}
        return error(409, "stale", "The record changed since you read it: nothing was saved.", current=fresh,
                     differs_from_yours=changed)
    session.commit()
    return jsonify(public(obj))


@bp.delete("/orgs/<slug>/<area>/<int:record_id>")
def delete_record(slug: str, area: str, record_id: int):
    entity, _schema = _area(area)
    org = _org(slug, write=True)
    obj = _record(entity, org, record_id)
    session = get_session()
    blockers = entity.before_delete(session, org, obj)
    if blockers:
        return error(409, "in_use", "Other records use this one: retire it instead.",
                     used_by=[{"label": str(b.label), "url": b.url} for b in blockers])
    entity.delete(session, org, obj, g.api_user.email)
    session.commit()
    return "", 204
