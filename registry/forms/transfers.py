"""Form of a transfer outside the EEA: from which activity or sub-processor, to where, on which safeguard."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from registry import reference
from registry.forms import CountryField, OptionalDate, RecordForm, Select, lang, plain_choices, vocab_choices

PARTY_ROLES = [("controller", _l("Controller")), ("processor", _l("Processor"))]
ART3_2 = [("not_assessed", _l("Not assessed")),
          ("targeting", _l("Yes: offers goods or services to people in the Union (Art. 3(2)(a))")),
          ("monitoring", _l("Yes: monitors behaviour in the Union (Art. 3(2)(b))")),
          ("not_subject", _l("No"))]


def optional_int(value):
    return int(value) if value not in (None, "", "None") else None


def _organisations():
    return [("", "—")] + [(code, t.label(lang())) for code, t in reference.international_organisations().items()]


class TransferForm(RecordForm):
    activity_id = Select(_l("From the activity"), coerce=optional_int, render_kw={"data-search": ""})
    subprocessor_id = Select(
        _l("Or by the sub-processor"), coerce=optional_int, render_kw={"data-search": ""},
        description=_l("A transfer to a sub-processor is made by the hop above it: your organisation, or the "
                       "processor that engages it."),
    )
    recipient = StringField(
        _l("Recipient (importer)"), [DataRequired(_l("Name who receives the data.")), Length(max=200)]
    )
    destination_country = CountryField(_l("Destination country"))
    destination_organisation = Select(_l("Or international organisation"), choices=_organisations)
    exporter_role = Select(_l("Exporter acts as"), choices=plain_choices(PARTY_ROLES), default="controller")
    importer_role = Select(_l("Importer acts as"), choices=plain_choices(PARTY_ROLES), default="processor")
    mechanism = Select(_l("Safeguard (Arts. 45 to 49)"), choices=vocab_choices("transfer_mechanisms"))
    scc_module = Select(
        _l("SCC module (Decision 2021/914)"), coerce=optional_int, choices=vocab_choices("scc_modules")
    )
    dpf_checked_on = OptionalDate(
        _l("Importer's DPF certification checked on"),
        description=_l("The date you checked the Data Privacy Framework list."),
    )
    derogation_ground = Select(_l("Ground of Art. 49"), choices=vocab_choices("art49_grounds"))
    tia_date = OptionalDate(_l("Transfer impact assessment dated"))
    fallback_scc_module = Select(
        _l("Fallback if the DPF falls: SCC module"), coerce=optional_int, choices=vocab_choices("scc_modules"),
        description=_l("The clauses the transfer would rest on if Decision (EU) 2023/1795 were annulled."),
    )
    fallback_tia_date = OptionalDate(_l("Fallback: transfer impact assessment dated"))
    importer_art3_2 = Select(
        _l("Importer subject to the GDPR (Art. 3(2))"), choices=plain_choices(ART3_2, blank=True),
        description=_l("It remains a transfer (EDPB Guidelines 05/2021)."),
    )
    document_reference = StringField(_l("Document (contract, clauses)"), [Length(max=300)])
    notes = TextAreaField(_l("Notes"))

    sections = (
        (_l("Who transfers"), ("activity_id", "subprocessor_id", "exporter_role")),
        (_l("To whom, where"), ("recipient", "importer_role", "destination_country", "destination_organisation",
                                "importer_art3_2")),
        (_l("Safeguard"), ("mechanism", "scc_module", "dpf_checked_on", "derogation_ground", "tia_date",
                           "fallback_scc_module", "fallback_tia_date", "document_reference", "notes")),
    )

    def validate_activity_id(self, field):
        if field.data is None and self.subprocessor_id.data is None:
            raise ValidationError(_l("Name the activity or the sub-processor that makes the transfer."))

    def validate_destination_country(self, field):
        if bool(field.data) == bool(self.destination_organisation.data):
            raise ValidationError(_l("Give a destination country or an international organisation, not both."))

    def validate_scc_module(self, field):
        if self.mechanism.data == "scc" and not field.data:
            raise ValidationError(_l("Pick the SCC module the contract uses."))

    def validate_derogation_ground(self, field):
        if self.mechanism.data == "derogation" and not field.data:
            raise ValidationError(_l("Name the Art. 49 ground relied on."))

    def requirements(self):
        if self.mechanism.data == "dpf" and not self.dpf_checked_on.data and not self.dpf_checked_on.errors:
            yield "dpf_checked_on", _l("Give the date the importer's certification was checked.")
