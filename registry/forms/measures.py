"""Form of a security measure, under the CNIL's headings or the SCC Annex II examples (Art. 32)."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from registry.forms import RecordForm, Select, vocab_choices


class SecurityMeasureForm(RecordForm):
    heading = Select(
        _l("Heading"), [DataRequired(_l("Pick a heading."))], choices=vocab_choices("measure_headings"),
        description=_l("The CNIL's seven headings come first, then the SCC Annex II examples."),
    )
    title = StringField(_l("Measure"), [DataRequired(_l("Name the measure.")), Length(max=200)])
    description = TextAreaField(_l("Description"), description=_l("How it is done, in terms an auditor can check."))
