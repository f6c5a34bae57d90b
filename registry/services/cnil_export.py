"""The register in the CNIL's simplified-register layout: the list sheet, then one fiche per activity, in French.

What a DPO hands a CNIL inspector who asks for "the register" in the form the CNIL published
(../shared/domain/CNIL-SPREADSHEET.md): the template's sheet names, labels in column A and values in the columns
the template uses, so that our CNIL importer (services/cnil_sheet) reads the file back into the same activities.
Where the template's drop-down list has no value for one of our codes, the fiche writes our French label.
Every text cell is neutralised (no cell starts a formula) and a text longer than a cell holds is refused, naming
the activity.
"""

import re

from sqlalchemy import select
from sqlmodel import Session

from registry import reference
from registry.domain import cnil_register as cnil
from registry.domain.retention import RetentionFacts, describe
from registry.domain.subprocessors import hops_up
from registry.models import Activity, Organisation, RetentionRule, SubProcessor, Transfer
from registry.services.csv_files import neutralise
from registry.services.sheets import CELL_LIMIT, SheetRefused

LIST_SHEET = "2 - Liste des traitements"
LIST_WIDTHS = (38, 16, 30, 16, 30, 24, 30, 22, 30)
FICHE_WIDTHS = (46, 38, 30, 14, 22, 40, 16, 28)
# Characters a sheet's name may not hold in Excel or LibreOffice.
_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")
Grid = tuple[str, list[list], tuple[int, ...]]


def _t(value: object, where: str) -> object:
    """A text cell as written: neutralised, and refused (naming the activity) beyond a cell's length."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    text = neutralise(value)
    if len(text) > CELL_LIMIT:
        raise SheetRefused(where, f"{len(text)} characters: a spreadsheet cell holds at most {CELL_LIMIT}")
    return text


def _row(cells: list, where: str) -> list:
    return [_t(c, where) for c in cells]


def _country(code: str | None) -> str | None:
    found = reference.country(code)
    return found.name_fr if found is not None else code


def _retention(rule: RetentionRule) -> str:
    facts = RetentionFacts(**{name: getattr(rule, name) for name in RetentionFacts.__dataclass_fields__})
    return describe(facts, "fr")


def _list_sheet(org: Organisation, activities: list[Activity]) -> list[list]:
    rows = [
        ["Responsable du traitement", "Nom", org.legal_name, "Prénom", None, "Adresse", org.address, "Adresse mél",
         org.contact_email],
        [None, "Code postal", None, "Ville", None, "Téléphone", org.contact_phone],
        ["Représentant", "Nom", org.representative],
        [None],
        ["Délégué à la protection des données", "Nom", org.dpo_name, "Société (si DPO externe)", org.dpo_company,
         "Téléphone", org.dpo_phone, "Adresse mél", org.dpo_email],
        [None],
        ["Activités de l'organisme"],
        ["Activités", "N° / RÉF", "Date de création de la fiche", "Mise à jour de la fiche", "Finalité(s)", None, None,
         "Données sensibles"],
    ]
    sensitive = reference.special_category_codes() | {"offences"}
    for act in activities:
        special = any(c.get("code") in sensitive for c in act.data_categories or [])
        rows.append([act.name, act.reference, act.created_at.date(), act.updated_at.date(),
                     ", ".join(p.get("purpose", "") for p in act.purposes or []), None, None, "Oui" if special else "Non"])
    where = [f"organisation {org.slug}"] * 8 + [f"activity {a.reference} ({a.name})" for a in activities]
    return [_row(r, at) for r, at in zip(rows, where, strict=True)]


def _fiche(org: Organisation, act: Activity, rules: list[RetentionRule], transfers: list[Transfer]) -> list[list]:
    where = f"activity {act.reference} ({act.name})"
    categories = {c.get("code"): c.get("detail") for c in act.data_categories or []}
    by_category = {r.data_category: r for r in rules if r.data_category}
    whole = "; ".join(_retention(r) for r in rules if not r.data_category) or None
    rows = [
        ["Nom du traitement", act.name],
        ["N° / RÉF", act.reference],
        ["Date de création du traitement", act.created_at.date()],
        ["Mise à jour du traitement", act.updated_at.date()],
        [None],
        ["Acteurs", "Nom", "Adresse", "Code Postal", "Ville", "Pays", "Téléphone", "Adresse mél"],
        ["Responsable du traitement", org.legal_name, org.address, None, None, _country(org.country), org.contact_phone,
         org.contact_email],
        ["Délégué à la protection des données", org.dpo_name, None, None, None, None, org.dpo_phone, org.dpo_email],
        ["Société du DPO (si celui-ci est externe)", org.dpo_company],
        ["Représentant", org.representative],
        ["Responsable(s) conjoint(s)", act.joint_controller],
        [None],
        ["Finalité(s) du traitement effectué", "Description", None, None, "Base légale"],
    ]
    purposes = list(act.purposes or [])
    for n in range(max(6, len(purposes))):
        purpose = purposes[n] if n < len(purposes) else {}
        basis = reference.vocabulary("legal_bases").get(purpose.get("legal_basis") or "")
        rows.append(["Finalité principale" if n == 0 else f"Sous-finalité {n}", purpose.get("purpose"), None, None,
                     basis.fr if basis else None])
    rows += [[None], ["Catégories de données personnelles concernées", "Description", None, None, "Durée de conservation"]]
    special = reference.special_category_codes() | {"offences"}
    vocabulary = reference.vocabulary("data_categories")
    for group in ("ordinary", "special"):
        if group == "special":
            rows += [[None], ["Données sensibles", "Description", None, None, "Durée de conservation"]]
        for code, term in vocabulary.items():
            if (code in special) != (group == "special"):
                continue
            present = code in categories
            keep = by_category.get(code)
            rows.append([term.fr, (categories[code] or "Oui") if present else "Non", None, None,
                         (_retention(keep) if keep else whole) if present else None])
    rows += [[None], ["Catégories de personnes concernées", "Catégorie", None, None, "Précisions"]]
    for n, subject in enumerate(act.data_subjects or [], start=1):
        rows.append([f"Catégorie de personnes {n}", cnil.cnil_value(cnil.CNIL_SUBJECTS, "data_subjects", subject.get("code")),
                     None, None, subject.get("detail")])
    rows += [[None], ["Destinataires", "Type de destinataire", None, None, "Précisions"]]
    recipients = [(r.get("code"), r.get("detail")) for r in act.recipients or []]
    recipients += [("processors", sub.legal_name) for sub in act.subprocessors]
    for n, (code, detail) in enumerate(recipients, start=1):
        rows.append([f"Destinataire {n}", cnil.cnil_value(cnil.CNIL_RECIPIENTS, "recipients", code), None, None, detail])
    rows += [[None], ["Mesures de sécurité", "Type de mesure", None, None, "Précisions"]]
    for n, measure in enumerate(act.measures, start=1):
        rows.append([f"Mesure de sécurité {n}", cnil.cnil_value(cnil.CNIL_MEASURES, "measure_headings", measure.heading),
                     None, None, measure.title])
    rows += [[None], ["Transferts hors UE", "Organisme destinataire", "Pays", "Type de garanties", None,
                      "Lien vers la documentation"]]
    for n, transfer in enumerate(transfers, start=1):
        rows.append([f"Organisme destinataire {n}", transfer.recipient, _country(transfer.destination_country),
                     cnil.cnil_value(cnil.CNIL_SAFEGUARDS, "transfer_mechanisms", transfer.mechanism), None,
                     transfer.document_reference])
    return [_row(r, where) for r in rows]


def _sheet_name(act: Activity, taken: set[str]) -> str:
    base = _SHEET_NAME.sub("-", f"Fiche {act.reference}")[:31].strip()
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def cnil_grids(session: Session, org: Organisation) -> list[Grid]:
    """The list sheet and one fiche per activity (in reference order), as (sheet name, rows of cells, column widths).

    Refused, naming the activity, when a text is longer than a spreadsheet cell holds."""
    activities = list(session.execute(select(Activity).where(Activity.organisation_id == org.id)
                                      .order_by(Activity.reference, Activity.id)).scalars())
    rules: dict[int, list[RetentionRule]] = {}
    for rule in session.execute(select(RetentionRule).where(RetentionRule.organisation_id == org.id)
                                .order_by(RetentionRule.id)).scalars():
        rules.setdefault(rule.activity_id, []).append(rule)
    # An activity's transfers: its own, and those made by its sub-processors or by the hops below them (Art. 30(1)(e)).
    parents = dict(session.execute(select(SubProcessor.id, SubProcessor.parent_id)
                                   .where(SubProcessor.organisation_id == org.id)).all())
    by_hop: dict[int, list[Transfer]] = {}
    transfers: dict[int, list[Transfer]] = {}
    for transfer in session.execute(select(Transfer).where(Transfer.organisation_id == org.id).order_by(Transfer.id)).scalars():
        if transfer.activity_id is not None:
            transfers.setdefault(transfer.activity_id, []).append(transfer)
        elif transfer.subprocessor_id is not None:
            for hop in hops_up(parents, transfer.subprocessor_id):
                by_hop.setdefault(hop, []).append(transfer)
    for act in activities:
        reached = [t for sub in act.subprocessors for t in by_hop.get(sub.id, [])]
        seen = {t.id for t in transfers.get(act.id, [])}
        transfers.setdefault(act.id, []).extend(t for t in reached if not (t.id in seen or seen.add(t.id)))
    grids: list[Grid] = [(LIST_SHEET, _list_sheet(org, activities), LIST_WIDTHS)]
    taken = {LIST_SHEET.casefold()}
    for act in activities:
        grids.append((_sheet_name(act, taken), _fiche(org, act, rules.get(act.id, []), transfers.get(act.id, [])),
                      FICHE_WIDTHS))
    return grids
