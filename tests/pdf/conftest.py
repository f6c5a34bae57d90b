"""PDF test fixtures: the demo organisations and a guard that fails a test on any unexpected WeasyPrint warning."""

import logging
import re

import pytest

from registry.services.organisations import get_by_slug

# Which library subsets the fonts (HarfBuzz-Subset, or fontTools when libharfbuzz-subset0 is missing) is the
# machine's business, not the document's: WeasyPrint's notice about the fallback never fails a test.
# `scripts/system-packages` installs HarfBuzz-Subset.
FONT_SUBSETTING_NOTICES = [re.compile(r"^Using fontTools instead of HarfBuzz-Subset for font ")]


class WeasyPrintLog(logging.Handler):
    """Collects what WeasyPrint logs; a test declares the warnings it expects, any other one fails it."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.expected: list[re.Pattern] = list(FONT_SUBSETTING_NOTICES)

    def emit(self, record):
        self.records.append(record)

    def expect(self, pattern: str) -> None:
        self.expected.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        messages = [r.getMessage() for r in self.records]
        return [m for m in messages if not any(p.search(m) for p in self.expected)]


@pytest.fixture(autouse=True)
def weasyprint_log():
    handler = WeasyPrintLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    assert not handler.unexpected(), f"unexpected WeasyPrint warnings: {handler.unexpected()}"


@pytest.fixture
def demo(demo_wanted, session):
    """A demo organisation by its slug, in the test's database: a copy of the seeded demo template
    (tests/conftest.py), made once per run and backend rather than seeded again for each test."""
    return lambda slug: get_by_slug(session, slug)
