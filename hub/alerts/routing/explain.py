"""The record of one routing decision, rule by rule.

The same :class:`Explanation` answers a dry run (``routeAlert``) and is kept
on the incident's timeline when a real alert is routed, so "why did this page
APAC?" has one answer before and after the fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from hub.incidents.models import Category, Severity


class Verdict(StrEnum):
    MATCHED = "MATCHED"
    NOT_MATCHED = "NOT_MATCHED"
    DISABLED = "DISABLED"
    NOT_REACHED = "NOT_REACHED"


@dataclass
class RuleOutcome:
    rule_id: str
    name: str
    verdict: Verdict
    # Why it did not match, or what it did when it did.
    reasons: list[str] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return self.verdict is Verdict.MATCHED

    def to_doc(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "name": self.name,
            "verdict": self.verdict.value,
            "reasons": self.reasons,
        }


@dataclass
class Explanation:
    at: datetime
    rules: list[RuleOutcome] = field(default_factory=list)
    # In the order reached; the first owns the incident.
    team_ids: list[str] = field(default_factory=list)
    # The regions of those teams, so region-scoped readers of any of them
    # see the incident and hear its events.
    region_ids: list[str] = field(default_factory=list)
    responders: list[str] = field(default_factory=list)
    severity: Severity = Severity.SEV3
    category: Category = Category.OTHER
    suppressed: bool = False
    suppressed_by: str | None = None
    default_route: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def owner_team_id(self) -> str | None:
        return self.team_ids[0] if self.team_ids else None

    def to_doc(self) -> dict[str, Any]:
        """A JSON-ready copy for the timeline event."""
        return {
            "at": self.at.isoformat(),
            "team_ids": self.team_ids,
            "region_ids": self.region_ids,
            "responders": self.responders,
            "severity": self.severity.value,
            "category": self.category.value,
            "suppressed": self.suppressed,
            "suppressed_by": self.suppressed_by,
            "default_route": self.default_route,
            "notes": self.notes,
            "rules": [r.to_doc() for r in self.rules],
        }
