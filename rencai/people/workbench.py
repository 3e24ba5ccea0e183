"""工作台: the register of the user's jurisdiction at a glance (a page of 人才库, not a record
type: mounted at the site root by home_urls.py). Every number is a registered figure of
rencai/people/figures.py — 人员 by status, 在册人才 by category and by child unit — read through
the figures layer for the viewer's own unit."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.figures import CHILD_UNIT, Period, Scope, figure, today


@allow(roles.reads_records)
def home(request: HttpRequest) -> HttpResponse:
    """工作台: the register of the user's jurisdiction at a glance; every number is a link to
    the list it counts (persons by status; 在册 by category; by child unit, home or work unit
    inside it). The people of the viewer's own unit are the people the viewer sees, so the
    status links open the list unfiltered by unit."""
    scope, period = Scope(request.user.org, request.user), Period.year(today().year)
    active = figure("people.active")
    return render(
        request,
        "people/home.html",
        {
            "by_status": [
                (line.key, line.label, line.value)
                for line in figure("people.persons").lines("status", scope, period)
            ],
            "categories": active.lines("category", scope, period),
            "children": active.lines(CHILD_UNIT, scope, period),
        },
    )
