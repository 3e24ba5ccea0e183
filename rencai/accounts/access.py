"""Deny by default: every view declares who may open it (security checklist item 10)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

Predicate = Callable[[Any], bool]


def allow(predicate: Predicate) -> Callable:
    """Let a logged-in user whose role satisfies `predicate` open the view; others get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.rencai_permission = predicate
        return wrapped

    return decorator


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view as open without login (the login page)."""
    view.rencai_permission = "public"
    return view


def authenticated(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)
