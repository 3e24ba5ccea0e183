"""The lists the county keeps as data (DESIGN §2.3): 培训类别 and 储备库. The county talent office
adds entries, renames and reorders them, and retires an entry from new records by taking it out
of use (records keep it); an entry no record uses can be deleted. Every change is audited."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db import models, transaction
from django.db.models import Count, ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.records.views import posted
from rencai.training.models import Pool, TrainingCategory

# slug → (model, the related name whose rows use an entry, the fields an office edits)
LISTS: dict[str, tuple[type[models.Model], str, list[str]]] = {
    "categories": (TrainingCategory, "programs", ["name", "group", "sort_order", "is_active"]),
    "pools": (Pool, "memberships", ["name", "sort_order", "is_active"]),
}


def _list(slug: str) -> tuple[type[models.Model], str, list[str]]:
    if slug not in LISTS:
        raise Http404
    return LISTS[slug]


def _form(slug: str, *args: Any, **kwargs: Any) -> forms.ModelForm:
    model, _used_by, fields = _list(slug)
    form_class = forms.modelform_factory(model, fields=fields)
    return form_class(*args, **kwargs)


@allow(roles.reads_records)
def entries(request: HttpRequest, slug: str) -> HttpResponse:
    """The list with how many records use each entry; the county office also adds here."""
    model, used_by, _fields = _list(slug)
    manages = roles.manages_lists(request.user)
    form = _form(slug, posted(request)) if manages else None
    if request.method == "POST":
        if form is None:
            return HttpResponse(status=403)
        if form.is_valid():
            entry = form.save()
            messages.success(request, _("已添加“%(n)s”") % {"n": entry.name})
            return redirect("training:list", slug=slug)
    rows = model.objects.annotate(used=Count(used_by)).order_by("sort_order", "id")
    return render(
        request,
        "training/lists.html",
        {
            "slug": slug,
            "title": model._meta.verbose_name,
            "rows": rows,
            "form": form,
            "manages": manages,
            "lists": [(s, m._meta.verbose_name) for s, (m, _u, _f) in LISTS.items()],
        },
    )


@allow(roles.manages_lists)
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    model, _used_by, _fields = _list(slug)
    entry = get_object_or_404(model, pk=pk)
    form = _form(slug, posted(request), instance=entry)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存“%(n)s”") % {"n": entry.name})
        return redirect("training:list", slug=slug)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": _("编辑%(l)s：%(n)s") % {"l": model._meta.verbose_name, "n": entry.name},
            "cancel_url": reverse("training:list", args=[slug]),
        },
    )


@allow(roles.manages_lists)
@require_POST
def delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    model, _used_by, _fields = _list(slug)
    entry = get_object_or_404(model, pk=pk)
    try:
        with transaction.atomic():
            entry.delete()
    except ProtectedError:
        messages.error(
            request, _("“%(n)s”已被记录使用，不能删除；可改为“不在用”") % {"n": entry.name}
        )
    else:
        messages.success(request, _("已删除“%(n)s”") % {"n": entry.name})
    return redirect("training:list", slug=slug)


urlpatterns = [
    path("lists/", entries, {"slug": "categories"}, name="lists"),
    path("lists/<slug:slug>/", entries, name="list"),
    path("lists/<slug:slug>/<int:pk>/edit/", edit, name="list_edit"),
    path("lists/<slug:slug>/<int:pk>/delete/", delete, name="list_delete"),
]
