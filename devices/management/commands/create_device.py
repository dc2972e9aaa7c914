"""manage.py create_device NAME --camera CAMERA: an edge device for one camera; prints its token."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cameras.models import Camera
from devices.services import DeviceRefused, device_create
from museum_site.db_ready import require_migrated_database


class Command(BaseCommand):
    help = ("Create an edge device for one camera and print its token on stdout (nothing else there, so "
            "TOKEN=$(manage.py create_device ...) works). The token is shown once; only its hash is stored.")

    def add_arguments(self, parser):
        parser.add_argument("name", help="the device's name, e.g. pi-hall-a")
        parser.add_argument("--camera", required=True, help="camera id or name")
        parser.add_argument("--new-token", action="store_true",
                            help="the device exists: replace its token (the old one stops working)")

    def handle(self, *args, name, camera, new_token, **options):
        require_migrated_database()
        found = Camera.objects.filter(pk=int(camera)).first() if camera.isdigit() else None
        found = found or Camera.objects.filter(name=camera).first()
        if found is None:
            raise CommandError(f"no camera {camera!r}")
        try:
            created = device_create(name=name, camera=found, new_token=new_token)
        except DeviceRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"device {created.device.name!r} for camera {found.name!r}; "
                          "send the token as 'Authorization: Device <token>' (edge agent: --token):")
        self.stdout.write(created.token)
