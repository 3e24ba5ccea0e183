"""Shared pieces of the REST API: audit attribution for token users, Chinese error bodies."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions
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
