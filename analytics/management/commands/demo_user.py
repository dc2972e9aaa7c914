"""Create (or refresh) a staff login for a local demo and print its credentials."""
import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or refresh the 'demo' staff user; the password comes from DEMO_PASSWORD or is generated."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")

    def handle(self, *args, username, **options):
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Refreshed"
        self.stdout.write(f"{verb} staff login: user {username!r}, password {password!r}")
