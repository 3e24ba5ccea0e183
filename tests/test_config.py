"""rencai.config.env: every RENCAI_* variable is checked at start-up and a bad one is named."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rencai.config import env
from rencai.config.env import ConfigError

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("RENCAI_SOME_FLAG", raw)
    assert env.env_bool("RENCAI_SOME_FLAG", default=not expected) is expected


def test_env_bool_unset_gives_the_default(monkeypatch):
    monkeypatch.delenv("RENCAI_SOME_FLAG", raising=False)
    assert env.env_bool("RENCAI_SOME_FLAG", default=True) is True
    assert env.env_bool("RENCAI_SOME_FLAG", default=False) is False


def test_env_bool_bad_value_raises_config_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("RENCAI_SOME_FLAG", "maybe")
    with pytest.raises(ConfigError) as excinfo:
        env.env_bool("RENCAI_SOME_FLAG", default=False)
    assert "RENCAI_SOME_FLAG" in str(excinfo.value)
    assert "maybe" in str(excinfo.value)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("RENCAI_HOSTS", " a.example , ,b.example,")
    assert env.env_list("RENCAI_HOSTS", default=["x"]) == ["a.example", "b.example"]
    monkeypatch.delenv("RENCAI_HOSTS")
    assert env.env_list("RENCAI_HOSTS", default=["x"]) == ["x"]


def test_secret_key_shorter_than_32_characters_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("RENCAI_SECRET_KEY", "k" * 31)
    with pytest.raises(ConfigError, match="RENCAI_SECRET_KEY"):
        env.secret_key(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_secret_key_of_32_characters_is_used_as_given(monkeypatch, tmp_path):
    monkeypatch.setenv("RENCAI_SECRET_KEY", "k" * 32)
    assert env.secret_key(tmp_path) == "k" * 32
    assert not (tmp_path / "secret_key").exists()


def test_secret_key_is_generated_once_into_the_data_dir_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv("RENCAI_SECRET_KEY", raising=False)
    data_dir = tmp_path / "data"  # does not exist yet
    first = env.secret_key(data_dir)
    stored = data_dir / "secret_key"
    assert stored.read_text().strip() == first
    assert len(first) >= 50
    assert stored.stat().st_mode & 0o077 == 0, "the key file must not be readable by others"
    assert env.secret_key(data_dir) == first
    other = tmp_path / "other"
    assert env.secret_key(other) != first


def test_database_url_mysql_is_refused_naming_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("RENCAI_DATABASE_URL", "mysql://u:p@localhost/rencai")
    with pytest.raises(ConfigError) as excinfo:
        env.database_from_url(tmp_path)
    assert "RENCAI_DATABASE_URL" in str(excinfo.value)


def test_database_url_unparsable_is_refused_naming_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("RENCAI_DATABASE_URL", "no-scheme-at-all")
    with pytest.raises(ConfigError, match="RENCAI_DATABASE_URL"):
        env.database_from_url(tmp_path)


def test_database_default_is_sqlite_in_the_data_dir_with_wal_and_full_sync(monkeypatch, tmp_path):
    monkeypatch.delenv("RENCAI_DATABASE_URL", raising=False)
    config = env.database_from_url(tmp_path / "d")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(config["NAME"]) == tmp_path / "d" / "rencai.sqlite3"
    init = config["OPTIONS"]["init_command"]
    assert "journal_mode=WAL" in init
    assert "synchronous=FULL" in init
    assert "foreign_keys=ON" in init
    assert config["CONN_MAX_AGE"] == 0


def test_database_postgresql_url_is_accepted(monkeypatch, tmp_path):
    monkeypatch.setenv("RENCAI_DATABASE_URL", "postgresql://rencai:pw@db.local:5433/rencai")
    config = env.database_from_url(tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.local", 5433, "rencai")


def _import_settings(tmp_path, **extra):
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("RENCAI_", "DJANGO_SETTINGS"))
    }
    environ.update({"RENCAI_DATA_DIR": str(tmp_path), **extra})
    return subprocess.run(
        [sys.executable, "-c", "import rencai.settings"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_import_with_bad_debug_value_exits_naming_the_variable(tmp_path):
    result = _import_settings(tmp_path, RENCAI_DEBUG="maybe")
    assert result.returncode != 0
    assert "RENCAI_DEBUG" in result.stderr


def test_settings_import_with_good_values_succeeds(tmp_path):
    result = _import_settings(tmp_path, RENCAI_DEBUG="false")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()
