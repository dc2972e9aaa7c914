"""The staff page "About the model": the active model's per-class accuracy from its metrics.json,
its intended use, failure modes, and that scores are not a measure of a person's inner state."""
import json

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_staff_read_the_measured_accuracy_per_class(staff_client):
    response = staff_client.get("/reports/model/")
    assert response.status_code == 200
    html = response.content.decode()
    metrics = json.loads((settings.SHIPPED_MODEL_DIR / "metrics.json").read_text())
    assert f'data-accuracy="int8">{metrics["int8"]["accuracy"]}<' in html
    assert str(metrics["int8"]["per_class"]["fear"]["recall"]) in html
    for words in ("Scores are not a measure of a person", "Intended use", "Known failure modes", "Fear and sad"):
        assert words in html


def test_only_staff_see_it(client, django_user_model):
    assert client.get("/reports/model/").status_code == 302
    client.force_login(django_user_model.objects.create_user("viewer", password="pw-123456789"))
    assert client.get("/reports/model/").status_code == 302
