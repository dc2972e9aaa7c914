"""The chart library comes from npm (node_modules) and is served locally: with DEBUG through the
finders, and after collectstatic through WhiteNoise. No CDN: museum networks can be offline."""
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from tests.conftest import require_service
from tests.analytics.web_fixtures import viewer_user  # noqa: F401

CHART_JS = "vendor/chart.js/chart.umd.min.js"
MATRIX_JS = "vendor/chartjs-chart-matrix/chartjs-chart-matrix.min.js"


@pytest.fixture
def chart_library():
    if not (settings.BASE_DIR / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js").is_file():
        require_service("node_modules missing: run `npm ci` (bin/setup does)")


def fetch(path: str) -> bytes:
    response = Client().get(path)  # a new client builds a new WhiteNoise with the current settings
    assert response.status_code == 200, path
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_it_references_only_local_scripts(client, viewer_user):
    client.force_login(viewer_user)
    html = client.get("/reports/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == [f"/static/{CHART_JS}", f"/static/{MATRIX_JS}", "/static/analytics/reports.js"]
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_it_serves_the_library_in_development(chart_library):
    with override_settings(DEBUG=True, WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        assert b"Chart.js v4" in fetch(f"/static/{CHART_JS}")[:200]
        assert b"chartjs-chart-matrix" in fetch(f"/static/{MATRIX_JS}")[:200]


@pytest.mark.slow
@pytest.mark.django_db
def test_it_serves_the_library_after_collectstatic(chart_library, tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", "--noinput", verbosity=0)
        assert (tmp_path / CHART_JS).is_file() and (tmp_path / (CHART_JS + ".gz")).is_file()
        assert b"Chart.js v4" in fetch(f"/static/{CHART_JS}")[:200]
        assert fetch("/static/analytics/reports.js").startswith(b"/* Reports page")
