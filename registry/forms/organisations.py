"""Form of the organisation's settings: the identity and contacts printed at the top of its register (Art. 30(1)(a))."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from registry.forms import CountryField, EmailField, RecordForm, Select, plain_choices
from registry.models.checks import time_zones

ACTS_AS = [
    ("controller", _l("Controller only")),
    ("processor", _l("Processor only")),
    ("both", _l("Controller and processor")),
]


class OrganisationForm(RecordForm):
    legal_name = StringField(_l("Legal name"), [DataRequired(_l("Give the legal name.")), Length(max=200)])
    trade_name = StringField(_l("Trade name"), [Length(max=200)])
    registration = StringField(_l("Registration number"), [Length(max=100)], description=_l("e.g. SIREN"))
    address = TextAreaField(_l("Address"), [Length(max=500)])
    country = CountryField(_l("Country"), [DataRequired(_l("Pick the country."))])
    contact_email = EmailField(_l("Contact e-mail"))
    contact_phone = StringField(_l("Contact phone"), [Length(max=50)])
    dpo_name = StringField(_l("DPO name"), [Length(max=200)])
    dpo_company = StringField(_l("DPO company (external DPO)"), [Length(max=200)])
    dpo_email = EmailField(_l("DPO e-mail"))
    dpo_phone = StringField(_l("DPO phone"), [Length(max=50)])
    representative = StringField(_l("Representative in the EU (Art. 27)"), [Length(max=500)])
    acts_as = Select(_l("Registers kept"), choices=plain_choices(ACTS_AS), default="both")
    timezone = StringField(
        _l("Time zone"), [DataRequired(_l("Give the time zone."))], render_kw={"list": "timezones"},
        description=_l("An IANA name such as Europe/Paris."),
    )
    notes = TextAreaField(_l("Notes"))
    chain_confirmation_months = IntegerField(
        _l("Sub-processor chain: confirmation older than (months) is flagged"), default=12,
        validators=[DataRequired(_l("Give a number of months.")),
                    NumberRange(1, 120, _l("Enter a whole number between %(min)s and %(max)s."))],
    )
    review_months = IntegerField(
        _l("Review period of activities and sub-processors (months)"), default=12,
        validators=[DataRequired(_l("Give a number of months.")),
                    NumberRange(1, 120, _l("Enter a whole number between %(min)s and %(max)s."))],
        description=_l("A record not marked as reviewed for this long is reminded to the DPOs."),
    )
    request_retention_years = IntegerField(
        _l("Retention of closed data-subject requests (years)"),
        [DataRequired(_l("Give the number of years.")),
         NumberRange(1, 30, _l("Enter a whole number between %(min)s and %(max)s."))],
        default=5,
        description=_l("Closed requests are deleted this many years after closure (the CNIL recommends 5 for proof)."),
    )
    public_subprocessors = BooleanField(
        _l("Publish the sub-processor list"),
        description=_l("Anyone with the link then sees the current sub-processors (name, service, locations, "
                       "safeguard), as a page, as JSON and as an Atom feed of changes. Nothing else of the register."),
    )

    public_subprocessor_chain = BooleanField(
        _l("Also publish the chain below the first level"),
        description=_l("Each sub-processor's own sub-processors, with the one that engages them (Art. 28(4))."),
    )

    sections = (
        (_l("Identity (Art. 30(1)(a))"), ("legal_name", "trade_name", "registration", "address", "country",
                                          "contact_email", "contact_phone", "representative")),
        (_l("Data-protection officer (Art. 37)"), ("dpo_name", "dpo_company", "dpo_email", "dpo_phone")),
        (_l("Register"), ("acts_as", "timezone", "request_retention_years", "chain_confirmation_months", "notes")),
        (_l("Public page for clients (Art. 28(2))"), ("public_subprocessors", "public_subprocessor_chain")),
    )

    def validate_timezone(self, field):
        if field.data and field.data.strip() not in time_zones():
            raise ValidationError(_l("Pick a time zone from the list, e.g. Europe/Paris."))


class NewOrganisationForm(OrganisationForm):
    slug = StringField(
        _l("Short name in addresses"), [DataRequired(_l("Give a short name.")), Length(max=64)],
        description=_l("Lower-case letters, digits and hyphens, e.g. acme-france: it appears in the pages' addresses "
                       "and cannot be changed later."),
    )

    sections = (
        (_l("Identity (Art. 30(1)(a))"), ("slug", "legal_name", "trade_name", "registration", "address", "country",
                                          "contact_email", "contact_phone", "representative")),
        *OrganisationForm.sections[1:],
    )
