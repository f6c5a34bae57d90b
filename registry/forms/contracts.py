"""Forms of a record's contract: the file upload, and the extracted terms the DPO copies into the record."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from registry.forms import Form


class ContractUploadForm(Form):
    file = FileField(
        _l("Contract file"),
        [FileRequired(_l("Choose the contract file to upload."))],
        description=_l("PDF, DOCX, ODT, Markdown or plain text, French or English. The format is read from the "
                       "content, not from the file name; a new file keeps the older versions."),
    )


class AcceptTermsForm(Form):
    """The terms to copy: one box per record field the contract gives a value for (choices set by the view)."""

    version = HiddenField()
    document = HiddenField()
    fields = SelectMultipleField(_l("Terms to copy into the record"), choices=[], validate_choice=True,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
