"""The reminders a person receives (`/account/reminders`) and "Mark as reviewed" on activities and sub-processors."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.db import get_session
from registry.forms import RecordForm
from registry.forms.reminders import ReminderForm
from registry.services import reminders as service
from registry.services.crud import Invalid
from registry.views.entity import WRITE, Entity, requires


def register_reminder_routes(bp: Blueprint) -> None:
    """The account page of reminders, on the blueprint of the account pages."""

    def reminders_view():
        session = get_session()
        pref = service.preference(session, current_user.id)
        form = ReminderForm(data={"categories": list(pref.categories or []), "language": pref.language,
                                  "digest": pref.digest, "as_admin": pref.as_admin})
        if form.validate_on_submit():
            try:
                service.save_preference(session, current_user.user, categories=form.categories.data or [],
                                        language=form.language.data, digest=form.digest.data,
                                        as_admin=form.as_admin.data)
            except Invalid as exc:
                session.rollback()
                for name, messages in exc.by_field().items():
                    getattr(form, name).errors = [str(m) for m in messages]
            else:
                session.commit()
                flash(_("Your reminders are saved."), "ok")
                return redirect(url_for("auth.reminders"))
        return render_template("auth/reminders.html", form=form)

    bp.add_url_rule("/account/reminders", "reminders", login_required(reminders_view), methods=["GET", "POST"])


def register_review_routes(bp: Blueprint, entity: Entity) -> None:
    """`area.reviewed`: a DPO or admin marks the record reviewed today (its review reminders start again)."""
    from registry.views.crud import get_or_404

    @requires(WRITE)
    def reviewed_view(record_id: int):
        session = get_session()
        obj = get_or_404(entity.model, record_id, g.org)
        if RecordForm().validate_on_submit():
            service.mark_reviewed(session, g.org, obj, current_user.email)
            session.commit()
            flash(_("%(what)s marked as reviewed today.", what=entity.name_of(obj)), "ok")
        else:
            flash(_("The form expired. Try again."), "bad")
        return redirect(url_for(f"{entity.area}.detail", record_id=obj.id))

    bp.add_url_rule("/<int:record_id>/reviewed", "reviewed", reviewed_view, methods=["POST"])
