"""The REST API is what its OpenAPI schema says: schemathesis reads /api/v1/schema/ from the
live server and sends, for every operation, requests the schema allows and requests it
refuses, signed in with HTTP Basic as a user owning a policy. Every answer must be a
status, media type and body the schema documents for that operation, never a server
error, and a request the schema refuses must be refused.

Bounded and repeatable: EXAMPLES per operation and kind, derandomized (the same requests on
every run), without shrinking; a failure names the operation, what the schema says, what
the server answered, and the curl command that reproduces it.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from scpstudio.policies import services
from tests.policies.library import GET_DENIED, SHARE_DENIED, make_user

EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
RUN = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
OWNER, PASSWORD = "schema", "pw-schema-123"


@pytest.fixture
def library(live_server, transactional_db, settings) -> dict[str, Any]:
    """A user owning a policy with two versions, shared with another user."""
    # HTTP Basic checks the password on every request: with the production hasher that is
    # most of each request's time (a deliberately slow key derivation).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    owner = make_user(OWNER)
    owner.set_password(PASSWORD)
    owner.save()
    reader = make_user("reader")
    policy = services.create_policy(owner=owner, name="Guardrails", document=SHARE_DENIED)
    services.save_version(user=owner, policy=policy, document=GET_DENIED, base_version=1)
    services.share_policy(user=owner, policy=policy, with_user=reader)
    return {"owner": owner, "policy": policy}


def test_every_operation_answers_what_the_schema_says(live_server, library):
    # 127.0.0.1, not localhost: the name may be tried over IPv6 first on every request
    base = live_server.url.replace("localhost", "127.0.0.1")
    config = schemathesis.Config.from_dict(
        {"seed": 15, "auth": {"basic": {"username": OWNER, "password": PASSWORD}}}
    )
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/schema/?format=json", config=config)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failure = _try(operation, mode, library)
            if failure:
                failures.append(f"{operation.label} ({mode.value} data): {failure}")

    assert not failures, "\n\n".join(failures)
    assert len(operations) == 30, [o.label for o in operations]  # every one was tried


def _try(operation: Any, mode: GenerationMode, library: dict[str, Any]) -> str:
    """'' when every generated request of `operation` passes every check, else why not."""

    @RUN
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        _aim_at_the_library(case, library)
        case.call_and_validate(checks=CHECKS)

    try:
        check()
    except Unsatisfiable:  # no request of this kind exists (a path with any text allowed)
        return ""
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
        return str(exc)[:4000]
    return ""


def _aim_at_the_library(case: Any, library: dict[str, Any]) -> None:
    """Point a valid policy id at the fixture's policy (a random one is only ever 404);
    a DELETE of it gets a policy of its own, so the operations after it still find one.
    An id that is itself the invalid part of a request stays as generated."""
    path = case.path_parameters or {}
    if not str(path.get("policy_id", "")).isdigit():
        return
    policy = library["policy"]
    if case.method == "DELETE" and case.path == "/api/v1/policies/{policy_id}/":
        count = policy.owner.policies.count()
        policy = services.create_policy(
            owner=library["owner"], name=f"Doomed {count}", document=SHARE_DENIED
        )
    path["policy_id"] = policy.pk
    if str(path.get("number", "")).isdigit() and int(path["number"]) > 2:
        path["number"] = 1 + int(path["number"]) % 2
