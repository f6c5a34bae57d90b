"""Form of a client controller and what its contract says on each Art. 28 term (the gaps are what matter)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from registry.forms import (
    CountryField,
    EmailField,
    OptionalDate,
    RecordForm,
    Select,
    TriStateField,
    not_before,
    plain_choices,
    whole_number,
)

AUTHORISATIONS = [
    ("none_stated", _l("The contract is silent")),
    ("specific", _l("Specific prior authorisation")),
    ("general", _l("General written authorisation")),
]
ASSISTANCE = [("full", _l("Helps answer the requests")), ("forward_only", _l("Only forwards the requests"))]
AUDIT_COSTS = [("controller", _l("The client")), ("processor", _l("Us (processor)")), ("shared", _l("Shared"))]
END_FATES = [
    ("controller_choice", _l("Return or delete, at the client's choice")),
    ("return_or_delete", _l("Return or delete, the processor decides")),
    ("return", _l("Return")),
    ("delete", _l("Delete")),
]
DELAY_UNITS = [("days", _l("days")), ("weeks", _l("weeks")), ("months", _l("months")), ("years", _l("years"))]
LANGUAGES = [("fr", _l("French")), ("en", _l("English"))]


class ClientControllerForm(RecordForm):
    legal_name = StringField(_l("Legal name"), [DataRequired(_l("Give the client's legal name.")), Length(max=200)])
    address = TextAreaField(_l("Address"), [Length(max=500)])
    country = CountryField(_l("Country"))
    contact_name = StringField(_l("Contact name"), [Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"))
    dpo_name = StringField(_l("DPO name"), [Length(max=200)])
    dpo_email = EmailField(_l("DPO e-mail"))
    representative = StringField(_l("Representative in the EU (Art. 27)"), [Length(max=500)])
    contract_reference = StringField(_l("Contract reference"), [Length(max=200)])
    contract_start = OptionalDate(_l("Contract start"))
    contract_end = OptionalDate(
        _l("Contract end"), [not_before("contract_start", _l("The contract cannot end before it starts."))]
    )
    language = Select(_l("Language of the annexes"), choices=plain_choices(LANGUAGES), default="fr")
    subprocessor_authorisation = Select(
        _l("Authorisation of sub-processors (Art. 28(2))"), choices=plain_choices(AUTHORISATIONS), default="none_stated"
    )
    subprocessor_changes_notified = TriStateField(_l("Changes of sub-processors notified in advance"))
    objection_right = TriStateField(_l("The client may object to a new sub-processor"))
    objection_period_days = whole_number(_l("Objection period (days)"))
    objection_channel = StringField(_l("How to object"), [Length(max=300)], description=_l("e.g. by e-mail to the DPO"))
    breach_notice_hours = whole_number(_l("Breach notice to the client within (hours, Art. 33(2))"), top=8760)
    breach_notice_undue_delay = BooleanField(_l("“Without undue delay” is stated"))
    instructions_documented = TriStateField(_l("Documented instructions, including on transfers (Art. 28(3)(a))"))
    confidentiality = TriStateField(_l("Confidentiality of authorised persons (Art. 28(3)(b))"))
    security_measures = TriStateField(_l("Security measures of Art. 32 (Art. 28(3)(c))"))
    flow_down = TriStateField(_l("Same obligations on sub-processors (Art. 28(3)(d), 28(4))"))
    assistance_rights = Select(
        _l("Help with data-subject requests (Art. 28(3)(e))"), choices=plain_choices(ASSISTANCE, blank=True)
    )
    assistance_compliance = TriStateField(_l("Help with Arts. 32 to 36 (Art. 28(3)(f))"))
    end_fate = Select(
        _l("At the end of the contract (Art. 28(3)(g))"), choices=plain_choices(END_FATES, blank=True)
    )
    end_destruction_certified = TriStateField(_l("Destruction certified in writing"))
    end_delay_value = whole_number(_l("Within"))
    end_delay_unit = Select(_l("Unit of the delay"), choices=plain_choices(DELAY_UNITS, blank=True))
    information_available = TriStateField(_l("Information to demonstrate compliance (Art. 28(3)(h))"))
    infringing_instruction_notice = TriStateField(_l("We warn of an infringing instruction (Art. 28(3), last para.)"))
    audits_per_year = whole_number(_l("Audits per year at most"), top=365)
    audit_notice_days = whole_number(_l("Audit notice (days)"))
    audit_cost = Select(_l("Audit costs borne by"), choices=plain_choices(AUDIT_COSTS, blank=True))
    audit_inspections = TriStateField(_l("On-site inspections allowed"))
    notes = TextAreaField(_l("Notes"))

    def requirements(self):
        if self.end_delay_value.data is not None and not self.end_delay_unit.data:
            yield "end_delay_unit", _l("Pick the unit of the delay.")
        if self.end_delay_unit.data and self.end_delay_value.data is None and not self.end_delay_value.errors:
            yield "end_delay_value", _l("Give the number.")

    sections = (
        (_l("The client"), ("legal_name", "address", "country", "contact_name", "contact_email", "dpo_name",
                            "dpo_email", "representative")),
        (_l("Contract"), ("contract_reference", "contract_start", "contract_end", "language")),
        (_l("Sub-processors (Art. 28(2))"), ("subprocessor_authorisation", "subprocessor_changes_notified",
                                             "objection_right", "objection_period_days", "objection_channel")),
        (_l("Breaches (Art. 33(2))"), ("breach_notice_hours", "breach_notice_undue_delay")),
        (_l("Terms of Art. 28(3)"), ("instructions_documented", "confidentiality", "security_measures", "flow_down",
                                     "assistance_rights", "assistance_compliance", "end_fate",
                                     "end_destruction_certified", "end_delay_value", "end_delay_unit", "information_available",
                                     "infringing_instruction_notice")),
        (_l("Audits (Art. 28(3)(h))"), ("audits_per_year", "audit_notice_days", "audit_cost", "audit_inspections")),
        (_l("Notes"), ("notes",)),
    )
