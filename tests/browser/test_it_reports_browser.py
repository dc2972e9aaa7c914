"""A real browser (Debian's Chromium, driven by Playwright) logs in, reads the reports, changes a filter.

Checks what a person would: the charts are drawn from the expected numbers
(read from each Chart.js instance and from the table beside it), and they change
when a filter does. Saves a screenshot under test-artifacts/.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.analytics.web_fixtures import build_museum
from tests.conftest import require_service

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
]


@pytest.fixture
def museum_online(live_server, django_user_model):
    """The data, written before Playwright starts: its event loop forbids sync ORM calls."""
    django_user_model.objects.create_user(username="curator", password="curator-pass-123", is_staff=True)
    return build_museum()


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).is_file():
        require_service("Debian's chromium is not installed (apt-get install chromium)")
    if not (Path(settings.BASE_DIR) / "node_modules" / "chart.js").is_dir():
        require_service("node_modules missing: run `npm ci` (bin/setup does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def chart_values(page, chart: str, dataset: int = 0):
    return page.evaluate(f"window.reportCharts[{chart!r}].data.datasets[{dataset}].data")


def table(page, key: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f'table[data-table="{key}"] tbody tr',
        "rows => rows.map(r => Array.from(r.children).map(c => c.textContent.trim()))",
    )


def canvas_is_drawn(page, chart: str) -> bool:
    """Some pixel of the chart's canvas is not transparent."""
    return page.evaluate(
        """id => { const c = document.getElementById('chart-' + id);
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; }""",
        chart,
    )


@pytest.mark.integration
@pytest.mark.slow
def test_it_renders_the_reports_and_follows_a_filter(live_server, museum_online, chromium):
    museum = museum_online
    page = chromium.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/reports/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "curator")
    page.fill("#id_password", "curator-pass-123")
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-charts-ready=true]")

    assert chart_values(page, "sentiment") == [4, 3, 2]
    assert table(page, "sentiment") == [["Positive", "4", "44.44"], ["Negative", "3", "33.33"], ["Neutral", "2", "22.22"]]
    assert chart_values(page, "emotions") == [1, 0, 1, 4, 1, 1, 1]
    assert page.evaluate("window.reportCharts.daily.data.labels") == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert chart_values(page, "daily", 3) == [6, 2, 1]  # the "All detections" line
    heat = page.evaluate("window.reportCharts.hours.data.datasets[0].data.filter(c => c.v > 0)")
    assert {(c["x"], c["y"]): c["v"] for c in heat}[("14", "Happy")] == 2
    assert sum(c["v"] for c in heat) == 9
    assert page.evaluate("window.reportCharts.exhibits.data.labels") == ["Mona Lisa", "Welcome Wall"]
    assert chart_values(page, "exhibits") == [3, 1]
    assert chart_values(page, "exhibits", 1) == [20.0, 4.0]
    assert page.text_content('[data-kpi="detections"]') == "9"
    # The estimated true mix: detected shares of all 11 detections, each estimate inside its interval.
    assert chart_values(page, "corrected") == [9.1, 9.1, 9.1, 36.4, 18.2, 9.1, 9.1]
    intervals, estimates = chart_values(page, "corrected", 1), chart_values(page, "corrected", 2)
    assert all(low <= estimate <= high for (low, high), estimate in zip(intervals, estimates))
    for chart in ("sentiment", "emotions", "daily", "hours", "locations", "exhibits", "corrected"):
        assert canvas_is_drawn(page, chart), chart
    page.wait_for_timeout(500)  # let the 300 ms entry animation finish before the picture
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reports-all.png"), full_page=True)

    # A curator narrows the report to one location.
    page.select_option('select[name="location_id"]', str(museum.hall.pk))
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    assert f"location_id={museum.hall.pk}" in page.url, page.url
    page.wait_for_selector("body[data-charts-ready=true]")
    assert chart_values(page, "sentiment") == [2, 2, 1]
    assert table(page, "sentiment")[0] == ["Positive", "2", "40.00"]
    assert page.evaluate("window.reportCharts.locations.data.labels") == ["Exhibit Hall A"]
    assert chart_values(page, "daily", 3) == [3, 2]
    assert page.evaluate("window.reportCharts.exhibits.data.labels") == ["Mona Lisa"]
    assert page.input_value('select[name="location_id"]') == str(museum.hall.pk)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "reports-hall-a.png"), full_page=True)
    assert errors == []


@pytest.mark.integration
def test_it_renders_the_api_docs_offline(live_server, chromium):
    """Swagger UI draws the schema with every request to another host refused (an offline museum)."""
    page = chromium.new_page()
    foreign: list[str] = []

    def only_this_site(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_site)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Museum emotion analytics API" in page.text_content(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/analytics/summary/")
    assert foreign == []
    # Redoc fetched Google fonts and a logo from the internet: it was removed, Swagger UI stays.
    assert page.goto(f"{live_server.url}/api/redoc/").status == 404
