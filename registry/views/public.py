"""The public sub-processor page of an organisation (Art. 28(2)): HTML, JSON and an Atom feed; 404 while it is off."""

import uuid
from datetime import UTC, datetime, time
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, jsonify, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import clock
from registry.db import get_session
from registry.i18n import current_lang
from registry.services import subprocessor_public as public
from registry.views.formatting import country_text, date_text, vocab_text
from registry.views.links import external_url

bp = Blueprint("public", __name__, url_prefix="/public/<slug>")
ATOM = "http://www.w3.org/2005/Atom"
KIND_TITLES = {
    "add": _l("New sub-processor: %(name)s"),
    "replace": _l("%(name)s replaces %(replaced)s"),
    "remove": _l("Sub-processor removed: %(name)s"),
    "change_locations": _l("New processing locations for %(name)s"),
}
STATUS_TEXT = {"planned": _l("Planned"), "notified": _l("Planned"), "effective": _l("In effect")}


def _org(slug: str):
    org = public.published(get_session(), slug)
    if org is None:
        abort(404)  # off, or no such organisation: the same answer, so the URL tells nothing
    return org


def mechanism_text(code: str | None) -> str:
    return vocab_text("transfer_mechanisms", code) if code else _("no safeguard recorded")


@bp.get("/subprocessors")
def subprocessors(slug: str):
    org = _org(slug)
    entries = public.public_entries(get_session(), org)
    changes = public.public_changes(get_session(), org, clock.today(org.timezone))
    return render_template("public/subprocessors.html", public_org={"name": org.legal_name, "slug": slug},
                           entries=entries, changes=changes, mechanism_text=mechanism_text, kind_title=kind_title)


@bp.get("/subprocessors.json")
def subprocessors_json(slug: str):
    org = _org(slug)
    return jsonify({"organisation": org.legal_name, "as_of": clock.today(org.timezone).isoformat(),
                    "subprocessors": public.public_entries(get_session(), org)})


def kind_title(change: dict) -> str:
    return str(KIND_TITLES[change["kind"]] % {"name": change["name"], "replaced": change["replaces"] or ""})


def _stamp(value, tz: str = "UTC") -> str:
    """An Atom time in UTC; a date stands for its first instant in the time zone `tz` (the organisation's)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), ZoneInfo(tz))
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _entry_id(org_id: int, change_id: int) -> str:
    """A stable id per change: the same entry whatever the host or the page's language."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"gdpr-register:org:{org_id}:change:{change_id}"))


def _summary(change: dict) -> str:
    parts = [str(STATUS_TEXT[change["status"]])]
    if change["service"]:
        parts.append(_("Service: %(service)s", service=change["service"]))
    if change["locations"]:
        parts.append(_("Locations: %(places)s", places=", ".join(country_text(c) for c in change["locations"])))
    parts.append(_("Notice: %(day)s", day=date_text(change["notice_date"])))
    if change["effective_on"]:
        parts.append(_("In effect since %(day)s", day=date_text(change["effective_on"])))
    elif change["earliest_effective"]:
        parts.append(_("Not before %(day)s", day=date_text(change["earliest_effective"])))
    return ". ".join(parts) + "."


def atom_feed(org, changes: list[dict]) -> bytes:
    """RFC 4287 feed of the changes, built as XML elements (every text escaped by the serializer)."""
    ET.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    page = external_url("public.subprocessors", slug=org.slug)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": current_lang()})
    sub(feed, "id", "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"gdpr-register:org:{org.id}:changes")))
    sub(feed, "title", _("Sub-processor changes of %(name)s", name=org.legal_name))
    updated = max([c["updated"] for c in changes], default=None)
    sub(feed, "updated", _stamp(updated or clock.now()))
    sub(feed, "link", rel="self", href=external_url("public.feed", slug=org.slug))
    sub(feed, "link", rel="alternate", type="text/html", href=page)
    author = sub(feed, "author")
    sub(author, "name", org.legal_name)
    for change in changes:
        entry = sub(feed, "entry")
        sub(entry, "id", _entry_id(org.id, change["id"]))
        sub(entry, "title", kind_title(change))
        sub(entry, "updated", _stamp(change["updated"]))
        sub(entry, "published", _stamp(change["notice_date"], org.timezone))
        sub(entry, "link", rel="alternate", type="text/html", href=page)
        sub(entry, "summary", _summary(change))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/changes.atom")
def feed(slug: str):
    org = _org(slug)
    body = atom_feed(org, public.public_changes(get_session(), org, clock.today(org.timezone)))
    return Response(body, mimetype="application/atom+xml")
