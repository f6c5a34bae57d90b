"""What went wrong, told the person: error pages in the base layout and the interface language with a way back
(JSON under /api/), and the problems of a refused form listed for its error summary."""

import logging
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, g, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from registry.i18n import local_path

log = logging.getLogger(__name__)

# Title and explanation per status; the explanation says what the person can do about it.
PAGES = {
    400: (_l("The request could not be read"),
          _l("The page sent something the register could not understand. Go back, reload the page and try again.")),
    403: (_l("Not allowed"),
          _l("Your account does not allow this action.")),
    404: (_l("Page not found"),
          _l("This page does not exist, or it belongs to an organisation you are not a member of.")),
    405: (_l("This address does not take this kind of request"),
          _l("Use the buttons and forms of the pages rather than typing this address.")),
    409: (_l("The register changed in the meantime"),
          _l("What you sent conflicts with the register as it is now. Reload the page and try again.")),
    413: (_l("What you sent is too large"),
          _l("The file or form is larger than the server accepts. Send a smaller file.")),
    500: (_l("Something went wrong on our side"),
          _l("The server could not complete the request. If you were saving, check whether the change was "
             "recorded before trying again; if the problem persists, tell the administrator of the installation "
             "and give them the reference below.")),
}
CSRF_TEXT = _l("The form expired or was opened in another session. Go back, reload the page and send it again.")
ROLE_NAMES = {"admin": _l("administrator"), "dpo": _l("DPO"), "auditor": _l("auditor (read-only)")}


def back_url() -> str | None:
    """The previous page when it is on this site and is not the page that failed (a link back to it would loop)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    target = local_path(parts.path + (f"?{parts.query}" if parts.query else ""))
    if target is None or (request.method == "GET" and target == request.full_path.rstrip("?")):
        return None
    return target


def _api_error(exc: HTTPException):
    from registry.views.api import error

    code = exc.code or 500
    name = re.sub(r"\W+", "_", (exc.name or "error").lower()).strip("_")
    message = "Internal error." if code == 500 else (exc.description or exc.name)
    return error(code, name, message)


def _plain(code: int, title: str, text: str) -> str:
    """A page that needs neither the database nor the layout, for when rendering the real one fails too."""
    return (f'<!doctype html><html lang="{escape(_lang())}"><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<h1>{escape(title)}</h1><p>{escape(text)}</p><p>{code}</p><p><a href=\"/\">/</a></p></html>")


def _lang() -> str:
    from registry.i18n import current_lang

    try:
        return current_lang()
    except Exception:  # noqa: BLE001 - a broken session store must not hide the error page
        return "fr"


def error_page(exc: HTTPException):
    """The page (or, under /api/, the JSON answer) for an HTTP error; a 500 never shows the exception itself."""
    code = exc.code or 500
    if request.path.startswith("/api/"):
        return _api_error(exc)
    title, text = PAGES.get(code, PAGES[500])
    if isinstance(exc, CSRFError):
        text = CSRF_TEXT
    reference = None
    if code >= 500:
        reference = secrets.token_hex(4)
        log.error("error reference %s: %s %s", reference, request.method, request.path)
        session = g.get("db_session")
        if session is not None:
            session.rollback()  # a failed transaction would make the layout's own queries fail too
    org = g.get("org")
    home = url_for("organisations.detail", slug=org.slug) if org is not None else url_for("home.index")
    back = back_url()
    try:
        body = render_template(
            "errors/error.html", code=code, title=title, text=text, org=org, home=home, back=back,
            reference=reference, role=ROLE_NAMES.get(g.get("role")) if code == 403 else None,
            # Switching language on a page that answered a POST must not replay the POST as a GET.
            lang_next=None if request.method == "GET" else (back or home),
        )
    except Exception:  # noqa: BLE001 - the layout itself may be what fails (database gone, schema not current)
        log.exception("the error page could not be rendered")
        body = _plain(code, str(title), str(text))
    response = make_response(body, code)
    if code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def form_problems(form) -> list[tuple[str | None, str | None, list[str]]]:
    """Each refused answer of a form: the id of the field to link to (None for a hidden one), its name, its messages.

    A list of rows names the row and the column, so that "Country" in the third location is found.
    """
    out: list[tuple[str | None, str | None, list[str]]] = []
    for field in form:
        if field.type == "FieldList":
            own = [e for e in field.errors if isinstance(e, str)]
            if own:
                out.append((field.id, str(field.label.text), own))
            for n, entry in enumerate(field.entries, 1):
                for sub in entry.form if hasattr(entry, "form") else [entry]:
                    messages = [e for e in sub.errors if isinstance(e, str)] if sub.errors else []
                    if messages and sub.type != "CSRFTokenField":
                        name = f"{field.label.text} ({_('row %(n)s', n=n)}) — {sub.label.text}"
                        out.append((sub.id, name, messages))
        elif field.errors:
            hidden = field.type in ("CSRFTokenField", "HiddenField")
            # Some forms name their fields in plain English and translate them in the template: so does the summary.
            out.append((None if hidden else field.id, None if hidden else _(str(field.label.text)), list(field.errors)))
    return out


def init_errors(app: Flask) -> None:
    """One handler for every error the web interface shows (the API blueprint keeps its own JSON messages), and
    `form_problems` for the error summary of every form."""
    for code in PAGES:
        app.register_error_handler(code, error_page)
    app.jinja_env.globals["form_problems"] = form_problems
