"""One typed settings object, read from ``HUB_*`` environment variables."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, computed_field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    # Absent: the embedded in-process engine, which lives and dies with the process.
    mongodb_uri: SecretStr | None = None
    database: str = Field(default="incident_hub", pattern=r"^[A-Za-z0-9_-]{1,63}$")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    demo: bool = False

    # Ingest bounds, checked before a body is parsed.
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_json_depth: int = Field(default=64, ge=4, le=512)
    # Requests per integration key, in the ``limits`` notation.
    ingest_rate_limit: str = Field(default="600/minute", pattern=r"^\d+ ?(/|per) ?\w+$")
    # SNS SubscribeURLs the hub will fetch to confirm a subscription.
    sns_subscribe_url_pattern: str = r"^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/"

    # How long an event stays replayable by cursor.
    event_retention_days: int = Field(default=14, ge=1)
    # Seconds a hole in the event sequence is waited for before it is skipped:
    # a writer may have taken a number and not yet stored its event.
    sequence_gap_wait: float = Field(default=2.0, gt=0)
    # How often the live feed looks for events written by other replicas when
    # the engine has no change streams.
    tail_interval: float = Field(default=0.25, gt=0)

    # An admin API token created at start when set: the way in for a fresh
    # deployment, which otherwise has no credential at all.
    admin_token: SecretStr | None = None

    # Minutes a proposed handoff waits for the receiving team before it
    # expires and the receiving region's lead is escalated to.
    handoff_expiry_minutes: float = Field(default=15.0, gt=0, le=24 * 60)
    # Seconds an outbound escalation webhook attempt may take in all before it
    # fails. At most half the scheduler's 60 s job lease: an attempt still
    # running when its lease ran out would be claimed again by another
    # replica, and the receiver would get the same delivery twice.
    webhook_timeout: float = Field(default=10.0, gt=0, le=30)

    # GraphQL limits, each checked before an operation runs.
    introspection: bool = True
    max_query_depth: int = Field(default=12, ge=2, le=100)
    max_query_aliases: int = Field(default=30, ge=0, le=1000)
    # Fields a query may select, each counted once per item its lists can return.
    max_query_cost: int = Field(default=50_000, ge=10)
    max_page_size: int = Field(default=100, ge=1, le=5000)

    # GraphQL over websockets: seconds a client has to send connection_init.
    ws_init_timeout: float = Field(default=10.0, gt=0)
    # Server pings over graphql-transport-ws, and how long a pong may take.
    ws_ping_interval: float = Field(default=15.0, gt=0)
    ws_ping_timeout: float = Field(default=10.0, gt=0)
    # Frames a subscriber may have waiting before it is closed with 4499.
    ws_send_buffer: int = Field(default=512, ge=1)
    # GraphQL reads over HTTP are answered from a cache keyed by the data
    # version; this bounds how stale a clock-dependent answer can be. 0: off.
    response_cache_seconds: float = Field(default=1.0, ge=0)
    # Seconds shutdown waits for each socket to send what it holds.
    ws_drain_timeout: float = Field(default=5.0, gt=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def embedded(self) -> bool:
        return self.mongodb_uri is None

    def engine_label(self) -> str:
        """Where the data lives, fit for a log line: credentials never shown."""
        if self.mongodb_uri is None:
            return "embedded (in-process mongomock-motor; data is lost at exit)"
        return redact_uri(self.mongodb_uri.get_secret_value())


def redact_uri(uri: str) -> str:
    parts = urlsplit(uri)
    host = parts.netloc.rsplit("@", 1)[-1]
    if "@" in parts.netloc:
        host = f"***@{host}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
