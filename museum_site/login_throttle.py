"""Failed sign-ins are throttled per client address and per user name (django-axes).

* The site and admin login forms call `authenticate()`: axes counts each failure
  against the client's address and the user name typed; once either has
  LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_MINUTES, every further try,
  the right password included, gets the lockout page (429, Retry-After) until the
  window after the last failure has passed.
* API tokens do not go through `authenticate()`: `ThrottledTokenAuthentication`
  records a wrong token as a failed sign-in of its address (a wrong token names no
  user) and answers a locked address 429 JSON with Retry-After, before looking at
  the token, so a locked address learns nothing about the tokens it tries. A valid
  token costs one lookup and is never counted: dashboards polling every minute
  are not throttled.
* The address is the connection's, or X-Forwarded-For's as far as
  TRUSTED_PROXY_COUNT proxies vouch for it (`client_address`).
"""
from __future__ import annotations

import ipaddress
import math

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessBase
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

# What a wrong token is recorded as: no user name, so it counts against the address only.
TOKEN_CREDENTIALS = {"username": None}


def _valid_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as far as the site can trust it.

    Each trusted proxy appends the address it was connected from to
    X-Forwarded-For, so with n trusted proxies the n-th entry from the right is the
    client; entries further left were written by the client and may be forged.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count or not _valid_address(hops[-count]):
        return remote  # not through the proxies (or a mangled header): the connection is all we know
    return hops[-count]


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list[str]:
    """A wrong password counts against its address and its user name; a wrong token, its address."""
    if isinstance(request_or_attempt, AccessBase):
        username = request_or_attempt.username
    else:
        username = get_client_username(request_or_attempt, credentials)
    return ["ip_address", "username"] if username else ["ip_address"]


def lockout_seconds_left(request: HttpRequest, username: str | None = None) -> int:
    """Seconds until the newest failure that locks this address (or user name) leaves the window."""
    window = settings.AXES_COOLOFF_TIME
    since = timezone.now() - window
    matches = Q(ip_address=getattr(request, "axes_ip_address", None))
    if username:
        matches |= Q(username=username)
    last = AccessAttempt.objects.filter(matches, attempt_time__gte=since).aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return 1
    return max(1, math.ceil((last + window - timezone.now()).total_seconds()))


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (f"Too many failed sign-ins from this address or for this user name "
            f"({settings.LOGIN_FAILURE_LIMIT} within {settings.LOGIN_LOCKOUT_MINUTES:g} minutes). "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.")


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """What a locked-out try gets: a page saying why and for how long (429, Retry-After).

    JSON instead for a client that asked for it, and for the API try whose failure
    locked the address (its own answer was JSON).
    """
    username = get_client_username(request, credentials)
    seconds = lockout_seconds_left(request, username)
    message = lockout_message(seconds)
    answered_json = original_response is not None and original_response.get("Content-Type", "").startswith(
        "application/json")
    if answered_json or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html",
                          {"message": message, "retry_after_seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class SignInLocked(Throttled):
    """429 `{"detail": why and for how long}` with Retry-After, like the login forms' JSON answer."""

    def __init__(self, seconds: int):
        super().__init__(detail=lockout_message(seconds))
        self.wait = seconds  # DRF turns it into Retry-After


class LoginThrottleBackend(AxesStandaloneBackend):
    """axes' lockout check for every `authenticate()` made for a visitor.

    An `authenticate()` without a request (code, the test client's `login()`) has
    no visitor and no address to throttle: it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ThrottledTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, with wrong keys counted and locked addresses refused (429)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode() or not settings.AXES_ENABLED:
            return super().authenticate(request)  # not a token: anonymous or session, nothing to count
        django_request = request._request
        if not AxesProxyHandler.is_allowed(django_request, TOKEN_CREDENTIALS):
            raise SignInLocked(lockout_seconds_left(django_request))
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            user_login_failed.send(sender=__name__, credentials=dict(TOKEN_CREDENTIALS), request=django_request)
            raise
