"""The anchors' side of `bench_anchors.py`, run by the anchors' own virtualenv.

Not part of the project: it imports parliament (an AWS IAM policy linter) and cedarpy
(Cedar's Python bindings), which `make bench-anchors` installs into `.venv-anchors`, and
nothing of ours. It reads one JSON setup line (the IMS actions and, per IMS API, the action
its request asks for), then one command per line, `parliament N`, `parliament-warm N`,
`cedar N` or `cedar-parsed-once N`, and answers each with a JSON line of N CPU and wall times in ms.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

import cedarpy  # type: ignore[import-not-found]
import parliament  # type: ignore[import-not-found]

QUOTA = 5120
EC2 = (
    "ec2:RunInstances",
    "ec2:TerminateInstances",
    "ec2:StopInstances",
    "ec2:StartInstances",
    "ec2:CreateImage",
    "ec2:DeregisterImage",
    "ec2:CopyImage",
    "ec2:ModifyImageAttribute",
    "ec2:CreateSnapshot",
    "ec2:DeleteSnapshot",
    "ec2:CreateVolume",
    "ec2:DeleteVolume",
    "ec2:AttachVolume",
)


def aws_statement(i: int) -> dict[str, Any]:
    """The AWS twin of bench_engine's guardrail: three actions, a resource, two conditions."""
    return {
        "Sid": f"Guard{i}",
        "Effect": "Deny",
        "Action": [EC2[(i * 3 + k) % len(EC2)] for k in range(3)],
        "Resource": ["arn:aws:ec2:*:*:image/*"] if i % 2 else "*",
        "Condition": {
            "StringNotLike": {"aws:PrincipalOrgPaths": [f"o-abc/r-def/ou-{i}/*"]},
            "Bool": {"aws:MultiFactorAuthPresent": "false"},
        },
    }


def aws_policy() -> str:
    """As many statements as fit in 5,120 characters written with indent 2, padded to it:
    the size and shape of the largest IMS policy bench_engine analyses."""

    def text(n: int) -> str:
        statements = [aws_statement(i) for i in range(n)]
        return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)

    count = 1
    while len(text(count + 1)) <= QUOTA:
        count += 1
    written = text(count)
    return written + " " * (QUOTA - len(written))


def cedar_policies(actions: list[str]) -> str:
    """26 policies: everything permitted (FullAccess), and 25 forbids on one IMS action
    each unless MFA was used or the caller is in its org path (the IMS guardrails)."""
    policies = ["permit(principal, action, resource);"]
    for i in range(25):
        action = actions[i % len(actions)]
        policies.append(
            f'forbid(principal, action == Action::"{action}", resource) when '
            f'{{ context.mfa == false && !(context.orgPath like "o-abc/r-def/ou-{i}/*") }};'
        )
    return "\n".join(policies)


def cedar_requests(api_actions: list[str]) -> list[dict[str, Any]]:
    """One request per IMS API, as the preview asks one per API."""
    return [
        {
            "principal": 'User::"alice"',
            "action": f'Action::"{action}"',
            "resource": 'Image::"img-1"',
            "context": {"mfa": False, "orgPath": "o-abc/r-def/ou-1/x"},
        }
        for action in api_actions
    ]


def times(
    fn: Callable[[], object], count: int, before: Callable[[], object] | None = None
) -> dict[str, list[float]]:
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(count):
        if before is not None:
            before()  # untimed
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return {"cpu": cpu, "wall": wall}


def main() -> None:
    setup = json.loads(sys.stdin.readline())
    policy = aws_policy()
    policies = cedar_policies(setup["actions"])
    parsed = cedarpy.PolicySet.from_str(policies)
    requests = cedar_requests(setup["api_actions"])
    lint = lambda: parliament.analyze_policy_string(policy)  # noqa: E731
    work: dict[str, Callable[[], object]] = {
        "parliament": lint,
        "parliament-warm": lint,
        "cedar": lambda: cedarpy.is_authorized_batch(requests, policies, []),
        "cedar-parsed-once": lambda: cedarpy.is_authorized_batch(requests, parsed, []),
    }
    for fn in work.values():
        fn()  # parliament reads its IAM definitions on first use
    info = {
        "policy_chars": len(policy),
        "cedar_policies": policies.count(";"),
        "cedar_requests": len(requests),
        "parliament_findings": len(parliament.analyze_policy_string(policy).findings),
    }
    print(json.dumps(info), flush=True)
    for line in sys.stdin:
        name, count = line.split()
        # A policy never seen, as ours is timed: parliament keeps each action pattern's
        # expansion over its IAM definitions (expand_action, an lru_cache keyed by the
        # policy's text), so it is emptied before each run. `parliament-warm` keeps it.
        before = parliament.expand_action.cache_clear if name == "parliament" else None
        print(json.dumps(times(work[name], int(count), before)), flush=True)


if __name__ == "__main__":
    main()
