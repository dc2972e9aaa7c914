"""The visitor notice and its printable sign: public (no login), in Italian and English, filled
from the admin-edited notice and the settings, with a QR code to the notice drawn locally."""
from __future__ import annotations

import pytest
from django.utils.timezone import localtime

from analytics.models import PrivacyNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(settings):
    settings.RETENTION_EVENTS_DAYS, settings.RETENTION_VISITS_DAYS, settings.MIN_GROUP_SIZE = 90, 365, 5
    return PrivacyNotice.objects.create(controller_name="Museo Civico di Esempio", controller_contact="privacy@museo.it",
                                        dpo_contact="dpo@museo.it")


@pytest.mark.parametrize("lang, words", [
    ("en", ["Emotion analytics in this museum", "Data controller", "No images or video are stored",
            "No tracking across cameras or across visits", "after 90 days", "after 365 days", "Your rights",
            "Last changed", "Legitimate interest", "not a measure of a person"]),
    ("it", ["Analisi delle emozioni in questo museo", "Titolare del trattamento", "Nessuna immagine o video",
            "Nessun tracciamento tra telecamere o tra visite", "dopo 90 giorni", "dopo 365 giorni", "I vostri diritti",
            "Ultima modifica", "Legittimo interesse", "Garante"]),
])
def test_the_notice_renders_without_login_in_both_languages(client, notice, lang, words):
    response = client.get(f"/privacy/?lang={lang}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for text in [*words, "Museo Civico di Esempio", "privacy@museo.it", "dpo@museo.it",
                 f"{localtime(notice.updated_at):%Y-%m-%d}"]:
        assert text in html, text
    assert "<script" not in html and "style=" not in html and "<style" not in html  # works under a strict CSP


def test_the_language_follows_the_browser_without_a_choice(client, notice):
    assert '<html lang="it">' in client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9").content.decode()
    assert '<html lang="en">' in client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()


@pytest.mark.parametrize("lang, headline", [("it", "Le telecamere qui stimano"), ("en", "Cameras here estimate")])
def test_the_printable_sign_has_a_qr_code_to_the_notice(client, notice, lang, headline):
    sign = client.get(f"/privacy/sign/?lang={lang}")
    assert sign.status_code == 200 and headline in sign.content.decode()
    assert f'src="/privacy/qr.svg?lang={lang}"' in sign.content.decode()
    qr = client.get(f"/privacy/qr.svg?lang={lang}")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content and b"<path" in qr.content


def test_the_qr_code_encodes_the_notices_address(client, notice):
    import io

    import segno

    notice.public_url = "https://museo.example/privacy/"
    notice.save()
    expected = io.BytesIO()
    segno.make("https://museo.example/privacy/?lang=it", error="m").save(expected, kind="svg", scale=10, border=2,
                                                                        xmldecl=False)
    assert client.get("/privacy/qr.svg?lang=it").content == expected.getvalue()  # the code of that address
    assert client.get("/privacy/qr.svg?lang=en").content != expected.getvalue()
    assert "https://museo.example/privacy/?lang=it" in client.get("/privacy/sign/?lang=it").content.decode()


def test_a_notice_is_shown_before_staff_filled_one_in(client):
    response = client.get("/privacy/?lang=en")
    assert response.status_code == 200 and "set the controller" in response.content.decode()


def test_a_bad_language_falls_back_instead_of_failing(client, notice):
    assert client.get("/privacy/?lang=xx").status_code == 200
