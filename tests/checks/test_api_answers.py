"""Validate and preview answer the engine's own JSON (the command line prints the same); the
serializers the schema is made from describe it. Every key the engine writes is described,
and every key described as required is written, at every level."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework import serializers

from scpstudio.checks.serializers import PreviewSerializer, ValidationSerializer

pytestmark = pytest.mark.django_db

# Findings with a fix, choices, suggestions and spans; a conditional deny (decided_by,
# conditions, conditional links); a context value its key cannot hold.
DOCUMENT = json.dumps(
    {
        "Version": "5.0",
        "Statement": [
            {"Effect": "Deny", "Action": ["ims:images:shareAll", "ims:*"], "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "ims:images:copyInRegion",
                "Resource": "*",
                "Condition": {"bool": {"ims:Encrypted": ["false"]}},
            },
        ],
    },
    indent=2,
)
CONTEXT = {"region": "cn-north-4", "keys": {"ims:Encrypted": ["maybe"]}}


def _mismatches(value: Any, serializer: Any, where: str = "") -> list[str]:
    if isinstance(serializer, serializers.ListSerializer):
        child = serializer.child
        return [m for i, item in enumerate(value) for m in _mismatches(item, child, f"{where}/{i}")]
    fields = serializer.fields
    out = [f"{where}/{key} is written but not described" for key in value if key not in fields]
    for name, field in fields.items():
        if name not in value:
            if field.required:
                out.append(f"{where}/{name} is described as required but not written")
            continue
        if isinstance(field, serializers.BaseSerializer) and value[name] is not None:
            out += _mismatches(value[name], field, f"{where}/{name}")
    return out


@pytest.mark.parametrize(
    ("url", "serializer"),
    [("/api/v1/validate", ValidationSerializer), ("/api/v1/preview", PreviewSerializer)],
)
def test_every_key_of_the_answer_is_described_and_every_required_one_written(
    client, url, serializer
):
    body = {"document": DOCUMENT, "context": CONTEXT}

    answer = client.post(url, json.dumps(body), content_type="application/json").json()

    assert _mismatches(answer, serializer()) == []
    assert answer.get("findings") or answer.get("context_problems")  # the example is rich
