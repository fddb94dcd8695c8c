"""Settings: defaults for the embedded system, and production refusing a placeholder secret."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from hotline.errors import TooManyRequests
from hotline.ratelimit import RateLimiter, RateLimitStorageError
from hotline.settings import Settings


def test_the_default_read_model_is_a_sqlite_file_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'hotline.db'}"


@pytest.mark.parametrize("secret", ["", "change-me"])
def test_production_refuses_to_start_without_a_real_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="HOTLINE_SECRET_KEY"):
        Settings(environment="production", secret_key=secret, _env_file=None)  # type: ignore[call-arg]


def test_production_starts_with_a_real_secret() -> None:
    settings = Settings(environment="production", secret_key="x" * 48, _env_file=None)  # type: ignore[call-arg]
    assert settings.environment == "production"


async def test_the_rate_limits_live_in_the_storage_the_settings_name() -> None:
    limiter = RateLimiter.from_uri(Settings(_env_file=None).rate_limit_storage)  # type: ignore[call-arg]
    await limiter.hit("2/minute", "probe")
    await limiter.hit("2/minute", "probe")
    with pytest.raises(TooManyRequests):
        await limiter.hit("2/minute", "probe")
    with pytest.raises(RateLimitStorageError, match="not an async storage; use async\\+memory://"):
        RateLimiter.from_uri("memory://")
