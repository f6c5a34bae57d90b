"""The form that mails a breach's client notices (Art. 33(2)): only the reasons for a late notice are asked."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from registry.forms import Form, RecordForm


class MailNoticesForm(RecordForm):
    late_reason = TextAreaField(_l("Reasons for the delay"),
                                description=_l("Required when a notice is sent after its deadline; written in the "
                                               "message and recorded with the notice."))


class SendAgainForm(Form):
    """The Outbox's "Send again" button: its CSRF token only."""
