"""Forms of a personal data breach (Arts. 33-34) and of a notice sent for it; times are typed in the organisation's zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import DateTimeLocalInput

from registry import clock, reference
from registry.domain import breaches as rules
from registry.formats import datetime_text
from registry.forms import MultiCheckboxField, RecordForm, Select, plain_choices, vocab_choices
from registry.i18n import current_lang

NATURES = [
    ("confidentiality", _l("Loss of confidentiality (unauthorised disclosure or access)")),
    ("integrity", _l("Loss of integrity (unauthorised alteration)")),
    ("availability", _l("Loss of availability (loss of access or destruction)")),
]
RISKS = [
    ("unlikely", _l("Unlikely to result in a risk")),
    ("risk", _l("Risk to the rights and freedoms of persons")),
    ("high", _l("High risk")),
]
PHASES = [("initial", _l("Initial")), ("follow_up", _l("Follow-up")), ("final", _l("Final"))]
STATUSES = [("open", _l("Open")), ("contained", _l("Contained")), ("closed", _l("Closed"))]
EXEMPTIONS = [
    ("art34_3_a", _l("(a) Data made unintelligible, e.g. encrypted (Art. 34(3)(a))")),
    ("art34_3_b", _l("(b) Later measures remove the high risk (Art. 34(3)(b))")),
    ("art34_3_c", _l("(c) Disproportionate effort: public communication instead (Art. 34(3)(c))")),
]
RECIPIENTS = [
    ("cnil", _l("CNIL (Art. 33(1))")),
    ("client", _l("Client controller (Art. 33(2))")),
    ("data_subjects", _l("Data subjects (Art. 34(1))")),
]
CHANNELS = [
    ("teleservice", _l("CNIL online service")),
    ("email", _l("E-mail")),
    ("letter", _l("Letter")),
    ("phone", _l("Telephone")),
    ("website", _l("Website")),
    ("other", _l("Other")),
]
CLOCK_STATES = {"due": _l("To do"), "overdue": _l("Overdue"), "done": _l("Sent")}
TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


def label(pairs: list[tuple[str, object]], code: str | None) -> str:
    """The translated label of a code of one of the lists above ("" for none)."""
    return str(dict(pairs).get(code, code or ""))


class LocalDateTimeField(Field):
    """A wall-clock time typed in the organisation's zone (`tz`); `utc` holds the instant it names.

    The browser's datetime-local input carries no offset: the zone is the organisation's, shown next to
    the field. A time skipped when the clocks go forward is refused; a repeated one is its first occurrence.
    """

    widget = DateTimeLocalInput()

    def __init__(self, label=None, validators=None, required: bool = False, **kwargs):
        self.required = required
        checks = [DataRequired(_l("Give the date and time."))] if required else [Optional()]
        super().__init__(label, checks + list(validators or []), **kwargs)
        self.utc: datetime | None = None
        self.tz = rules.DEFAULT_TIMEZONE

    def shown(self) -> str:
        """The time as a detail page shows it, written as every date-time of the pages (with its zone and offset)."""
        if not self.data:
            return "—"
        return datetime_text(self.data.replace(tzinfo=ZoneInfo(self.tz)), self.tz, current_lang())

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%Y-%m-%dT%H:%M") if self.data else ""

    def process_data(self, value):
        self.data = value

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        for fmt in TIME_FORMATS:
            try:
                self.data = datetime.strptime(text, fmt)
                return
            except ValueError:
                continue
        raise ValueError(str(_l("Enter a date and time as YYYY-MM-DD HH:MM.")))

    def post_validate(self, form, validation_stopped):
        self.utc = None
        if self.data is None or self.errors:
            return
        try:
            self.utc = rules.from_local(self.data, self.tz)
        except ValueError:
            self.errors.append(str(_l("This time does not exist in the organisation's time zone "
                                      "(the clocks go forward then).")))


def _count(label_text):
    return IntegerField(label_text, [Optional(), NumberRange(0, 10**12, _l("Enter a whole number, 0 or more."))])


class ZonedForm(RecordForm):
    """A form whose times are read in one time zone, the organisation's."""

    def set_zone(self, tz: str) -> None:
        for field in self:
            if isinstance(field, LocalDateTimeField):
                field.tz = tz


class BreachForm(ZonedForm):
    """Every field of a breach record (Art. 33(5)); the links are the records it affects (Arts. 28(4), 33(2))."""

    reference = StringField(
        _l("Reference"), [DataRequired(_l("Give the breach a short reference.")), Length(max=40)],
        description=_l("A short code used in the register and the notices, e.g. 2026-01."),
    )
    title = StringField(_l("Title"), [DataRequired(_l("Give the breach a title.")), Length(max=200)])
    facts = TextAreaField(_l("Facts: what happened, how it was discovered"))
    occurred_at = LocalDateTimeField(_l("Occurred at"))
    aware_at = LocalDateTimeField(
        _l("Organisation aware at"), required=True,
    )
    contained_at = LocalDateTimeField(_l("Contained at"))
    natures = MultiCheckboxField(_l("Nature of the breach (Art. 33(3)(a))"), choices=plain_choices(NATURES))
    subprocessor_ids = MultiCheckboxField(_l("Sub-processors involved"), coerce=int, render_kw={"data-search": ""})
    activity_ids = MultiCheckboxField(_l("Processing activities affected"), coerce=int, render_kw={"data-search": ""})
    client_ids = MultiCheckboxField(
        _l("Client controllers to notify (Art. 33(2))"), coerce=int, render_kw={"data-search": ""},
        description=_l("Each is told within its contract's delay, or without undue delay where none is set."),
    )
    data_categories = MultiCheckboxField(
        _l("Categories of personal data"), choices=vocab_choices("data_categories", blank=False),
        render_kw={"data-search": ""},
    )
    data_subjects = MultiCheckboxField(
        _l("Categories of data subjects"), choices=vocab_choices("data_subjects", blank=False),
        render_kw={"data-search": ""},
    )
    subjects_approx = _count(_l("Approximate number of data subjects"))
    records_approx = _count(_l("Approximate number of records"))
    consequences = TextAreaField(_l("Likely consequences (Art. 33(3)(c))"))
    measures_taken = TextAreaField(_l("Measures taken (Art. 33(3)(d))"))
    measures_proposed = TextAreaField(_l("Measures proposed (Art. 33(3)(d))"))
    risk = Select(_l("Risk assessment"), choices=plain_choices(RISKS, blank=True),
                  description=_l("Leave empty while not assessed: the CNIL clock runs."))
    risk_reasoning = TextAreaField(
        _l("Reasoning of the risk assessment"),
        description=_l("Required when the breach is unlikely to result in a risk: it is then not notified."),
    )
    art34_exemption = Select(_l("Exemption from telling the data subjects (Art. 34(3))"),
                             choices=plain_choices(EXEMPTIONS, blank=True))
    art34_exemption_details = TextAreaField(_l("What makes the exemption apply"))
    phase = Select(_l("Phase of information (Art. 33(4))"), choices=plain_choices(PHASES), default="initial")
    status = Select(_l("Status"), choices=plain_choices(STATUSES), default="open")
    closed_at = LocalDateTimeField(_l("Closed at"))
    closure_note = TextAreaField(_l("Closure note"))
    notes = TextAreaField(_l("Notes"))

    sections = (
        (_l("The breach"), ("reference", "title", "facts", "occurred_at", "aware_at", "contained_at", "natures")),
        (_l("What it affects"), ("subprocessor_ids", "activity_ids", "client_ids", "data_categories",
                                 "data_subjects", "subjects_approx", "records_approx")),
        (_l("Consequences and measures (Art. 33(3)(c)-(d))"),
         ("consequences", "measures_taken", "measures_proposed")),
        (_l("Risk and information (Arts. 33-34)"),
         ("risk", "risk_reasoning", "art34_exemption", "art34_exemption_details", "phase")),
        (_l("Status and closure"), ("status", "closed_at", "closure_note", "notes")),
    )

    def record_data(self) -> dict:
        """The answers as BreachCreate fields: times in UTC, the three natures as booleans."""
        data = super().record_data()
        for name, field in self._fields.items():
            if isinstance(field, LocalDateTimeField):
                data[name] = field.utc
        natures = data.pop("natures") or []
        data.update({n: n in natures for n, _ in NATURES})
        return data


    def set_zone(self, tz: str) -> None:
        """Read times in the organisation's zone, and say which breach regime runs the clocks today."""
        super().set_zone(tz)
        regime = reference.regime("breach", clock.today(tz))
        if regime is not None:
            lang = current_lang()
            self.aware_at.description = _(
                "The deadlines run from this time, under the rules in force that day (today: %(hours)s hours to "
                "notify %(authority)s, %(article)s).",
                hours=regime.authority_hours, authority=regime.authority(lang), article=reference.cite(regime.article, lang))


class NoticeForm(ZonedForm):
    """A notice sent for a breach: to the CNIL, one client controller, or the data subjects (Arts. 33-34)."""

    recipient = Select(_l("Sent to"), choices=plain_choices(RECIPIENTS, blank=True),
                       description=_l("Proposed: the first notice still due, by deadline."))
    client_id = Select(_l("Client controller"), coerce=lambda v: int(v) if v not in (None, "") else None)
    recipient_name = StringField(_l("Name of the recipient"), [Length(max=200)],
                                 description=_l("Left empty: the CNIL or the client's name."))
    recipient_contact = StringField(_l("Address, e-mail or contact"), [Length(max=300)])
    channel = Select(_l("Channel"), choices=plain_choices(CHANNELS, blank=True))
    sent_at = LocalDateTimeField(_l("Sent at"), required=True)
    phase = Select(_l("Phase (Art. 33(4))"), choices=plain_choices(PHASES), default="initial")
    reference = StringField(_l("Reference of the notice"), [Length(max=100)],
                            description=_l("e.g. the number the CNIL gave the notification."))
    late_reason = TextAreaField(_l("Reasons for the delay"),
                                description=_l("Required when the notice is sent after its deadline."))
    notes = TextAreaField(_l("Notes"))

    def requirements(self):
        if not self.recipient.data:
            yield "recipient", _l("Say to whom the notice was sent.")
        if self.recipient.data == "client" and self.client_id.data is None and not self.client_id.errors:
            yield "client_id", _l("Pick the client controller that was told.")
        if self.recipient.data != "client" and self.client_id.data is not None:
            yield "client_id", _l("Name a client controller only for a notice to a client.")

    def record_data(self) -> dict:
        data = super().record_data()
        data["sent_at"] = self.sent_at.utc
        return data


def checked_time(value: datetime | None, tz: str) -> datetime | None:
    """A stored UTC time as the wall-clock time a form shows in the organisation's zone."""
    return rules.to_local(value, tz).replace(tzinfo=None) if value else None

