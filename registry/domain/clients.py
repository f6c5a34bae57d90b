"""Completeness of a client's processing contract against Art. 28(2)-(4) and 33(2), from the recorded terms."""

from dataclasses import dataclass

from registry import reference
from registry.domain.flags import Flag, flag
from registry.reference import Regime


def breach_notice_ceiling(regime: Regime | None = None) -> int | None:
    """Hours from which a processor's notice leaves the controller no time for its own notification (Arts. 33(1),
    33(2)): the breach regime's processor ceiling. `regime` defaults to the one in force when the law in use was
    published."""
    if regime is None:
        law = reference.law()
        regime = law.regime("breach", law.published)
    return regime.processor_ceiling_hours if regime else None


@dataclass(frozen=True)
class ContractTerms:
    subprocessor_authorisation: str = "none_stated"
    subprocessor_changes_notified: bool | None = None
    objection_right: bool | None = None
    objection_period_days: int | None = None
    breach_notice_hours: int | None = None
    breach_notice_undue_delay: bool = False
    instructions_documented: bool | None = None
    confidentiality: bool | None = None
    security_measures: bool | None = None
    flow_down: bool | None = None
    assistance_rights: str | None = None
    assistance_compliance: bool | None = None
    information_available: bool | None = None
    infringing_instruction_notice: bool | None = None
    audits_per_year: int | None = None
    audit_inspections: bool | None = None
    end_fate: str | None = None


def contract_flags(t: ContractTerms, regime: Regime | None = None) -> list[Flag]:
    """What the contract lacks against Art. 28(2), 28(3)(a)-(h), 28(4) and 33(2), the breach delay judged against
    `regime` (the breach regime of the day it is judged)."""
    out: list[Flag] = []
    if t.subprocessor_authorisation == "none_stated":
        out.append(flag("subprocessor_authorisation_missing", "Art. 28(2)", "subprocessor_authorisation"))
    elif t.subprocessor_authorisation == "general":
        if t.subprocessor_changes_notified is not True:
            out.append(flag("change_information_missing", "Art. 28(2)", "subprocessor_changes_notified"))
        if t.objection_right is not True:
            out.append(flag("objection_right_missing", "Art. 28(2)", "objection_right"))
        elif t.objection_period_days is None:
            out.append(flag("objection_period_unset", "Art. 28(2)", "objection_period_days", "warning"))
    checks = (
        (t.instructions_documented, "instructions_missing", "Art. 28(3)(a)", "instructions_documented"),
        (t.confidentiality, "confidentiality_missing", "Art. 28(3)(b)", "confidentiality"),
        (t.security_measures, "security_missing", "Art. 28(3)(c)", "security_measures"),
        (t.flow_down, "flow_down_missing", "Art. 28(3)(d); Art. 28(4)", "flow_down"),
        (t.assistance_compliance, "assistance_compliance_missing", "Art. 28(3)(f)", "assistance_compliance"),
        (t.information_available, "information_missing", "Art. 28(3)(h)", "information_available"),
    )
    out.extend(flag(code, article, field) for value, code, article, field in checks if value is not True)
    if t.assistance_rights is None:
        out.append(flag("assistance_rights_missing", "Art. 28(3)(e)", "assistance_rights"))
    elif t.assistance_rights == "forward_only":
        out.append(flag("assistance_rights_weak", "Art. 28(3)(e)", "assistance_rights", "risk"))
    if t.end_fate is None:
        out.append(flag("end_fate_missing", "Art. 28(3)(g)", "end_fate"))
    elif t.end_fate != "controller_choice":
        out.append(flag("end_fate_not_controller_choice", "Art. 28(3)(g)", "end_fate", "warning"))
    if t.audit_inspections is False:
        out.append(flag("audits_reports_only", "Art. 28(3)(h)", "audit_inspections", "risk"))
    elif t.audit_inspections is None and t.audits_per_year is None:
        out.append(flag("audit_rights_missing", "Art. 28(3)(h)", "audit_inspections"))
    if t.infringing_instruction_notice is not True:
        out.append(flag("infringing_instruction_notice_missing", "Art. 28(3), second subparagraph",
                        "infringing_instruction_notice", "warning"))
    if t.breach_notice_hours is None and not t.breach_notice_undue_delay:
        out.append(flag("breach_notice_missing", "Art. 33(2)", "breach_notice_hours"))
    elif t.breach_notice_hours is not None:
        ceiling = breach_notice_ceiling(regime)
        if ceiling is not None and t.breach_notice_hours >= ceiling:
            out.append(flag("breach_notice_too_long", "Art. 33(2)", "breach_notice_hours", "risk",
                            hours=t.breach_notice_hours, limit=ceiling))
    return out
