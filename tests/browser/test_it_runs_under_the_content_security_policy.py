"""The reports page, the admin and the API docs work under the Content-Security-Policy.

A real Chromium loads each page with the site's CSP header; every violation the browser
reports (the `securitypolicyviolation` event and its console message) is collected, and
the pages must still do their work: the charts draw, the admin's scripts run (the inline
formsets add a row), Swagger UI renders the operations.
"""
from __future__ import annotations

import pytest

from emotions.services.model_versions import active_model_version_ensure
from tests.analytics.web_fixtures import build_museum
from tests.browser.test_it_reports_browser import canvas_is_drawn, chromium  # noqa: F401 (fixture)

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' on ' + e.documentURI));
"""


@pytest.fixture
def staff_online(live_server, django_user_model):
    django_user_model.objects.create_user(username="curator", password="curator-pass-123",
                                          is_staff=True, is_superuser=True)
    return build_museum(), active_model_version_ensure()


def watch(page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return problems


def visit(page, url: str, problems: list[str]):
    response = page.goto(url)
    assert response.ok, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    return response


def violations(page, problems: list[str]) -> list[str]:
    return problems + page.evaluate("window.__csp")


@pytest.mark.integration
@pytest.mark.slow
def test_it_draws_the_reports_and_runs_the_admin_with_no_violation(live_server, staff_online, chromium):
    museum, model_version = staff_online
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)

    visit(page, f"{live_server.url}/accounts/login/", problems)
    page.fill("#id_username", "curator")
    page.fill("#id_password", "curator-pass-123")
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-charts-ready=true]")
    for chart in ("sentiment", "emotions", "daily", "hours", "locations", "exhibits", "corrected"):
        assert canvas_is_drawn(page, chart), chart
    assert violations(page, problems) == []

    visit(page, f"{live_server.url}/admin/", problems)
    assert page.is_visible("text=Locations")
    visit(page, f"{live_server.url}/admin/cameras/location/{museum.hall.pk}/change/", problems)
    rows_before = page.locator(".dynamic-exhibits").count()
    page.click(".dynamic-exhibits ~ .add-row a, #exhibits-group .add-row a")  # inlines.js adds a form row
    assert page.locator(".dynamic-exhibits").count() == rows_before + 1
    visit(page, f"{live_server.url}/admin/emotions/emotionevent/", problems)
    assert page.is_visible("#changelist")
    # The model's plots: data: images, laid out by a stylesheet instead of style attributes.
    visit(page, f"{live_server.url}/admin/emotions/modelversion/{model_version.pk}/change/", problems)
    plot = page.locator("figure.model-plot").first
    assert plot.evaluate("f => getComputedStyle(f).display") == "inline-block"
    assert plot.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert violations(page, problems) == []


@pytest.mark.integration
def test_it_renders_swagger_ui_with_no_violation(live_server, chromium):
    page = chromium.new_page()
    problems = watch(page)
    visit(page, f"{live_server.url}/api/docs/", problems)
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/analytics/summary/")
    page.click("text=/api/analytics/summary/")  # an operation opens: Swagger UI's scripts run
    page.wait_for_selector("text=Parameters")
    assert violations(page, problems) == []
