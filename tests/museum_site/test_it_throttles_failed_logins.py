"""Wrong passwords on the site and admin login forms lock the address and the user name (django-axes).

After LOGIN_FAILURE_LIMIT (10) failures within the window, every further try, the right
password included, gets the lockout page (429, Retry-After); once the window after the
last failure has passed, the right password works again. The window is "passed" by
moving the recorded failures back in time, not by sleeping.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

pytestmark = pytest.mark.django_db

SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
RIGHT = "curator-pass-123"


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_user(username="curator", password=RIGHT, is_staff=True)


def login(url: str, username: str, password: str, address: str = "10.0.0.1", **headers):
    client = Client()
    response = client.post(url, {"username": username, "password": password, "next": "/reports/"},
                           REMOTE_ADDR=address, **headers)
    return response, client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(url: str, times: int, *, username: str = "curator", address: str = "10.0.0.1", **headers):
    return [login(url, username, "wrong-guess", address, **headers)[0].status_code for _ in range(times)]


def window_passes(minutes: float = 15.5) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
def test_it_refuses_the_right_password_after_ten_wrong_ones_until_the_window_passes(curator, url):
    assert fail(url, 9) == [200] * 9  # the form again, with its error
    assert fail(url, 1) == [429]      # the tenth locks

    response, client = login(url, "curator", RIGHT)
    assert response.status_code == 429 and not signed_in(client)
    page = response.content.decode()
    assert "Sign-in locked for now" in page and "Too many failed sign-ins" in page
    assert "(10 within 15 minutes)" in page and "Try again in 15 minutes" in page
    assert 840 <= int(response["Retry-After"]) <= 900

    window_passes(14)
    response, client = login(url, "curator", RIGHT)
    assert response.status_code == 429 and int(response["Retry-After"]) <= 60

    window_passes(1.5)
    response, client = login(url, "curator", RIGHT)
    assert response.status_code == 302 and signed_in(client)


def test_it_locks_a_user_name_tried_from_many_addresses(curator, django_user_model):
    django_user_model.objects.create_user(username="viewer", password="viewer-pass-123")
    for n in range(10):
        fail(SITE_LOGIN, 1, address=f"10.0.1.{n}")
    response, client = login(SITE_LOGIN, "curator", RIGHT, address="10.0.2.1")
    assert response.status_code == 429 and not signed_in(client)
    # The fresh address itself is not locked: another account signs in from it.
    response, client = login(SITE_LOGIN, "viewer", "viewer-pass-123", address="10.0.2.1")
    assert response.status_code == 302 and signed_in(client)


def test_it_locks_an_address_that_tries_many_user_names(curator):
    for n in range(10):
        fail(SITE_LOGIN, 1, username=f"guess{n}", address="10.0.3.1")
    response, client = login(SITE_LOGIN, "curator", RIGHT, address="10.0.3.1")
    assert response.status_code == 429 and not signed_in(client)
    response, client = login(SITE_LOGIN, "curator", RIGHT, address="10.0.3.2")
    assert response.status_code == 302 and signed_in(client)


def test_it_ignores_x_forwarded_for_unless_a_proxy_is_trusted(curator):
    for n in range(10):  # a client forging a new address each time is still one address
        fail(SITE_LOGIN, 1, username=f"guess{n}", address="10.0.4.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response, _ = login(SITE_LOGIN, "curator", RIGHT, address="10.0.4.1", HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert response.status_code == 429


def test_it_reads_the_client_address_from_a_trusted_proxy(curator, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.5.1"
    for n in range(10):  # what the client wrote stays on the left; the proxy appends the real address
        fail(SITE_LOGIN, 1, username=f"guess{n}", address=proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.10")
    response, _ = login(SITE_LOGIN, "curator", RIGHT, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert response.status_code == 429
    response, client = login(SITE_LOGIN, "curator", RIGHT, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.11")
    assert response.status_code == 302 and signed_in(client)
    # A mangled header falls back to the connection's address instead of failing.
    response, client = login(SITE_LOGIN, "curator", RIGHT, address="10.0.5.9", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert response.status_code == 302 and signed_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.10"}


def test_it_answers_json_to_a_client_that_asks_for_it(curator):
    fail(SITE_LOGIN, 10)
    response, _ = login(SITE_LOGIN, "curator", RIGHT, HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Too many failed sign-ins") and int(response["Retry-After"]) > 800
