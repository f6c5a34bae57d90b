"""The signed link of a change notice (Art. 28(2)) and the client's answer through it, recorded with the same
service calls as an answer the DPO types in."""

from datetime import date

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session

from registry.domain import notice_links as rules
from registry.domain.refusals import Message
from registry.models import ChangeObjection, ChangeObjectionCreate, ClientController, SubProcessorChange
from registry.services import changes as svc

# A salt of its own: a token of another signed thing of the app (session cookie, CSRF) never reads as a link.
SALT = "registry.change-notice-link.v1"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def make_token(secret_key: str, change_id: int, client_id: int) -> str:
    """The token of one client's link to one change. It carries no date: the link's end is read from the notice's
    deadline when it is opened, so a notice recorded as sent later moves it (see `rules.link_state`)."""
    return _serializer(secret_key).dumps({"change": change_id, "client": client_id})


def client_of_token(secret_key: str, change_id: int, token: str) -> int | None:
    """The client the token was made for, or None when it is tampered with or made for another change."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("change") != change_id or not isinstance(data.get("client"), int):
        return None
    return data["client"]


def actor_of(client: ClientController) -> str:
    """Who the audit trail names for an answer given through the link."""
    return f"client via link: {client.legal_name}"[:254]


def link_state(change: SubProcessorChange, client_id: int, today: date, grace_days: int) -> rules.LinkState:
    notice = svc._notice(change, client_id)
    return rules.link_state(today, notice.deadline or change.notice_date, change.status, grace_days)


def answer(session: Session, change: SubProcessorChange, client: ClientController, answer: str, grounds: str | None,
           today: date, grace_days: int) -> ChangeObjection | SubProcessorChange:
    """Art. 28(2): the client acknowledges the change or objects to it through its link, until its own deadline.
    Recorded by `record_acknowledgement` / `record_objection`, as when the DPO types the answer; flush only."""
    state = link_state(change, client.id, today, grace_days)
    if not state.is_open:
        raise svc.ChangeRefused(Message("the window to object closed on %(day)s", {"day": state.deadline}), "answer")
    problem = rules.answer_problem(answer, grounds)
    if problem == "grounds":
        raise svc.ChangeRefused(Message("give the reasons of the objection"), "grounds")
    if problem:
        raise svc.ChangeRefused(Message("choose to acknowledge the change or to object"), "answer")
    who = actor_of(client)
    if answer == "acknowledge":
        return svc.record_acknowledgement(session, change, client.id, today, who)
    return svc.record_objection(session, change, ChangeObjectionCreate(
        client_id=client.id, received_on=today, grounds=grounds.strip()), who)
