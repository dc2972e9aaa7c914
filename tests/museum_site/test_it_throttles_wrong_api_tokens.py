"""Wrong API tokens lock their address: 429 JSON with Retry-After, never a 5xx.

A valid token is never counted, however often it is used (Node-RED polls every
minute); requests without a token are anonymous, not failures.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

URL = "/api/locations/"


@pytest.fixture
def token(staff_user) -> str:
    return Token.objects.create(user=staff_user).key


def get(key: str | None, address: str = "10.1.0.1", keyword: str = "Token"):
    headers = {"HTTP_AUTHORIZATION": f"{keyword} {key}"} if key is not None else {}
    return Client().get(URL, REMOTE_ADDR=address, **headers)


def test_it_never_throttles_a_valid_token_or_anonymous_requests(token):
    assert [get(None).status_code for _ in range(15)] == [401] * 15
    assert [get(token).status_code for _ in range(30)] == [200] * 30
    assert not AccessAttempt.objects.exists()


def test_it_locks_an_address_after_ten_wrong_tokens(token):
    assert [get(f"wrong{n:036d}").status_code for n in range(9)] == [401] * 9
    tenth = get("malformed token with spaces")  # counts too, and locks
    assert tenth.status_code == 429 and int(tenth["Retry-After"]) > 800

    refused = get(token)  # the right token too: a locked address learns nothing about tokens
    assert refused.status_code == 429 and refused["Content-Type"] == "application/json"
    assert refused.json() == tenth.json()
    assert refused.json()["detail"].startswith("Too many failed sign-ins from this address")
    assert 840 <= int(refused["Retry-After"]) <= 900
    assert get(token, address="10.1.0.2").status_code == 200  # other addresses are not affected

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert get(token).status_code == 200


def test_it_counts_wrong_tokens_and_wrong_passwords_against_the_same_address(token, staff_user):
    for _ in range(5):
        get("f" * 40, address="10.1.0.3")
    for _ in range(5):
        Client().post("/accounts/login/", {"username": "staff", "password": "nope"}, REMOTE_ADDR="10.1.0.3")
    assert get(token, address="10.1.0.3").status_code == 429
    response = Client().post("/accounts/login/", {"username": "staff", "password": "staff-pass-123"},
                             REMOTE_ADDR="10.1.0.3")
    assert response.status_code == 429
