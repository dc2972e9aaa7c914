"""API views: parse the query, call a selector or service, return its result. Nothing else."""
from __future__ import annotations

import csv

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import serializers as s
from analytics.api.params import (
    FILTER_PARAMS,
    THRESHOLD_PARAM,
    BadParameter,
    event_filter_from_params,
    reject_unknown_params,
    threshold_from_params,
)
from analytics.api.permissions import StaffWritesViewersRead
from analytics.selectors.events import event_list
from analytics.selectors.exhibits import exhibit_engagement
from analytics.selectors.locations import location_stats
from analytics.selectors.series import emotion_daily_series, emotion_hourly_series
from analytics.selectors.summary import legacy_summary
from analytics.selectors.visits import visit_list
from cameras.models import Camera, Exhibit, Location
from cameras.services import camera_disable, camera_enable
from emotions.legacy_export import legacy_csv_rows
from emotions.legacy_format import LEGACY_COLUMNS
from emotions.services.audit import audit_export
from emotions.services.ingest import IngestRejected, events_ingest

FILTER_PARAMETERS = [
    OpenApiParameter("since", OpenApiTypes.STR, description="From this local date (YYYY-MM-DD) or ISO date-time, inclusive."),
    OpenApiParameter("until", OpenApiTypes.STR, description="Up to this date-time, exclusive; a bare date includes that whole day."),
    OpenApiParameter("location", OpenApiTypes.STR, description="Location name (the legacy CSV's CameraLocation)."),
    OpenApiParameter("location_id", OpenApiTypes.INT, description="Location id."),
    OpenApiParameter("exhibit", OpenApiTypes.INT, description="Exhibit id."),
    OpenApiParameter("camera", OpenApiTypes.INT, description="Camera id."),
]
THRESHOLD_PARAMETER = OpenApiParameter(
    THRESHOLD_PARAM, OpenApiTypes.FLOAT, description="Minimum confidence for an event to count, 0..1 (default 0.6)."
)
PROBLEM_400 = OpenApiResponse(description="A parameter is unknown or invalid; the body names it: {name: [reason]}.")


def parsed_filter(request, *, allowed_extra=(), with_threshold=False):
    """(EventFilter, threshold or None) from the query string, or a 400 naming the parameter."""
    allowed = FILTER_PARAMS + ((THRESHOLD_PARAM,) if with_threshold else ()) + tuple(allowed_extra)
    try:
        reject_unknown_params(request.query_params, allowed)
        event_filter = event_filter_from_params(request.query_params)
        threshold = threshold_from_params(request.query_params) if with_threshold else None
    except BadParameter as exc:
        raise ValidationError({exc.parameter: [exc.message]}) from None
    return event_filter, threshold


class AnalyticsView(APIView):
    """GET only: the selector's JSON for the filtered events."""

    permission_classes = [StaffWritesViewersRead]
    selector = None

    def get(self, request):
        event_filter, threshold = parsed_filter(request, with_threshold=True)
        return Response(type(self).selector(event_filter=event_filter, threshold=threshold))


def analytics_schema(summary: str, response, description: str = ""):
    return extend_schema(
        summary=summary, description=description, parameters=[THRESHOLD_PARAMETER, *FILTER_PARAMETERS],
        responses={200: response, 400: PROBLEM_400},
    )


@analytics_schema(
    "Legacy summary (analyze_emotions JSON)", OpenApiTypes.OBJECT,
    "Exactly the JSON `manage.py analyze_emotions` prints for the same filters and threshold.",
)
class SummaryView(AnalyticsView):
    selector = staticmethod(legacy_summary)


@analytics_schema("Emotion counts per local hour", s.HourlyPointDoc(many=True))
class HourlySeriesView(AnalyticsView):
    selector = staticmethod(emotion_hourly_series)


@analytics_schema("Emotion counts per local day (gaps filled with zeros)", s.DailyPointDoc(many=True))
class DailySeriesView(AnalyticsView):
    selector = staticmethod(emotion_daily_series)


@analytics_schema("Per-location emotions and visits", s.LocationStatsDoc(many=True))
class LocationStatsView(AnalyticsView):
    selector = staticmethod(location_stats)


@analytics_schema("Per-exhibit engagement: visits, mean dwell, dominant emotion", s.ExhibitEngagementDoc(many=True))
class ExhibitEngagementView(AnalyticsView):
    selector = staticmethod(exhibit_engagement)


class EventCursorPagination(CursorPagination):
    # Cursor, not page numbers: no COUNT(*) over millions of rows, and stable
    # while cameras keep appending.
    ordering = ("timestamp", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class VisitCursorPagination(EventCursorPagination):
    ordering = ("-started_at", "-id")


PAGE_PARAMS = ("cursor", "page_size")


def filtered_page(view, request, *, selector, pagination, serializer) -> Response:
    """One page of what `selector` returns for the query's filters."""
    event_filter, _ = parsed_filter(request, allowed_extra=PAGE_PARAMS)
    paginator = pagination()
    page = paginator.paginate_queryset(selector(event_filter=event_filter), request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def list_schema(summary: str, response, ok=200):
    return extend_schema(summary=summary, parameters=FILTER_PARAMETERS, responses={ok: response, 400: PROBLEM_400})


class EventsView(APIView):
    permission_classes = [StaffWritesViewersRead]

    @list_schema("Emotion events, oldest first (cursor-paginated)", s.EventSerializer(many=True))
    def get(self, request):
        return filtered_page(
            self, request, selector=event_list, pagination=EventCursorPagination, serializer=s.EventSerializer
        )

    @extend_schema(
        summary="Bulk ingest from edge devices (staff)",
        description=(
            "All or nothing: if any item is invalid, nothing is stored and the 400 lists each bad item "
            "(index, id, field -> reason). Idempotent: an id already stored is counted as a duplicate."
        ),
        request=s.IngestRequestDoc,
        responses={201: s.IngestResultDoc, 200: s.IngestResultDoc, 400: s.IngestRejectedDoc},
    )
    def post(self, request):
        body = request.data
        items = body.get("events") if isinstance(body, dict) else body
        try:
            result = events_ingest(items=items)
        except IngestRejected as exc:
            return Response({"detail": str(exc), "errors": exc.problems}, status=status.HTTP_400_BAD_REQUEST)
        payload = {"received": result.received, "created": result.created, "duplicates": result.duplicates}
        return Response(payload, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class _Echo:
    """csv.writer target that hands each formatted line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


class EventsCsvView(APIView):
    permission_classes = [StaffWritesViewersRead]

    @list_schema("Emotion events as the legacy emotion_log.csv (streamed)", OpenApiTypes.STR, ok=(200, "text/csv"))
    def get(self, request):
        event_filter, _ = parsed_filter(request)
        audit_export(user=request.user, what="API: events.csv", params=request.query_params)
        writer = csv.writer(_Echo(), lineterminator="\n")

        def lines():
            yield writer.writerow(LEGACY_COLUMNS)
            for row in legacy_csv_rows(event_filter=event_filter):
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="emotion_log.csv"'
        return response


class VisitsView(APIView):
    permission_classes = [StaffWritesViewersRead]

    @list_schema("Visits (tracked faces), newest first (cursor-paginated)", s.VisitSerializer(many=True))
    def get(self, request):
        return filtered_page(
            self, request, selector=visit_list, pagination=VisitCursorPagination, serializer=s.VisitSerializer
        )


class ProtectedDeleteMixin:
    """A location with events (or an exhibit in use) can't be deleted: say so with 409, not 500."""

    def destroy(self, request, *args, **kwargs):
        try:
            return super().destroy(request, *args, **kwargs)
        except ProtectedError as exc:
            kinds = sorted({str(type(obj)._meta.verbose_name_plural) for obj in exc.protected_objects})
            return Response(
                {"detail": f"Still referenced by {', '.join(kinds)}; remove or reassign those first."},
                status=status.HTTP_409_CONFLICT,
            )


class LocationViewSet(ProtectedDeleteMixin, viewsets.ModelViewSet):
    queryset = Location.objects.all()
    serializer_class = s.LocationSerializer
    permission_classes = [StaffWritesViewersRead]


class ExhibitViewSet(ProtectedDeleteMixin, viewsets.ModelViewSet):
    queryset = Exhibit.objects.select_related("location")
    serializer_class = s.ExhibitSerializer
    permission_classes = [StaffWritesViewersRead]


class CameraViewSet(ProtectedDeleteMixin, viewsets.ModelViewSet):
    queryset = Camera.objects.select_related("location", "exhibit")
    serializer_class = s.CameraSerializer
    permission_classes = [StaffWritesViewersRead]

    @extend_schema(summary="Health of every camera", responses=s.CameraStatusSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="status")
    def status_list(self, request):
        return Response(s.CameraStatusSerializer(self.get_queryset(), many=True).data)

    @extend_schema(summary="Health of one camera", responses=s.CameraStatusSerializer)
    @action(detail=True, methods=["get"], url_path="status")
    def status_detail(self, request, pk=None):
        return Response(s.CameraStatusSerializer(self.get_object()).data)

    @extend_schema(summary="Start the camera (staff)", request=None, responses={
        200: s.CameraStatusSerializer,
        400: OpenApiResponse(description="The camera may not analyse (its location is a staff area): "
                                         "{\"enabled\": [reason]}."),
    })
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        try:
            camera = camera_enable(camera=self.get_object())
        except DjangoValidationError as exc:
            raise ValidationError({"enabled": exc.messages}) from None
        return Response(s.CameraStatusSerializer(camera).data)

    @extend_schema(summary="Stop the camera (staff)", request=None, responses=s.CameraStatusSerializer)
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        camera = camera_disable(camera=self.get_object())
        return Response(s.CameraStatusSerializer(camera).data)
