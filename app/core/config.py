"""Settings read from CEYICE_* environment variables, with a secret key kept under data/."""

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WEAK_SECRETS = frozenset({"", "changeme", "secret", "change-me", "ceyice", "dev"})


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Everything configurable about one running service."""

    model_config = SettingsConfigDict(env_prefix="CEYICE_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str = ""
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = Field(default="", description="How employees reach the service, e.g. http://10.1.2.3")
    secure_cookies: bool = False
    max_upload_bytes: int = 20 * 1024 * 1024
    max_roster_rows: int = 50_000
    db_pool_size: int = 10

    @model_validator(mode="after")
    def _fill_defaults(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'ceyice.db'}"
        if not self.secret_key:
            if self.env is Environment.PRODUCTION:
                raise ValueError("生产环境必须设置 CEYICE_SECRET_KEY（至少 32 个随机字符）。")
            self.secret_key = _local_secret(self.data_dir)
        if self.env is Environment.PRODUCTION and (
            self.secret_key.lower() in WEAK_SECRETS or len(self.secret_key) < 32
        ):
            raise ValueError("CEYICE_SECRET_KEY 太弱：生产环境需要至少 32 个随机字符。")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _local_secret(data_dir: Path) -> str:
    """Generate the key once per installation so signed cookies survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
