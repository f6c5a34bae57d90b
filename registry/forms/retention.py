"""Form of a retention rule: what data, how long, from which event, and what happens at the end."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from registry.forms import OptionalDate, RecordForm, Select, plain_choices, vocab_choices
from registry.forms.transfers import optional_int

KINDS = [
    ("fixed", _l("A fixed duration")),
    ("from_event", _l("A duration from an event")),
    ("until_date", _l("Until a date")),
    ("versions", _l("A number of versions")),
    ("indeterminate", _l("Not determinable: criteria below")),
]
BOUNDS = [("exact", _l("Exactly")), ("minimum", _l("At least")), ("maximum", _l("At most"))]
UNITS = [("days", _l("days")), ("weeks", _l("weeks")), ("months", _l("months")), ("years", _l("years"))]
END_ACTIONS = [("delete", _l("Delete")), ("anonymise", _l("Anonymise")), ("archive", _l("Archive"))]


class RetentionRuleForm(RecordForm):
    activity_id = Select(_l("Activity"), coerce=optional_int, render_kw={"data-search": ""})
    covers_backups = BooleanField(_l("This rule covers the backups"))
    data_category = Select(_l("Category of data"), choices=vocab_choices("data_categories", _l("All the activity's data")))
    subject = StringField(_l("What is kept"), [Length(max=300)], description=_l("e.g. invoices, CVs of unsuccessful candidates"))
    kind = Select(_l("Kept for"), choices=plain_choices(KINDS), default="fixed")
    bound = Select(_l("Bound"), choices=plain_choices(BOUNDS), default="exact")
    value = IntegerField(
        _l("Number"), [Optional(), NumberRange(1, 100000, _l("Enter a whole number between %(min)s and %(max)s."))]
    )
    unit = Select(_l("Unit"), choices=plain_choices(UNITS, blank=True))
    event = Select(_l("Counted from"), choices=vocab_choices("retention_events"))
    event_detail = StringField(_l("Event detail"), [Length(max=300)])
    until = OptionalDate(_l("Kept until"))
    criteria = TextAreaField(_l("Criteria used to decide (Art. 13(2)(a))"))
    legal_reference = StringField(_l("Legal reference"), [Length(max=300)], description=_l("e.g. Code de commerce, art. L123-22"))
    end_action = Select(_l("At the end"), choices=plain_choices(END_ACTIONS, blank=True))
    notes = TextAreaField(_l("Notes"))

    sections = (
        (_l("What data"), ("activity_id", "covers_backups", "data_category", "subject")),
        (_l("How long"), ("kind", "bound", "value", "unit", "event", "event_detail", "until", "criteria")),
        (_l("Then"), ("legal_reference", "end_action", "notes")),
    )

    def validate_activity_id(self, field):
        if field.data is None and not self.covers_backups.data:
            raise ValidationError(_l("Pick the activity whose data this rule covers, or tick “backups”."))

    def requirements(self):
        kind = self.kind.data
        if kind in ("fixed", "from_event", "versions") and self.value.data is None and not self.value.errors:
            yield "value", _l("Give the number.")
        if kind in ("fixed", "from_event") and not self.unit.data:
            yield "unit", _l("Pick the unit of the duration.")
        if kind == "from_event" and not self.event.data:
            yield "event", _l("Pick the event the duration runs from.")
        if kind == "until_date" and not self.until.data and not self.until.errors:
            yield "until", _l("Give the date the data are kept until.")
