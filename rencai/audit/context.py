"""Who is acting, from where: carried in context variables so every write can be attributed.

The web middleware fills it per request; management commands and the CLI use `acting_as`.
"""

import contextvars
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
