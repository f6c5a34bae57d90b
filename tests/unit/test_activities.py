"""Art. 30(1) and 30(2) completeness of processing activities, each missing item with its article letter."""

from registry.domain.activities import ActivityFacts, PurposeFacts, activity_flags

COMPLETE = ActivityFacts(
    role="controller",
    purposes=(PurposeFacts("Gérer la relation contractuelle", "art6_1_b"),),
    data_subjects=("business_contacts",),
    data_categories=("identity",),
    recipients=("internal",),
    retention_rules=1,
    measures=1,
)


def flags(**changes):
    return activity_flags(ActivityFacts(**{**COMPLETE.__dict__, **changes}))


def test_complete_controller_activity_has_no_flag():
    assert activity_flags(COMPLETE) == []


def test_each_missing_controller_item_names_its_art30_1_letter():
    found = {f.code: f.article for f in activity_flags(ActivityFacts(role="controller", organisation_identified=False))}
    assert found["controller_identity_missing"] == "Art. 30(1)(a)"
    assert found["purposes_missing"] == "Art. 30(1)(b)"
    assert found["data_subjects_missing"] == "Art. 30(1)(c)"
    assert found["data_categories_missing"] == "Art. 30(1)(c)"
    assert found["recipients_missing"] == "Art. 30(1)(d)"
    assert found["retention_missing"] == "Art. 30(1)(f)"
    assert found["measures_missing"] == "Art. 30(1)(g)"


def test_each_purpose_needs_its_own_legal_basis():
    result = flags(purposes=(PurposeFacts("Contrat", "art6_1_b"), PurposeFacts("Prospection")))
    assert [(f.code, f.article) for f in result] == [("legal_basis_missing", "Art. 6(1)")]
    assert "Prospection" in result[0].message("fr")


def test_special_categories_need_an_art9_condition():
    assert [f.code for f in flags(data_categories=("identity", "health"))] == ["art9_condition_missing"]
    ok = flags(data_categories=("health",), purposes=(PurposeFacts("Soins", "art6_1_c", "art9_2_h"),))
    assert ok == []


def test_transfers_missing_from_the_record_name_the_country():
    result = flags(unrecorded_transfer_countries=("US",))
    assert [(f.code, f.article) for f in result] == [("transfer_not_recorded", "Art. 30(1)(e)")]


def test_processor_activity_needs_its_controllers_and_categories_of_processing():
    found = {f.code: f.article for f in activity_flags(ActivityFacts(role="processor"))}
    assert found["controller_not_recorded"] == "Art. 30(2)(a)"
    assert found["processing_categories_missing"] == "Art. 30(2)(b)"
    assert found["measures_missing"] == "Art. 30(2)(d)"
    assert "purposes_missing" not in found  # purposes and legal bases are the controller's record


def test_processor_activity_flags_clients_without_contact_and_uncovered_transfers():
    result = activity_flags(ActivityFacts(role="processor", description="Hébergement", client_names=("A", "B"),
                                          clients_without_contact=("B",), data_subjects=("users",),
                                          data_categories=("identity",), measures=1,
                                          uncovered_transfers=("OpenAI, L.L.C.",)))
    assert [(f.code, f.article) for f in result] == [
        ("client_contact_missing", "Art. 30(2)(a)"),
        ("transfer_without_safeguards", "Art. 30(2)(c); Art. 46(1)"),
    ]


def test_a_flag_cites_its_article_in_the_reader_s_language():
    """French pages showed "CJEU C-311/18" and "second subparagraph"."""
    from registry.domain.flags import Flag

    flag = Flag("tia_missing", "Art. 46(1); CJEU C-311/18 (Schrems II)", "tia_date", "warning")
    assert flag.cite("fr") == "Art. 46(1); CJUE C-311/18 (Schrems II)" and flag.cite("en") == flag.article
    assert Flag("x", "Art. 28(3), second subparagraph").cite("fr") == "Art. 28(3), second alinéa"
