"""Staff see visits in the admin, filtered by place and date, and cannot edit or add them."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


def test_it_lists_visits_with_filters_and_date_hierarchy(staff_client):
    from tests.factories import ExhibitFactory, ModelVersionFactory

    visit = VisitFactory(track_id="ftrack-7", dominant_emotion="happy", model_version=ModelVersionFactory())
    # Filters show only where there is a choice to make: a second place, camera, emotion, model.
    other = ExhibitFactory()
    VisitFactory(dominant_emotion="sad", location=other.location, exhibit=other,
                 camera__location=other.location, model_version=ModelVersionFactory())
    response = staff_client.get(reverse("admin:emotions_visit_changelist"),
                                {"location__id__exact": visit.location_id})
    assert response.status_code == 200
    body = response.content.decode()
    assert "ftrack-7" in body
    for title in ("location", "exhibit", "camera", "dominant emotion", "model version"):
        assert f'data-filter-title="{title}"' in body
    assert '<nav class="toplinks">' in body  # the date hierarchy


def test_it_shows_a_visit_read_only_and_offers_no_add(staff_client):
    visit = VisitFactory()
    response = staff_client.get(reverse("admin:emotions_visit_change", args=[visit.pk]))
    assert response.status_code == 200
    assert b'name="dwell_seconds"' not in response.content  # no editable inputs
    assert staff_client.get(reverse("admin:emotions_visit_add")).status_code == 403
    response = staff_client.post(reverse("admin:emotions_visit_change", args=[visit.pk]), {"dwell_seconds": "1"})
    assert response.status_code == 403
