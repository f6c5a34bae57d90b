"""Completeness of a processing activity against Art. 30(1) (controller) or Art. 30(2) (processor)."""

from dataclasses import dataclass

from registry import reference
from registry.domain.flags import Flag, flag


@dataclass(frozen=True)
class PurposeFacts:
    purpose: str
    legal_basis: str | None = None
    art9_condition: str | None = None


@dataclass(frozen=True)
class ActivityFacts:
    role: str
    description: str | None = None
    purposes: tuple[PurposeFacts, ...] = ()
    data_subjects: tuple[str, ...] = ()
    data_categories: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    organisation_identified: bool = True  # name and a contact of the organisation are recorded
    dpo_recorded: bool = True
    client_names: tuple[str, ...] = ()
    clients_without_contact: tuple[str, ...] = ()
    retention_rules: int = 0
    measures: int = 0
    unrecorded_transfer_countries: tuple[str, ...] = ()  # non-EEA locations of its sub-processors, no transfer
    uncovered_transfers: tuple[str, ...] = ()  # recipients of recorded transfers whose mechanism falls short
    dpia: str = "not_assessed"


def activity_flags(a: ActivityFacts) -> list[Flag]:
    """The items of Art. 30(1)(a)-(g) or 30(2)(a)-(d) missing from an activity, each with its article letter."""
    return _controller_flags(a) if a.role == "controller" else _processor_flags(a)


def _controller_flags(a: ActivityFacts) -> list[Flag]:
    out: list[Flag] = []
    if not a.organisation_identified:
        out.append(flag("controller_identity_missing", "Art. 30(1)(a)", "organisation"))
    if not a.dpo_recorded:
        out.append(flag("dpo_not_recorded", "Art. 30(1)(a); Art. 37", "organisation", "warning"))
    if not a.purposes:
        out.append(flag("purposes_missing", "Art. 30(1)(b)", "purposes"))
    for p in a.purposes:
        if not p.legal_basis:
            out.append(flag("legal_basis_missing", "Art. 6(1)", "purposes", purpose=p.purpose))
    special = set(a.data_categories) & reference.special_category_codes()
    if special and not any(p.art9_condition for p in a.purposes):
        out.append(flag("art9_condition_missing", "Art. 9(2)", "purposes", categories=", ".join(sorted(special))))
    if "offences" in a.data_categories:
        out.append(flag("offence_data", "Art. 10", "data_categories", "risk"))
    if "nir" in a.data_categories:
        out.append(flag("nir_used", "Art. 87", "data_categories", "warning"))
    if not a.data_subjects:
        out.append(flag("data_subjects_missing", "Art. 30(1)(c)", "data_subjects"))
    if not a.data_categories:
        out.append(flag("data_categories_missing", "Art. 30(1)(c)", "data_categories"))
    if not a.recipients:
        out.append(flag("recipients_missing", "Art. 30(1)(d)", "recipients"))
    out.extend(_transfer_flags(a, "Art. 30(1)(e)"))
    if not a.retention_rules:
        out.append(flag("retention_missing", "Art. 30(1)(f)", "retention_rules", "warning"))
    if not a.measures:
        out.append(flag("measures_missing", "Art. 30(1)(g)", "measures", "warning"))
    if a.dpia == "needed":
        out.append(flag("dpia_pending", "Art. 35(1)", "dpia", "risk"))
    return out


def _processor_flags(a: ActivityFacts) -> list[Flag]:
    out: list[Flag] = []
    if not a.organisation_identified:
        out.append(flag("processor_identity_missing", "Art. 30(2)(a)", "organisation"))
    if not a.dpo_recorded:
        out.append(flag("dpo_not_recorded", "Art. 30(2)(a); Art. 37", "organisation", "warning"))
    if not a.client_names:
        out.append(flag("controller_not_recorded", "Art. 30(2)(a)", "clients"))
    for name in a.clients_without_contact:
        out.append(flag("client_contact_missing", "Art. 30(2)(a)", "clients", client=name))
    if not (a.description or "").strip():
        out.append(flag("processing_categories_missing", "Art. 30(2)(b)", "description"))
    if not a.data_subjects:
        out.append(flag("data_subjects_missing", "Art. 28(3)", "data_subjects", "warning"))
    if not a.data_categories:
        out.append(flag("data_categories_missing", "Art. 28(3)", "data_categories", "warning"))
    out.extend(_transfer_flags(a, "Art. 30(2)(c)"))
    if not a.measures:
        out.append(flag("measures_missing", "Art. 30(2)(d)", "measures", "warning"))
    return out


def _transfer_flags(a: ActivityFacts, article: str) -> list[Flag]:
    out = [flag("transfer_not_recorded", article, "transfers", country=c) for c in a.unrecorded_transfer_countries]
    out.extend(flag("transfer_without_safeguards", f"{article}; Art. 46(1)", "transfers", recipient=r)
               for r in a.uncovered_transfers)
    return out
