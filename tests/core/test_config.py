"""Settings refuse weak secrets in production and keep a generated one locally."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Environment, Settings


def test_production_refuses_a_missing_secret(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="CEYICE_SECRET_KEY"):
        Settings(env=Environment.PRODUCTION, data_dir=tmp_path, secret_key="")


def test_production_refuses_a_weak_secret(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="太弱"):
        Settings(env=Environment.PRODUCTION, data_dir=tmp_path, secret_key="changeme")


def test_local_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path, secret_key="")
    second = Settings(data_dir=tmp_path, secret_key="")
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_under_data(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="x" * 40, database_url="")
    assert settings.database_url == f"sqlite:///{tmp_path / 'ceyice.db'}"
