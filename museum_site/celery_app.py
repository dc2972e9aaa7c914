"""The Celery app. Camera workers (started by `manage.py camera_workers`) consume `camera.<id>` queues,
several cameras to a process: `celery -A museum_site worker -Q camera.<a>,camera.<b> --pool threads -c 2`."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_site.settings")

app = Celery("museum_site")
# All Celery settings live in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
