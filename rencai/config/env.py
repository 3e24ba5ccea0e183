"""Read RENCAI_* environment variables; refuse to start on a bad value, naming it.

Healthchecks-style helpers: every value is parsed once at start-up and a wrong one raises
ConfigError with a message an operator can act on.
"""

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ImproperlyConfigured):
    """A RENCAI_* variable holds a value rencai cannot use."""


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigError(f"环境变量 {name} 的值 {raw!r} 无效：应为 true/false（或 1/0）")


def env_int(name: str, *, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"环境变量 {name} 的值 {raw!r} 无效：应为整数") from None
    if value < minimum:
        raise ConfigError(f"环境变量 {name} 的值 {raw!r} 无效：不能小于 {minimum}")
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


TrustedProxies = int | tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def env_trusted_proxies(name: str, *, default: int) -> TrustedProxies:
    """Who may add to X-Forwarded-For: a number of proxy hops in front of rencai (each appends
    the address it was connected from), or a comma list of the proxies' addresses and networks."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    text = raw.strip()
    if text.isdigit():
        if int(text) < 1:
            raise ConfigError(f"环境变量 {name} 的值 {raw!r} 无效：代理层数至少为 1")
        return int(text)
    try:
        return tuple(
            ipaddress.ip_network(item.strip(), strict=False)
            for item in text.split(",")
            if item.strip()
        )
    except ValueError:
        raise ConfigError(
            f"环境变量 {name} 的值 {raw!r} 无效：应为代理层数（如 1），"
            "或以逗号分隔的代理地址、网段（如 10.0.0.5,192.168.1.0/24）"
        ) from None


def secret_key(data_dir: Path) -> str:
    """RENCAI_SECRET_KEY, or a key generated once and kept in the data dir."""
    raw = os.environ.get("RENCAI_SECRET_KEY")
    if raw is not None:
        if len(raw) < 32:
            raise ConfigError("环境变量 RENCAI_SECRET_KEY 太短：至少需要 32 个字符")
        return raw
    path = data_dir / "secret_key"
    try:
        if path.exists():
            return path.read_text().strip()
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key
    except OSError as exc:
        raise ConfigError(
            f"无法在数据目录 {data_dir} 保存密钥（RENCAI_DATA_DIR）：{exc.strerror}"
        ) from exc


def database_from_url(data_dir: Path) -> dict[str, Any]:
    """RENCAI_DATABASE_URL (sqlite:/// or postgresql://), default SQLite in the data dir."""
    raw = os.environ.get("RENCAI_DATABASE_URL")
    if not raw:
        data_dir.mkdir(parents=True, exist_ok=True)
        raw = f"sqlite:///{data_dir / 'rencai.sqlite3'}"
    try:
        config = dj_database_url.parse(raw, conn_max_age=60)
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"环境变量 RENCAI_DATABASE_URL 无法解析：{raw!r}（{exc}）") from exc
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        config["CONN_MAX_AGE"] = 0
        # WAL with synchronous=FULL: concurrent readers during an import, and no lost
        # commit on power loss (security checklist item 33).
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif engine.endswith("postgresql"):
        config.setdefault("OPTIONS", {})
    else:
        raise ConfigError(
            f"环境变量 RENCAI_DATABASE_URL 指向不支持的数据库：{raw!r}；"
            "请使用 sqlite:/// 或 postgresql://"
        )
    config.setdefault("TEST", {})
    return config
