"""Chapter V rules: whether a transfer needs safeguards and whether the recorded mechanism covers it (Arts. 44-49)."""

from dataclasses import dataclass
from datetime import date

from registry import reference
from registry.domain.flags import Flag, flag
from registry.reference import Law

DPF_RECHECK_DAYS = 366  # DPF certifications are re-certified every year: an older check proves little


@dataclass(frozen=True)
class TransferFacts:
    destination_country: str | None
    destination_organisation: str | None = None
    exporter_role: str = "controller"
    importer_role: str = "processor"
    mechanism: str | None = None
    scc_module: int | None = None
    dpf_checked_on: date | None = None
    derogation_ground: str | None = None
    tia_date: date | None = None
    document_reference: str | None = None
    fallback_scc_module: int | None = None
    fallback_tia_date: date | None = None


def destination_key(country: str | None, organisation: str | None) -> str | None:
    return f"org:{organisation}" if organisation else (country.upper() if country else None)


def is_restricted_transfer(country: str | None, organisation: str | None = None) -> bool:
    """Chapter V applies to any destination outside the EEA, and to every international organisation (Art. 44)."""
    if organisation:
        return True
    return bool(country) and not reference.is_eea(country)


def needs_safeguards(country: str | None, on: date, organisation: str | None = None, dpf_certified: bool = False,
                     law: Law | None = None) -> bool:
    """Whether Art. 46 safeguards (or an Art. 49 derogation) are needed for a destination on a date.

    None inside the EEA; none where an adequacy decision is in force (Art. 45), except that the US decision
    covers only importers certified under the Data Privacy Framework (Decision (EU) 2023/1795). `law`: the dated
    decisions to judge by (an update or a what-if); the law in use by default.
    """
    if not is_restricted_transfer(country, organisation):
        return False
    decision = (law or reference.law()).adequacy_for(destination_key(country, organisation), on)
    if decision is None:
        return True
    if decision.condition == "dpf_certified_only":
        return not dpf_certified
    return False


def expected_scc_module(exporter_role: str, importer_role: str) -> int:
    """The 2021/914 module that fits the parties' roles: 1 C2C, 2 C2P, 3 P2P, 4 P2C."""
    return {
        ("controller", "controller"): 1,
        ("controller", "processor"): 2,
        ("processor", "processor"): 3,
        ("processor", "controller"): 4,
    }[(exporter_role, importer_role)]


def transfer_flags(t: TransferFacts, on: date, law: Law | None = None) -> list[Flag]:
    """What is wrong or missing in a recorded transfer on a date, judged by the adequacy decisions in force that day
    under `law` (the law in use by default); empty inside the EEA (no transfer at all)."""
    if not is_restricted_transfer(t.destination_country, t.destination_organisation):
        return []
    law = law or reference.law()
    dest = destination_key(t.destination_country, t.destination_organisation)
    decision = law.adequacy_for(dest, on)
    mech = t.mechanism or "none"
    out: list[Flag] = []
    if mech == "none":
        if needs_safeguards(t.destination_country, on, t.destination_organisation, law=law):
            out.append(flag("transfer_needs_safeguards", "Art. 44; Art. 46(1)", "mechanism", destination=dest))
        return out
    if mech == "adequacy":
        if decision is None:
            out.append(flag("adequacy_not_in_force", "Art. 45(1)", "mechanism", destination=dest))
        elif decision.condition == "dpf_certified_only":
            out.append(flag("us_adequacy_requires_dpf", "Art. 45(1); Decision (EU) 2023/1795", "mechanism"))
        elif decision.scope == "partial":
            out.append(
                flag("adequacy_partial_scope", "Art. 45(1)", "mechanism", "warning", destination=dest,
                     decision=decision.decision, condition=decision.condition or "")
            )
    elif mech == "dpf":
        if decision is None and (t.destination_country or "").upper() == "US":
            # The Framework's decision has ended (or not begun) on this date: the transfer has no basis of its own.
            out.append(flag("dpf_no_decision", "Art. 44; Art. 45(1)", "mechanism"))
        elif decision is None or decision.condition != "dpf_certified_only":
            out.append(flag("dpf_outside_us", "Art. 45(1); Decision (EU) 2023/1795", "destination_country"))
        elif t.dpf_checked_on is None:
            out.append(flag("dpf_not_checked", "Art. 45(1); Decision (EU) 2023/1795", "dpf_checked_on"))
        elif (on - t.dpf_checked_on).days > DPF_RECHECK_DAYS:
            out.append(flag("dpf_check_stale", "Art. 45(1); Decision (EU) 2023/1795", "dpf_checked_on", "warning",
                            checked=t.dpf_checked_on.isoformat()))
        if decision is not None and decision.condition == "dpf_certified_only":
            out.extend(dpf_fallback_flags(t))
    elif mech == "scc":
        expected = expected_scc_module(t.exporter_role, t.importer_role)
        if t.scc_module is None:
            out.append(flag("scc_module_missing", "Art. 46(2)(c); Decision (EU) 2021/914", "scc_module", expected=expected))
        elif t.scc_module != expected:
            out.append(flag("scc_module_mismatch", "Art. 46(2)(c); Decision (EU) 2021/914", "scc_module",
                            expected=expected, given=t.scc_module))
    elif mech == "derogation":
        if not t.derogation_ground:
            out.append(flag("derogation_without_ground", "Art. 49(1)", "derogation_ground"))
        elif t.derogation_ground == "art49_1_2" and not t.document_reference:
            out.append(flag("derogation_safeguards_undocumented", "Art. 30(1)(e); Art. 49(1), second subparagraph",
                            "document_reference"))
    elif mech in ("bcr", "code_of_conduct", "certification") and not t.document_reference:
        out.append(flag("safeguard_document_missing", "Art. 46(2)", "document_reference", "warning"))
    if mech in ("scc", "bcr") and t.tia_date is None:
        out.append(flag("tia_missing", "Art. 46(1); CJEU C-311/18 (Schrems II)", "tia_date", "warning"))
    return out


def dpf_fallback_flags(t: TransferFacts) -> list[Flag]:
    """What a transfer on the DPF would rest on if Decision (EU) 2023/1795 fell (appeal C-703/25 P pending): standard
    contractual clauses of the module that fits the parties' roles, with their transfer impact assessment."""
    cite = "Art. 46(2)(c); Decision (EU) 2021/914"
    expected = expected_scc_module(t.exporter_role, t.importer_role)
    if t.fallback_scc_module is None:
        return [flag("dpf_no_fallback", cite, "fallback_scc_module", "warning", expected=expected)]
    out = []
    if t.fallback_scc_module != expected:
        out.append(flag("dpf_fallback_module_mismatch", cite, "fallback_scc_module", "warning",
                        expected=expected, given=t.fallback_scc_module))
    if t.fallback_tia_date is None:
        out.append(flag("dpf_fallback_tia_missing", "Art. 46(1); CJEU C-311/18 (Schrems II)", "fallback_tia_date",
                        "warning"))
    return out


def is_covered(t: TransferFacts, on: date, law: Law | None = None) -> bool:
    """True when Chapter V is satisfied: no missing item nor risk (warnings, such as a missing TIA, remain)."""
    return all(f.severity == "warning" for f in transfer_flags(t, on, law))
