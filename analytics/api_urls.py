"""/api/: analytics JSON for dashboards, events in and out, places and cameras, and the OpenAPI docs."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from analytics.api import device_views, views

router = DefaultRouter()
router.register("locations", views.LocationViewSet, basename="location")
router.register("exhibits", views.ExhibitViewSet, basename="exhibit")
router.register("cameras", views.CameraViewSet, basename="camera")

app_name = "api"
urlpatterns = [
    path("analytics/summary/", views.SummaryView.as_view(), name="summary"),
    path("analytics/corrected-mix/", views.CorrectedMixView.as_view(), name="corrected-mix"),
    path("analytics/series/hourly/", views.HourlySeriesView.as_view(), name="series-hourly"),
    path("analytics/series/daily/", views.DailySeriesView.as_view(), name="series-daily"),
    path("analytics/locations/", views.LocationStatsView.as_view(), name="location-stats"),
    path("analytics/exhibits/", views.ExhibitEngagementView.as_view(), name="exhibit-engagement"),
    path("events/", views.EventsView.as_view(), name="events"),
    path("events.csv", views.EventsCsvView.as_view(), name="events-csv"),
    path("visits/", views.VisitsView.as_view(), name="visits"),
    path("device/camera/", device_views.DeviceCameraView.as_view(), name="device-camera"),
    path("device/model/", device_views.DeviceModelView.as_view(), name="device-model"),
    path("device/model/file/", device_views.DeviceModelFileView.as_view(), name="device-model-file"),
    path("device/heartbeat/", device_views.DeviceHeartbeatView.as_view(), name="device-heartbeat"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script as a separate file (?script): the page needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
