"""Forms of a planned sub-processor change (Art. 28(2)): the plan, each client's notice, objections and decisions."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FieldList, FormField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from registry.forms import CountryField, Form, MultiCheckboxField, OptionalDate, RecordForm, Select, plain_choices
from registry.forms.subprocessors import LocationRow

KINDS = [
    ("add", _l("Add a sub-processor")),
    ("replace", _l("Replace a sub-processor")),
    ("remove", _l("Remove a sub-processor")),
    ("change_locations", _l("Change a sub-processor's processing locations")),
]
OUTCOMES = [
    ("withdrawn", _l("Withdrawn by the client")),
    ("upheld", _l("Upheld: the change will not apply as planned")),
    ("overruled", _l("Overruled, with reasons")),
]


class RequiredDate(OptionalDate):
    """A date that must be given: the message of a missing date at the field, a bad one worded like the others."""

    def __init__(self, label=None, message=None, **kwargs):
        super().__init__(label, **kwargs)
        self.validators = [InputRequired(message)]


class PlanChangeForm(RecordForm):
    kind = Select(_l("Change"), choices=plain_choices(KINDS), default="add")
    subprocessor_id = Select(
        _l("Sub-processor concerned"), choices=[],
        description=_l("Adding or replacing: a sub-processor recorded as planned, or leave empty and name a new one "
                       "below. Removing or moving: an active one."),
    )
    new_name = StringField(_l("New sub-processor: legal name"), [Length(max=200)])
    new_country = CountryField(_l("New sub-processor: country of establishment"))
    new_service = StringField(_l("New sub-processor: service provided"), [Length(max=500)])
    replaces_id = Select(_l("Sub-processor replaced"), choices=[], description=_l("Replacing only."))
    activity_ids = MultiCheckboxField(
        _l("Activities that will use it"), choices=[], coerce=int,
        description=_l("Adding or replacing: the clients for whom these activities are carried out are told."),
    )
    locations = FieldList(
        FormField(LocationRow), label=_l("Processing locations"), min_entries=0,
        description=_l("Of the new sub-processor; for a change of locations, the complete new list."),
    )
    notice_date = RequiredDate(_l("Notice date"), _l("Give the date the clients are told."),
                               description=_l("Each client's window to object runs from the day it is told."))
    default_objection_days = IntegerField(
        _l("Window for clients whose contract sets none (days)"), [Optional(), NumberRange(0, 365)], default=30)
    reason = TextAreaField(_l("Reason (internal)"), [Length(max=2000)])

    sections = (
        (_l("The change"), ("kind", "subprocessor_id", "replaces_id", "activity_ids")),
        (_l("A new sub-processor"), ("new_name", "new_country", "new_service", "locations")),
        (_l("Notice (Art. 28(2))"), ("notice_date", "default_objection_days", "reason")),
    )


class NoticeForm(Form):
    sent_on = OptionalDate(_l("Notice sent on"))
    consent_on = OptionalDate(_l("Written authorisation received on"))
    acknowledged_on = OptionalDate(_l("Acknowledged by the client on"))


class ObjectionForm(Form):
    client_id = Select(_l("Client"), [InputRequired(_l("Pick the client who objected."))], choices=[], coerce=str)
    received_on = RequiredDate(_l("Received on"), _l("Give the date the objection was received."))
    grounds = TextAreaField(_l("Grounds"), [Length(max=4000)])


class DecideForm(Form):
    outcome = Select(_l("Outcome"), choices=plain_choices(OUTCOMES))
    decision = TextAreaField(_l("Decision and reasons"), [DataRequired(_l("Write the decision.")), Length(max=4000)])


class DpoDecisionForm(Form):
    dpo_decision = TextAreaField(_l("DPO decision on the change"),
                                 [DataRequired(_l("Write the decision.")), Length(max=4000)])


class EffectiveForm(Form):
    on = RequiredDate(_l("Effective on"), _l("Give the effective date."))


class CancelForm(Form):
    pass


class SendNoticesForm(Form):
    pass



# What a change's History shows: the fields of the forms above under the same labels, and the values the page
# records beyond them (its state, its computed dates). The view gives the coded values' labels as choices.


class ChangeShown(PlanChangeForm):
    status = Select(_l("Status"), choices=[])
    earliest_effective = DateField(_l("Earliest effective date"))
    effective_on = DateField(_l("In effect since"))
    dpo_decision = TextAreaField(_l("DPO decision on the change"))


class NoticeShown(NoticeForm):
    language = Select(_l("Language"), choices=plain_choices([("fr", _l("French")), ("en", _l("English"))]))
    deadline = DateField(_l("Deadline"))
    period_recorded = BooleanField(_l("Window set by the client's contract"))


class ObjectionShown(Form):
    received_on = DateField(_l("Received on"))
    grounds = TextAreaField(_l("Grounds"))
    outcome = Select(_l("Outcome"), choices=[])
    decision = TextAreaField(_l("Decision and reasons"))
    decided_on = DateField(_l("Decided on"))


class ClientAnswerForm(Form):
    """A client's answer through its notice link: the page has one form per answer, each sending its own code."""

    answer = Select(_l("Answer"), choices=plain_choices([("acknowledge", _l("I acknowledge the change")),
                                                         ("object", _l("I object to the change"))]))
    grounds = TextAreaField(_l("Reasons of the objection"), [Length(max=4000)])
