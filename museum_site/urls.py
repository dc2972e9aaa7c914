from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Museum emotion analytics"
admin.site.site_title = "Museum emotion analytics"
admin.site.index_title = "Locations, exhibits, cameras and events"

urlpatterns = [
    path("", RedirectView.as_view(url="/reports/", permanent=False)),
    path("", include("analytics.health_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("reports/", include("analytics.urls")),
    path("api/", include("analytics.api_urls")),
    path("privacy/", include("analytics.privacy_urls")),
]
