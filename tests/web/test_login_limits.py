"""Failed logins are limited per account and per client address, counted atomically in the database."""

import re
import threading

import pytest

from registry import create_app
from tests.conftest import AuthActions

TOKEN = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORD = "correct horse battery"


def _post_login(client, email: str, password: str, **kwargs):
    token = TOKEN.search(client.get("/login", **kwargs).get_data(as_text=True)).group(1)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token}, **kwargs)


def test_a_parallel_burst_of_guesses_evaluates_at_most_the_account_limit(app, auth):
    auth.user("target@test.example.com")
    clients = [app.test_client() for _ in range(40)]
    tokens = [TOKEN.search(c.get("/login").get_data(as_text=True)).group(1) for c in clients]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def guess(client, token):
        start.wait()
        response = client.post("/login", data={"email": "target@test.example.com", "password": "guess guess guess",
                                               "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 401: the password was checked (and was wrong); 429: refused before any check.
    assert sorted(statuses) == [401] * 5 + [429] * 35


def test_another_accounts_failures_from_the_same_address_never_block_a_correct_login(client, auth):
    auth.user("target@test.example.com")
    auth.user("colleague@test.example.com")
    for _ in range(5):
        assert auth.login("target@test.example.com", "guess guess guess").status_code == 401
    blocked = auth.login("target@test.example.com", PASSWORD)
    assert blocked.status_code == 429
    assert "Trop de tentatives échouées sur ce compte" in blocked.get_data(as_text=True)
    assert auth.login("colleague@test.example.com", PASSWORD).status_code == 302


def test_the_address_limit_counts_failures_on_every_account(app, client, auth):
    app.config["REGISTRY_LOGIN_ADDRESS_LIMIT"] = 3
    for n in range(3):
        assert auth.login(f"nobody{n}@test.example.com", "guess guess guess").status_code == 401
    auth.user("colleague@test.example.com")
    blocked = auth.login("colleague@test.example.com", PASSWORD)
    assert blocked.status_code == 429
    assert "Trop de tentatives échouées depuis cette adresse" in blocked.get_data(as_text=True)


def test_a_correct_login_gives_back_its_slot(app, auth):
    auth.user("someone@test.example.com")
    for _ in range(4):
        assert auth.login("someone@test.example.com", "guess guess guess").status_code == 401
    for _ in range(3):  # each success gives back what it claimed: the fifth failure is still to come
        assert auth.login("someone@test.example.com", PASSWORD).status_code == 302
        auth.logout()
    assert auth.login("someone@test.example.com", "guess guess guess").status_code == 401
    assert auth.login("someone@test.example.com", PASSWORD).status_code == 429


def test_the_window_reopens_after_its_minutes(auth, clock):
    from datetime import timedelta

    auth.user("someone@test.example.com")
    for _ in range(5):
        auth.login("someone@test.example.com", "guess guess guess")
    assert auth.login("someone@test.example.com", PASSWORD).status_code == 429
    clock.now = clock.now + timedelta(minutes=16)
    assert auth.login("someone@test.example.com", PASSWORD).status_code == 302


@pytest.fixture
def proxied_app(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "REGISTRY_BOOTSTRAP_ADMIN": False, "REGISTRY_TRUSTED_PROXIES": ("127.0.0.1", "10.0.0.0/8"),
                      "REGISTRY_PROXY_HOPS": 1})
    app.config["REGISTRY_LOGIN_ADDRESS_LIMIT"] = 2
    yield app
    app.extensions["registry.engine"].dispose()


def test_behind_a_trusted_proxy_the_address_is_the_clients(proxied_app, session):
    client = proxied_app.test_client()
    first = {"headers": {"X-Forwarded-For": "203.0.113.5"}}
    for n in range(2):
        assert _post_login(client, f"nobody{n}@test.example.com", "guess guess guess", **first).status_code == 401
    assert _post_login(client, "nobody9@test.example.com", "guess guess guess", **first).status_code == 429
    # Another client behind the same proxy is not blocked by the first one's failures.
    other = {"headers": {"X-Forwarded-For": "198.51.100.7"}}
    assert _post_login(client, "nobody9@test.example.com", "guess guess guess", **other).status_code == 401


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(proxied_app):
    client = proxied_app.test_client()
    for n in range(2):
        forged = {"headers": {"X-Forwarded-For": f"198.51.100.{n}"}, "environ_base": {"REMOTE_ADDR": "192.0.2.9"}}
        assert _post_login(client, f"nobody{n}@test.example.com", "guess guess guess", **forged).status_code == 401
    forged = {"headers": {"X-Forwarded-For": "198.51.100.77"}, "environ_base": {"REMOTE_ADDR": "192.0.2.9"}}
    assert _post_login(client, "nobody7@test.example.com", "guess guess guess", **forged).status_code == 429


def test_the_sessions_page_shows_the_clients_address_behind_the_proxy(proxied_app, session):
    client = proxied_app.test_client()
    AuthActions(client, session).user("someone@test.example.com")
    headers = {"headers": {"X-Forwarded-For": "203.0.113.5"}}
    assert _post_login(client, "someone@test.example.com", PASSWORD, **headers).status_code == 302
    assert "203.0.113.5" in client.get("/account/sessions", **headers).get_data(as_text=True)


def test_counters_of_long_closed_windows_are_swept(auth, session, clock):
    from datetime import timedelta

    from sqlalchemy import func, select

    from registry.models import LoginCounter

    for n in range(3):
        auth.login(f"made-up-{n}@test.example.com", "guess guess guess")
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(LoginCounter)) == 4  # 3 accounts, 1 address
    clock.now = clock.now + timedelta(days=2)
    auth.login("made-up-9@test.example.com", "guess guess guess")
    session.expire_all()
    assert set(session.scalars(select(LoginCounter.key))) == {"account:made-up-9@test.example.com",
                                                              "address:127.0.0.1"}
