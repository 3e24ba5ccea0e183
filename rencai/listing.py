"""List pages: the rows a filter form selects, one page at a time."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters import FilterSet

PAGE_SIZE = 50
PAGE_SIZES = (20, 50, 100)  # offered by every list's pagination (_pagination.html), `?size=`
PAGING_KEYS = ("page", "size")  # the query keys that page a list and never filter it


def filtered(filterset: FilterSet) -> QuerySet:
    """No filter given: every row of the base queryset. A bad filter value: no rows (the form
    shows the error), never silently the unfiltered list."""
    if not filterset.is_bound:
        return filterset.queryset
    if not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def page_size(request: HttpRequest, default: int = PAGE_SIZE) -> int:
    """The page size the user chose (`?size=`, one of PAGE_SIZES), else the list's own."""
    chosen = request.GET.get("size", "")
    return int(chosen) if chosen.isdigit() and int(chosen) in PAGE_SIZES else default


def page_of(request: HttpRequest, rows: QuerySet, size: int = PAGE_SIZE) -> Page:
    """One page of `rows`, `size` rows long unless the user chose another page size. The page
    carries what the shared pagination (_pagination.html) offers: the sizes, and the query's
    other keys so that jumping to a page keeps the filters."""
    chosen = page_size(request, size)
    page = Paginator(rows, chosen).get_page(request.GET.get("page"))
    page.size = chosen
    page.sizes = PAGE_SIZES
    page.kept = [
        (key, value)
        for key, values in request.GET.lists()
        if key not in PAGING_KEYS
        for value in values
    ]
    return page
