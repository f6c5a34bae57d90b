"""The PDF tests' WeasyPrint guard: the font-subsetting fallback notice passes, any other warning fails."""

import logging

from tests.pdf.conftest import WeasyPrintLog


def _warn(handler: WeasyPrintLog, message: str) -> None:
    handler.handle(logging.LogRecord("weasyprint", logging.WARNING, __file__, 0, message, None, None))


def test_the_fonttools_fallback_notice_is_not_a_failure_but_other_warnings_are():
    handler = WeasyPrintLog()
    _warn(handler, 'Using fontTools instead of HarfBuzz-Subset for font "Register Sans". This will be unsupported '
                   "in future versions of WeasyPrint. Please install HarfBuzz-Subset >= 4.1.0 with your package manager.")
    _warn(handler, 'Unable to subset "Register Sans" with HarfBuzz')
    _warn(handler, "Failed to load image at 'x.png'")
    assert handler.unexpected() == ['Unable to subset "Register Sans" with HarfBuzz', "Failed to load image at 'x.png'"]
