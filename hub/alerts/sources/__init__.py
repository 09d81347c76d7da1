"""Parsers that turn each monitoring system's webhook body into an
:class:`~hub.alerts.sources.signal.AlertBatch`.

Pure functions of (payload, arrival time): no storage, no HTTP. The ingest
layer picks a parser by the source name in the URL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from hub.alerts.sources import (
    alertmanager,
    cloudwatch,
    generic,
    grafana,
    grafana_oncall,
    opsgenie,
    pagerduty,
)
from hub.alerts.sources.signal import AlertAction, AlertBatch, AlertSignal
from hub.errors import NotFound

__all__ = [
    "SOURCES",
    "AlertAction",
    "AlertBatch",
    "AlertSignal",
    "Parser",
    "parse",
]


class Parser(Protocol):
    def __call__(self, payload: object, *, received_at: datetime) -> AlertBatch: ...


SOURCES: dict[str, Parser] = {
    alertmanager.SOURCE: alertmanager.parse,
    grafana.SOURCE: grafana.parse,
    grafana_oncall.SOURCE: grafana_oncall.parse,
    pagerduty.SOURCE: pagerduty.parse,
    opsgenie.SOURCE: opsgenie.parse,
    cloudwatch.SOURCE: cloudwatch.parse,
    generic.SOURCE: generic.parse,
}


def parse(source: str, payload: object, *, received_at: datetime) -> AlertBatch:
    """Parse ``payload`` as ``source`` sends it.

    Raises :class:`NotFound` for a source with no parser, and
    :class:`~hub.errors.BadInput` for a body the parser refuses.
    """
    parser = SOURCES.get(source)
    if parser is None:
        known = ", ".join(sorted(SOURCES))
        msg = f"no alert source named {source!r}; known: {known}"
        raise NotFound(msg, source=source)
    return parser(payload, received_at=received_at)
