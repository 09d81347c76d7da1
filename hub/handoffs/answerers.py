"""Who may answer a handoff: the receiving team, never whoever proposed it.

A handoff asks the receiving team to take incidents on, so an answer counts
only from that team:

* a member of it, the token's name being the member's handle, as every
  person's token is named;
* a token scoped to the receiving region or team, which was issued to the
  people working there;
* an admin, who may answer any handoff, their own included: the way out when
  the receiving team cannot answer (a lead off sick, members without tokens
  of their own). Every answer is in the audit log like any mutation.

The proposer may not answer their own handoff: accepting it would move
ownership without anyone on the other side having agreed, and rejecting it
would silence the offer before the receiving team saw it. A proposer who
changed their mind lets it expire or asks the receiving team to reject it.
"""

from __future__ import annotations

from hub.auth.models import Principal, Role
from hub.auth.scopes import receives
from hub.errors import Forbidden
from hub.handoffs.models import Handoff
from hub.teams.models import Team


def check_answerer(handoff: Handoff, to_team: Team, by: Principal, verb: str) -> None:
    """Raise Forbidden unless ``by`` may ``verb`` (accept, reject) ``handoff``."""
    if by.role is Role.ADMIN:
        return
    if by.actor == handoff.proposed_by:
        raise Forbidden(
            f"{by.actor} proposed handoff {handoff.id}, so cannot {verb} it; "
            f"the receiving team {to_team.slug!r} answers it",
            id=handoff.id,
        )
    member = any(m.handle == by.actor for m in to_team.members)
    if member or (by.scoped and receives(by, handoff)):
        return
    raise Forbidden(
        f"only the receiving team {to_team.slug!r} can {verb} handoff {handoff.id}; "
        f"{by.actor!r} is not one of its members",
        id=handoff.id,
    )
