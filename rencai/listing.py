"""List pages: the rows a filter form selects, one page at a time."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters import FilterSet

PAGE_SIZE = 50


def filtered(filterset: FilterSet) -> QuerySet:
    """No filter given: every row of the base queryset. A bad filter value: no rows (the form
    shows the error), never silently the unfiltered list."""
    if not filterset.is_bound:
        return filterset.queryset
    if not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def page_of(request: HttpRequest, rows: QuerySet, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))
