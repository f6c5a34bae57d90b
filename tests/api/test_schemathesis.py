"""Property-based run of the JSON API against its own OpenAPI document: no input may cause a server error."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from registry.services import users as accounts
from registry.services.organisations import get_by_slug

EXAMPLES_PER_OPERATION = 6


def test_no_generated_request_causes_a_server_error(app, demo):
    user = accounts.create_user(demo, "fuzz@test.example.com", "correct horse battery")
    accounts.grant(demo, user, get_by_slug(demo, "pilotim"), "dpo")
    _token, clear = accounts.create_token(demo, user, "schemathesis")
    demo.commit()
    headers = {"Authorization": f"Bearer {clear}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 1 + 7 * 6
    statuses: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            if case.path_parameters and "slug" in case.path_parameters:
                case.path_parameters["slug"] = "pilotim"  # a real organisation, so requests reach the services
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        run()
    assert len(statuses) >= len(operations)
    assert {200, 422} <= set(statuses)  # both accepted and refused inputs were generated
