"""`flask --app app check-contract FILE [--lang fr|en] [--json]`: the Art. 28 checklist of one contract file."""

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.cli.common import terminal_safe
from registry.db import get_session
from registry.domain.contracts.check import ContractCheck, check_lines
from registry.domain.contracts.rules import ITEM_BY_CODE
from registry.domain.refusals import Refused
from registry.services.contract_files import ContractFileError, extract_isolated

# The register's fields named by this command's options, for its refusals.
OPTIONS = {"organisation": "--org", "client_id": "--client", "subprocessor_id": "--subprocessor"}
_VERDICT = {"fr": {"present": "présent", "weak": "faible", "missing": "absent"},
            "en": {"present": "present", "weak": "weak", "missing": "missing"}}
_TEXT = {
    "fr": {"terms": "Termes extraits", "outdated": "Références obsolètes", "conflicts": "Valeurs contradictoires",
           "none": "aucune", "where": "p. {page} l. {line}", "line": "ligne {line}", "rule": "règle",
           "nodp": "Le document ne contient aucune clause sur les données personnelles : au mieux « faible ».",
           "crosscheck": "Contrôle croisé avec le registre"},
    "en": {"terms": "Extracted terms", "outdated": "Outdated references", "conflicts": "Conflicting values",
           "none": "none", "where": "p. {page} l. {line}", "line": "line {line}", "rule": "rule",
           "nodp": "The document has no personal-data clause: items are at most 'weak'.",
           "crosscheck": "Cross-check with the register"},
}


def read_contract(path: Path, lang: str = "en") -> ContractCheck:
    """Extract (in a child process under the default limits) and check the contract at `path`; `lang` is the
    report's language, the document's is detected."""
    return check_lines(extract_isolated(path.read_bytes()).lines, lang)


def _where(lang: str, page: int | None, line: int | None) -> str:
    if line is None:
        return ""
    t = _TEXT[lang]
    return t["where"].format(page=page, line=line) if page else t["line"].format(line=line)


def render_text(result: ContractCheck, lang: str) -> str:
    """The checklist as plain text; lists what was found and why, never a 'compliant' verdict."""
    t, out = _TEXT[lang], []
    if not result.has_data_protection_clause:
        out.append(t["nodp"])
    for v in result.items:
        item = ITEM_BY_CODE[v.code]
        label = item.fr if lang == "fr" else item.en
        out.append(f"[{_VERDICT[lang][v.verdict]:>8}] {v.code:<10} {item.article} — {label}")
        if v.quote:
            out.append(f"           « {v.quote[:300]} » ({_where(lang, v.page, v.line)}; {t['rule']} {v.rule})")
    out.append(f"\n{t['terms']}:")
    for key, value in result.terms.items():
        if key == "term_quotes":  # the passages behind the values: in --json, too long for this summary
            continue
        if key == "retention":
            value = ", ".join(f"{r['value']} {r['unit']} ({_where(lang, r['page'], r['line'])})" for r in value)
        elif key == "subprocessors":
            value = ", ".join(f"{s['name']}{' (' + s['country'] + ')' if s['country'] else ''}" for s in value)
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        out.append(f"  {key}: {value if value not in (None, '') else '—'}")
    out.append(f"\n{t['outdated']}: {t['none'] if not result.outdated else ''}")
    for o in result.outdated:
        out.append(f"  {o['code']}: {o['label']} — « {o['quote'][:200]} » ({_where(lang, o['page'], o['line'])})")
    out.append(f"\n{t['conflicts']}: {t['none'] if not result.conflicts else ''}")
    for c in result.conflicts:
        values = "; ".join(f"{v['value']}{' ' + v['unit'] if v.get('unit') else ''} ({_where(lang, v['page'], v['line'])})"
                           for v in c["values"])
        out.append(f"  {c['term']}: {values}")
    return "\n".join(out)


@click.command("check-contract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="en", help="Language of the report.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as a JSON object.")
@click.option("--org", "org_slug", default=None, help="Organisation slug, for the cross-check with the register.")
@click.option("--client", "client_id", type=int, default=None, help="Client controller id in that organisation.")
@click.option("--subprocessor", "subprocessor_id", type=int, default=None, help="Sub-processor id in that organisation.")
@with_appcontext
def check_contract_command(file: Path, lang: str, as_json: bool, org_slug: str | None, client_id: int | None,
                           subprocessor_id: int | None) -> None:
    """Check a contract (PDF, DOCX, ODT, Markdown or text) item by item against Art. 28 and quote the passages."""
    if (client_id or subprocessor_id) and not org_slug:
        raise click.UsageError("--client and --subprocessor need --org SLUG.")
    if client_id and subprocessor_id:
        raise click.UsageError("Give either --client or --subprocessor, not both.")
    try:
        result = read_contract(file, lang)
    except ContractFileError as exc:
        raise click.ClickException(f"{terminal_safe(file.name)}: {exc}") from exc
    data = result.to_json()
    findings = None
    if org_slug:
        findings = _cross_check(result, org_slug, client_id, subprocessor_id, lang)
        data["cross_check"] = findings
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(render_text(result, lang))
    if findings is not None:
        click.echo(f"\n{_TEXT[lang]['crosscheck']}:")
        for f in findings or [{"message": _TEXT[lang]["none"]}]:
            click.echo(f"  - {f['message']}")


def _cross_check(result: ContractCheck, org_slug: str, client_id: int | None, subprocessor_id: int | None,
                 lang: str) -> list[dict]:
    from registry.services.contracts import cross_check_register

    try:
        return cross_check_register(get_session(), result, org_slug, client_id=client_id,
                                    subprocessor_id=subprocessor_id, lang=lang)
    except Refused as exc:  # a read: nothing to roll back, the refusal names the option at fault
        raise click.ClickException(terminal_safe(exc.summary("en", OPTIONS))) from None


COMMANDS = (check_contract_command,)
