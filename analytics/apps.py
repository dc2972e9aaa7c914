from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self):
        from analytics.privacy_audit import privacy_audit_connect

        privacy_audit_connect()
