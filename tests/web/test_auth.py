"""Logins: wrong passwords, rate limit, revoked sessions, CSRF, cookies and security headers."""

from registry import create_app


def test_wrong_password_is_refused_with_a_message_at_the_field(client, auth):
    auth.user("someone@test.example.com")
    response = auth.login("someone@test.example.com", "wrong password!!")
    assert response.status_code == 401
    assert "Adresse inconnue ou mot de passe erroné." in response.get_data(as_text=True)


def test_login_attempts_are_rate_limited(client, auth):
    auth.user("target@test.example.com")
    for _ in range(5):
        assert auth.login("target@test.example.com", "guess guess guess").status_code == 401
    blocked = auth.login("target@test.example.com", "correct horse battery")
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.get_data(as_text=True)


def test_session_cookie_replayed_after_logout_is_refused(client, auth, demo):
    auth.as_role("dpo")
    cookie = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    auth.logout()
    client.set_cookie("session", cookie)  # an attacker kept the old cookie
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_closes_every_session(app, client, auth, demo):
    auth.as_role("dpo")
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other, auth.session).login("dpo@test.example.com")
    assert other.get("/").status_code == 200
    page = client.get("/account/password").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/account/password", data={"csrf_token": token, "current": "correct horse battery",
                                                      "new": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert other.get("/").status_code == 302  # the other device was logged out too
    assert auth.login("dpo@test.example.com", "a brand new passphrase").status_code == 302


def test_login_without_csrf_token_is_refused(client, auth):
    auth.user("csrf@test.example.com")
    response = client.post("/login", data={"email": "csrf@test.example.com", "password": "correct horse battery"})
    assert response.status_code == 400


def test_pages_carry_a_csp_without_inline_script_and_security_headers(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_cookies_are_secure_httponly_samesite_outside_debug(database_url):
    app = create_app({"DATABASE_URL": database_url, "REGISTRY_BOOTSTRAP_ADMIN": False, "SECRET_KEY": "x" * 32})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    app.extensions["registry.engine"].dispose()


def test_api_token_created_in_the_ui_is_shown_once_stored_hashed_and_revocable(client, auth, demo):
    import re

    from sqlalchemy import select

    from registry.models import ApiToken

    auth.as_role("dpo")
    page = client.get("/account/tokens").get_data(as_text=True)
    csrf = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    created = client.post("/account/tokens", data={"csrf_token": csrf, "name": "nightly"}).get_data(as_text=True)
    clear = re.search(r'<code class="token">(rgt_[^<]+)</code>', created).group(1)
    assert clear not in client.get("/account/tokens").get_data(as_text=True)  # shown once
    token = demo.execute(select(ApiToken)).scalars().one()
    assert token.token_hash != clear and token.name == "nightly"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', created).group(1)
    client.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf})
    demo.expire_all()
    assert demo.get(ApiToken, token.id).revoked_at is not None
