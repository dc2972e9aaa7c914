"""A device for the museum fixture's hall camera, and an API client that speaks with its token."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from devices.services import device_create


def device_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    return client


@pytest.fixture
def hall_device(museum):
    return device_create(name="pi-hall-a", camera=museum.cam_hall)


@pytest.fixture
def device_api(hall_device) -> APIClient:
    return device_client(hall_device.token)
