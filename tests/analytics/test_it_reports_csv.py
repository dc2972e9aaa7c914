"""Each chart's table downloads as CSV with the page's filters; events download as emotion_log.csv."""
import pytest

from tests.analytics.web_fixtures import museum, viewer_user  # noqa: F401


@pytest.mark.django_db
def test_it_downloads_a_chart_table(client, viewer_user, museum):
    client.force_login(viewer_user)
    response = client.get("/reports/sentiment.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        "Sentiment,Detections,Percent", "Positive,4,44.44", "Negative,3,33.33", "Neutral,2,22.22",
    ]


@pytest.mark.django_db
def test_it_applies_the_page_filters(client, viewer_user, museum):
    client.force_login(viewer_user)
    response = client.get("/reports/exhibits.csv", {"location_id": museum.entrance.pk})
    assert response.content.decode().splitlines() == [
        "Exhibit,Location,Visits,Mean dwell (s),Dominant emotion,Detections",
        "Welcome Wall,Museum Entrance,1,4.0,Sad,4",
    ]
    daily = client.get("/reports/daily.csv", {"from": "2026-11-22", "to": "2026-11-22"}).content.decode()
    assert daily.splitlines() == ["Date,Detections,Positive,Negative,Neutral", "2026-11-22,1,0,0,1"]


@pytest.mark.django_db
def test_it_links_the_events_csv_with_the_same_filters(client, viewer_user, museum):
    client.force_login(viewer_user)
    html = client.get("/reports/", {"from": "2026-11-21", "to": "2026-11-21", "threshold": "0.7"}).content.decode()
    assert 'href="/api/events.csv?since=2026-11-21&amp;until=2026-11-22"' in html
    events = client.get("/api/events.csv", {"since": "2026-11-21", "until": "2026-11-22"})
    lines = b"".join(events.streaming_content).decode().splitlines()
    assert lines[0] == "Timestamp,CameraLocation,Emotion,Confidence" and len(lines) == 4


@pytest.mark.django_db
def test_it_rejects_unknown_tables_and_bad_filters(client, viewer_user, museum):
    client.force_login(viewer_user)
    assert client.get("/reports/nonsense.csv").status_code == 404
    bad = client.get("/reports/daily.csv", {"to": "soon"})
    assert (bad.status_code, bad.content.decode()) == (400, "to: 'soon' is not a date (YYYY-MM-DD)\n")
