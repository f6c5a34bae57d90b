"""Form of a processing activity: what it is for, on which basis, about whom, shared with whom, and its links."""

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from registry.forms import MultiCheckboxField, OptionalDate, RecordForm, Select, plain_choices, vocab_choices

ROLES = [("controller", _l("As controller (Art. 30(1))")), ("processor", _l("As processor for clients (Art. 30(2))"))]
STATUSES = [("draft", _l("Draft")), ("active", _l("Active")), ("retired", _l("Retired"))]
DPIA = [
    ("not_assessed", _l("Not assessed yet")),
    ("not_needed", _l("Not needed")),
    ("needed", _l("Needed, not done")),
    ("done", _l("Done")),
]


class PurposeRow(Form):
    purpose = StringField(_l("Purpose"), [Length(max=500)])
    legal_basis = Select(_l("Legal basis (Art. 6(1))"), choices=vocab_choices("legal_bases"))
    art9_condition = Select(
        _l("Condition for special data (Art. 9(2))"), choices=vocab_choices("art9_conditions", _l("None needed"))
    )

    def validate_purpose(self, field):
        if not (field.data or "").strip() and (self.legal_basis.data or self.art9_condition.data):
            raise ValidationError(_l("Describe the purpose this legal basis is for."))


def _coded_row(vocabulary: str, label):
    class CodedRow(Form):
        code = Select(label, choices=vocab_choices(vocabulary))
        detail = StringField(_l("Detail"), [Length(max=300)])

        def validate_code(self, field):
            if not field.data and (self.detail.data or "").strip():
                raise ValidationError(_l("Pick a category for this detail."))

    return CodedRow


class ActivityForm(RecordForm):
    reference = StringField(
        _l("Reference"), [DataRequired(_l("Give the activity a short reference.")), Length(max=40)],
        description=_l("A short code used in the register and its exports, e.g. RH-01."),
    )
    name = StringField(_l("Name"), [DataRequired(_l("Name the activity.")), Length(max=200)])
    role = RadioField(_l("The organisation acts"), choices=plain_choices(ROLES), default="controller")
    status = Select(_l("Status"), choices=plain_choices(STATUSES), default="draft")
    description = TextAreaField(_l("Description"), description=_l("What is done with the data, in a few sentences."))
    purposes = FieldList(FormField(PurposeRow), label=_l("Purposes and legal bases (Art. 30(1)(b), Art. 6)"))
    data_subjects = FieldList(
        FormField(_coded_row("data_subjects", _l("Category of data subjects"))),
        label=_l("Data subjects (Art. 30(1)(c))"),
    )
    data_categories = FieldList(
        FormField(_coded_row("data_categories", _l("Category of personal data"))),
        label=_l("Categories of personal data (Art. 30(1)(c))"),
    )
    recipients = FieldList(
        FormField(_coded_row("recipients", _l("Category of recipients"))), label=_l("Recipients (Art. 30(1)(d))")
    )
    joint_controller = StringField(_l("Joint controller (Art. 26)"), [Length(max=500)])
    systems = StringField(_l("Systems and software used"), [Length(max=500)])
    dpia = Select(_l("Impact assessment (Art. 35)"), choices=plain_choices(DPIA), default="not_assessed")
    dpia_date = OptionalDate(_l("Date of the impact assessment"))
    client_ids = MultiCheckboxField(
        _l("Client controllers (Art. 30(2)(a))"), coerce=int, render_kw={"data-search": ""},
        description=_l("The controllers on whose behalf this processing is carried out."),
    )
    subprocessor_ids = MultiCheckboxField(
        _l("Sub-processors (Art. 28(2))"), coerce=int, render_kw={"data-search": ""}
    )
    measure_ids = MultiCheckboxField(
        _l("Security measures (Art. 30(1)(g))"), coerce=int, render_kw={"data-search": ""}
    )

    sections = (
        (_l("The activity"), ("reference", "name", "role", "status", "description")),
        (_l("Purposes"), ("purposes",)),
        (_l("Whose data, which data, shared with whom"), ("data_subjects", "data_categories", "recipients")),
        (_l("Context"), ("joint_controller", "systems", "dpia", "dpia_date")),
        (_l("Links to other records"), ("client_ids", "subprocessor_ids", "measure_ids")),
    )

    def validate_dpia_date(self, field):
        if field.data and self.dpia.data != "done":
            raise ValidationError(_l("Set the impact assessment to “Done” to give its date."))
