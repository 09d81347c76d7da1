"""The source-neutral shape every monitoring payload is parsed into.

Parsers in this package turn one HTTP body into one :class:`AlertBatch`; the
ingest layer decides what each :class:`AlertSignal` does to incidents. Nothing
here touches storage, so the parsers stay pure and cheap to test.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _as_utc(value: datetime) -> datetime:
    # A naive time is ambiguous by hours; refusing it here stops a parser bug
    # from silently reordering alerts.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class AlertAction(StrEnum):
    TRIGGER = "trigger"
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"
    # The sender took its acknowledgement back (Opsgenie, Grafana OnCall).
    UNACKNOWLEDGE = "unacknowledge"


# What PagerDuty's event_action and the generic shape accept.
BASIC_ACTIONS = (AlertAction.TRIGGER, AlertAction.ACKNOWLEDGE, AlertAction.RESOLVE)


class AlertSignal(BaseModel):
    """One alert's state as one sender reported it.

    ``dedup_key`` groups alerts into one incident; ``alert_key`` names the
    single alert inside that group, so a group can resolve alert by alert.
    ``occurred_at`` is the sender's own time for this state, which is what
    orders deliveries that arrive out of order or more than once.

    ``by_arrival`` marks a sender that gives no time of its own for some
    actions of a key (PagerDuty's resolve and acknowledge): mixing its
    clock with the hub's would misorder them, so each delivery of such a
    key counts as newer than the one before it.
    """

    model_config = ConfigDict(frozen=True)

    source: str
    dedup_key: str
    alert_key: str
    action: AlertAction
    title: str
    summary: str = ""
    severity: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    starts_at: UtcDatetime | None = None
    ends_at: UtcDatetime | None = None
    occurred_at: UtcDatetime
    links: list[str] = Field(default_factory=list)
    fields: dict[str, str] = Field(default_factory=dict)
    by_arrival: bool = False


class AlertBatch(BaseModel):
    """Everything one delivery said.

    A delivery that must not open incidents (a PagerDuty change event, an SNS
    subscription handshake) has no signals and says why in ``ignored_reason``.
    """

    source: str
    group_key: str
    signals: list[AlertSignal] = Field(default_factory=list)
    truncated: int = 0
    ignored_reason: str | None = None
    subscribe_url: str | None = None


def labels_key(labels: dict[str, str]) -> str:
    """A stable identity for an alert that carries no fingerprint.

    Sorting makes the key independent of the sender's key order; the
    separators cannot occur in a label name, so distinct sets never collide
    by concatenation.
    """
    digest = hashlib.sha256()
    for name, value in sorted(labels.items()):
        digest.update(name.encode())
        digest.update(b"\x00")
        digest.update(value.encode())
        digest.update(b"\x01")
    return digest.hexdigest()
