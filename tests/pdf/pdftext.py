"""Text read back from a PDF with pypdf, for assertions."""

import io
import re

from pypdf import PdfReader


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def layout_text(pdf: bytes) -> str:
    """The pages laid out as lines, a label beside its value: "Label      value" reads as on paper."""
    return "\n".join(page.extract_text(extraction_mode="layout") for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces folded, so that wrapped names still match."""
    return re.sub(r"\s+", " ", text)
