"""The public privacy notice (/privacy/), its printable A4 sign and the sign's QR code. No login."""
from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from analytics.models import PrivacyNotice
from analytics.privacy_texts import LANGUAGES, TEXTS


def _language(request) -> str:
    lang = request.GET.get("lang", "").strip().lower()
    if lang in LANGUAGES:
        return lang
    accepted = request.headers.get("Accept-Language", "").lower()
    return "it" if accepted.startswith("it") else "en"


def _notice() -> PrivacyNotice:
    return PrivacyNotice.objects.order_by("pk").first() or PrivacyNotice()


def _context(request) -> dict:
    lang = _language(request)
    notice = _notice()
    texts = TEXTS[lang]
    return {
        "lang": lang, "other_lang": "it" if lang == "en" else "en", "t": texts, "notice": notice,
        "purposes": getattr(notice, f"purposes_{lang}"), "legal_basis": getattr(notice, f"legal_basis_{lang}"),
        "retention_text": texts["retention_text"].format(
            events=settings.RETENTION_EVENTS_DAYS, visits=settings.RETENTION_VISITS_DAYS, group=settings.MIN_GROUP_SIZE),
        "notice_url": _notice_url(request, notice, lang),
    }


def _notice_url(request, notice: PrivacyNotice, lang: str) -> str:
    base = notice.public_url or request.build_absolute_uri(reverse("privacy:notice"))
    return f"{base}{'&' if '?' in base else '?'}lang={lang}"


def privacy_notice(request):
    return render(request, "privacy/notice.html", _context(request))


def privacy_sign(request):
    """An A4 page to print and hang at the entrance of analysed rooms, with a QR code to the notice."""
    return render(request, "privacy/sign.html", _context(request))


def privacy_qr(request):
    """The sign's QR code as SVG, drawn here (segno, pure Python), served from the same origin."""
    lang = _language(request)
    buffer = io.BytesIO()
    segno.make(_notice_url(request, _notice(), lang), error="m").save(buffer, kind="svg", scale=10, border=2,
                                                                      xmldecl=False)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
