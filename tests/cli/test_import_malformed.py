"""Every malformed register file is refused by `import-json` with the record and field named, never a traceback,
and nothing written: the files are kept in tests/fixtures/imports (built by build.py there, with what each must name)."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.models import Organisation
from tests.fixtures.imports.build import CASES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def organisations(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Organisation))


def test_the_valid_file_the_cases_are_made_from_imports(runner, session):
    result = runner.invoke(args=["import-json", str(FIXTURES / "valid.json")])
    assert result.exit_code == 0, result.output
    assert organisations(session) == 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_malformed_file_is_refused_naming_the_record_and_field(runner, session, name):
    _content, where, message = CASES[name]
    result = runner.invoke(args=["import-json", str(FIXTURES / name)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, (result.exception, result.output)
    assert "Traceback" not in result.output
    assert f"refused, nothing written: {where}: " in result.output, result.output
    assert message in result.output, result.output
    assert organisations(session) == 0
