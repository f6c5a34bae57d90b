"""Forms of the law pages: a "what if" (a shipped example or an uploaded file, from a date) and a reference update."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import InputRequired

from registry.forms import Form


class WhatIfExampleForm(Form):
    """Read from the address (a GET form): any member may ask it, since nothing is saved."""

    class Meta:
        csrf = False

    example = SelectField(_l("Hypothesis"), [InputRequired(_l("Choose a hypothesis."))], choices=[])
    start = DateField(_l("Applies from"), [InputRequired(_l("Enter a date as YYYY-MM-DD."))],
                      description=_l("The day the hypothesis would apply from (YYYY-MM-DD)."))


class WhatIfUploadForm(Form):
    file = FileField(_l("Hypothesis file"), [FileRequired(_l("Choose the file of the hypothesis."))],
                     description=_l("A JSON file of the same form as the shipped examples (title, changes). "
                                    "Nothing is saved or installed."))
    start = DateField(_l("Applies from"), [InputRequired(_l("Enter a date as YYYY-MM-DD."))],
                      description=_l("The day the hypothesis would apply from (YYYY-MM-DD)."))


class ReferenceUploadForm(Form):
    file = FileField(_l("Reference file"), [FileRequired(_l("Choose the reference file to check."))],
                     description=_l("A dated JSON file of regimes (and adequacy decisions), newer than the law in use. "
                                    "Nothing is installed before you confirm."))


class ReferenceInstallForm(Form):
    token = HiddenField()


class SeenForm(Form):
    pass
