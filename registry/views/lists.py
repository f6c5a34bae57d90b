"""List pages of the generic mechanism: query-string state, search, filters, sort, paging and per-page flags."""

from dataclasses import dataclass

from flask import current_app, g, request
from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from registry import audit
from registry.db import get_session
from registry.domain.flags import WORST_FIRST, worst_severity
from registry.forms import UNSAFE_TEXT
from registry.models import Organisation
from registry.models.checks import unsafe_character
from registry.services.flag_cache import FlagCache
from registry.views.entity import Entity

PAGE_SIZE = 50


def list_state(entity: Entity) -> dict:
    """The list's query string read once: search text, filters, sort, direction, page, which flagged rows."""
    args = request.args
    sortable = {c.key: c.sort for c in entity.columns if c.sort is not None}
    sort = args.get("sort") if args.get("sort") in sortable else entity.default_sort
    try:
        page = max(1, int(args.get("page", 1)))
    except ValueError:
        page = 1
    q = (args.get("q") or "").strip()[:200]
    errors = {}
    if unsafe_character(q, lines=False):
        # Refused at the search box: the list shows every record rather than a search the database cannot run.
        errors["q"], q = str(UNSAFE_TEXT % {"char": unsafe_character(q, lines=False)}), ""
    return {
        "q": q,
        "errors": errors,
        "filters": {f.name: args.get(f.name, "") for f in entity.filters},
        "sort": sort,
        "dir": "desc" if args.get("dir") == "desc" else "asc",
        "page": page,
        "flagged": args.get("flagged") if args.get("flagged") in FLAGGED else "",
    }


# "Flagged only" values: any flag, or the rows whose worst flag (domain.flags.worst_severity) has that severity,
# the split the dashboard counts by.
FLAGGED = ("1", *WORST_FIRST)


def keeps(flagged: str, flags: list) -> bool:
    """Whether a row with these flags is shown under the "flagged only" choice `flagged`."""
    return bool(flags) and (flagged == "1" or worst_severity(flags) == flagged)


def list_select(entity: Entity, org: Organisation, state: dict):
    model = entity.model
    stmt = select(model).where(model.organisation_id == org.id)
    if state["q"] and entity.search:
        needle = state["q"].lower()
        stmt = stmt.where(or_(*[func.lower(col).contains(needle, autoescape=True) for col in entity.search]))
    valid = {f.name: f for f in entity.filters}
    for name, value in state["filters"].items():
        if value and value in {c for c, _ in valid[name].choices()}:
            stmt = valid[name].apply(stmt, value)
    return stmt


def _ordered(entity: Entity, stmt, state: dict):
    sortable = {c.key: c.sort for c in entity.columns if c.sort is not None}
    key = sortable.get(state["sort"])
    if key is None:
        return stmt.order_by(entity.model.id)
    order = key.desc() if state["dir"] == "desc" else key.asc()
    return stmt.order_by(order, entity.model.id)


# A text search counts its matches up to this number: counting every match of a common word in a register
# of thousands would scan the whole table, while the page itself stops at its 50th match.
SEARCH_COUNT_CAP = 200


@dataclass
class Page:
    """One page of a list: its rows and their flags; `total` is None when only a lower bound is known."""

    rows: list
    flags: dict
    total: int | None
    at_least: int
    has_next: bool


def flag_cache() -> FlagCache:
    return current_app.extensions["registry.flag_cache"]


def refresh_flags_after_write(response):
    """After a request that wrote to an organisation's register (and committed), compute again the flags its
    write changed, so that the page the user is sent to next shows them without computing them."""
    session = g.get("db_session")
    written = session.info.pop(audit.WRITTEN_ORGANISATIONS, None) if session is not None else None
    for org_id in sorted(written or ()):
        org = session.get(Organisation, org_id)
        if org is None:
            continue
        try:
            flag_cache().refresh(session, org)
        except SQLAlchemyError:
            # The write is committed and the next page computes what this could not: it must not fail the save.
            current_app.logger.warning("flags of organisation %s not refreshed after a write", org_id, exc_info=True)
            session.rollback()
    return response


def page_flags(entity: Entity, org: Organisation, rows) -> dict:
    """The rows' flags in one batch, through the application's cache (computed once per state of the register)."""
    return flag_cache().flags(get_session(), org, entity.flags, rows) if entity.flags else {}


def list_page(entity: Entity, org: Organisation, state: dict) -> Page:
    """One page of rows with their flags, computed for the whole page in one batch (never per row)."""
    session = get_session()
    stmt = _ordered(entity, list_select(entity, org, state), state).options(*entity.list_options)
    offset = (state["page"] - 1) * PAGE_SIZE
    if state["flagged"] and entity.flags:
        return _flagged_page(entity, org, stmt, offset, state["flagged"])
    rows = session.scalars(stmt.limit(PAGE_SIZE + 1).offset(offset)).all()
    has_next, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    matching = list_select(entity, org, state).with_only_columns(entity.model.id)
    if rows and not has_next:
        total = offset + len(rows)  # the last page tells the count: no need to ask for it
    elif state["q"]:
        found = session.scalar(select(func.count()).select_from(matching.limit(SEARCH_COUNT_CAP + 1).subquery()))
        total = found if found <= SEARCH_COUNT_CAP else None
    else:
        total = session.scalar(select(func.count()).select_from(matching.subquery()))
    flags = page_flags(entity, org, rows)
    return Page(rows, flags, total, SEARCH_COUNT_CAP, has_next)


def _flagged_page(entity: Entity, org: Organisation, stmt, offset: int, flagged: str) -> Page:
    """Flagged rows only (all of them, or those whose worst flag is `flagged`). Flags are not columns, so the rules
    run on batches of matching rows, and only until this page is full and one more flagged row shows there is a
    next page: the total stays unknown (None) unless every row was examined, which keeps page 1 fast in a register
    of thousands of records.
    """
    session = get_session()
    kept, kept_flags, seen, wanted = [], {}, 0, offset + PAGE_SIZE + 1
    exhausted = False
    while len(kept) < wanted:
        # Ask for as many rows as flagged rows are still missing: most records of a real register carry a flag.
        batch = session.scalars(stmt.limit(max(wanted - len(kept), 20)).offset(seen)).all()
        if not batch:
            exhausted = True
            break
        seen += len(batch)
        found = page_flags(entity, org, batch)
        for obj in batch:
            if keeps(flagged, found.get(obj.id, [])):
                kept.append(obj)
                kept_flags[obj.id] = found[obj.id]
    page = kept[offset : offset + PAGE_SIZE]
    flags = {o.id: kept_flags[o.id] for o in page}
    return Page(page, flags, len(kept) if exhausted else None, offset + len(page), len(kept) > offset + PAGE_SIZE)
