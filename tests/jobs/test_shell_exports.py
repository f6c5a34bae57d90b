"""`export-pdf register` from the shell: the same job as the web's, sent to a worker with a progress bar, or run
in the shell's own process with --here."""

import io

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from registry.models import Job

pytestmark = pytest.mark.usefixtures("consumer")


@pytest.mark.parametrize("here", [False, True], ids=["worker", "here"])
def test_the_register_is_exported_from_the_shell_as_a_job(app, runner, demo, tmp_path, here):
    target = tmp_path / "out" / "register.pdf"
    args = ["export-pdf", "register", "--org", "ginger-minds", "-o", str(target), "--lang", "en"]
    result = runner.invoke(args=args + (["--here"] if here else []))
    assert result.exit_code == 0, result.output
    assert "GINGER MINDS" in PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "Job 1 (register)" in result.output  # the progress bar's label (the bar itself needs a terminal)
    with Session(app.extensions["registry.engine"]) as s:
        job = s.exec(select(Job)).one()
    assert job.state == "done" and job.requested_by is None and job.done_units == job.total_units == 1
