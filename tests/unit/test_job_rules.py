"""Rules of background jobs: which exports are identical, the bar's percentage, who may cancel."""

import pytest

from registry.domain import jobs


def test_the_same_export_of_the_same_organisation_has_the_same_key_and_any_difference_another():
    key = jobs.params_key("register", 1, {"lang": "fr"})
    assert key == jobs.params_key("register", 1, {"lang": "fr"})
    assert len({key, jobs.params_key("register", 1, {"lang": "en"}), jobs.params_key("register", 2, {"lang": "fr"}),
                jobs.params_key("annexes", 1, {"lang": "fr"})}) == 4


@pytest.mark.parametrize(("done", "total", "percent"), [(0, 0, 0), (0, 3, 0), (1, 3, 33), (3, 3, 100), (4, 3, 100)])
def test_the_bar_shows_whole_percents_and_never_passes_the_end(done, total, percent):
    assert jobs.progress_percent(done, total) == percent


@pytest.mark.parametrize(("requested_by", "user", "role", "may"), [
    (7, 7, "auditor", True),  # one's own export, whatever the role
    (7, 8, "dpo", False),  # another person's
    (7, 8, "admin", True),  # an admin of the organisation stops anything
    (None, 8, "dpo", False),  # started from the shell
])
def test_who_may_cancel_an_export(requested_by, user, role, may):
    assert jobs.may_cancel(requested_by, user, role) is may


def test_final_states_are_the_three_ends():
    assert [s for s in ("queued", "running", "done", "failed", "cancelled") if jobs.is_final(s)] == \
        ["done", "failed", "cancelled"]
