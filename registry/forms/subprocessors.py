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
SOURCE_KINDS = [("contract_annex", _l("Contract annex")), ("processor_list", _l("Processor's published list")),
                ("email", _l("E-mail from the processor")), ("other", _l("Other source"))]


def optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class LocationRow(Form):
    country = CountryField(_l("Country"))
    kind = Select(_l("Kind"), choices=plain_choices(KINDS), default="storage")
    site = StringField(_l("Site or provider region"), [Length(max=200)])

    def validate_country(self, field):
        if not field.data and (self.site.data or "").strip():
            raise ValidationError(_l("Pick the country of this site."))


class SubProcessorForm(RecordForm):
    parent_id = Select(
        _l("Engaged by"), coerce=optional_int, render_kw={"data-search": ""},
        description=_l("Leave empty for a sub-processor your organisation engages; otherwise the processor above it "
                       "in the chain (Art. 28(4))."),
    )
    legal_name = StringField(_l("Legal name"), [DataRequired(_l("Give the sub-processor's legal name.")), Length(max=200)])
    trade_name = StringField(_l("Trade name"), [Length(max=200)])
    service = StringField(_l("Service provided"), [Length(max=500)], description=_l("e.g. hosting, e-mailing, e-signature"))
    address = TextAreaField(_l("Address"), [Length(max=500)])
    country = CountryField(_l("Country of establishment"))
    contact_email = EmailField(_l("Contact e-mail"))
    dpo_contact = StringField(_l("DPO or privacy contact"), [Length(max=300)])
    contact_name = StringField(_l("Contact person"), [Length(max=200)])
    contact_phone = StringField(_l("Contact phone"), [Length(max=50)])
    confirmed_on = OptionalDate(_l("Last confirmed by the processor on"),
                                description=_l("The date the processor above last confirmed this sub-processor."))
    source_kind = Select(_l("Source"), choices=plain_choices(SOURCE_KINDS, blank=True))
    source = StringField(_l("Source reference"), [Length(max=500)],
                         description=_l("Annex reference, address of the processor's list, or the e-mail's date and sender."))
    clients_informed_on = OptionalDate(
        _l("Clients informed on"),
        description=_l("For a sub-processor engaged by another one: when your clients were told of it (Art. 28(2))."),
    )
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
        (_l("Identity"), ("parent_id", "legal_name", "trade_name", "service", "address", "country", "contact_name",
                          "contact_email", "contact_phone", "dpo_contact")),
        (_l("Source (EDPB Opinion 22/2024)"), ("source_kind", "source", "confirmed_on", "clients_informed_on")),
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
