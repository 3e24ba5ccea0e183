"""The 在册 persons of a reporting unit who lack one field of the 普查名册 (完整率's 缺项): the
unit page's per-field rates link here, so an office sees whom to complete."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.census import figures
from rencai.census.units import _unit
from rencai.listing import page_of
from rencai.people.models import Person


@allow(roles.reads_records)
def missing_field(request: HttpRequest, pk: int, unit_pk: int, field: str) -> HttpResponse:
    """The unit's 在册 persons (as 完整率 counts them) whose `field` is empty."""
    unit = _unit(request, pk, unit_pk)
    found = [(label, filled) for key, label, filled in figures.COMPLETENESS_FIELDS if key == field]
    if not found:
        raise Http404
    label, filled = found[0]
    persons = (
        figures.unit_persons(unit.org)
        .filter(pk__in=Person.objects.visible_to(request.user).values("pk"))
        .exclude(filled)
        .select_related("home_org")
        .order_by("home_org__name_path", "name", "pk")
    )
    title = _("%(unit)s 缺%(field)s的在册人员") % {"unit": unit.org.name, "field": label}
    return render(
        request,
        "census/missing.html",
        {"census": unit.round, "unit": unit, "title": title, "page": page_of(request, persons)},
    )
