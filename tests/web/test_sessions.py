"""Login sessions end on the server after their idle and absolute lifetimes; a user ends their other sessions."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from registry.models import LoginSession
from tests.conftest import AuthActions

EXPIRED = "Votre session a expiré : reconnectez-vous."


def _rows(session, email: str) -> list[LoginSession]:
    from registry.services.users import find_user

    session.expire_all()
    user = find_user(session, email)
    return list(session.execute(select(LoginSession).where(LoginSession.user_id == user.id)
                                .order_by(LoginSession.created_at)).scalars())


def _refused_with_message(client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert EXPIRED in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/").status_code == 302  # and it stays refused


def test_a_session_backdated_14_months_is_refused_and_revoked(client, auth, demo):
    email = auth.as_role("dpo")
    assert client.get("/").status_code == 200
    row = _rows(demo, email)[0]
    long_ago = row.created_at - timedelta(days=426)
    demo.execute(update(LoginSession).where(LoginSession.id == row.id)
                 .values(created_at=long_ago, last_seen_at=long_ago))
    demo.commit()
    _refused_with_message(client)
    assert _rows(demo, email)[0].revoked_at is not None


def test_a_session_unused_for_the_idle_lifetime_ends(client, auth, demo, clock):
    auth.as_role("dpo")
    clock.now = clock.now + timedelta(hours=7)
    assert client.get("/").status_code == 200  # used: the idle clock starts again
    clock.now = clock.now + timedelta(hours=7)
    assert client.get("/").status_code == 200
    clock.now = clock.now + timedelta(hours=8, minutes=1)
    _refused_with_message(client)


def test_a_session_in_use_ends_at_its_absolute_lifetime(client, auth, demo, clock):
    auth.as_role("dpo")
    opened = clock.now
    while clock.now - opened < timedelta(days=29, hours=18):
        clock.now = clock.now + timedelta(hours=6)
        assert client.get("/").status_code == 200
    clock.now = opened + timedelta(days=30)
    _refused_with_message(client)


def test_the_lifetimes_are_configurable(app, client, auth, demo, clock):
    app.config["REGISTRY_SESSION_IDLE_MINUTES"] = 30
    auth.as_role("dpo")
    clock.now = clock.now + timedelta(minutes=31)
    _refused_with_message(client)


def _token(client) -> str:
    """The login session id a client's signed cookie carries."""
    with client.session_transaction() as cookie:
        return cookie["_user_id"]


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_sessions_page_lists_the_users_sessions_and_ends_the_others(app, client, auth, demo):
    email = auth.as_role("dpo")
    laptop, phone = app.test_client(), app.test_client()
    AuthActions(laptop, demo).login(email)
    AuthActions(phone, demo).login(email)
    client.get("/lang/en")
    page = client.get("/account/sessions").get_data(as_text=True)
    assert page.count("End this session") == 2 and "this session" in page
    assert all(row.id not in page for row in _rows(demo, email))  # the tokens are credentials: never shown
    handles = re.findall(r'name="session" value="([0-9a-f]{16})"', page)
    from registry.services.users import session_handle

    own, phone_token = _token(client), _token(phone)
    assert sorted(handles) == sorted(session_handle(t) for t in (_token(laptop), phone_token))
    done = client.post("/account/sessions/end", data={"csrf_token": _csrf(page), "session": session_handle(phone_token)})
    assert done.status_code == 302 and "1 session ended." in client.get("/account/sessions").get_data(as_text=True)
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 200
    page = client.get("/account/sessions").get_data(as_text=True)
    client.post("/account/sessions/end", data={"csrf_token": _csrf(page)})
    assert laptop.get("/").status_code == 302
    assert client.get("/").status_code == 200  # this session stays
    assert [r.id for r in _rows(demo, email) if r.revoked_at is None] == [own]


def test_a_user_cannot_end_someone_elses_session(app, client, auth, demo):
    auth.as_role("dpo")
    other = app.test_client()
    AuthActions(other, demo).as_role("auditor")
    from registry.services.users import session_handle

    victim = _rows(demo, "auditor@test.example.com")[0]
    page = client.get("/account/sessions").get_data(as_text=True)
    response = client.post("/account/sessions/end", data={"csrf_token": _csrf(page), "session": session_handle(victim.id)})
    assert response.status_code == 404
    assert other.get("/").status_code == 200


def test_the_sessions_page_speaks_french(app, client, auth, demo):
    email = auth.as_role("dpo")
    AuthActions(app.test_client(), demo).login(email)
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Une session prend fin après 8 heures sans utilisation et 30 jours après la connexion." in page
    assert "cette session" in page and "Fermer cette session" in page and "Fermer toutes les autres sessions" in page
