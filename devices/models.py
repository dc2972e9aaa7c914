"""Edge devices: a small box beside one camera that runs the pipeline itself (edge_agent/).

A device authenticates with its own token (`Authorization: Device <token>`), which
lets it read only its camera's settings and the active model, and write only its
camera's events and visits. Only the token's SHA-256 is stored: a leaked database
does not leak working tokens. The device's heartbeats fill the health fields the
admin shows.
"""
from __future__ import annotations

from django.db import models

from cameras.models import Camera
from cameras.validators import reject_control_characters


class Device(models.Model):
    class State(models.TextChoices):
        NEVER_SEEN = "never_seen", "Never seen"
        RUNNING = "running", "Running"
        BUFFERING = "buffering", "Buffering (server was unreachable)"
        RECONNECTING = "reconnecting", "Camera reconnecting"
        ERROR = "error", "Error"
        STOPPED = "stopped", "Stopped"

    name = models.CharField(max_length=120, unique=True, validators=[reject_control_characters])
    camera = models.OneToOneField(Camera, on_delete=models.CASCADE, related_name="device")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(default=True, help_text="An inactive device's token is refused (401).")
    created_at = models.DateTimeField(auto_now_add=True)

    # Health, from the device's heartbeats.
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEVER_SEEN)
    agent_version = models.CharField(max_length=40, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True, help_text="Last request the device made.")
    queued = models.PositiveIntegerField(default=0, help_text="Batches waiting in the device's local queue.")
    dropped = models.PositiveBigIntegerField(
        default=0, help_text="Batches the device dropped: its queue was full, or the server refused them (400)."
    )
    fps = models.FloatField(default=0.0)
    frames = models.PositiveBigIntegerField(default=0)
    model_sha256 = models.CharField(max_length=64, blank=True, help_text="The model the device runs.")
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]


    def __str__(self) -> str:
        return self.name


# What a device may say about itself in a heartbeat (every state but "never seen").
HEARTBEAT_STATES = [(value, label) for value, label in Device.State.choices if value != Device.State.NEVER_SEEN]
