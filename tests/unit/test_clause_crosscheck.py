"""Cross-check of contract terms against the register: each kind of difference, and silence when they agree."""

from registry.domain.contracts.crosscheck import RecordedTransfer, RegisterFacts, cross_check, name_key


def codes(terms: dict, register: RegisterFacts) -> list[str]:
    return [f.code for f in cross_check(terms, register)]


def test_sub_processor_named_in_contract_but_not_recorded_and_the_reverse():
    terms = {"subprocessors": [{"name": "OpenAI L.L.C", "country": None}, {"name": "YouSign", "country": None}]}
    findings = cross_check(terms, RegisterFacts(subprocessor_names=("OpenAI, L.L.C.", "Gandi")))
    assert [(f.code, f.values["name"]) for f in findings] == [("named_not_recorded", "YouSign"),
                                                            ("recorded_not_named", "Gandi")]
    assert "YouSign" in findings[0].as_dict("fr")["message"]


def test_names_compare_on_their_first_word_whatever_the_punctuation():
    assert name_key("OpenAI, L.L.C.") == name_key("OpenAI L.L.C") == "openai"
    assert name_key("Bien’Ici") == name_key("Bien'Ici")


def test_stored_only_in_eu_against_a_recorded_transfer_outside_the_eea():
    terms = {"stored_only_in_eu": True}
    register = RegisterFacts(transfers=(RecordedTransfer("Hosting Inc.", "US", "scc"),
                                        RecordedTransfer("Backup SARL", "DE", None)))
    findings = cross_check(terms, register)
    assert [f.code for f in findings] == ["eu_only_but_transfers_recorded"]
    assert findings[0].values["destinations"] == ["US"]


def test_eu_only_agrees_with_transfers_inside_the_eea():
    assert codes({"stored_only_in_eu": True}, RegisterFacts(transfers=(RecordedTransfer("X", "IE", None),))) == []


def test_transfers_recorded_while_the_contract_names_no_mechanism():
    assert codes({}, RegisterFacts(non_eea_locations=("US",))) == ["transfers_recorded_contract_silent"]


def test_recorded_mechanism_other_than_the_contract_s():
    register = RegisterFacts(transfers=(RecordedTransfer("Cloud", "US", "dpf"),))
    assert codes({"transfer_mechanisms": ["scc"]}, register) == ["mechanism_differs"]
    assert codes({"transfer_mechanisms": ["scc_2021"]}, RegisterFacts(transfers=(RecordedTransfer("C", "US", "scc"),))) == []


def test_contract_retention_without_a_matching_rule_is_listed_once():
    periods = [{"value": 5, "unit": "year", "quote": "5 ans"}, {"value": 5, "unit": "year", "quote": "cinq ans"},
               {"value": 1, "unit": "month", "quote": "un mois"}]
    findings = cross_check({"retention": periods}, RegisterFacts(retention=((1, "month"),)))
    assert [(f.code, f.values["value"]) for f in findings] == [("retention_not_in_register", 5)]


def test_breach_delay_longer_than_the_client_s_is_reported():
    assert codes({"breach_notice_hours": 72}, RegisterFacts(breach_notice_hours=48)) == ["breach_delay_longer_than_register"]
    assert codes({"breach_notice_hours": 24}, RegisterFacts(breach_notice_hours=48)) == []


def test_breach_wording_without_figure_against_a_client_delay_in_hours():
    findings = cross_check({"breach_notice_hours": "dans les meilleurs délais"}, RegisterFacts(breach_notice_hours=24))
    assert [f.code for f in findings] == ["breach_delay_not_in_hours"]
    assert codes({"breach_notice_hours": "dans les meilleurs délais"},
                 RegisterFacts(breach_notice_undue_delay=True)) == []


def test_breach_delay_stated_by_contract_but_not_recorded():
    assert codes({"breach_notice_hours": 48}, RegisterFacts()) == ["breach_delay_not_recorded"]


def test_objection_period_differs_from_the_register():
    assert codes({"objection_period_days": 15}, RegisterFacts(objection_period_days=30)) == ["objection_period_differs"]
    assert codes({"objection_period_days": 15}, RegisterFacts(objection_period_days=15)) == []
