"""What an edge device reads and writes (Authorization: Device <token>), besides the events ingest.

Only a device token gets these: people get 403 (staff see cameras at /api/cameras/).
The device reads its own camera's settings and the active model, and reports heartbeats.
"""
from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import serializers as s
from devices.authentication import request_device
from devices.selectors import device_model_get
from devices.services import device_heartbeat_record
from emotions.model_artifact import ArtifactError

MODEL_UNAVAILABLE_503 = OpenApiResponse(
    s.ErrorDetailDoc, description="The active model's files are missing on the server; the device keeps its own.")


class DeviceOnly(BasePermission):
    message = "Only an edge device's token (Authorization: Device <token>) may use this route."

    def has_permission(self, request, view) -> bool:
        return request_device(request) is not None


class DeviceCameraView(APIView):
    permission_classes = [DeviceOnly]

    @extend_schema(summary="The device's camera and its detection settings (device token)",
                   responses=s.DeviceCameraSettingsSerializer)
    def get(self, request):
        camera = request_device(request).camera
        return Response(s.DeviceCameraSettingsSerializer(camera).data)


def _model_unavailable(exc: ArtifactError) -> Response:
    return Response({"detail": f"The active model is unavailable on the server: {exc}"},
                    status=status.HTTP_503_SERVICE_UNAVAILABLE)


class DeviceModelView(APIView):
    permission_classes = [DeviceOnly]

    @extend_schema(summary="The active model: spec and SHA-256 of its .tflite (device token)",
                   responses={200: s.DeviceModelSerializer, 503: MODEL_UNAVAILABLE_503})
    def get(self, request):
        try:
            model = device_model_get()
        except ArtifactError as exc:
            return _model_unavailable(exc)
        data = {"version": model.version, "variant": model.variant, "size": model.size, "sha256": model.sha256,
                "spec": model.spec, "file_url": request.build_absolute_uri(reverse("api:device-model-file"))}
        return Response(s.DeviceModelSerializer(data).data)


class DeviceModelFileView(APIView):
    permission_classes = [DeviceOnly]
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        # The file itself bypasses renderers; errors are JSON whatever the client accepts
        # (Accept: application/octet-stream gets its 401/403/503 as JSON, as the schema says, not 406).
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(summary="The active model's .tflite (device token); check its SHA-256 (ETag)",
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 503: MODEL_UNAVAILABLE_503})
    def get(self, request):
        try:
            model = device_model_get()
        except ArtifactError as exc:
            return _model_unavailable(exc)
        response = FileResponse(model.path.open("rb"), content_type="application/octet-stream",
                                as_attachment=True, filename=f"{model.version.name}-{model.variant}.tflite")
        response["ETag"] = f'"{model.sha256}"'
        return response


class DeviceHeartbeatView(APIView):
    permission_classes = [DeviceOnly]

    @extend_schema(summary="The device says how it is (device token); the admin shows it",
                   request=s.DeviceHeartbeatSerializer, responses=s.DeviceSerializer)
    def post(self, request):
        heartbeat = s.DeviceHeartbeatSerializer(data=request.data)
        heartbeat.is_valid(raise_exception=True)
        device = device_heartbeat_record(device=request_device(request), **heartbeat.validated_data)
        return Response(s.DeviceSerializer(device).data)
