"""The sub-processor list for auditors carries every sub-processor and the domain rules' flags."""

from pdftext import flat, pages_text
from sqlalchemy import select

from registry.models import SubProcessor


def test_subprocessor_list_shows_every_subprocessor_with_its_flags(runner, demo, session, tmp_path):
    org = demo("pilotim")
    target = tmp_path / "subs.pdf"
    result = runner.invoke(args=["export-pdf", "subprocessors", "--org", "pilotim", "-o", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = flat(" ".join(pages_text(target.read_bytes())))
    assert "List of sub-processors — PILOTIM" in text
    for name in session.execute(select(SubProcessor.legal_name).where(SubProcessor.organisation_id == org.id)).scalars():
        assert flat(name) in text
    # Every PILOTIM sub-processor lacks a recorded Art. 28 contract: the flag and its article are printed.
    assert text.count("Art. 28(3)") >= 17
