"""/privacy/: the public visitor notice, the printable sign and its QR code (no login)."""
from django.urls import path

from analytics import privacy_views

app_name = "privacy"
urlpatterns = [
    path("", privacy_views.privacy_notice, name="notice"),
    path("sign/", privacy_views.privacy_sign, name="sign"),
    path("qr.svg", privacy_views.privacy_qr, name="qr"),
]
