"""The 口径说明 page: every registered figure (rencai.figures.registry()) with its label, unit
of measure and rule, grouped by domain. Pages that show figures link here instead of pointing
to a file of the repository; the page is generated, so it says what the code counts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from rencai import domains, figures
from rencai.accounts import roles
from rencai.accounts.access import allow


@allow(roles.reads_records)
def figure_rules(request: HttpRequest) -> HttpResponse:
    """The figures of every domain, in the registry's order, under the domain's label."""
    labels = {d.key: d.label for d in domains.domains()}
    groups: dict[str, list[figures.Figure]] = {}
    for key, figure in figures.registry().items():
        groups.setdefault(key.split(".", 1)[0], []).append(figure)
    sections = [(labels.get(domain, domain), items) for domain, items in groups.items()]
    return render(request, "figure_rules.html", {"title": _("口径说明"), "sections": sections})
