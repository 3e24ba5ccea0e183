"""Behind a reverse proxy (RENCAI_TRUST_PROXY) the client's address is the one the trusted proxy
wrote into X-Forwarded-For — the right-most entry not added by a trusted proxy — never the
left-most, which the client writes itself. The audit log and the per-address login throttle read
it from `rencai.audit.context.client_ip`."""

import ipaddress

import pytest
from conftest import PASSWORD
from django.test import Client, RequestFactory

from rencai.audit.context import client_ip
from rencai.audit.models import AuditAction, AuditEvent
from rencai.config import env
from rencai.config.env import ConfigError

PROXY = "10.0.0.2"  # the reverse proxy in front of rencai (REMOTE_ADDR)
CLIENT = "203.0.113.7"  # the client's real address, as the proxy saw it
SPOOFED = "6.6.6.6"  # what the client wrote into the header itself
NETWORKS = (ipaddress.ip_network("10.0.0.0/8"),)


@pytest.fixture
def behind_proxy(settings):
    settings.RENCAI_TRUST_PROXY = True
    settings.RENCAI_TRUSTED_PROXIES = 1
    return settings


def address(forwarded: str | None, remote: str | None = PROXY) -> str | None:
    meta = {"REMOTE_ADDR": remote or ""}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.RENCAI_TRUST_PROXY = False
    assert address(f"{SPOOFED}, {CLIENT}") == PROXY


@pytest.mark.parametrize(
    "forwarded",
    [CLIENT, f"{SPOOFED}, {CLIENT}", f"{SPOOFED},{SPOOFED} , {CLIENT}", f"junk, {CLIENT}"],
)
def test_spoofed_left_most_entries_are_ignored(behind_proxy, forwarded):
    assert address(forwarded) == CLIENT


def test_with_two_hops_the_second_from_the_right_is_the_client(behind_proxy):
    behind_proxy.RENCAI_TRUSTED_PROXIES = 2
    assert address(f"{SPOOFED}, {CLIENT}, 10.0.0.9") == CLIENT
    assert address(f"{CLIENT}, 10.0.0.9") == CLIENT
    assert address("10.0.0.9") == PROXY  # fewer entries than hops: not through both proxies


def test_with_proxy_networks_the_right_most_outside_them_is_the_client(behind_proxy):
    behind_proxy.RENCAI_TRUSTED_PROXIES = NETWORKS
    assert address(f"{SPOOFED}, {CLIENT}, 10.0.0.9, 10.1.2.3") == CLIENT
    assert address(f"{SPOOFED}, {CLIENT}") == CLIENT
    assert address("10.0.0.9, 10.1.2.3") == "10.0.0.9"  # every hop a proxy: the first of them
    # Connected directly, not through a proxy: the header is the client's own.
    assert address(f"{SPOOFED}, {CLIENT}", remote="198.51.100.20") == "198.51.100.20"


@pytest.mark.parametrize("forwarded", ["", "unknown", "1.2.3.4.5", "<script>", ", ,", "::g"])
@pytest.mark.parametrize("proxies", [1, NETWORKS], ids=["hops", "networks"])
def test_a_junk_header_falls_back_to_remote_addr(behind_proxy, forwarded, proxies):
    behind_proxy.RENCAI_TRUSTED_PROXIES = proxies
    assert address(forwarded) == PROXY


def test_ipv6_entries_are_read(behind_proxy):
    assert address(f"{SPOOFED}, 2001:DB8::1") == "2001:db8::1"


def test_the_login_events_carry_the_address_the_proxy_saw(behind_proxy, personas):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{SPOOFED}, {CLIENT}")
    client.post("/accounts/login/", {"username": "chengguan_clerk", "password": "nope"})
    client.post("/accounts/login/", {"username": "chengguan_clerk", "password": PASSWORD})
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (failed.ip, login.ip) == (CLIENT, CLIENT)


def test_a_junk_header_at_login_is_no_500(behind_proxy, personas):
    """ "unknown" (what some proxies write) once reached the audit log's IP column: a 500 on
    PostgreSQL."""
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="unknown")
    response = client.post("/accounts/login/", {"username": "chengguan_clerk", "password": "nope"})
    assert response.status_code == 200
    assert AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED).ip == PROXY


def test_a_client_rotating_spoofed_entries_is_still_throttled(behind_proxy, personas):
    """The per-address login limit counts the proxy's address for the client, whatever the
    client writes to the left of it."""
    behind_proxy.LOGIN_IP_FAILURE_LIMIT = 3
    for n in range(3):
        Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, {CLIENT}").post(
            "/accounts/login/", {"username": f"nobody{n}", "password": "nope"}
        )
    again = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.9, {CLIENT}")
    response = again.post("/accounts/login/", {"username": "county_admin", "password": PASSWORD})
    assert response.status_code == 200  # refused: the form again
    other = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{CLIENT}, 198.51.100.20")
    response = other.post("/accounts/login/", {"username": "county_admin", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 1),
        ("", 1),
        ("2", 2),
        (" 10.0.0.5 , 192.168.1.0/24", tuple(map(ipaddress.ip_network, ["10.0.0.5/32",
                                                                          "192.168.1.0/24"]))),
        ("fd00::/8", (ipaddress.ip_network("fd00::/8"),)),
    ],
)  # fmt: skip
def test_trusted_proxies_are_read_from_the_environment(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("RENCAI_TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("RENCAI_TRUSTED_PROXIES", raw)
    assert env.env_trusted_proxies("RENCAI_TRUSTED_PROXIES", default=1) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "10.0.0.300", "10.0.0.1,nope", "1.5"])
def test_a_bad_trusted_proxies_value_is_refused_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("RENCAI_TRUSTED_PROXIES", raw)
    with pytest.raises(ConfigError, match="RENCAI_TRUSTED_PROXIES"):
        env.env_trusted_proxies("RENCAI_TRUSTED_PROXIES", default=1)


def test_settings_refuse_to_start_on_a_bad_trusted_proxies_value(tmp_path):
    from tests.test_config import _import_settings

    result = _import_settings(tmp_path, RENCAI_TRUSTED_PROXIES="proxy.example.com")
    assert result.returncode != 0
    assert "RENCAI_TRUSTED_PROXIES" in result.stderr
    assert _import_settings(tmp_path, RENCAI_TRUSTED_PROXIES="10.0.0.5").returncode == 0
