"""Deny by default (security checklist item 10): every URL declares who may open it, an
anonymous visitor is sent to the login page, and no page loads anything from another host."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny

import rencai
from rencai.accounts.models import User

PACKAGE = Path(rencai.__file__).resolve().parent
LOGIN = "/accounts/login/"

# Views that are open without login on purpose.
PUBLIC = {"accounts:login", "accounts:logout", "root"}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name, entry


def _params(pattern: URLPattern) -> set[str]:
    regex = pattern.pattern.regex
    return set(regex.groupindex) | set(getattr(pattern.pattern, "converters", {}))


ROUTES = list(_walk(get_resolver()))


def _id(route: str, name: str) -> str:
    return name or route


def test_the_url_walk_finds_every_app():
    """The walk below must see the whole site, or the deny-by-default checks prove nothing."""
    names = {name for _route, name, _p in ROUTES}
    for expected in ("root", "home", "accounts:users", "orgs:tree", "people:detail"):
        assert expected in names
    for expected in ("audit:events", "person-list", "org-detail", "api-root", "api-docs"):
        assert expected in names
    assert len(ROUTES) >= 30


@pytest.mark.parametrize(
    "pattern",
    [pytest.param(p, id=_id(r, n)) for r, n, p in ROUTES],
)
def test_every_view_declares_who_may_open_it(pattern):
    callback = pattern.callback
    if hasattr(callback, "rencai_permission"):
        permission = callback.rencai_permission
        assert permission == "public" or callable(permission)
        return
    view_class = getattr(callback, "cls", None)
    assert view_class is not None, f"{pattern} neither uses allow()/public nor is a DRF view"
    permissions = list(getattr(view_class, "permission_classes", ()))
    assert permissions, f"{view_class.__name__} has no permission classes"
    assert not any(issubclass(p, AllowAny) for p in permissions), view_class.__name__


def test_only_the_login_pages_and_the_landing_redirect_are_public():
    public = {
        name
        for _route, name, p in ROUTES
        if getattr(p.callback, "rencai_permission", None) == "public"
    }
    assert public == PUBLIC


def _url(route_name: str, pattern: URLPattern) -> str:
    from django.urls import reverse

    kwargs = {}
    for param in _params(pattern):
        kwargs[param] = "json" if param == "format" else 1
    return reverse(route_name, kwargs=kwargs)


NAMED = [(r, n, p) for r, n, p in ROUTES if n and n not in PUBLIC]


def _assert_turned_away(url: str, response) -> None:
    if url.startswith("/api/"):
        assert response.status_code in (401, 403), (url, response.status_code)
    else:
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(LOGIN), response["Location"]


@pytest.mark.parametrize(
    ("name", "pattern"),
    [pytest.param(n, p, id=n) for r, n, p in NAMED if not _params(p)],
)
@pytest.mark.django_db
def test_anonymous_is_turned_away_from_every_parameter_free_url(name, pattern):
    url = _url(name, pattern)
    client = Client()
    _assert_turned_away(url, client.get(url))
    _assert_turned_away(url, client.post(url, {}))


@pytest.mark.parametrize(
    ("name", "pattern"),
    [pytest.param(n, p, id=_id(r, n)) for r, n, p in NAMED if _params(p)],
)
@pytest.mark.django_db
def test_anonymous_is_turned_away_from_every_url_with_a_key(name, pattern):
    url = _url(name, pattern)
    client = Client()
    _assert_turned_away(url, client.get(url))
    _assert_turned_away(url, client.post(url, {}))


@pytest.mark.django_db
def test_anonymous_at_the_root_is_sent_to_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_login_page_is_open():
    assert Client().get(LOGIN).status_code == 200


@pytest.fixture
def roleless(county):
    """An account with no role at all (e.g. made by hand in the shell)."""
    user = User.objects.create_user("nobody", password="x", org=county.county, role="")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        pytest.param(n, p, id=_id(r, n))
        for r, n, p in NAMED
        # any logged-in account may change its password, set up its second factor and read
        # the API description
        if n not in {"accounts:password_change", "api-root", "api-docs", "api-schema"}
        and not n.startswith("accounts:otp_")
    ],
)
def test_an_account_without_a_role_opens_nothing_but_its_password(roleless, name, pattern):
    url = _url(name, pattern)
    assert roleless.get(url).status_code == 403, url


def test_an_account_without_a_role_may_change_its_password(roleless):
    assert roleless.get("/accounts/password/").status_code == 200


# ---------------------------------------------------------------------------------------
# Nothing is loaded from another host: the county intranet has no internet.
# ---------------------------------------------------------------------------------------

TEMPLATES = sorted(PACKAGE.glob("**/templates/**/*.html"))
OWN_CSS = sorted((PACKAGE / "static" / "rencai").glob("*.css"))
VENDOR = sorted(
    p for p in (PACKAGE / "static" / "vendor").rglob("*") if p.suffix in (".css", ".js")
)
EXTERNAL_ATTR = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
EXTERNAL_CSS = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//|@import""", re.I)


def test_there_are_templates_and_static_files_to_check():
    assert len(TEMPLATES) >= 10
    assert PACKAGE / "templates" / "base.html" in TEMPLATES
    assert OWN_CSS
    assert len(VENDOR) >= 3


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_templates_reference_no_outside_host(path):
    text = path.read_text(encoding="utf-8")
    assert not EXTERNAL_ATTR.search(text), EXTERNAL_ATTR.search(text).group()


@pytest.mark.parametrize("path", OWN_CSS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_own_css_loads_nothing_from_outside(path):
    text = path.read_text(encoding="utf-8")
    assert not EXTERNAL_CSS.search(text), EXTERNAL_CSS.search(text).group()


@pytest.mark.parametrize("path", VENDOR, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_vendor_files_carry_no_source_map_or_import(path):
    text = path.read_text(encoding="utf-8")
    assert "sourceMappingURL" not in text
    if path.suffix == ".css":
        assert not EXTERNAL_CSS.search(text), EXTERNAL_CSS.search(text).group()


def test_external_reference_checks_would_catch_a_cdn():
    """The regexes above are what stand between a CDN link and the intranet."""
    assert EXTERNAL_ATTR.search('<script src="https://cdn.example.com/x.js">')
    assert EXTERNAL_ATTR.search("<link href='//fonts.example.com/css'>")
    assert not EXTERNAL_ATTR.search('<link href="/static/vendor/bootstrap/bootstrap.min.css">')
    assert EXTERNAL_CSS.search('body { background: url("https://example.com/a.png") }')
    assert EXTERNAL_CSS.search("@import 'x.css';")
    data_uri = "a { background: url(\"data:image/svg+xml,%3csvg xmlns='http://x'\") }"
    assert not EXTERNAL_CSS.search(data_uri)
