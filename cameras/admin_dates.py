"""The admin's date drill-down (date_hierarchy), safe from years it can't compute.

Django's changelist turns ?<field>__year=9999 into "from 9999-01-01 to the next
year" and crashes (a 500) computing year 10000; ?..__month=12&..__day=31 does
the same at the end of 9999. A year outside `date_hierarchy_years()` gets the
admin's own answer to bad lookups instead: a redirect to ?e=1.
"""
from __future__ import annotations

from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect


class BoundedDateHierarchyMixin:
    def date_hierarchy_years(self) -> tuple[int, int]:
        """First and last year the drill-down accepts; clear of datetime's years 1 and 9999."""
        return 2, 9998

    def changelist_view(self, request, extra_context=None):
        raw = request.GET.get(f"{self.date_hierarchy}__year") if self.date_hierarchy else None
        if raw is not None:
            first, last = self.date_hierarchy_years()
            try:
                in_range = first <= int(raw) <= last
            except ValueError:
                in_range = True  # not a number: Django reports that itself
            if not in_range:
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)
