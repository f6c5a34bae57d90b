"""The breach page's "Send the client notices by e-mail" (Art. 33(2)): registered on the breaches blueprint."""

from collections.abc import Callable

from flask import Blueprint, current_app, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from registry.db import get_session
from registry.forms.mail import MailNoticesForm
from registry.models import Breach
from registry.services import breach_mail
from registry.views.crud import actor, get_or_404, save
from registry.views.entity import WRITE, requires


def register_breach_mail_routes(bp: Blueprint, detail: Callable) -> None:
    """`detail(breach, mail_form=..., status=...)` renders the breach page again with the refused form."""

    @bp.post("/<int:record_id>/mail-notices", endpoint="mail_notices")
    @requires(WRITE)
    def mail_notices(record_id: int):
        """Queue each affected client's notice with its PDF; each is recorded as sent when the server accepts it."""
        from registry.pdf.breaches import client_notice_pdf

        session = get_session()
        breach = get_or_404(Breach, record_id, g.org)
        form = MailNoticesForm()
        if form.validate_on_submit():
            done = save(form, lambda data: breach_mail.send_client_notices(
                session, breach, actor(), lambda client: client_notice_pdf(breach, client), data["late_reason"]))
            if done is not None:
                _report(done)
                return redirect(url_for("breaches.detail", record_id=breach.id) + "#mail")
        return detail(get_or_404(Breach, record_id, g.org), mail_form=form, status=422)


def _report(done: breach_mail.Sending) -> None:
    if done.queued:
        flash(ngettext("%(num)s notice is being sent by e-mail; it is recorded as sent once the mail server accepts it.",
                       "%(num)s notices are being sent by e-mail; each is recorded as sent once the mail server "
                       "accepts it.", len(done.queued)), "ok")
        if not current_app.config.get("REGISTRY_SMTP_URL"):
            flash(_("No mail server is configured (REGISTRY_SMTP_URL): the messages wait in the Outbox and are NOT "
                    "sent. Send them yourself and record each notice."), "warning")
    elif not done.no_address:
        flash(_("No notice to send: every affected client is notified or its notice is on its way."), "ok")
    if done.no_address:
        flash(_("No notice address (the DPO's or contact's e-mail) for: %(clients)s. Add one on the client's page, "
                "or send the notice another way and record it.",
                clients=", ".join(c.legal_name for c in done.no_address)), "warning")
