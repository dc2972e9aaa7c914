"""The Celery app. Workers run one per camera: `celery -A museum_site worker -Q camera.<id> -c 1`."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_site.settings")

app = Celery("museum_site")
# All Celery settings live in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
