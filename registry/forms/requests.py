"""Form of a data-subject request: received when and how, by whom, which rights, then the answer or the relay."""

from flask import g
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from registry.forms import MultiCheckboxField, OptionalDate, RecordForm, Select, plain_choices, vocab_choices
from registry.forms.transfers import optional_int

RIGHTS = [
    ("access", _l("Access (Art. 15)")),
    ("rectification", _l("Rectification (Art. 16)")),
    ("erasure", _l("Erasure (Art. 17)")),
    ("restriction", _l("Restriction of processing (Art. 18)")),
    ("portability", _l("Data portability (Art. 20)")),
    ("objection", _l("Objection (Art. 21)")),
    ("automated_decision", _l("Not to be subject to an automated decision (Art. 22)")),
]
CHANNELS = [
    ("email", _l("E-mail")), ("letter", _l("Letter")), ("web_form", _l("Web form")), ("phone", _l("Telephone")),
    ("in_person", _l("In person")), ("other", _l("Other")),
]
STATUSES = [("open", _l("Open")), ("answered", _l("Answered")), ("refused", _l("Refused")),
            ("withdrawn", _l("Withdrawn"))]
REFUSAL_GROUNDS = [
    ("manifestly_unfounded", _l("Manifestly unfounded (Art. 12(5)(b))")),
    ("excessive", _l("Manifestly excessive, e.g. repetitive (Art. 12(5)(b))")),
    ("art23_restriction", _l("Restriction by Union or Member State law (Art. 23)")),
    ("not_identifiable", _l("Requester cannot be identified (Art. 11(2), Art. 12(2))")),
]
MEASURES = [
    ("erased", _l("Erased")), ("rectified", _l("Rectified")), ("exported", _l("Exported")),
    ("copy_sent", _l("Copy sent")), ("restricted", _l("Processing restricted")),
    ("processing_stopped", _l("Processing stopped")), ("nothing_held", _l("No data held")), ("none", _l("Nothing done")),
]
METHODS = [
    ("known_account", _l("Request from the person's known account or address")),
    ("email_reply", _l("Confirmation by reply to the known address")),
    ("id_document_seen", _l("Identity document shown, not kept")),
    ("in_person", _l("In person")),
    ("other", _l("Other")),
]


def _activity_choices():
    return g.get("request_activity_choices", [("", "—")])


class ActivityRow(Form):
    activity_id = Select(_l("Activity concerned"), coerce=optional_int, choices=_activity_choices)
    measure = Select(_l("Measure taken"), choices=plain_choices(MEASURES, blank=True))
    measure_note = StringField(_l("Detail of the measure"), [Length(max=500)])


class DataRequestForm(RecordForm):
    reference = StringField(_l("Reference"), [DataRequired(_l("Give the request a short reference.")), Length(max=40)])
    received_on = OptionalDate(_l("Received on"), description=_l("In the organisation's time zone: the one-month "
                                                                  "clock runs from this day (Art. 12(3))."))
    channel = Select(_l("Received by"), choices=plain_choices(CHANNELS), default="email")
    client_id = Select(_l("Received on behalf of the client"), coerce=optional_int,
                       description=_l("When we act as processor for this client's activity (Art. 28(3)(e))."))
    rights = MultiCheckboxField(_l("Rights exercised"), choices=plain_choices(RIGHTS))
    details = TextAreaField(_l("What is asked"), description=_l("No more personal data than needed to answer."))
    activities = FieldList(FormField(ActivityRow), label=_l("Activities concerned and measure taken in each"))
    requester_name = StringField(_l("Requester's name"), [Length(max=200)])
    requester_contact = StringField(_l("Requester's contact"), [Length(max=300)],
                                    description=_l("Left out of exports unless asked; deleted with the request."))
    requester_category = Select(_l("Requester's category of data subjects"), choices=vocab_choices("data_subjects"),
                                description=_l("Customer, employee, user...: suggests the activities concerned."))
    identity_verified_on = OptionalDate(_l("Identity verified on"))
    identity_method = Select(_l("How the identity was verified"), choices=plain_choices(METHODS, blank=True),
                             description=_l("Never keep a copy of an identity document: record only that it was "
                                            "checked."))
    identity_note = StringField(_l("Verification note"), [Length(max=500)])
    status = Select(_l("Status"), choices=plain_choices(STATUSES), default="open")
    answered_on = OptionalDate(_l("Answered or closed on"))
    answer_summary = TextAreaField(_l("Summary of the answer"))
    extended = BooleanField(_l("Extended by two further months (Art. 12(3))"))
    extension_decided_on = OptionalDate(_l("Requester told of the extension on"),
                                        description=_l("Within the first month, with the reasons."))
    extension_reasons = TextAreaField(_l("Reasons for the extension"))
    refusal_ground = Select(_l("Ground of the refusal"), choices=plain_choices(REFUSAL_GROUNDS, blank=True))
    refusal_details = TextAreaField(_l("Reasons given to the requester"))
    forwarded_on = OptionalDate(_l("Forwarded to the client on"))
    client_answered_on = OptionalDate(_l("Client answered on"))
    client_answer = TextAreaField(_l("The client's answer"))
    assistance = TextAreaField(_l("Our assistance to the client"), description=_l("e.g. export provided, data erased."))
    notes = TextAreaField(_l("Notes"))

    sections = (
        (_l("Request"), ("reference", "received_on", "channel", "client_id", "rights", "details", "activities")),
        (_l("Requester"), ("requester_name", "requester_contact", "requester_category", "identity_verified_on",
                           "identity_method", "identity_note")),
        (_l("Answer"), ("status", "answered_on", "answer_summary", "extended", "extension_decided_on",
                        "extension_reasons", "refusal_ground", "refusal_details")),
        (_l("Relay to the client"), ("forwarded_on", "client_answered_on", "client_answer", "assistance")),
        (_l("Notes"), ("notes",)),
    )

    def requirements(self):
        if not self.received_on.data and not self.received_on.errors:
            yield "received_on", _l("Give the date the request was received.")
        if not self.rights.data:
            yield "rights", _l("Tick at least one right.")
        if self.status.data in ("answered", "refused", "withdrawn") and not self.answered_on.data \
                and not self.answered_on.errors:
            yield "answered_on", _l("Give the date of the answer or closure.")
        if self.status.data == "refused" and not self.refusal_ground.data:
            yield "refusal_ground", _l("A refusal states its ground (Art. 12(4)).")
        if self.extended.data and not (self.extension_reasons.data or "").strip():
            yield "extension_reasons", _l("Give the reasons told to the requester.")
        if (self.forwarded_on.data or self.client_answered_on.data) and self.client_id.data is None:
            yield "client_id", _l("Only a request received on behalf of a client is forwarded.")


class ForwardForm(RecordForm):
    forwarded_on = OptionalDate(_l("Forwarded on"))


class LetterForm(RecordForm):
    """The reply letter as the DPO edits it before printing: nothing of it is saved."""

    kind = HiddenField()
    lang = HiddenField()
    text = TextAreaField(_l("Text of the letter"), [DataRequired(_l("Write the letter before printing it.")),
                                                   Length(max=20000)],
                         description=_l("Complete the parts marked to complete and read it through: the text is "
                                        "printed as written and not kept in the register."))
