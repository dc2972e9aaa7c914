"""/healthz at the site's root, included by name from museum_site.urls (which imports no app)."""
from django.urls import path

from analytics.healthz import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
]
