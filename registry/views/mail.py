"""The Outbox page: every message of the organisation with its status, the server's answer and the .eml itself.

DPOs and admins only: the messages name clients' contacts and carry notices; auditors read the notices recorded on
each record instead.
"""

from email import message_from_bytes, policy

from flask import abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from registry.auth import actor
from registry.db import get_session
from registry.forms.mail import SendAgainForm
from registry.jobs import mail as mail_jobs
from registry.models import MailMessage
from registry.models.mail import MAIL_STATES
from registry.services import mail as service
from registry.views.crud import org_blueprint
from registry.views.entity import WRITE, requires

bp = org_blueprint("mail", __name__)

STATUS_LABELS = {"queued": _l("On its way"), "sent": _l("Sent"), "failed": _l("Not delivered"),
                 "outbox": _l("In the outbox — NOT sent")}
PURPOSE_LABELS = {"breach_notice": _l("Breach notice (Art. 33(2))"), "change_notice": _l("Change notice (Art. 28(2))"),
                  "reminder": _l("Reminder"), "digest": _l("Weekly digest")}
RELATED = {"breach": "breaches", "change": "changes", "activity": "activities", "subprocessor": "subprocessors",
           "request": "requests", "transfer": "transfers", "client": "clients"}


@bp.app_template_global()
def mail_status_badge(message: MailMessage) -> Markup:
    """A message's status as a badge; a queued one says which try comes next."""
    text = str(STATUS_LABELS.get(message.status, message.status))
    if message.status == "queued" and message.attempts:
        text = _("On its way (tried %(num)s times)", num=message.attempts)
    return Markup('<span class="badge badge-mail-{}">{}</span>').format(message.status, text)


@bp.app_template_global()
def mail_purpose(purpose: str) -> str:
    return str(PURPOSE_LABELS.get(purpose, purpose))


@bp.app_template_global()
def mail_related_url(message: MailMessage) -> str | None:
    area = RELATED.get(message.related_kind or "")
    return url_for(f"{area}.detail", record_id=message.related_id) if area and message.related_id else None


def _message(record_id: int) -> MailMessage:
    message = service.get_message(get_session(), g.org, record_id)
    if message is None:
        abort(404)
    return message


@bp.get("/", endpoint="outbox")
@requires(WRITE)
def outbox():
    status = request.args.get("status")
    status = status if status in MAIL_STATES else None
    messages = service.messages_of(get_session(), g.org, status)
    return render_template("mail/outbox.html", org=g.org, messages=messages, status=status, states=STATUS_LABELS,
                           smtp=bool(current_app.config.get("REGISTRY_SMTP_URL")))


@bp.get("/<int:record_id>", endpoint="message")
@requires(WRITE)
def message_page(record_id: int):
    message = _message(record_id)
    path = mail_jobs.eml_path(current_app, message)
    source = path.read_bytes() if path.exists() else None
    parsed = message_from_bytes(source, policy=policy.default) if source else None
    body = parsed.get_body(("plain",)).get_content() if parsed is not None and parsed.get_body(("plain",)) else message.body
    attachments = [a.get_filename() for a in parsed.iter_attachments()] if parsed is not None else (
        [message.attachment_name] if message.attachment_name else [])
    headers = [(name, str(parsed[name])) for name in ("From", "To", "Subject", "Date", "Message-ID", "Content-Language")
               if parsed is not None and parsed[name]]
    return render_template("mail/message.html", org=g.org, message=message, headers=headers, body=body,
                           attachments=attachments, source=source.decode("ascii", "replace") if source else None,
                           can_send_again=_can_send_again(message), form=SendAgainForm())


def _can_send_again(message: MailMessage) -> bool:
    """A message not delivered may be tried again; one kept in the outbox only once a mail server is configured
    (without one it would only go back to the outbox)."""
    return message.status == "failed" or (message.status == "outbox" and bool(current_app.config.get("REGISTRY_SMTP_URL")))


@bp.post("/<int:record_id>/send-again", endpoint="send_again")
@requires(WRITE)
def send_again(record_id: int):
    message = _message(record_id)
    form = SendAgainForm()
    if not form.validate_on_submit():
        abort(400)
    if not _can_send_again(message) or not service.send_again(get_session(), g.org, message, actor()):
        flash(_("This message is on its way or sent already: it is not sent again."), "bad")
        return redirect(url_for("mail.message", record_id=message.id))
    get_session().commit()
    flash(_("The message is on its way again."), "ok")
    return redirect(url_for("mail.message", record_id=message.id))


@bp.get("/<int:record_id>.eml", endpoint="eml")
@requires(WRITE)
def eml(record_id: int):
    message = _message(record_id)
    path = mail_jobs.eml_path(current_app, message)
    if not path.exists():  # not built yet (the worker writes it at its first try): the page says so
        return redirect(url_for("mail.message", record_id=message.id))
    return send_file(path, mimetype="message/rfc822", as_attachment=True, download_name=f"message-{message.id}.eml")

