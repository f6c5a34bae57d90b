"""How the contract checker scored on the labelled evaluation corpus, per item: data/contract_checker_scores.json.

The file is written by `python -m benchmarks contracts_evaluate --write-scores`; a test fails when it no longer
matches what the checker scores today, so the figures a DPO reads on the contract page stay true.
"""

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

FILE = "contract_checker_scores.json"


@dataclass(frozen=True)
class ItemScore:
    """Verdicts of one item a careful reviewer accepted, out of the labelled documents, and false "present"."""

    code: str
    accepted: int
    total: int
    false_present: int

    @property
    def share(self) -> float | None:
        return self.accepted / self.total if self.total else None


@dataclass(frozen=True)
class CheckerScores:
    date: str
    corpus: str
    split: str
    documents: int
    items: dict[str, ItemScore]
    terms: dict


@cache
def checker_scores() -> CheckerScores | None:
    """The shipped scores, or None when the project ships none (the page then says the item is unmeasured)."""
    path = resources.files(__package__).joinpath("data", FILE)
    if not path.is_file():
        return None
    doc = json.loads(path.read_text("utf-8"))
    items = {code: ItemScore(code, v["accepted"], v["total"], v["false_present"]) for code, v in doc["items"].items()}
    return CheckerScores(doc["date"], doc["corpus"], doc["split"], doc["documents"], items, doc.get("terms", {}))
