"""A library worth backing up, built through the services, and its export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from scpstudio.policies import services
from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion
from tests.policies.commands import run
from tests.policies.library import GET_DENIED, SHARE_DENIED, deny, policy_text

# Texts a backup must give back byte for byte: CRLF, tabs, no final newline, U+2028 inside
# a string, characters outside the BMP, a draft that is not JSON.
ODD_TEXT = (
    '{"Version":"5.0",\r\n\t"Statement":[{"Effect":"Deny","Action":"ims:images:share",'
    '"Resource":"*","Sid":"A\u2028B"}]}   '
)
UNICODE_TEXT = policy_text(deny("ims:images:share", Sid="\u56fe\u50cf")) + "\n\U0001f512"
BROKEN_TEXT = '{"Version": "5.0", "Statement": ['


def build_library() -> dict[str, Any]:
    """Users (staff, inactive, superuser, one gone), policies with versions by several
    authors, shares both ways, a profile changed after the last text (a version of its own)."""
    users = get_user_model()
    alice = users.objects.create_user(
        "alice", "alice@example.com", "pw-alice-123", first_name="Alice", last_name="Liddell"
    )
    bob = users.objects.create_user("bob", "", "pw-bob-123", is_active=False)
    carol = users.objects.create_superuser("carol", "carol@example.com", "pw-carol-123")
    dave = users.objects.create_user("dave", "dave@example.com", "pw-dave-123", is_staff=True)
    guard = services.create_policy(
        owner=alice, name="Guardrails", description="IMS \u2014 no sharing", document=SHARE_DENIED
    )
    services.share_policy(user=alice, policy=guard, with_user=carol, can_edit=True)
    services.share_policy(user=alice, policy=guard, with_user=bob)
    services.share_policy(user=alice, policy=guard, with_user=dave, can_edit=True)
    services.save_version(
        user=carol, policy=guard, document=ODD_TEXT, base_version=1, message="odd"
    )
    services.save_version(
        user=dave, policy=guard, document=UNICODE_TEXT, base_version=2, message="\u00e9t\u00e9"
    )
    services.save_version(user=alice, policy=guard, document=GET_DENIED, base_version=3)
    draft = services.create_policy(
        owner=carol, name="Draft 2", document=BROKEN_TEXT, profile="scp-2024"
    )
    services.update_policy_details(user=carol, policy=draft, profile="identity")
    services.create_policy(owner=alice, name="A first", document=GET_DENIED, profile="identity")
    # A whole-second time is written with its microseconds like any other.
    Policy.objects.filter(pk=draft.pk).update(
        created_at=dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=dt.UTC)
    )
    # Dave leaves: his version stays, without an author.
    PolicyShare.objects.filter(user=dave).delete()
    dave.delete()
    return {"alice": alice, "bob": bob, "carol": carol}


def empty_library() -> None:
    """What a fresh database holds of the library: nothing (the catalog stays)."""
    PolicyShare.objects.all().delete()
    PolicyVersion.objects.all().delete()
    Policy.objects.all().delete()
    get_user_model().objects.all().delete()


def export(tmp_path: Any, name: str = "backup.json", *args: str) -> bytes:
    path = tmp_path / name
    code, _, err = run("export_data", "--output", str(path), *args)
    assert code == 0, err
    return path.read_bytes()
