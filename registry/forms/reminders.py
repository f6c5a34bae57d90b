"""Form of a person's reminders: which kinds, in which language, the weekly digest, and (admins) opting in."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField

from registry.forms import Form, MultiCheckboxField

KINDS = [
    ("breach", _l("Breach notices: 24 hours and 6 hours before the deadline, and when overdue (Arts. 33-34)")),
    ("change", _l("Sub-processor changes: a client's objection window closing within 3 days, a change that can take "
                  "effect (Art. 28(2))")),
    ("dpf", _l("Transfers on the Data Privacy Framework checked more than a year ago (Art. 45)")),
    ("review", _l("Activities and sub-processors not reviewed for the organisation's review period")),
    ("request", _l("Data-subject requests due within 7 days, overdue, or relayed to a client without an answer "
                   "(Art. 12(3))")),
]
LANGUAGES = [("fr", "Français"), ("en", "English")]


class ReminderForm(Form):
    categories = MultiCheckboxField(_l("Remind me of"), choices=KINDS)
    language = RadioField(_l("Language of the messages"), choices=LANGUAGES, default="fr")
    digest = BooleanField(_l("Weekly digest on Monday at 08:00 (the organisation's time zone)"), default=True)
    as_admin = BooleanField(
        _l("Also as an admin"),
        description=_l("The DPOs of an organisation receive its reminders; its admins only when they tick this."),
    )
