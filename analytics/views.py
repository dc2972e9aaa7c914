"""The reports page and the CSV of each table on it. Parse, call, render."""
from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from analytics.api.params import (
    FILTER_PARAMS,
    THRESHOLD_PARAM,
    BadParameter,
    event_filter_from_params,
    reject_unknown_params,
    threshold_from_params,
)
from analytics.api.permissions import user_can_read_reports
from analytics.legacy_summary import DEFAULT_THRESHOLD
from analytics.report_tables import TABLE_BUILDERS, kpis, report_data
from analytics.selectors.model_card import active_model_card
from cameras.models import Camera, Exhibit, Location
from emotions.time_bounds import filter_end_problem, filter_start_problem
from emotions.services.audit import audit_export

# The page's date range is two inclusive days ("from", "to"), as people read a
# range; the API's is since/until with `until` exclusive, as the legacy commands.
PAGE_PARAMS = ("from", "to", "location", "location_id", "exhibit", "camera", THRESHOLD_PARAM)


def _day(parameter: str, raw: str, *, last: bool = False) -> date | None:
    """A form's day, within emotions.time_bounds (checked before any date arithmetic)."""
    if not raw.strip():
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise BadParameter(parameter, f"{raw!r} is not a date (YYYY-MM-DD)") from None
    midnight = datetime.combine(day, time(0), tzinfo=timezone.get_default_timezone())
    if problem := (filter_end_problem if last else filter_start_problem)(midnight):
        raise BadParameter(parameter, f"{raw!r} {problem}")
    return day


def api_params_of(page_params) -> dict[str, str]:
    """The page's query -> the equivalent API query (what the page's JSON comes from)."""
    reject_unknown_params(page_params, PAGE_PARAMS)
    first, last = _day("from", page_params.get("from", "")), _day("to", page_params.get("to", ""), last=True)
    if first and last and last < first:
        raise BadParameter("to", "is before from")
    params = {name: page_params.get(name, "").strip() for name in FILTER_PARAMS + (THRESHOLD_PARAM,)}
    params["since"] = first.isoformat() if first else ""
    params["until"] = (last + timedelta(days=1)).isoformat() if last else ""
    return {name: value for name, value in params.items() if value}


def _parsed(request):
    api_params = api_params_of(request.GET)
    return api_params, event_filter_from_params(api_params), threshold_from_params(api_params)


def _readers_only(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not user_can_read_reports(request.user):
            raise PermissionDenied("Reports are for staff and the 'viewer' group.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _query(params: dict) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _quick_ranges(current: dict) -> list[dict]:
    today = timezone.localdate()
    ranges = [("Today", today, today), ("Last 7 days", today - timedelta(days=6), today),
              ("Last 30 days", today - timedelta(days=29), today), ("All time", None, None)]
    links = []
    for label, since, until in ranges:
        params = {**current, "from": since.isoformat() if since else "", "to": until.isoformat() if until else ""}
        active = current["from"] == params["from"] and current["to"] == params["to"]
        links.append({"label": label, "query": _query(params), "active": active})
    return links


@_readers_only
def reports_index(request):
    current = {name: request.GET.get(name, "").strip() for name in PAGE_PARAMS}
    context = {
        "current": current,
        "threshold_default": DEFAULT_THRESHOLD,
        "locations": Location.objects.all(),
        "exhibits": Exhibit.objects.select_related("location"),
        "cameras": Camera.objects.select_related("location"),
        "quick_ranges": _quick_ranges(current),
    }
    try:
        api_params, event_filter, threshold = _parsed(request)
    except BadParameter as exc:
        context["error"] = exc
        return render(request, "analytics/reports.html", context, status=400)
    data = report_data(event_filter=event_filter, threshold=threshold)
    context.update(
        data=data,
        kpis=kpis(data),
        threshold=threshold,
        tables={key: build(data) for key, (build, _) in TABLE_BUILDERS.items()},
        query=_query(current),
        api_query=_query(api_params),
        events_csv_query=_query({k: v for k, v in api_params.items() if k != THRESHOLD_PARAM}),
    )
    return render(request, "analytics/reports.html", context)


@_readers_only
def report_table_csv(request, table: str):
    """The numbers of one chart's table, as CSV, for the same query as the page."""
    if table not in TABLE_BUILDERS:
        raise Http404(f"no table named {table!r}")
    build, part = TABLE_BUILDERS[table]
    try:
        _, event_filter, threshold = _parsed(request)
    except BadParameter as exc:
        return HttpResponse(f"{exc.parameter}: {exc.message}\n", status=400, content_type="text/plain")
    result = build(report_data(event_filter=event_filter, threshold=threshold, parts=(part,)))
    audit_export(user=request.user, what=f"reports: {table}.csv", params=request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(result.rows)
    return response


@staff_member_required
def about_the_model(request):
    """Staff page: what the model measured, where it fails, what it is for (AI Act Art. 13 instructions for use)."""
    return render(request, "analytics/model.html", {"card": active_model_card()})
