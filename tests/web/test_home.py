"""The home page lists the organisations the logged-in person belongs to."""


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_language_switch_is_remembered(client):
    assert "Connexion" in client.get("/login").get_data(as_text=True)
    client.get("/lang/en?next=/login")
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_language_switch_refuses_offsite_redirect(client):
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_home_lists_only_the_organisations_of_the_member(client, auth, demo):
    auth.as_role("dpo", orgs=("pilotim", "art-zone"))
    page = client.get("/").get_data(as_text=True)
    assert "PILOTIM" in page and "ART ZONE" in page
    assert "APEX TIMING" not in page and "GINGER MINDS" not in page
    assert "responsable et sous-traitant" in page


def test_demo_dpo_sees_the_five_demo_organisations(client, auth, demo):
    assert auth.login("dpo@demo.example.com", "demo-dpo-password").status_code == 302
    page = client.get("/").get_data(as_text=True)
    for name in ("PILOTIM", "APEX TIMING", "GINGER MINDS", "DEFI INFORMATIQUE", "ART ZONE"):
        assert name in page


def test_redirect_targets_stay_on_this_site(client):
    for target in ("//evil.example/", "/\\evil.example", "/\\/evil.example", "https://evil.example/",
                   "/\t/evil.example"):
        response = client.get("/lang/en", query_string={"next": target})
        assert response.headers["Location"] == "/", target
    assert client.get("/lang/en", query_string={"next": "/login?x=1"}).headers["Location"] == "/login?x=1"


def test_login_next_parameter_cannot_leave_the_site(client, auth):
    import re

    auth.user("next@test.example.com")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login?next=/%5Cevil.example", data={"email": "next@test.example.com",
                                                                  "password": "correct horse battery", "csrf_token": token})
    assert response.headers["Location"] == "/"
