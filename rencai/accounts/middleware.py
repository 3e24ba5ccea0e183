import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    """Pages with personal data are never cached by browsers or proxies (ASVS 8.2.1)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response.setdefault("Cache-Control", "no-store")
        return response


class IdleTimeoutMiddleware:
    """Log out after SESSION_COOKIE_AGE idle seconds, renewing the session at most once a minute.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session on every page view, and on
    SQLite every write takes the database's single write lock; a minute's granularity on a
    30-minute idle limit costs nothing and keeps page views read-only.
    """

    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("_seen", 0) >= self.RENEW_AFTER_SECONDS:
                session["_seen"] = now  # modifying the session re-saves it with a fresh expiry
        return self.get_response(request)
