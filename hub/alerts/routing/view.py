"""What routing rules see of an alert, whichever system sent it.

A delivery may carry many alerts (an Alertmanager group). Rules read the
first alert that fires, falling back to the first alert: it is the one that
opens the incident and gives it its title, so a rule and the incident it
shapes describe the same alert. Alertmanager's group labels are common to
every alert of a group, so rules on them see the same value either way.

Readable parts: ``source``, ``title``, ``summary``, ``severity`` (the hub's
SEV1..SEV5), ``sender_severity`` (the sender's own word), and
``labels.<name>``, ``annotations.<name>``, ``fields.<name>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.alerts.sources.signal import AlertAction, AlertBatch, AlertSignal
from hub.incidents.models import Severity

SEVERITY_WORDS = {
    "critical": Severity.SEV1,
    "p1": Severity.SEV1,
    "page": Severity.SEV2,
    "error": Severity.SEV2,
    "high": Severity.SEV2,
    "p2": Severity.SEV2,
    "warning": Severity.SEV3,
    "p3": Severity.SEV3,
    "info": Severity.SEV4,
    "p4": Severity.SEV4,
    "p5": Severity.SEV5,
}


def severity_of(signals: list[AlertSignal]) -> Severity:
    """The most severe word any of ``signals`` uses; SEV3 when none is known."""
    found = [SEVERITY_WORDS.get((s.severity or "").lower()) for s in signals]
    known = [s for s in found if s is not None]
    return min(known) if known else Severity.SEV3


@dataclass(frozen=True)
class AlertView:
    source: str
    signal: AlertSignal
    severity: Severity

    @classmethod
    def of(cls, batch: AlertBatch) -> AlertView:
        firing = [s for s in batch.signals if s.action is AlertAction.TRIGGER]
        lead = (firing or batch.signals)[0]
        return cls(batch.source, lead, severity_of(firing or [lead]))

    def get(self, path: str) -> str | None:
        """The value at ``path``, or None when the alert has no such part."""
        plain = {
            "source": self.source,
            "title": self.signal.title,
            "summary": self.signal.summary,
            "severity": self.severity.value,
            "sender_severity": self.signal.severity,
        }
        if path in plain:
            return plain[path]
        kind, _, name = path.partition(".")
        maps = {
            "labels": self.signal.labels,
            "annotations": self.signal.annotations,
            "fields": self.signal.fields,
        }
        return maps.get(kind, {}).get(name)
