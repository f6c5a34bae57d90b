"""The link a client receives with a change notice (Art. 28(2)): while it answers, and while the client may still
acknowledge the change or object to it."""

from dataclasses import dataclass
from datetime import date, timedelta

# After its deadline the link still shows the client the change and its own answer for this many days, so that a
# late click says "the window closed on ..." rather than "no such page"; then it is refused as expired (410).
DEFAULT_GRACE_DAYS = 60
ANSWERS = ("acknowledge", "object")
OPEN_STATUSES = ("planned", "notified")


@dataclass(frozen=True)
class LinkState:
    """`status`: "open" (the client may answer), "closed" (it may only read) or "expired" (the link is refused);
    `why` says what closed it: "deadline", "effective" or "cancelled"."""

    status: str
    deadline: date
    expires_on: date
    why: str = ""

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def link_expires_on(deadline: date, grace_days: int = DEFAULT_GRACE_DAYS) -> date:
    """The last day the link answers: the client's own deadline plus the grace period."""
    return deadline + timedelta(days=max(grace_days, 0))


def link_state(today: date, deadline: date, change_status: str, grace_days: int = DEFAULT_GRACE_DAYS) -> LinkState:
    """Art. 28(2): the client may object until its own deadline (the notice says "until ... inclusive") while the
    change is still planned; after that the link only reads, and after the grace period it is refused."""
    expires = link_expires_on(deadline, grace_days)
    if today > expires:
        return LinkState("expired", deadline, expires, "deadline")
    if change_status not in OPEN_STATUSES:
        return LinkState("closed", deadline, expires, change_status)
    if today > deadline:
        return LinkState("closed", deadline, expires, "deadline")
    return LinkState("open", deadline, expires)


def answer_problem(answer: str, grounds: str | None) -> str | None:
    """What is wrong with a client's answer, or None: an objection states its reasons (Art. 28(2) asks the processor
    to let the client object; the reasons are what the DPO must weigh)."""
    if answer not in ANSWERS:
        return "answer"
    if answer == "object" and not (grounds or "").strip():
        return "grounds"
    return None
