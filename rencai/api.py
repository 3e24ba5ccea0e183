"""Shared pieces of the REST API: audit attribution for token users, Chinese error bodies, and
the figures every domain registers (`/api/figures/`)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from rencai.accounts import roles


class AttributedMixin:
    """Token-authenticated users are only known inside DRF; name them on the audit actor."""

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        actor = getattr(request._request, "audit_actor", None)
        if actor is not None and request.user.is_authenticated:
            actor.user = request.user
            actor.username = request.user.get_username()


class ReadsRecords(permissions.BasePermission):
    """Business roles read; editing roles write. Jurisdiction is the queryset's job."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return roles.reads_records(request.user)
        return roles.edits_records(request.user)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": exc.messages}, status=400)
    return drf_exception_handler(exc, context)


MAX_ID = 2**31 - 1  # a larger id names no row (and overflows PostgreSQL's integer)


class FigureViewSet(AttributedMixin, viewsets.ViewSet):
    """统计数字: every registered figure (rencai/figures.py) of a unit and a period, each with
    the list its number drills down to. `unit` (default: the caller's own unit) must lie in the
    caller's jurisdiction, as on the pages: any other answers 404; `period` as `rencai figures`
    reads it (default: this year)."""

    permission_classes = [ReadsRecords]

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="组织单位编号（默认本人所在单位）"),
            OpenApiParameter("period", str, description="期间：2026、2026H1、2026Q3、2026-03 …"),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def list(self, request: Any) -> Response:
        from rencai import figures
        from rencai.orgs.models import OrgUnit

        unit_id = request.query_params.get("unit", "")
        if unit_id and not (unit_id.isascii() and unit_id.isdigit()):
            return Response({"detail": [_("unit 须为组织单位编号")]}, status=400)
        if unit_id and int(unit_id) > MAX_ID:
            raise NotFound(_("找不到该组织单位，或不在您的管辖范围内"))
        text = request.query_params.get("period") or str(timezone.localdate().year)
        try:
            period = figures.parse_period(text)
        except ValueError as exc:
            return Response({"detail": [str(exc)]}, status=400)
        try:
            scope = figures.Scope.visible(request.user, unit_id or None)
        except OrgUnit.DoesNotExist:
            raise NotFound(_("找不到该组织单位，或不在您的管辖范围内")) from None
        return Response(figures.answer(scope, period))
