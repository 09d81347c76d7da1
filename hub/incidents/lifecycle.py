"""Which status may follow which.

Forward steps may skip (an alert can resolve itself before anyone acknowledges
it). The only ways back are the ones responders need: a mitigation that did
not hold (MITIGATED -> INVESTIGATING) and a reopened incident (RESOLVED ->
INVESTIGATING). CLOSED is final: a closed incident's record is the postmortem's
input and must not move under it.
"""

from __future__ import annotations

from hub.errors import InvalidTransition
from hub.incidents.models import Status

S = Status

ALLOWED: dict[Status, frozenset[Status]] = {
    S.TRIGGERED: frozenset({S.ACKNOWLEDGED, S.INVESTIGATING, S.MITIGATED, S.RESOLVED}),
    S.ACKNOWLEDGED: frozenset({S.INVESTIGATING, S.MITIGATED, S.RESOLVED}),
    S.INVESTIGATING: frozenset({S.MITIGATED, S.RESOLVED}),
    S.MITIGATED: frozenset({S.INVESTIGATING, S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.INVESTIGATING}),
    S.CLOSED: frozenset(),
}


def check_transition(current: Status, target: Status, *, ref: str) -> None:
    if target in ALLOWED[current]:
        return
    allowed = ", ".join(sorted(ALLOWED[current])) or "nothing (it is final)"
    raise InvalidTransition(
        f"{ref} is {current}; it cannot move to {target}. Allowed next: {allowed}",
        current=current.value,
        requested=target.value,
    )
