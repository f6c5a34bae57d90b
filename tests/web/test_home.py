"""The home page lists the organisations of the register."""


def test_home_lists_no_organisation_on_an_empty_register(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "seed-demo" in page.get_data(as_text=True)


def test_language_switch_is_remembered(client):
    assert "Organismes" in client.get("/").get_data(as_text=True)
    client.get("/lang/en?next=/")
    assert "Organisations" in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_offsite_redirect(client):
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_home_lists_the_demo_organisations_with_counts(client, runner):
    runner.invoke(args=["seed-demo"])
    page = client.get("/").get_data(as_text=True)
    for name in ("PILOTIM", "APEX TIMING", "GINGER MINDS", "DEFI INFORMATIQUE", "ART ZONE"):
        assert name in page
    assert "responsable et sous-traitant" in page
