"""The OpenAPI schema's error responses, added to every route so the schema says what the server answers.

drf-spectacular documents the success body of each view; the errors come from
DRF and from our views, the same for every route of a kind:
- 401 (no or wrong token) and 403 (not allowed) everywhere;
- 404 on every route with an {id};
- 400 on every write ({field: [reason]}, or {"detail"} for a body that doesn't parse),
  unless the view documents its own 400 (filters, ingest);
- 413 on every write whose body is over DATA_UPLOAD_MAX_MEMORY_SIZE (ingest: its own limits);
- 409 on deleting a place or camera still referred to (ProtectedDeleteMixin);
- 429 when DRF throttling is configured.
"""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer

from analytics.api import serializers as s

WRITE_METHODS = ("POST", "PUT", "PATCH")


class FieldErrorsExtension(OpenApiSerializerExtension):
    """FieldErrorsDoc and its subclasses: an object whose every value is a list of reasons; a nested
    field (a camera's privacy_zones, a location's opening_hours) has an object of the same shape by
    item index or key instead."""

    target_class = s.FieldErrorsDoc
    match_subclasses = True

    def _flat(self) -> bool:
        # Query parameters are never nested: {parameter: [reason]}.
        target = self.target if isinstance(self.target, type) else type(self.target)
        return issubclass(target, s.ParameterErrorsDoc)

    def map_serializer(self, auto_schema, direction):
        reasons = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": (self.target.__doc__ or "").strip().splitlines()[0],
            "additionalProperties": reasons if self._flat() else {"oneOf": [
                {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object", "description": "errors of a nested field, by item index or key"},
            ]},
            "minProperties": 1,
        }


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """Edge devices' `Authorization: Device <token>` (devices.authentication), beside people's tokenAuth."""

    target_class = "devices.authentication.DeviceTokenAuthentication"
    name = "deviceTokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Edge device token (manage.py create_device): `Device <token>`."}


def _write_400():
    return OpenApiResponse(
        PolymorphicProxySerializer(
            component_name="WriteRejected", serializers=[s.FieldErrorsDoc, s.ErrorDetailDoc],
            resource_type_field_name=None,
        ),
        description="Invalid fields ({field: [reason]}), or a body that is not valid JSON ({detail}).",
    )


class MuseumAutoSchema(AutoSchema):
    def get_override_parameters(self):
        # The routes take any {id} (so "0.5" gets the JSON 404, not Django's HTML page);
        # what they look up is still a whole number.
        parameters = list(super().get_override_parameters())
        if "{id}" in self.path:
            parameters.append(OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id."))
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in self._error_responses().items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(response, str(code))
        return responses

    def _error_responses(self) -> dict:
        detail = s.ErrorDetailDoc
        errors = {
            401: OpenApiResponse(detail, description="No credentials, or a wrong token."),
            403: OpenApiResponse(detail, description="Signed in, but not allowed (viewers can't write)."),
        }
        if "{" in self.path:
            errors[404] = OpenApiResponse(detail, description="No object with this id.")
        if self.method in WRITE_METHODS:
            errors[400] = _write_400()
            errors[413] = OpenApiResponse(detail, description="The body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.")
        if self.method == "DELETE" and hasattr(self.view, "destroy"):
            errors[409] = OpenApiResponse(detail, description="Still referred to by events, visits or cameras.")
        if settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES"):
            errors[429] = OpenApiResponse(detail, description="Too many requests; retry after Retry-After seconds.")
        return errors
