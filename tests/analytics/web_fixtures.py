"""Data and clients for the API and reports tests (imported by name in each test file).

`museum` builds a small museum whose every number is worked out by hand in
MUSEUM_EXPECTED, in local time (Europe/Rome, UTC+1 in November).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from analytics.api.permissions import VIEWER_GROUP
from tests.factories import CameraFactory, EmotionEventFactory, ExhibitFactory, LocationFactory, VisitFactory

ROME = ZoneInfo("Europe/Rome")
VIEWER_PASSWORD = "viewer-pass-123"


def local(text: str) -> datetime:
    """'2026-11-20 09:15' -> aware datetime in Europe/Rome."""
    return datetime.fromisoformat(text).replace(tzinfo=ROME)


@dataclass
class Museum:
    entrance: object
    hall: object
    mona_lisa: object
    venus: object
    welcome_wall: object
    cam_entrance: object
    cam_hall: object


# (local time, place key, emotion, confidence); place key picks location, camera, exhibit
MUSEUM_EVENTS = [
    ("2026-11-20 09:15:01.250", "entrance", "happy", 0.9),
    ("2026-11-20 09:15:02.500", "entrance", "happy", 0.8),
    ("2026-11-20 09:16:00.000", "entrance", "sad", 0.7),
    ("2026-11-20 09:17:00.000", "entrance", "neutral", 0.5),  # below 0.6: not counted
    ("2026-11-20 14:30:00.000", "hall", "happy", 0.95),
    ("2026-11-20 14:31:00.000", "hall", "angry", 0.65),
    ("2026-11-20 14:32:00.000", "hall", "surprise", 0.6),  # exactly the threshold: counted
    ("2026-11-21 14:05:00.000", "hall", "fear", 0.61),
    ("2026-11-21 14:06:00.000", "hall", "happy", 0.99),
    ("2026-11-21 14:07:00.000", "hall", "disgust", 0.59),  # below 0.6
    # 23:30 UTC on the 21st, but the 22nd in Rome: the daily series must say the 22nd.
    ("2026-11-22 00:30:00.000", "entrance", "neutral", 0.8),
]

MUSEUM_EXPECTED = {
    "total_rows": 11,
    "valid": 9,
    "emotion_counts": {"Angry": 1, "Disgust": 0, "Fear": 1, "Happy": 4, "Neutral": 1, "Sad": 1, "Surprise": 1},
    "sentiment_counts": {"Positive": 4, "Negative": 3, "Neutral": 2},
    "by_location_total": {"Museum Entrance": 4, "Exhibit Hall A": 5},
    "daily_totals": {"2026-11-20": 6, "2026-11-21": 2, "2026-11-22": 1},
    "hourly_totals": {
        "2026-11-20T09:00:00+01:00": 3,
        "2026-11-20T14:00:00+01:00": 3,
        "2026-11-21T14:00:00+01:00": 2,
        "2026-11-22T00:00:00+01:00": 1,
    },
    "hour_of_day_totals": {"00:00 - 00:59": 1, "09:00 - 09:59": 3, "14:00 - 14:59": 5},
}


def build_museum() -> Museum:
    entrance = LocationFactory(name="Museum Entrance")
    hall = LocationFactory(name="Exhibit Hall A")
    mona_lisa = ExhibitFactory(location=hall, title="Mona Lisa")
    venus = ExhibitFactory(location=hall, title="Venus")
    welcome_wall = ExhibitFactory(location=entrance, title="Welcome Wall")
    cam_entrance = CameraFactory(name="cam-entrance", location=entrance, exhibit=welcome_wall)
    cam_hall = CameraFactory(name="cam-hall-a", location=hall, exhibit=mona_lisa)
    place = {"entrance": cam_entrance, "hall": cam_hall}
    for when, key, emotion, confidence in MUSEUM_EVENTS:
        camera = place[key]
        EmotionEventFactory(
            timestamp=local(when), location=camera.location, camera=camera, exhibit=camera.exhibit,
            emotion=emotion, confidence=confidence,
        )
    # Visits: Mona Lisa 10/20/30 s (happy, happy, angry); Welcome Wall 4 s (sad);
    # one at the entrance facing no exhibit (8 s, neutral).
    for minute, (camera, exhibit, dwell, dominant) in enumerate(
        [
            (cam_hall, mona_lisa, 10.0, "happy"),
            (cam_hall, mona_lisa, 20.0, "happy"),
            (cam_hall, mona_lisa, 30.0, "angry"),
            (cam_entrance, welcome_wall, 4.0, "sad"),
            (cam_entrance, None, 8.0, "neutral"),
        ]
    ):
        start = local("2026-11-20 10:00") + timedelta(minutes=minute)
        VisitFactory(
            camera=camera, location=camera.location, exhibit=exhibit, started_at=start,
            ended_at=start + timedelta(seconds=dwell), dwell_seconds=dwell, dominant_emotion=dominant,
            mean_scores={dominant: 0.8},
        )
    return Museum(entrance, hall, mona_lisa, venus, welcome_wall, cam_entrance, cam_hall)


@pytest.fixture
def museum(db) -> Museum:
    return build_museum()


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def viewer_user(django_user_model):
    user = django_user_model.objects.create_user(username="viewer", password=VIEWER_PASSWORD)
    # The data migration creates the group; transactional tests flush it, so make sure.
    user.groups.add(Group.objects.get_or_create(name=VIEWER_GROUP)[0])
    return user


@pytest.fixture
def outsider_user(django_user_model):
    """Signed in, but neither staff nor viewer."""
    return django_user_model.objects.create_user(username="outsider")


@pytest.fixture
def staff_api(staff_user) -> APIClient:
    return token_client(staff_user)


@pytest.fixture
def viewer_api(viewer_user) -> APIClient:
    return token_client(viewer_user)
