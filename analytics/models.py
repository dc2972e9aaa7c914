"""Hourly event counts, kept by the database itself so reports over millions of events stay fast.

Written only by PostgreSQL triggers on emotions_emotionevent (see migration
0002): every INSERT, UPDATE, DELETE or TRUNCATE of events adjusts these counts
in the same transaction, whoever the writer is (camera recorder, CSV import,
ingest API, admin). Nothing in Python writes here. On SQLite (embedded mode,
small data) the table stays empty and the selectors count events directly.
"""
from __future__ import annotations

from django.db import models

# The rows counted in `events_at_threshold`: the legacy default threshold, which
# the API, the reports page and Node-RED use unless told otherwise.
ROLLUP_THRESHOLD = 0.6
NONE_KEY = 0  # camera_key / exhibit_key / model_version_key of events without a camera / exhibit / version


class EventHourlyCount(models.Model):
    hour = models.DateTimeField(help_text="Start of the UTC hour.")
    location_id = models.BigIntegerField()
    camera_key = models.BigIntegerField(help_text="Camera id, or 0 for events without a camera.")
    exhibit_key = models.BigIntegerField(help_text="Exhibit id, or 0 for events without an exhibit.")
    emotion = models.CharField(max_length=16)
    model_version_key = models.BigIntegerField(
        default=0, help_text="Model version id, or 0 for events without a recorded model version.")
    events = models.BigIntegerField(default=0)
    events_at_threshold = models.BigIntegerField(default=0, help_text="Events with confidence >= 0.6.")

    class Meta:
        constraints = [
            # The triggers' INSERT .. ON CONFLICT target, and the reports' range scan:
            #   WHERE hour >= .. AND hour < .. GROUP BY location_id / exhibit_key, emotion, local day
            # (the corrected mix: .. GROUP BY model_version_key, emotion; one model runs at a time,
            # so the version adds rows only for the hours in which the active model changed)
            models.UniqueConstraint(
                fields=["hour", "location_id", "camera_key", "exhibit_key", "emotion", "model_version_key"],
                name="event_hourly_count_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00Z loc {self.location_id} {self.emotion}: {self.events}"


class PrivacyNotice(models.Model):
    """What /privacy/ and the printed sign tell visitors (GDPR Art. 13, AI Act Art. 50(3)).

    One row, edited by staff in the admin; every change is in the audit log. Retention comes
    from the settings, the list of what is and is not processed from the product itself.
    """

    controller_name = models.CharField(max_length=200, default="The museum (set the controller's name in the admin)")
    controller_address = models.CharField(max_length=300, blank=True)
    controller_contact = models.CharField(max_length=200, default="privacy@museum.example",
                                          help_text="E-mail or phone for privacy requests.")
    dpo_contact = models.CharField(max_length=200, blank=True, verbose_name="DPO contact",
                                   help_text="Data protection officer (responsabile della protezione dei dati).")
    purposes_en = models.TextField(
        default="Measuring, in aggregate, how visitors respond to exhibits, to improve exhibitions and visitor flow.")
    purposes_it = models.TextField(
        default="Misurare in forma aggregata come i visitatori reagiscono alle opere, per migliorare allestimenti "
                "e percorsi di visita.")
    legal_basis_en = models.TextField(default="Legitimate interest of the museum (GDPR Art. 6(1)(f)).")
    legal_basis_it = models.TextField(default="Legittimo interesse del museo (art. 6, par. 1, lett. f) GDPR).")
    public_url = models.URLField(blank=True, help_text="The notice's public address for the QR code; empty: this site's "
                                                       "/privacy/ as the browser reached it.")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="last changed")

    class Meta:
        verbose_name = "privacy notice"

    def __str__(self) -> str:
        return f"Privacy notice (last changed {self.updated_at:%Y-%m-%d})" if self.updated_at else "Privacy notice"
