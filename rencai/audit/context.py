"""Who is acting, from where: carried in context variables so every write can be attributed.

The web middleware fills it per request (the address from `client_ip`); management commands and
the CLI use `acting_as`.
"""

import contextvars
import ipaddress
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Actor:
    user: Any = None  # accounts.User or None (system)
    username: str = "system"
    ip: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    batch: Any = None  # the AuditEvent of an import or bulk job that groups changes


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


def current_actor() -> Actor:
    actor = _current.get()
    return actor if actor is not None else Actor()


def set_actor(actor: Actor | None) -> contextvars.Token:
    return _current.set(actor)


def reset_actor(token: contextvars.Token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(
    user: Any = None, *, username: str | None = None, ip: str | None = None, batch: Any = None
) -> Iterator[Actor]:
    """Attribute every change inside the block to `user` (or a named system process)."""
    outer = _current.get()
    actor = Actor(
        user=user,
        username=username or (user.get_username() if user is not None else "system"),
        ip=ip if ip is not None else (outer.ip if outer else None),
        request_id=outer.request_id if outer else uuid.uuid4().hex,
        batch=batch if batch is not None else (outer.batch if outer else None),
    )
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def client_ip(request: Any) -> str | None:
    """The client's address: REMOTE_ADDR, or behind trusted proxies (RENCAI_TRUST_PROXY) the
    right-most X-Forwarded-For entry not added by one of them (RENCAI_TRUSTED_PROXIES, a hop
    count or the proxies' networks). The entries further left are whatever the client sent, so
    never the left-most; a header that cannot be read gives REMOTE_ADDR. The audit log and the
    per-address login throttle both ask here."""
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not getattr(settings, "RENCAI_TRUST_PROXY", False) or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    proxies = getattr(settings, "RENCAI_TRUSTED_PROXIES", 1)
    if isinstance(proxies, int):
        # Each of the `proxies` hops appended one entry: the client is the last one's left.
        found = _address(entries[-proxies]) if len(entries) >= proxies else None
        return found or remote
    if not _among(remote, proxies):
        return remote  # not connected through a trusted proxy: the header is the client's own
    for entry in reversed(entries):
        address = _address(entry)
        if address is None:
            return remote
        if not _among(address, proxies):
            return address
    return _address(entries[0]) or remote  # every hop a trusted proxy


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _among(address: str | None, networks: tuple) -> bool:
    found = _address(address or "")
    return found is not None and any(ipaddress.ip_address(found) in net for net in networks)
