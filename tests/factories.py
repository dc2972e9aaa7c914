"""factory_boy factories for the models; tests build their own data with them."""
from __future__ import annotations

import uuid
from datetime import timedelta

import factory
from django.utils import timezone

from cameras.models import Camera, Exhibit, Location
from emotions.models import EmotionEvent, ModelVersion, Visit


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Hall {n}")
    floor = "1"


class ExhibitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exhibit

    location = factory.SubFactory(LocationFactory)
    title = factory.Sequence(lambda n: f"Exhibit {n}")


class CameraFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Camera

    name = factory.Sequence(lambda n: f"cam-{n}")
    location = factory.SubFactory(LocationFactory)
    source = "0"
    # Every frame, as the pipeline tests' frame counts assume; the rate tests set analysis_fps themselves
    # (the product's default is 10).
    analysis_fps = 0


class ModelVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelVersion

    name = factory.Sequence(lambda n: f"model-{n}")
    artifact_dir = "/nonexistent"


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    camera = factory.SubFactory(CameraFactory)
    location = factory.SelfAttribute("camera.location")
    track_id = factory.Sequence(lambda n: f"t{n}")
    started_at = factory.LazyFunction(timezone.now)
    ended_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(seconds=5))
    dwell_seconds = 5.0
    frames_classified = 20
    mean_scores = factory.LazyFunction(lambda: {"happy": 1.0})
    dominant_emotion = "happy"
    visit_key = factory.LazyFunction(lambda: uuid.uuid4().hex)


class EmotionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmotionEvent

    timestamp = factory.LazyFunction(timezone.now)
    location = factory.SubFactory(LocationFactory)
    emotion = "happy"
    confidence = 0.9
    event_key = factory.LazyFunction(lambda: uuid.uuid4().hex)
