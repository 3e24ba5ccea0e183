"""List, detail, create, edit, delete and export of a unit-scoped record type, declared once:

    class EntityViews(RecordViews):
        model = Entity
        slug = "entities"
        filterset = EntityFilter
        form = EntityForm
        columns = [Show(_("名称"), "name", link=RECORD), …]

`urls()` gives the five pages plus the export; every query starts from the model's
`visible_to(user)` (reading) or `editable_by(user)` (writing)."""

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django_filters import FilterSet

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.domains import person_model
from rencai.listing import filtered, page_of
from rencai.records.forms import RecordForm
from rencai.records.versions import display, saved_checked

RECORD, PERSON = "record", "person"


@dataclass(frozen=True)
class Show:
    """One value of a record on its list or detail page: an attribute path ("org.name_path",
    "get_kind_display") or a function of the record; `link` makes it a link to the record's own
    page (RECORD) or, when the user may open it, to the person the path ends at (PERSON)."""

    label: str
    value: str | Callable[[Any], Any]
    link: str = ""
    numeric: bool = False

    def of(self, record: Any) -> Any:
        if callable(self.value):
            return self.value(record)
        value = record
        for part in self.value.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
            if callable(value) and not isinstance(value, models.Model):
                value = value()
        return value


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    numeric: bool = False
    badge: str = ""  # a Bootstrap colour: the value shown as a badge (进度滞后)


def posted(request: HttpRequest) -> Any:
    """The form data of a POST (an empty POST too: it must show "required" errors, not a blank
    form), None for a GET."""
    return request.POST if request.method == "POST" else None


class RecordViews:
    model: type[models.Model]
    slug: str  # URL segment, and the prefix of the URL names ("entities", "entities_detail" …)
    namespace = ""  # the URL namespace; by default the model's app label (its urls' app_name)
    filterset: type[FilterSet]
    form: type[RecordForm]
    columns: Sequence[Show] = ()
    fields: Sequence[Show] = ()
    sheet: str = ""  # the import sheet for 导入 / 下载模板 / 导出
    related: tuple[str, ...] = ()  # select_related for list and detail
    ordering: tuple[str, ...] = ()
    detail_template = ""  # included under the fields (sub-records, actions)
    list_template = "records/list.html"
    nav_template = ""  # the module's sub-navigation, shown above the page
    count_template = ""  # shown after a list's count (a total of the filtered rows)
    count_measure = _l("条")  # the list's count says 共 N 条; a figure's list says its measure
    delete_warning = ""  # what else a deletion takes with it

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def url_list(self) -> str:
        return self.url_name()

    @property
    def url_list_path(self) -> str:
        return reverse(self.url_name())

    def __getattr__(self, name: str) -> str:
        if name.startswith("url_"):  # url_detail, url_edit, url_create … for templates
            return self.url_name(name.removeprefix("url_"))
        raise AttributeError(name)

    # --- names ---------------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def url_name(self, action: str = "") -> str:
        namespace = self.namespace or self.model._meta.app_label
        return f"{namespace}:{self.slug}{'_' + action if action else ''}"

    def urls(self) -> list[URLPattern]:
        reads, edits = allow(roles.reads_records), allow(roles.edits_records)
        s = self.slug
        return [
            path(f"{s}/", reads(self.list_view), name=s),
            path(f"{s}/export.xlsx", reads(self.export_view), name=f"{s}_export"),
            path(f"{s}/new/", edits(self.create_view), name=f"{s}_create"),
            path(f"{s}/<int:pk>/", reads(self.detail_view), name=f"{s}_detail"),
            path(f"{s}/<int:pk>/edit/", edits(self.edit_view), name=f"{s}_edit"),
            path(f"{s}/<int:pk>/delete/", edits(self.delete_view), name=f"{s}_delete"),
        ]

    # --- querysets -----------------------------------------------------------------------------

    def visible(self, request: HttpRequest) -> models.QuerySet:
        return self.model.objects.visible_to(request.user).select_related(*self.related)

    def editable(self, request: HttpRequest) -> models.QuerySet:
        return self.model.objects.editable_by(request.user)

    def list_queryset(self, request: HttpRequest, rows: models.QuerySet) -> models.QuerySet:
        """Hook: annotate the filtered rows (counts shown in a column)."""
        return rows

    def list_context(self, request: HttpRequest, rows: models.QuerySet) -> dict[str, Any]:
        """Hook: what `count_template` needs, from the filtered rows (before paging)."""
        return {}

    def may_edit(self, request: HttpRequest, record: models.Model) -> bool:
        return self.editable(request).filter(pk=record.pk).exists()

    # --- pages ---------------------------------------------------------------------------------

    def cells(self, request: HttpRequest, records: list[Any], shows: Sequence[Show]) -> list:
        people = [s.of(r) for r in records for s in shows if s.link == PERSON]
        openable = set(
            person_model()
            .objects.visible_to(request.user)
            .filter(pk__in={p.pk for p in people if p is not None})
            .values_list("pk", flat=True)
        )
        rows = []
        for record in records:
            cells = []
            for show in shows:
                value = show.of(record)
                url = ""
                if show.link == RECORD:
                    url = reverse(self.url_name("detail"), args=[record.pk])
                elif show.link == PERSON and value is not None and value.pk in openable:
                    url = value.get_absolute_url()
                cells.append(Cell(display(value), url, show.numeric))
            rows.append((record, cells))
        return rows

    def list_view(self, request: HttpRequest) -> HttpResponse:
        base = self.visible(request)
        filterset = self.filterset(request.GET or None, queryset=base, request=request)
        rows = self.list_queryset(request, filtered(filterset))
        if self.ordering:
            rows = rows.order_by(*self.ordering)
        page = page_of(request, rows)
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.list_template,
            {
                "views": self,
                "title": self.title,
                "filter": filterset,
                "page": page,
                "headers": self.columns,
                "rows": self.cells(request, list(page.object_list), self.columns),
                "can_edit": roles.edits_records(request.user),
                "query": query.urlencode(),
                **self.list_context(request, rows),
            },
        )

    def detail_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        """Hook: what `detail_template` needs (sub-records, forms)."""
        return {}

    def detail_view(self, request: HttpRequest, pk: int, **extra: Any) -> HttpResponse:
        record = get_object_or_404(self.visible(request), pk=pk)
        (shown,) = [cells for _r, cells in self.cells(request, [record], self.fields)]
        context = {
            "views": self,
            "record": record,
            "title": str(record),
            "fields": list(zip(self.fields, shown, strict=True)),
            "can_edit": self.may_edit(request, record),
            **self.detail_context(request, record),
            **extra,
        }
        return render(request, "records/detail.html", context)

    def save(self, request: HttpRequest, form: RecordForm) -> models.Model | None:
        try:
            return saved_checked(form, form.save)
        except IntegrityError:  # the database's own rules, should the form have missed one
            form.add_error(None, _("保存失败：数据不符合规则（可能与已有记录重复），请检查后重试"))
            return None

    def _form_page(self, request: HttpRequest, form: RecordForm, title: str, cancel: str):
        return render(request, "form.html", {"form": form, "title": title, "cancel_url": cancel})

    def create_view(self, request: HttpRequest) -> HttpResponse:
        initial = {
            f.name: request.user.org_id
            for f in self.model._meta.fields
            if f.is_relation and f.related_model.__name__ == "OrgUnit"
        }
        initial.update(request.GET.dict())  # ?team=3 from a parent record's page
        form = self.form(posted(request), user=request.user, initial=initial)
        if request.method == "POST" and form.is_valid() and (record := self.save(request, form)):
            messages.success(request, _("已登记%(what)s：%(name)s") % self._names(record))
            return redirect(self.url_name("detail"), pk=record.pk)
        title = _("登记%(what)s") % {"what": self.model._meta.verbose_name}
        return self._form_page(request, form, title, reverse(self.url_name()))

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(self.editable(request), pk=pk)
        form = self.form(posted(request), instance=record, user=request.user)
        if request.method == "POST" and form.is_valid() and self.save(request, form):
            messages.success(request, _("已保存%(what)s：%(name)s") % self._names(record))
            return redirect(self.url_name("detail"), pk=record.pk)
        title = _("编辑%(what)s：%(name)s") % self._names(record)
        return self._form_page(request, form, title, reverse(self.url_name("detail"), args=[pk]))

    def delete_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(self.editable(request), pk=pk)
        names = self._names(record)
        if request.method == "POST":
            try:
                with transaction.atomic():
                    record.delete()
            except (ProtectedError, RestrictedError):
                messages.error(request, _("%(what)s“%(name)s”仍被其他记录引用，不能删除") % names)
                return redirect(self.url_name("detail"), pk=pk)
            messages.success(request, _("已删除%(what)s：%(name)s") % names)
            return redirect(self.url_name())
        return render(request, "records/confirm_delete.html", {"views": self, "record": record})

    def _names(self, record: Any) -> dict[str, str]:
        return {"what": str(self.model._meta.verbose_name), "name": str(record)}

    def export_view(self, request: HttpRequest) -> HttpResponse:
        return export_response(request, self.sheet)


def export_response(request: HttpRequest, sheet_name: str) -> HttpResponse:
    """The list's filtered rows as the import sheet's workbook (masked unless the user may
    reveal; audited by `export_sheet`)."""
    from rencai.imports.exports import export_sheet
    from rencai.imports.sheets import get_sheet

    sheet = get_sheet(sheet_name)
    params = {k: v for k, v in request.GET.items() if k != "page"}
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    export_sheet(sheet, request.user, params, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{sheet.title}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
