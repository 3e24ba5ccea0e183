import django_filters
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rencai.audit import log
from rencai.audit.models import AuditAction, AuditEvent
from rencai.widgets import DatePicker


class AuditEventFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label=_("操作人"), method="filter_operator")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=AuditAction.choices)
    content_type = django_filters.ModelChoiceFilter(
        label=_("对象类型"),
        queryset=ContentType.objects.none(),
    )
    object_id = django_filters.CharFilter(label=_("对象编号"))
    object_repr = django_filters.CharFilter(label=_("对象名称"), lookup_expr="icontains")
    since = django_filters.DateFilter(
        label=_("起始日期"),
        field_name="time",
        lookup_expr="date__gte",
        widget=DatePicker(),
    )
    until = django_filters.DateFilter(
        label=_("截止日期"),
        field_name="time",
        lookup_expr="date__lte",
        widget=DatePicker(),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_operator(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """An account's username or its display name (张科员 as well as zhangky)."""
        named = get_user_model()._base_manager.filter(display_name__icontains=value)
        return queryset.filter(
            Q(username__icontains=value) | Q(username__in=named.values("username"))
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # every record type the log holds, whichever domains are installed (the spine names none)
        types = ContentType.objects.get_for_models(*log.audited_models(), for_concrete_models=False)
        self.filters["content_type"].queryset = ContentType.objects.filter(
            pk__in=[ct.pk for ct in types.values()]
        ).order_by("app_label", "model")
        self.form.fields["content_type"].label_from_instance = lambda ct: str(
            ct.model_class()._meta.verbose_name if ct.model_class() else ct.model
        )
