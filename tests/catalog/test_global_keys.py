"""The global (`g:`) condition keys are complete: shipped with their type and multiplicity,
and added to a database that already held the earlier list."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from catalog.models import ConditionKey

pytestmark = pytest.mark.django_db

# (name, type, multivalued) of keys the catalog lacked before IAM's schema came in
ADDED = [
    ("g:ResourceOrgId", "string", False),
    ("g:ResourceOrgPath", "string", False),
    ("g:ResourceAccount", "string", False),
    ("g:UserName", "string", False),
    ("g:UserId", "string", False),
    ("g:SourceIdentity", "string", False),
    ("g:CalledViaFirst", "string", False),
    ("g:CalledViaLast", "string", False),
    ("g:TokenIssueTime", "date", False),
    ("g:PrincipalServiceName", "string", False),
]


@pytest.mark.parametrize(("name", "value_type", "multivalued"), ADDED, ids=[a[0] for a in ADDED])
def test_the_shipped_global_keys_hold_the_key_with_its_type(name, value_type, multivalued):
    key = ConditionKey.objects.get(name=name)

    assert key.service_id is None
    assert (key.value_type, key.multivalued, key.request_wide) == (value_type, multivalued, True)
    assert key.description


def test_the_migration_adds_the_new_keys_to_a_database_that_had_the_old_list():
    ConditionKey.objects.filter(name__in=[a[0] for a in ADDED]).delete()
    kept = ConditionKey.objects.get(name="g:SourceIp")
    kept.description = "Edited by a maintainer."
    kept.save()
    migration = importlib.import_module("catalog.migrations.0004_schema_sync")

    migration.add_global_keys(apps, SimpleNamespace(connection=connection))

    assert set(ConditionKey.objects.values_list("name", flat=True)) >= {a[0] for a in ADDED}
    assert ConditionKey.objects.get(name="g:SourceIp").description == "Edited by a maintainer."


def test_a_new_key_is_offered_for_every_action_and_checked_by_type(client):
    response = client.post(
        "/api/v1/validate",
        {
            "document": {
                "Version": "5.0",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Action": "ims:images:share",
                        "Condition": {"NumberEquals": {"g:TokenIssueTime": "1"}},
                    }
                ],
            }
        },
        content_type="application/json",
    )

    codes = {f["code"] for f in response.json()["findings"]}
    assert "INVALID_CONDITION_KEY" not in codes
    assert "DATA_TYPE_MISMATCH" in codes
