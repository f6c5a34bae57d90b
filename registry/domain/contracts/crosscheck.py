"""Cross-check of a contract's extracted terms against what the register records (Arts. 28(2), 28(3), 33(2), 44).

Takes plain values on both sides and lists the differences a DPO should look at; it never says
that contract and register agree "compliantly", only what differs and where.
"""

import re
from dataclasses import dataclass, field

from registry.domain.contracts.segment import fold
from registry.domain.transfers import is_restricted_transfer

_UNIT_FR = {"day": "jours", "week": "semaines", "month": "mois", "year": "ans"}
_DAYS_PER = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365}


@dataclass(frozen=True)
class RecordedTransfer:
    recipient: str
    destination_country: str | None
    mechanism: str | None
    destination_organisation: str | None = None


@dataclass(frozen=True)
class RegisterFacts:
    """What the register holds for the contract's counterpart (a client controller or a sub-processor)."""

    subprocessor_names: tuple[str, ...] = ()
    transfers: tuple[RecordedTransfer, ...] = ()
    non_eea_locations: tuple[str, ...] = ()  # countries where a sub-processor stores or accesses data
    retention: tuple[tuple[int, str], ...] = ()  # (value, unit) of the retention rules
    breach_notice_hours: int | None = None
    breach_notice_undue_delay: bool = False
    objection_period_days: int | None = None
    check_subprocessors: bool = True


@dataclass(frozen=True)
class Finding:
    code: str
    article: str
    fr: str
    en: str
    values: dict = field(default_factory=dict)

    def as_dict(self, lang: str = "fr") -> dict:
        return {"code": self.code, "article": self.article, "message": self.fr if lang == "fr" else self.en,
                "values": self.values}


def name_key(name: str) -> str:
    """Compare provider names on their first significant word: "OpenAI, L.L.C." = "OpenAI L.L.C"."""
    words = [w for w in re.findall(r"[a-z0-9]+", fold(name)) if w not in {"the", "le", "la", "les", "sas", "sa"}]
    return words[0] if words else ""


def cross_check(terms: dict, register: RegisterFacts) -> list[Finding]:
    """Differences between the contract's terms (as `check-contract` extracts them) and the register."""
    out: list[Finding] = []
    if register.check_subprocessors:
        out += _subprocessors(terms.get("subprocessors") or [], register.subprocessor_names)
    out += _transfers(terms, register)
    out += _retention(terms.get("retention") or [], register.retention)
    out += _breach(terms.get("breach_notice_hours"), register)
    days = terms.get("objection_period_days")
    if days is not None and register.objection_period_days is not None and days != register.objection_period_days:
        out.append(Finding("objection_period_differs", "Art. 28(2)",
                           f"Délai d'objection : {days} jours dans le contrat, {register.objection_period_days} au registre.",
                           f"Objection period: {days} days in the contract, {register.objection_period_days} in the register.",
                           {"contract": days, "register": register.objection_period_days}))
    return out


def _subprocessors(named: list[dict], recorded: tuple[str, ...]) -> list[Finding]:
    named_keys = {name_key(s["name"]): s["name"] for s in named}
    recorded_keys = {name_key(n): n for n in recorded}
    out = []
    for key, name in named_keys.items():
        if key not in recorded_keys:
            out.append(Finding("named_not_recorded", "Art. 28(2); Art. 30(2)(a)",
                               f"Sous-traitant nommé dans le contrat mais absent du registre : {name}.",
                               f"Sub-processor named in the contract but not in the register: {name}.", {"name": name}))
    for key, name in recorded_keys.items():
        if key not in named_keys:
            out.append(Finding("recorded_not_named", "Art. 28(2)",
                               f"Sous-traitant au registre mais non nommé dans le contrat : {name}.",
                               f"Sub-processor in the register but not named in the contract: {name}.", {"name": name}))
    return out


def _transfers(terms: dict, register: RegisterFacts) -> list[Finding]:
    outside = [t for t in register.transfers if is_restricted_transfer(t.destination_country, t.destination_organisation)]
    places = sorted({t.destination_country or t.destination_organisation or "?" for t in outside}
                    | set(register.non_eea_locations))
    out = []
    if terms.get("stored_only_in_eu") and places:
        out.append(Finding("eu_only_but_transfers_recorded", "Arts. 44-46",
                           "Le contrat dit les données stockées uniquement dans l'UE, mais le registre enregistre des "
                           f"transferts ou lieux de traitement hors EEE : {', '.join(places)}.",
                           "The contract says data are stored only in the EU, but the register records transfers or "
                           f"processing locations outside the EEA: {', '.join(places)}.", {"destinations": places}))
    mechanisms = set(terms.get("transfer_mechanisms") or [])
    if places and not mechanisms and not terms.get("stored_only_in_eu"):
        out.append(Finding("transfers_recorded_contract_silent", "Art. 28(3)(a); Art. 46",
                           f"Le registre enregistre des transferts hors EEE ({', '.join(places)}) ; le contrat ne nomme "
                           "aucun mécanisme de transfert.",
                           f"The register records transfers outside the EEA ({', '.join(places)}); the contract names "
                           "no transfer mechanism.", {"destinations": places}))
    contract_scc = {"scc", "scc_2021", "scc_2010"} & mechanisms
    for t in outside:
        recorded = (t.mechanism or "").lower()
        if mechanisms and recorded and not (recorded.startswith("scc") and contract_scc) and recorded not in mechanisms:
            out.append(Finding("mechanism_differs", "Art. 46",
                               f"Transfert vers {t.recipient} : mécanisme « {t.mechanism} » au registre, "
                               f"« {', '.join(sorted(mechanisms))} » dans le contrat.",
                               f"Transfer to {t.recipient}: mechanism '{t.mechanism}' in the register, "
                               f"'{', '.join(sorted(mechanisms))}' in the contract.",
                               {"recipient": t.recipient, "register": t.mechanism, "contract": sorted(mechanisms)}))
    return out


def _retention(periods: list[dict], rules: tuple[tuple[int, str], ...]) -> list[Finding]:
    recorded = {value * _DAYS_PER.get(unit, 0) for value, unit in rules}
    out, seen = [], set()
    for p in periods:
        days = p["value"] * _DAYS_PER[p["unit"]]
        if days in recorded or days in seen:
            continue
        seen.add(days)
        out.append(Finding("retention_not_in_register", "Art. 5(1)(e); Art. 30(1)(f)",
                           f"Durée du contrat sans règle de conservation correspondante au registre : {p['value']} "
                           f"{_UNIT_FR[p['unit']]} (« {p.get('quote', '')[:120]} »).",
                           f"Contract duration with no matching retention rule in the register: {p['value']} "
                           f"{p['unit']}{'s' if p['value'] > 1 else ''} ('{p.get('quote', '')[:120]}').", {"value": p["value"], "unit": p["unit"]}))
    return out


def _breach(contract: object, register: RegisterFacts) -> list[Finding]:
    hours = register.breach_notice_hours
    if contract is None:
        return []
    if isinstance(contract, int):
        if hours is not None and contract > hours:
            return [Finding("breach_delay_longer_than_register", "Art. 33(2)",
                            f"Le contrat laisse {contract} h pour notifier une violation ; le registre en prévoit {hours}.",
                            f"The contract allows {contract} h to notify a breach; the register expects {hours}.",
                            {"contract": contract, "register": hours})]
        if hours is None and not register.breach_notice_undue_delay:
            return [_breach_unrecorded(str(contract) + " h")]
        return []
    if hours is None and not register.breach_notice_undue_delay:
        return [_breach_unrecorded(str(contract))]
    if hours is not None:
        return [Finding("breach_delay_not_in_hours", "Art. 33(2)",
                        f"Le contrat dit « {contract} » sans délai chiffré ; le registre prévoit {hours} h.",
                        f"The contract says '{contract}' with no figure; the register expects {hours} h.",
                        {"contract": contract, "register": hours})]
    return []


def _breach_unrecorded(contract: str) -> Finding:
    return Finding("breach_delay_not_recorded", "Art. 33(2)",
                   f"Délai de notification des violations dans le contrat (« {contract} ») non reporté au registre.",
                   f"Breach notice delay in the contract ('{contract}') not recorded in the register.",
                   {"contract": contract})
