"""Check a contract's data-protection clauses item by item (Art. 28(2)-(4), 30(2), 33(2), Chapter V).

The result lists what was found, what is weak or missing and why, with the quoted passage, its
page or line and the rule that decided. It never concludes that a contract is "compliant".
"""

import re
from dataclasses import dataclass, field

from registry.domain.contracts import terms
from registry.domain.contracts.rules import (
    CONTROLLER_SIDE,
    DATA_PROTECTION_CONTEXT,
    DEFINITION,
    DEFINITIONS_HEADING,
    DISCRETION,
    DISCRETION_ITEMS,
    ITEMS,
    MISSING,
    NEGATION,
    PRESENT,
    PROCESSOR_SIDE,
    RESTRICTIONS,
    RULES,
    VERDICT_RANK,
    WEAK,
    Restriction,
    Rule,
)
from registry.domain.contracts.segment import Passage, SourceLine, fold, passages, segment
from registry.domain.contracts.stated import stated_terms

CAPPED = "no_personal_data_clause"
CONTROLLER_TEXT = "controller_side_text"


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

    Each rule reads one passage under its clause headings, and also a passage joined to the next one of
    the same clause (an obligation split across two sentences or list items). For each item the strongest
    verdict wins (present > weak > missing with evidence), but a "present" match counts as "weak" when it
    is negated ("is not of a nature which makes it necessary ... to assist") or left to the processor's
    discretion ("Vendor may assist"), when a restriction of the
    item stands in its clause ("audit rights may be satisfied through reports"), or when the document
    never speaks of personal data. A text written by the controller about its own processing (see
    rules.CONTROLLER_SIDE) binds no processor: every item is missing, quoted with the passage that
    resembled it. The first passage in document order that gave the verdict is quoted, with the
    restriction if any.
    """
    dp_context = any(DATA_PROTECTION_CONTEXT.search(p.folded) for p in ps)
    langs = document_languages(ps)
    rules = [r for r in RULES if r.lang in langs]
    restrictions = [x for x in RESTRICTIONS if x.lang in langs]
    sample = " ".join(p.folded for p in ps)
    controller_side = bool(CONTROLLER_SIDE.search(sample)) and not PROCESSOR_SIDE.search(sample)
    groups = _clause_groups(ps)
    found = _matches(ps, groups, rules)
    items = []
    for item in ITEMS:
        hits = found.get(item.code, [])
        if not hits:
            items.append(Verdict(item.code, MISSING, None, None, None, None, item.article))
            continue
        top = max(VERDICT_RANK[h.verdict] for h in hits)
        # a hit on one passage is quoted rather than one on two joined passages: it is the shorter quote
        hit = min((h for h in hits if VERDICT_RANK[h.verdict] == top), key=lambda h: (h.joined, h.first))
        verdict, name, quote = hit.verdict, hit.name, hit.quote
        if verdict == PRESENT:
            clauses = {groups[h.first] for h in hits if h.verdict == PRESENT}
            limit = _restriction(ps, groups, clauses, [x for x in restrictions if x.item == item.code])
            if limit:
                restriction, where = limit
                verdict, name = WEAK, f"{name}+{restriction.name}"
                if where.quote not in quote:
                    quote = f"{quote} […] {where.quote}"
        if controller_side:
            verdict, name = MISSING, f"{name}+{CONTROLLER_TEXT}"
        if verdict == PRESENT and not dp_context:
            verdict, name = WEAK, f"{name}+{CAPPED}"
        p = ps[hit.first]
        items.append(Verdict(item.code, verdict, quote[:600], p.page, p.line, name, item.article))
    extracted, conflicts = stated_terms(ps)
    outdated = [{"code": code, "label": label, "quote": f.quote, "page": f.page, "line": f.line}
                for code, label, f in terms.outdated_references(ps, lang)]
    return ContractCheck(items, extracted, outdated, conflicts, dp_context)


@dataclass(frozen=True)
class _Hit:
    item: str
    verdict: str
    name: str
    first: int  # index of the (first) passage matched
    quote: str
    joined: bool = False  # matched only on the passage joined to the next one


def _clause_groups(ps: list[Passage]) -> list[int]:
    """For each passage, the number of the clause it belongs to (consecutive passages under one heading)."""
    out, key, n = [], None, -1
    for p in ps:
        k = (p.clause, p.scope.partition(" :: ")[0] if " :: " in p.scope else "")
        if k != key:
            key, n = k, n + 1
        out.append(n)
    return out


def _matches(ps: list[Passage], groups: list[int], rules: list[Rule]) -> dict[str, list[_Hit]]:
    """Every rule hit, in document order; a negated "present" hit is recorded as "weak"."""
    found: dict[str, list[_Hit]] = {}
    for i, p in enumerate(ps):
        head, _, _ = p.scope.rpartition(" :: ")
        if DEFINITION.search(p.folded) or DEFINITIONS_HEADING.search(fold(p.clause)):
            continue
        views = [(p.scope or p.folded, p.folded, p.quote)]
        if i + 1 < len(ps) and groups[i + 1] == groups[i]:
            q = ps[i + 1]
            joined = f"{p.folded} {fold(q.text)}"
            views.append((f"{head} :: {joined}" if head else joined, joined, f"{p.quote} {q.text}"))
        for rule in rules:
            for n, (scoped, text, quote) in enumerate(views):
                if n == 1 and rule.verdict != PRESENT:
                    break  # only an undertaking is looked for across two sentences, not its weaker forms
                m = rule.pattern.search(text if rule.text_only else scoped)
                if not m:
                    continue
                verdict, name = rule.verdict, rule.name
                if n == 1:
                    name += "+next_sentence"
                if verdict == PRESENT:
                    target = text if rule.text_only else scoped
                    if NEGATION.search(target, max(0, m.start() - 150), m.end()):
                        verdict, name = WEAK, f"{name}+negated"
                    elif rule.item in DISCRETION_ITEMS and DISCRETION.search(target, max(0, m.start() - 100), m.end()):
                        verdict, name = WEAK, f"{name}+discretionary"
                found.setdefault(rule.item, []).append(_Hit(rule.item, verdict, name, i, quote, n == 1))
                break
    return found


def _restriction(ps: list[Passage], groups: list[int], clauses: set[int],
                 restrictions: list[Restriction]) -> tuple[Restriction, Passage] | None:
    """The first restriction of the item that stands in one of the given clauses, and its passage."""
    if not restrictions:
        return None
    for i, p in enumerate(ps):
        if groups[i] in clauses:
            for x in restrictions:
                if x.pattern.search(p.folded):
                    return x, p
    return None


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
