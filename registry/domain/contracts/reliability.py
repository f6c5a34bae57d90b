"""Which verdicts of the clause checker a person must read twice: items it got right too rarely on the corpus."""

from dataclasses import dataclass

from registry.reference.checker_scores import CheckerScores, ItemScore, checker_scores

# An item whose verdicts were accepted less often than this on the evaluation corpus is shown "to verify":
# its verdict is only a suggestion (issue 16: a DPO must know which verdicts to read twice).
RELIABLE_SHARE = 0.8


@dataclass(frozen=True)
class Reliability:
    """The checker's measured record on one item, and whether its verdict stands or is to verify."""

    code: str
    score: ItemScore | None

    @property
    def measured(self) -> bool:
        return self.score is not None and bool(self.score.total)

    @property
    def to_verify(self) -> bool:
        """Below RELIABLE_SHARE on the corpus; an item the corpus does not measure is to verify too."""
        return not self.measured or self.score.share < RELIABLE_SHARE


def item_reliability(code: str, scores: CheckerScores | None = None) -> Reliability:
    """The record of item `code` in `scores` (default: the shipped scores)."""
    scores = scores if scores is not None else checker_scores()
    return Reliability(code, scores.items.get(code) if scores else None)
