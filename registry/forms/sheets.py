"""Forms of the spreadsheet import: the workbook to preview, then the confirmation that imports it."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from registry.forms import Form


class SheetUploadForm(Form):
    file = FileField(
        _l("Workbook"),
        [FileRequired(_l("Choose the workbook to import."))],
        description=_l("An .xlsx or .ods file: the CNIL's simplified register (or an Excel copy of it), or a workbook "
                       "exported from this register. Nothing is written before you confirm."),
    )


class SheetConfirmForm(Form):
    token = HiddenField()
