"""Attach the acting user, client IP and a request id to everything a request writes."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from rencai.audit.context import Actor, client_ip, reset_actor, set_actor

__all__ = ["AuditUserMiddleware", "RequestContextMiddleware", "client_ip"]


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex
        actor = Actor(username="anonymous", ip=client_ip(request), request_id=request.request_id)
        request.audit_actor = actor
        token = set_actor(actor)
        try:
            response = self.get_response(request)
        finally:
            reset_actor(token)
        response["X-Request-ID"] = request.request_id
        return response


class AuditUserMiddleware:
    """After authentication: name the user on the request's actor (token users are named by
    DRF later, see rencai.api)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.audit_actor.user = user
            request.audit_actor.username = user.get_username()
        return self.get_response(request)
