"""One typed settings object, read from the environment and `.env` at the edges only.

Workflow code never reads settings: whatever a workflow needs (short escalation delays in tests, say)
arrives in its input or through an activity.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hotline.calendar import CalendarKind

PLACEHOLDER_SECRET = "change-me"


class EvaluationWeights(BaseModel):
    """How much each rate weighs in a department's monthly score (relative weights, any scale).
    From the environment as JSON: HOTLINE_EVALUATION_WEIGHTS='{"response": 1, "on_time": 2, ...}'."""

    response: float = Field(default=0.2, ge=0)
    on_time: float = Field(default=0.3, ge=0)
    resolution: float = Field(default=0.25, ge=0)
    satisfaction: float = Field(default=0.25, ge=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTLINE_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "cases"
    temporal_api_key: str | None = None
    temporal_tls_cert: Path | None = Field(default=None, description="client certificate (PEM) for mTLS")
    temporal_tls_key: Path | None = Field(default=None, description="client private key (PEM) for mTLS")
    temporal_tls_server_ca: Path | None = None
    temporal_ui_url: str = "http://127.0.0.1:8233"
    # `make run` starts a dev server when temporal_address is this address (UI on temporal_ui_url's port).
    temporal_dev_server_address: str = "127.0.0.1:7233"
    # Closed cases must stay replayable for auditors long after they close.
    temporal_retention_days: int = 3650

    # Worker tuning (docs/operations.md "Sizing"), passed to the SDK's Worker; defaults are the SDK's.
    # Cached workflows answer Updates without replaying their history; each costs memory while cached.
    worker_max_cached_workflows: int = Field(default=1000, ge=0)
    worker_max_concurrent_workflow_tasks: int = Field(default=100, ge=2)
    worker_max_concurrent_activities: int = Field(default=100, ge=1)
    worker_max_concurrent_local_activities: int = Field(default=100, ge=1)
    worker_workflow_task_pollers: int = Field(default=5, ge=2)
    worker_activity_task_pollers: int = Field(default=5, ge=1)
    # On SIGTERM/SIGINT the worker stops polling and gives running activities this long to finish
    # before they are cancelled (and retried by another worker).
    worker_graceful_shutdown_seconds: float = Field(default=30, ge=0)

    # Not prefixed: DATABASE_URL is the name every tool and platform expects.
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    # Connections each API or worker process keeps open, and how many more it may open at a peak
    # (docs/operations.md "Sizing"); PostgreSQL's max_connections must cover every process's sum.
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    secret_key: str = PLACEHOLDER_SECRET

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # Where rate-limit counts live: per process by default; shared (Redis) with several API replicas.
    rate_limit_storage: str = "async+memory://"
    session_hours: int = 12
    # `make run` in development fills an empty read model with this many generated cases (0: none).
    demo_cases: int = Field(default=200, ge=0)

    # Observability (docs/observability.md). Logs: JSON lines in production, plain text in development
    # unless set. /metrics needs `Authorization: Bearer <metrics_token>` when a token is set. The worker
    # serves the SDK's Prometheus metrics on `worker_metrics_address` (host:port; off when empty).
    # Tracing goes to the console or to OTLP (endpoint from the standard OTEL_* variables).
    log_format: Literal["json", "plain"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    metrics_token: SecretStr | None = None
    metrics_cache_seconds: float = Field(default=10.0, ge=0, le=300)
    worker_metrics_address: str = ""
    tracing: Literal["off", "console", "otlp"] = "off"

    # The city: case numbers look like XN20261126-000123, dated in the city's own time zone.
    case_number_prefix: str = "XN"
    timezone: str = "Asia/Shanghai"

    # The clock (docs/lifecycle.md): tier → natural or working days; sign-for windows in minutes;
    # warning at a fraction of the time; escalation to levels 2 and 3 after these hours overdue.
    tier_calendars: dict[int, CalendarKind] = Field(
        default_factory=lambda: {
            1: CalendarKind.NATURAL,
            3: CalendarKind.WORKING,
            7: CalendarKind.WORKING,
            11: CalendarKind.WORKING,
        }
    )
    sign_for_minutes: dict[int, float] = Field(
        default_factory=lambda: {1: 30.0, 3: 120.0, 7: 120.0, 11: 120.0}
    )
    warning_fraction: float = Field(default=0.75, gt=0, lt=1)
    escalation_hours: list[float] = Field(default_factory=lambda: [24.0, 48.0])
    reopen_limit: int = Field(default=2, ge=0)
    visit_attempts: int = Field(default=3, ge=1)
    visit_window_hours: float = Field(default=72.0, gt=0)
    notification_sender: Literal["record"] = "record"
    history_events_before_continue: int = Field(default=5000, ge=100, le=40000)

    # Metrics (hotline/metrics.py; every formula in docs/metrics.md): the city's choices.
    metrics_basically_satisfied_counts: bool = True  # 基本满意 counts as satisfied
    metrics_supervisor_close_resolved: bool = False  # a supervisor's close after the reopen limit = resolved
    metrics_count_merged_duplicates: bool = True  # merged duplicates (并单) count in volume
    metrics_handling_end: Literal["last_reply", "closed"] = "last_reply"  # handling time ends here
    metrics_handling_percentile: float = Field(default=0.9, gt=0, lt=1)  # the "p90" handling time

    # Early warning (docs/metrics.md "Early warning"): a category × place fires when the last 24 hours'
    # count is at least max(min_count, mean + k·σ) of the same 24 hours on the previous `weeks` weeks,
    # σ = max(sample sd, √mean, 1). Repeat places: ≥ N cases at one address within M days. Clusters:
    # the newest `max_cases` appeals of the period, joined at cosine similarity ≥ `similarity`.
    warning_spike_k: float = Field(default=3.0, gt=0)
    warning_spike_min_count: int = Field(default=5, ge=1)
    warning_spike_weeks: int = Field(default=8, ge=2, le=26)
    warning_repeat_min_cases: int = Field(default=3, ge=2)
    warning_repeat_days: int = Field(default=30, ge=1)
    warning_cluster_days: int = Field(default=30, ge=1)
    warning_cluster_max_cases: int = Field(default=2000, ge=2, le=10000)
    warning_cluster_similarity: float = Field(default=0.2, gt=0, lt=1)
    warning_cluster_min_size: int = Field(default=3, ge=2)

    # Monthly evaluation of departments (hotline/evaluation.py): score = 100 × the weighted mean of the
    # rates that have data − penalty × unjustified returns − penalty × overdue tasks (never below 0);
    # green from `green_from`, red below `red_below`, yellow between; fewer than `min_volume` cases in
    # the month: not ranked. Ten-worst candidates: red `red_months` months in a row, or at least
    # `worst_unjustified_returns` unjustified returns (seed: 无故退单2次以上); the `best_count` best.
    evaluation_weights: EvaluationWeights = Field(default_factory=lambda: EvaluationWeights())
    evaluation_unjustified_return_penalty: float = Field(default=5.0, ge=0)
    evaluation_overdue_penalty: float = Field(default=1.0, ge=0)
    evaluation_min_volume: int = Field(default=5, ge=0)
    evaluation_green_from: float = Field(default=85.0, ge=0, le=100)
    evaluation_red_below: float = Field(default=70.0, ge=0, le=100)
    evaluation_red_months: int = Field(default=3, ge=1, le=12)
    evaluation_worst_unjustified_returns: int = Field(default=2, ge=1)
    evaluation_best_count: int = Field(default=10, ge=1)

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'hotline.db'}"
        return self

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key in ("", PLACEHOLDER_SECRET):
            raise ValueError(
                "HOTLINE_SECRET_KEY is missing or still the placeholder; production refuses to start. "
                "Set it to a long random value, e.g. from "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        return self

    @model_validator(mode="after")
    def _evaluation_zones_in_order(self) -> Settings:
        if self.evaluation_red_below > self.evaluation_green_from:
            raise ValueError("HOTLINE_EVALUATION_RED_BELOW must not exceed HOTLINE_EVALUATION_GREEN_FROM")
        return self

    @model_validator(mode="after")
    def _client_certificate_with_its_key(self) -> Settings:
        if (self.temporal_tls_cert is None) != (self.temporal_tls_key is None):
            raise ValueError(
                "HOTLINE_TEMPORAL_TLS_CERT and HOTLINE_TEMPORAL_TLS_KEY go together: "
                "set both for mTLS, or neither."
            )
        return self

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json" if self.log_format else self.environment == "production"

    def database_pool(self) -> dict[str, int]:
        """The connection pool's size, for `hotline.db.create_engine`."""
        return {"pool_size": self.database_pool_size, "max_overflow": self.database_max_overflow}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
