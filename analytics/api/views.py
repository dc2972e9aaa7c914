"""API views: parse the query, call a selector or service, return its result. Nothing else."""
from __future__ import annotations

import csv

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import serializers as s
from analytics.api.pagination import EventCursorPagination, VisitCursorPagination
from analytics.api.params import (
    FILL_ZEROS_PARAM,
    FILTER_PARAMS,
    THRESHOLD_PARAM,
    BadParameter,
    event_filter_from_params,
    fill_zeros_from_params,
    reject_unknown_params,
    threshold_from_params,
)
from analytics.api.permissions import DevicesIngest, StaffWritesViewersRead
from analytics.api.request_limits import ingest_body_too_large, ingest_too_large_response
from analytics.selectors.corrected_mix import corrected_emotion_mix
from analytics.selectors.events import event_list
from analytics.selectors.exhibits import exhibit_engagement
from analytics.selectors.locations import location_stats
from analytics.selectors.series import SeriesSpanTooLong, emotion_daily_series, emotion_hourly_series
from analytics.selectors.summary import legacy_summary
from analytics.selectors.visits import visit_list
from cameras.models import Camera, Exhibit, Location
from cameras.services import camera_disable, camera_enable
from emotions.legacy_export import legacy_csv_rows
from emotions.legacy_format import LEGACY_COLUMNS
from devices.authentication import request_device
from emotions.services.audit import audit_export
from emotions.services.ingest import IngestForbidden, IngestRejected, IngestTooLarge, events_ingest
from emotions.services.visit_ingest import visits_ingest

# YYYY-MM-DD, optionally a time and an offset; within emotions.time_bounds (docs/api.md).
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$"
FILTER_PARAMETERS = [
    OpenApiParameter(
        "since", OpenApiTypes.STR, pattern=DATE_PATTERN,
        description="From this local date (YYYY-MM-DD) or ISO date-time, inclusive; not before "
        "EARLIEST_EVENT_DATE nor in the future.",
    ),
    OpenApiParameter(
        "until", OpenApiTypes.STR, pattern=DATE_PATTERN,
        description="Up to this date-time, exclusive; a bare date includes that whole day. Not before "
        "EARLIEST_EVENT_DATE nor more than 366 days ahead.",
    ),
    OpenApiParameter("location", OpenApiTypes.STR, description="Location name (the legacy CSV's CameraLocation)."),
    OpenApiParameter("location_id", OpenApiTypes.INT, description="Location id."),
    OpenApiParameter("exhibit", OpenApiTypes.INT, description="Exhibit id."),
    OpenApiParameter("camera", OpenApiTypes.INT, description="Camera id."),
]
THRESHOLD_PARAMETER = OpenApiParameter(
    THRESHOLD_PARAM, OpenApiTypes.FLOAT, description="Minimum confidence for an event to count, 0..1 (default 0.6)."
)
PROBLEM_400 = OpenApiResponse(
    s.ParameterErrorsDoc, description="A parameter is unknown or invalid; the body names it: {name: [reason]}."
)


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
        try:
            return Response(type(self).selector(event_filter=event_filter, threshold=threshold))
        except SeriesSpanTooLong as exc:
            raise ValidationError({"since": [str(exc)]}) from None


def analytics_schema(summary: str, response, description: str = ""):
    return extend_schema(
        summary=summary, description=description, parameters=[THRESHOLD_PARAMETER, *FILTER_PARAMETERS],
        responses={200: response, 400: PROBLEM_400},
    )


FILL_ZEROS_PARAMETER = OpenApiParameter(
    FILL_ZEROS_PARAM, OpenApiTypes.BOOL,
    description="true: every sentiment and emotion in every group, zeros included, in a fixed order "
    "(and zeros instead of the no-data answer). Default false: the prototype's JSON.",
)


@extend_schema(
    summary="Legacy summary (analyze_emotions JSON)",
    description=(
        "Exactly the JSON `manage.py analyze_emotions` prints for the same filters and threshold: by default "
        "the prototype's (only labels that occur, largest count first; `{\"error\": \"No data meets threshold\"}` "
        "with status 200 when no event reaches the threshold), with `fill_zeros=true` a fixed shape."
    ),
    parameters=[THRESHOLD_PARAMETER, FILL_ZEROS_PARAMETER, *FILTER_PARAMETERS],
    responses={
        200: PolymorphicProxySerializer(
            component_name="LegacySummaryResponse",
            serializers=[s.LegacySummaryDoc, s.LegacyNoDataDoc],
            resource_type_field_name=None,
        ),
        400: PROBLEM_400,
    },
)
class SummaryView(AnalyticsView):
    def get(self, request):
        event_filter, threshold = parsed_filter(request, allowed_extra=(FILL_ZEROS_PARAM,), with_threshold=True)
        try:
            fill_zeros = fill_zeros_from_params(request.query_params)
        except BadParameter as exc:
            raise ValidationError({exc.parameter: [exc.message]}) from None
        # 200 even for the no-data answer: the filters were valid, and the prototype's
        # consumers read that body rather than a status (docs/legacy.md).
        return Response(legacy_summary(event_filter=event_filter, threshold=threshold, fill_zeros=fill_zeros))


@extend_schema(
    summary="Estimated true emotion mix, corrected by the model's confusion matrix",
    description=(
        "Beside the counted labels, the true mix that best explains them given how often the active model (or "
        "the model version that classified each event) mistakes one emotion for another on its validation faces "
        "(adjusted classify-and-count), with a bootstrap interval and each emotion's reliability. Every detection "
        "of the selection counts, whatever its confidence (the matrix was measured without a threshold), so "
        "there is no `threshold` parameter. A selection backed by fewer than MIN_GROUP_SIZE visits has "
        "`status` `suppressed` and no numbers."
    ),
    parameters=FILTER_PARAMETERS,
    responses={200: s.CorrectedMixDoc, 400: PROBLEM_400},
)
class CorrectedMixView(APIView):
    permission_classes = [StaffWritesViewersRead]

    def get(self, request):
        event_filter, _ = parsed_filter(request)
        return Response(corrected_emotion_mix(event_filter=event_filter))


@analytics_schema(
    "Emotion counts per local hour", s.HourlyPointDoc(many=True),
    "Hours with events only. Covers at most 93 days of events; more is a 400 naming `since`.",
)
class HourlySeriesView(AnalyticsView):
    selector = staticmethod(emotion_hourly_series)


@analytics_schema(
    "Emotion counts per local day, week, month or year (gaps filled with zeros)", s.DailyPointDoc(many=True),
    "Per day while the events span at most 366 days, per week (from Monday) up to 1830 days, per calendar "
    "month up to 14640 days (40 years), per year beyond; each point's `bucket` says which, `date` is the "
    "bucket's first day.",
)
class DailySeriesView(AnalyticsView):
    selector = staticmethod(emotion_daily_series)


@analytics_schema("Per-location emotions and visits", s.LocationStatsDoc(many=True))
class LocationStatsView(AnalyticsView):
    selector = staticmethod(location_stats)


@analytics_schema("Per-exhibit engagement: visits, mean dwell, dominant emotion", s.ExhibitEngagementDoc(many=True))
class ExhibitEngagementView(AnalyticsView):
    selector = staticmethod(exhibit_engagement)


PAGE_PARAMS = ("cursor", "page_size")


def filtered_page(view, request, *, selector, pagination, serializer) -> Response:
    """One page of what `selector` returns for the query's filters."""
    event_filter, _ = parsed_filter(request, allowed_extra=PAGE_PARAMS)
    paginator = pagination()
    page = paginator.paginate_queryset(selector(event_filter=event_filter), request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


PAGE_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="The page to read: follow `next`/`previous` as given."),
    OpenApiParameter(
        "page_size", OpenApiTypes.INT, description="Items per page, 1..1000 (default 100); anything else is a 400."
    ),
]


def list_schema(summary: str, response, ok=200, paginated=False):
    parameters = FILTER_PARAMETERS + (PAGE_PARAMETERS if paginated else [])
    return extend_schema(summary=summary, parameters=parameters, responses={ok: response, 400: PROBLEM_400})


def ingest_schema(summary: str, *, request, result, what: str):
    return extend_schema(
        summary=summary,
        description=(
            f"All or nothing: if any item is invalid, nothing is stored and the 400 lists each bad item "
            f"(index, id, field -> reason). {what} A device token writes only its own camera's rows: items "
            "get its camera, and naming another camera is a 403 (nothing stored)."
        ),
        request=request,
        responses={
            201: result, 200: result, 400: s.IngestRejectedDoc,
            403: OpenApiResponse(s.ErrorDetailDoc, description="Not staff nor a device, or a device writing "
                                                               "another camera's rows."),
            413: OpenApiResponse(s.IngestTooLargeDoc, description="More items or bytes than the limits it names."),
            415: OpenApiResponse(s.ErrorDetailDoc, description="The body is not application/json."),
        },
    )


def ingest_response(request, ingest, *, key: str) -> Response:
    """The ingest's answer: 201 when something was created, 200 when not, 400/403/413 saying why."""
    if (too_large := ingest_body_too_large(request)) is not None:
        return too_large
    try:
        body = request.data
    except ParseError as exc:
        problem = {"index": None, "id": None, "errors": {key: str(exc.detail)}}
        return Response({"detail": str(exc.detail), "errors": [problem]}, status=status.HTTP_400_BAD_REQUEST)
    device = request_device(request)
    try:
        result = ingest(items=body, only_camera=device.camera if device else None)
    except IngestTooLarge as exc:
        return ingest_too_large_response(str(exc), received_items=exc.received)
    except IngestRejected as exc:
        return Response({"detail": str(exc), "errors": exc.problems}, status=status.HTTP_400_BAD_REQUEST)
    except IngestForbidden as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    payload = {name: getattr(result, name) for name in result.__dataclass_fields__}
    return Response(payload, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class EventsView(APIView):
    permission_classes = [DevicesIngest]
    parser_classes = [JSONParser]  # edge devices send JSON; a form can't hold a batch

    @list_schema("Emotion events, oldest first (cursor-paginated)", s.PaginatedEventsDoc, paginated=True)
    def get(self, request):
        return filtered_page(
            self, request, selector=event_list, pagination=EventCursorPagination, serializer=s.EventSerializer
        )

    @ingest_schema("Bulk ingest of events from edge devices (staff or device)", request=s.IngestRequestDoc,
                   result=s.IngestResultDoc, what="Idempotent: an id already stored is counted as a duplicate.")
    def post(self, request):
        return ingest_response(request, events_ingest, key="events")


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
    permission_classes = [DevicesIngest]
    parser_classes = [JSONParser]

    @list_schema("Visits (tracked faces), newest first (cursor-paginated)", s.PaginatedVisitsDoc, paginated=True)
    def get(self, request):
        return filtered_page(
            self, request, selector=visit_list, pagination=VisitCursorPagination, serializer=s.VisitSerializer
        )

    @ingest_schema("Bulk ingest of visits from edge devices (staff or device)", request=s.VisitIngestRequestDoc,
                   result=s.VisitIngestResultDoc,
                   what="Idempotent: an id already stored is set to what was sent (a visit grows while its "
                        "visitor stays; the last send wins), so re-sending changes nothing.")
    def post(self, request):
        return ingest_response(request, visits_ingest, key="visits")


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


class PlaceViewSet(ProtectedDeleteMixin, viewsets.ModelViewSet):
    # Any {id} reaches the view, so a non-number is DRF's JSON 404, not Django's HTML one.
    lookup_value_regex = "[^/]+"
    permission_classes = [StaffWritesViewersRead]


class LocationViewSet(PlaceViewSet):
    """Places in the museum; the legacy CSV's CameraLocation is a location's name."""

    queryset = Location.objects.all()
    serializer_class = s.LocationSerializer


class ExhibitViewSet(PlaceViewSet):
    """Exhibits, each in one location."""

    queryset = Exhibit.objects.select_related("location")
    serializer_class = s.ExhibitSerializer


class CameraViewSet(PlaceViewSet):
    """Cameras: source, detection settings, and the health their worker reports (read-only)."""

    queryset = Camera.objects.select_related("location", "exhibit")
    serializer_class = s.CameraSerializer

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
