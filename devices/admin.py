"""Edge devices in the admin: which camera, and what their last heartbeat said."""
from __future__ import annotations

from django.contrib import admin

from devices.models import Device
from devices.selectors import device_is_offline


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("name", "camera", "active", "contact", "state", "agent_version", "last_contact_at", "queued",
                    "dropped", "fps", "short_last_error")
    list_filter = ("active", "state")
    list_select_related = ("camera",)
    search_fields = ("name", "camera__name", "agent_version", "last_error")
    autocomplete_fields = ("camera",)
    readonly_fields = ("state", "agent_version", "last_contact_at", "queued", "dropped", "fps", "frames",
                       "model_sha256", "last_error", "created_at")

    def has_add_permission(self, request) -> bool:
        return False  # a device's token is shown once, by `manage.py create_device`

    @admin.display(description="Contact", boolean=False)
    def contact(self, obj: Device) -> str:
        return "offline" if device_is_offline(obj) else "online"

    @admin.display(description="Last error")
    def short_last_error(self, obj: Device) -> str:
        return obj.last_error[:80]
