"""OpenAPI 3 at /api/schema/ and the interactive docs at /api/docs/ with local (sidecar) assets."""
import re

import pytest
import yaml


@pytest.mark.django_db
def test_it_serves_an_openapi_3_schema_of_every_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/analytics/summary/", "/api/analytics/series/hourly/", "/api/analytics/series/daily/",
        "/api/analytics/locations/", "/api/analytics/exhibits/", "/api/analytics/corrected-mix/", "/api/events/", "/api/events.csv",
        "/api/visits/", "/api/locations/", "/api/exhibits/", "/api/cameras/", "/api/cameras/status/",
        "/api/cameras/{id}/start/", "/api/cameras/{id}/stop/", "/api/cameras/{id}/status/",
    ]:
        assert path in schema["paths"], path
    summary_params = {p["name"] for p in schema["paths"]["/api/analytics/summary/"]["get"]["parameters"]}
    assert summary_params == {"threshold", "fill_zeros", "since", "until", "location", "location_id", "exhibit", "camera"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_it_serves_the_docs_without_the_internet(client):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(not a.startswith(("http://", "https://", "//")) for a in assets), assets
    bundle = next(a for a in assets if a.endswith("swagger-ui-bundle.js"))
    assert bundle.startswith("/static/drf_spectacular_sidecar/")
