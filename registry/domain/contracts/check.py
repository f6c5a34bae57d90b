"""Check a contract's data-protection clauses item by item (Art. 28(2)-(4), 30(2), 33(2), Chapter V).

The result lists what was found, what is weak or missing and why, with the quoted passage, its
page or line and the rule that decided. It never concludes that a contract is "compliant".
"""

import re
from dataclasses import dataclass, field

from registry.domain.contracts import terms
from registry.domain.contracts.rules import DATA_PROTECTION_CONTEXT, ITEMS, MISSING, PRESENT, RULES, VERDICT_RANK, WEAK, Rule
from registry.domain.contracts.segment import Passage, SourceLine, passages, segment
from registry.domain.contracts.stated import stated_terms

CAPPED = "no_personal_data_clause"


@dataclass(frozen=True)
class Verdict:
    code: str
    verdict: str
    quote: str | None
    page: int | None
    line: int | None
    rule: str | None
    article: str


@dataclass
class ContractCheck:
    items: list[Verdict]
    terms: dict
    outdated: list[dict]
    conflicts: list[dict]
    has_data_protection_clause: bool
    clauses: int = 0
    notes: list[str] = field(default_factory=list)

    def verdict(self, code: str) -> str:
        return next(v.verdict for v in self.items if v.code == code)

    def to_json(self) -> dict:
        """The `check-contract --json` shape: items, terms, outdated (codes), conflicts, plus details."""
        return {
            "items": [{"code": v.code, "verdict": v.verdict, "quote": v.quote, "page": v.page, "line": v.line,
                       "rule": v.rule, "article": v.article} for v in self.items],
            "terms": self.terms,
            "outdated": [o["code"] for o in self.outdated],
            "outdated_details": self.outdated,
            "conflicts": self.conflicts,
            "has_data_protection_clause": self.has_data_protection_clause,
        }


def check_lines(lines: list[SourceLine], lang: str = "en") -> ContractCheck:
    """Art. 28 checklist of the contract whose numbered lines are given (see check_passages)."""
    clauses = segment(lines)
    result = check_passages(passages(clauses), lang)
    result.clauses = len(clauses)
    return result


def check_passages(ps: list[Passage], lang: str = "en") -> ContractCheck:
    """Decide each item of Art. 28(2)-(4), 30(2), 33(2) and transfers from the passages of one contract.

    For each item the strongest rule that matches wins (present > weak > missing with evidence);
    the first passage in document order is quoted. A contract that never speaks of personal data
    gets at most "weak": security or backups sold as service features are not processor duties.
    """
    dp_context = any(DATA_PROTECTION_CONTEXT.search(p.folded) for p in ps)
    langs = document_languages(ps)
    rules = [r for r in RULES if r.lang in langs]
    best: dict[str, tuple[Rule, Passage]] = {}
    for p in ps:
        for rule in rules:
            held = best.get(rule.item)
            if held and VERDICT_RANK[held[0].verdict] >= VERDICT_RANK[rule.verdict]:
                continue
            if rule.pattern.search(p.scope or p.folded):
                best[rule.item] = (rule, p)
    items = []
    for item in ITEMS:
        if item.code not in best:
            items.append(Verdict(item.code, MISSING, None, None, None, None, item.article))
            continue
        rule, p = best[item.code]
        verdict, name = rule.verdict, rule.name
        if verdict == PRESENT and not dp_context:
            verdict, name = WEAK, f"{rule.name}+{CAPPED}"
        items.append(Verdict(item.code, verdict, p.quote[:600], p.page, p.line, name, item.article))
    extracted, conflicts = stated_terms(ps)
    outdated = [{"code": code, "label": label, "quote": f.quote, "page": f.page, "line": f.line}
                for code, label, f in terms.outdated_references(ps, lang)]
    return ContractCheck(items, extracted, outdated, conflicts, dp_context)


_FR_WORDS = re.compile(r"\b(?:le|la|les|des|du|et|est|dans|pour|aux)\b")
_EN_WORDS = re.compile(r"\b(?:the|and|of|is|in|for|to|shall|with)\b")


def document_languages(ps: list[Passage]) -> set[str]:
    """{"fr"}, {"en"} or both: the rules of a language run only on contracts written in it.

    English patterns such as "personnel ... confidential" would otherwise fire on French text
    ("données personnelles ... confidentialité"). A bilingual contract gets both rule sets.
    """
    sample = " ".join(p.folded for p in ps[:400])
    fr, en = len(_FR_WORDS.findall(sample)), len(_EN_WORDS.findall(sample))
    if fr > 2 * en:
        return {"fr"}
    if en > 2 * fr:
        return {"en"}
    return {"fr", "en"}
