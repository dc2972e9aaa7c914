"""manage.py create_dashboard_user: a read-only login for Node-RED and its API token (step 1 of the README's Node-RED steps)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from analytics.services import DASHBOARD_USERNAME, DashboardUserRefused, dashboard_user_create
from museum_site.db_ready import require_migrated_database


class Command(BaseCommand):
    help = (
        "Create (or reuse) a read-only user in the 'viewer' group for dashboards and print its API token "
        "on stdout (nothing else there, so TOKEN=$(manage.py create_dashboard_user) works)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default=DASHBOARD_USERNAME, help="Default: %(default)s.")
        parser.add_argument(
            "--new-token", action="store_true", help="Replace the user's token (the old one stops working)."
        )

    def handle(self, *args, username, new_token, **options):
        require_migrated_database()
        try:
            dashboard = dashboard_user_create(username=username, new_token=new_token)
        except DashboardUserRefused as exc:
            raise CommandError(str(exc)) from exc
        user = "created read-only user" if dashboard.user_created else "read-only user"
        token = "new token" if dashboard.token_created else "existing token"
        self.stderr.write(
            f"{user} {dashboard.username!r} (group 'viewer'), {token}; "
            "send it as 'Authorization: Token <key>' (Node-RED: MUSEUM_API_TOKEN):"
        )
        self.stdout.write(dashboard.token)
