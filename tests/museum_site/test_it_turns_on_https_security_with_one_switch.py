"""SECURE_HTTPS=true turns on HSTS, the HTTPS redirect (trusting X-Forwarded-Proto) and secure cookies.

`manage.py check --deploy` runs in a subprocess, as an operator would run it: with the
switch, a real SECRET_KEY and DEBUG off it reports no issue; without the switch it names
the four warnings the README's configuration table maps to SECURE_HTTPS.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SECURITY_SETTINGS = ("SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
                     "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG", "SECRET_KEY"))}
    clean.update(SECRET_KEY=secrets.token_urlsafe(50), DEBUG="false", ALLOWED_HOSTS="analytics.museum.example",
                 DJANGO_SETTINGS_MODULE="museum_site.settings", **env)
    return subprocess.run([sys.executable, *args], cwd=REPO, env=clean, capture_output=True, text=True, timeout=120)


def security_settings(**env: str) -> dict:
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{name: getattr(settings, name, None) for name in {SECURITY_SETTINGS!r}}}))")
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_turns_everything_on_with_one_switch():
    assert security_settings(SECURE_HTTPS="true") == {
        "SECURE_SSL_REDIRECT": True, "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31_536_000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
    }
    tuned = security_settings(SECURE_HTTPS="true", SECURE_HSTS_SECONDS="3600", SECURE_HSTS_INCLUDE_SUBDOMAINS="false")
    assert (tuned["SECURE_HSTS_SECONDS"], tuned["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (3600, False)


def test_it_keeps_plain_http_working_without_the_switch():
    got = security_settings()
    assert (got["SECURE_SSL_REDIRECT"], got["SECURE_PROXY_SSL_HEADER"], got["SECURE_HSTS_SECONDS"]) == (False, None, 0)
    assert not got["SESSION_COOKIE_SECURE"] and not got["CSRF_COOKIE_SECURE"]
    older = security_settings(SECURE_COOKIES="true")  # the older cookies-only switch still works
    assert older["SESSION_COOKIE_SECURE"] and older["CSRF_COOKIE_SECURE"] and not older["SECURE_SSL_REDIRECT"]


@pytest.mark.slow
def test_it_passes_check_deploy_with_the_switch():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECURE_HTTPS="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr

    without = run(["manage.py", "check", "--deploy"])
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in without.stderr, without.stderr


def test_it_redirects_plain_http_and_trusts_the_proxys_https_header(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/accounts/login/"
    behind_proxy = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.status_code == 200
    assert behind_proxy["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert behind_proxy.cookies["csrftoken"]["secure"] is True


@pytest.mark.django_db
def test_it_lets_monitoring_probe_healthz_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/healthz").status_code in (200, 503)  # answered, not redirected to HTTPS
