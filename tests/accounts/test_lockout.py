"""Failed sign-ins lock the account and the address for a while, on the login page, over
HTTP Basic and with API tokens alike, and the answer says until when."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from scpstudio.accounts import services
from tests.accounts.helpers import basic, json_body, script, token_client
from tests.policies.api_helpers import send, url

pytestmark = pytest.mark.django_db
LIMIT = settings.AXES_FAILURE_LIMIT
UNTIL = re.compile(r"locked until (\d\d):(\d\d) UTC \((\d{4}-\d\d-\d\d)\)")


def _log_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _locked_until(sentence: str):
    hours, minutes, day = UNTIL.search(sentence).groups()
    return day, int(hours) * 60 + int(minutes)


def _expected_end():
    end = timezone.now() + settings.AXES_COOLOFF_TIME
    return f"{end:%Y-%m-%d}", end.hour * 60 + end.minute


def test_the_limit_is_a_handful_and_the_lock_a_while():
    assert 3 <= LIMIT <= 10
    assert timedelta(minutes=5) <= settings.AXES_COOLOFF_TIME <= timedelta(hours=1)


# -- the login page --------------------------------------------------------------------------


def test_wrong_passwords_lock_the_login_and_the_page_says_until_when(client, alice):
    for _ in range(LIMIT - 1):
        wrong = _log_in(client, "alice", "nope")
        assert wrong.status_code == 200
        assert "correct username and password" in wrong.content.decode()

    last_wrong = _log_in(client, "alice", "nope")
    right = _log_in(client, "alice", "pw-alice-123")

    for response in (last_wrong, right):
        assert response.status_code == 429
        page = response.content.decode()
        assert 'role="alert"' in page and "Too many failed sign-ins" in page
        day, minute = _locked_until(page)
        expected_day, expected_minute = _expected_end()
        assert day == expected_day and abs(minute - expected_minute) <= 1
        assert 'name="password"' in page  # the form is still there, to try later
    assert not right.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session


def test_a_locked_account_is_locked_from_every_address(alice):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(LIMIT):
        _log_in(attacker, "alice", "nope")

    owner = _log_in(Client(REMOTE_ADDR="198.51.100.2"), "alice", "pw-alice-123")

    assert owner.status_code == 429


def test_a_locked_address_is_locked_for_every_account(alice, bob):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(LIMIT):
        _log_in(attacker, f"guess{n}", "nope")

    same_address = _log_in(attacker, "bob", "pw-bob-123")
    elsewhere = _log_in(Client(REMOTE_ADDR="198.51.100.2"), "bob", "pw-bob-123")

    assert same_address.status_code == 429
    assert elsewhere.status_code == 302


def test_tries_while_locked_do_not_move_the_end(client, alice):
    for _ in range(LIMIT):
        _log_in(client, "alice", "nope")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=5))
    before = _locked_until(_log_in(client, "alice", "nope").content.decode())

    after = _locked_until(_log_in(client, "alice", "nope").content.decode())

    assert before == after
    assert AccessAttempt.objects.get().failures_since_start == LIMIT


def test_the_lock_ends_after_the_cool_off(client, alice):
    for _ in range(LIMIT):
        _log_in(client, "alice", "nope")
    assert _log_in(client, "alice", "pw-alice-123").status_code == 429

    passed = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - passed)

    assert _log_in(client, "alice", "pw-alice-123").status_code == 302


def test_axes_reset_unlocks_everyone(client, alice):
    for _ in range(LIMIT):
        _log_in(client, "alice", "nope")

    call_command("axes_reset")

    assert _log_in(client, "alice", "pw-alice-123").status_code == 302


def test_axes_reset_username_unlocks_one_account(alice, bob):
    for n in range(LIMIT):
        _log_in(Client(REMOTE_ADDR=f"203.0.113.{n}"), "alice", "nope")
        _log_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), "bob", "nope")

    call_command("axes_reset_username", "alice")

    assert _log_in(Client(), "alice", "pw-alice-123").status_code == 302
    assert _log_in(Client(), "bob", "pw-bob-123").status_code == 429


def test_axes_reset_ip_unlocks_one_address(alice):
    for n in range(LIMIT):
        _log_in(Client(REMOTE_ADDR="203.0.113.7"), f"guess{n}", "nope")
        _log_in(Client(REMOTE_ADDR="198.51.100.2"), f"guess{n}", "nope")

    call_command("axes_reset_ip", "203.0.113.7")

    assert _log_in(Client(REMOTE_ADDR="203.0.113.7"), "alice", "pw-alice-123").status_code == 302
    assert _log_in(Client(REMOTE_ADDR="198.51.100.2"), "alice", "pw-alice-123").status_code == 429


# -- HTTP Basic ------------------------------------------------------------------------------


def test_a_wrong_basic_password_answers_401_with_a_basic_challenge(alice):
    response = send(script(basic("alice", "nope")), "GET", url("policies"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'
    assert json_body(response) == {"error": "Wrong username or password.", "field": None}


def test_wrong_basic_passwords_lock_with_429_and_a_sentence(alice):
    wrong = script(basic("alice", "nope"))
    statuses = [send(wrong, "GET", url("policies")).status_code for _ in range(LIMIT)]

    right = send(script(basic("alice", "pw-alice-123")), "GET", url("policies"))

    assert statuses == [401] * (LIMIT - 1) + [429]
    assert right.status_code == 429
    body = json_body(right)
    assert body["field"] is None and "Too many failed sign-ins" in body["error"]
    day, minute = _locked_until(body["error"])
    expected_day, expected_minute = _expected_end()
    assert day == expected_day and abs(minute - expected_minute) <= 1
    seconds = int(right["Retry-After"])
    assert 0 < seconds <= settings.AXES_COOLOFF_TIME.total_seconds() + 1


def test_the_login_page_and_basic_share_one_count(client, alice):
    for _ in range(LIMIT - 1):
        _log_in(client, "alice", "nope")

    response = send(script(basic("alice", "nope")), "GET", url("policies"))

    assert response.status_code == 429


def test_a_basic_username_no_database_stores_is_a_failure_not_a_500(db):
    response = send(script(basic("al\x00ice", "x")), "GET", url("policies"))
    too_long = send(script(basic("a" * 5000, "x")), "GET", url("policies"))

    assert response.status_code == too_long.status_code == 401


# -- tokens ----------------------------------------------------------------------------------


def test_wrong_tokens_lock_the_address_even_for_a_right_token(alice):
    _, key = services.token_create(user=alice, name="CI")
    guesses = token_client("scp_guess", address="203.0.113.9")
    statuses = [send(guesses, "GET", url("policies")).status_code for _ in range(LIMIT)]

    same_address = send(token_client(key, address="203.0.113.9"), "GET", url("policies"))
    elsewhere = send(token_client(key, address="198.51.100.2"), "GET", url("policies"))

    assert statuses == [401] * (LIMIT - 1) + [429]
    assert same_address.status_code == 429
    assert "Too many failed sign-ins" in json_body(same_address)["error"]
    assert elsewhere.status_code == 200


def test_a_wrong_token_counts_against_no_account_named_in_the_body(alice):
    for n in range(LIMIT):
        guesses = token_client("scp_guess", address=f"203.0.113.{n}")
        guesses.post(
            url("policies"), "username=alice", content_type="application/x-www-form-urlencoded"
        )

    response = _log_in(Client(REMOTE_ADDR="198.51.100.2"), "alice", "pw-alice-123")

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_a_locked_password_leaves_the_accounts_tokens_working(alice):
    _, key = services.token_create(user=alice, name="CI")
    for _ in range(LIMIT):
        send(script(basic("alice", "nope"), address="203.0.113.7"), "GET", url("policies"))

    response = send(token_client(key, address="198.51.100.2"), "GET", url("policies"))

    assert response.status_code == 200


# -- the client address behind a proxy -------------------------------------------------------


def _fail_from(forwarded_for: str) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    _log_in(client, "nobody", "nope")


def test_without_trusted_proxies_x_forwarded_for_is_ignored(db):
    _fail_from("1.2.3.4")
    _fail_from("5.6.7.8")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}


def test_with_a_trusted_proxy_the_address_it_saw_is_counted(db, settings):
    settings.TRUSTED_PROXIES = 1

    _fail_from("6.6.6.6, 1.2.3.4")  # the client wrote the first; the proxy added the second
    _fail_from("not an address")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "1.2.3.4",
        "10.0.0.1",
    }


def test_without_a_known_address_only_the_account_is_counted(alice, bob):
    nowhere = Client(REMOTE_ADDR="")
    for _ in range(LIMIT):
        _log_in(nowhere, "alice", "nope")
        send(token_client("scp_guess", address=""), "GET", url("policies"))

    locked = _log_in(nowhere, "alice", "pw-alice-123")
    others = _log_in(nowhere, "bob", "pw-bob-123")

    assert locked.status_code == 429
    assert others.status_code == 302
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("alice", None)]
