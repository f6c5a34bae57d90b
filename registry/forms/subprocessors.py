"""Form of a sub-processor: who it is, its contract (DPA) and every place where it stores or accesses data."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from registry.forms import (
    CountryField,
    EmailField,
    OptionalDate,
    RecordForm,
    Select,
    not_before,
    plain_choices,
    whole_number,
)

STATUSES = [("planned", _l("Planned")), ("active", _l("Active")), ("retired", _l("Retired"))]
KINDS = [("storage", _l("Storage")), ("access", _l("Remote access")), ("support", _l("Support"))]


class LocationRow(Form):
    country = CountryField(_l("Country"))
    kind = Select(_l("Kind"), choices=plain_choices(KINDS), default="storage")
    site = StringField(_l("Site or provider region"), [Length(max=200)])

    def validate_country(self, field):
        if not field.data and (self.site.data or "").strip():
            raise ValidationError(_l("Pick the country of this site."))


class SubProcessorForm(RecordForm):
    legal_name = StringField(_l("Legal name"), [DataRequired(_l("Give the sub-processor's legal name.")), Length(max=200)])
    trade_name = StringField(_l("Trade name"), [Length(max=200)])
    service = StringField(_l("Service provided"), [Length(max=500)], description=_l("e.g. hosting, e-mailing, e-signature"))
    address = TextAreaField(_l("Address"), [Length(max=500)])
    country = CountryField(_l("Country of establishment"))
    contact_email = EmailField(_l("Contact e-mail"))
    dpo_contact = StringField(_l("DPO or privacy contact"), [Length(max=300)])
    certifications = StringField(
        _l("Certifications"), [Length(max=500)], description=_l("Separated by commas, e.g. ISO 27001, HDS")
    )
    dpa_signed_on = OptionalDate(_l("Data processing agreement signed on"))
    dpa_reference = StringField(_l("Agreement reference"), [Length(max=200)])
    breach_notice_hours = whole_number(_l("Breach notice to us within (hours)"), top=8760,
                                       description=_l("What its contract promises: compare with the clients' delays."))
    breach_notice_undue_delay = BooleanField(_l("“Without undue delay” is stated"))
    objection_period_days = whole_number(_l("Objection period to its own sub-processors (days)"))
    audits_per_year = whole_number(_l("Audits per year at most"), top=365)
    audit_notice_days = whole_number(_l("Audit notice (days)"))
    status = Select(_l("Status"), choices=plain_choices(STATUSES), default="active")
    active_from = OptionalDate(_l("Used since"))
    retired_on = OptionalDate(
        _l("Retired on"), [not_before("active_from", _l("A sub-processor cannot be retired before it was used."))]
    )
    locations = FieldList(
        FormField(LocationRow),
        label=_l("Processing locations"),
        description=_l("Every country where data are stored or accessed, not only the seat (Chapter V)."),
    )
    notes = TextAreaField(_l("Notes"))

    sections = (
        (_l("Identity"), ("legal_name", "trade_name", "service", "address", "country", "contact_email", "dpo_contact")),
        (_l("Contract (Art. 28(4))"), ("dpa_signed_on", "dpa_reference", "certifications", "breach_notice_hours",
                                         "breach_notice_undue_delay", "objection_period_days", "audits_per_year",
                                         "audit_notice_days")),
        (_l("Use"), ("status", "active_from", "retired_on")),
        (_l("Where data are processed"), ("locations",)),
        (_l("Notes"), ("notes",)),
    )

    def process(self, formdata=None, obj=None, data=None, **kwargs):
        super().process(formdata, obj, data, **kwargs)
        if isinstance(self.certifications.data, list):
            self.certifications.data = ", ".join(self.certifications.data)

    def record_data(self) -> dict:
        data = super().record_data()
        data["certifications"] = [c.strip() for c in (data.get("certifications") or "").split(",") if c.strip()]
        return data
