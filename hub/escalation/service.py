"""Reads and writes of escalation policies."""

from __future__ import annotations

from pydantic import ValidationError

from hub.clock import Clock
from hub.errors import BadInput
from hub.escalation.models import (
    EscalationPolicy,
    PolicyBase,
    PolicyCreate,
    PolicyUpdate,
    Target,
    TargetKind,
)
from hub.storage.client import Database
from hub.storage.ids import new_id
from hub.storage.pages import Page, PageRequest
from hub.storage.repository import Repository
from hub.teams.service import TeamService


class PolicyService:
    def __init__(self, db: Database, clock: Clock, teams: TeamService) -> None:
        self._clock = clock
        self._teams = teams
        self.repo = Repository(db["policies"], EscalationPolicy, "escalation policy")

    async def create(self, *, data: PolicyCreate) -> EscalationPolicy:
        await self._check_references(data)
        now = self._clock.now()
        doc = {
            "id": new_id(),
            **data.model_dump(mode="json"),
            "created_at": now,
            "updated_at": now,
        }
        await self.repo.collection.insert(doc)
        return EscalationPolicy.model_validate(doc)

    async def update(self, *, policy_id: str, data: PolicyUpdate) -> EscalationPolicy:
        changes = data.model_dump(mode="json", exclude_unset=True)
        if not changes:
            raise BadInput("nothing to update: give at least one field")
        current = await self.repo.get(policy_id)
        await self._check_references(_check_whole(current, changes))
        changes["updated_at"] = self._clock.now()
        await self.repo.collection.update_one({"id": policy_id}, {"$set": changes})
        return await self.repo.get(policy_id)

    async def _check_references(self, policy: PolicyBase) -> None:
        # A TEAM or MEMBER target naming nobody would page nobody, and a
        # condition naming no service would never hold, and nothing would say
        # so until an incident needed it; one read per kind checks them all.
        targets: list[Target] = [t for level in policy.levels for t in level.targets]
        targets += [t for rule in policy.rules for t in rule.targets]
        conditions = [level.when for level in policy.levels if level.when]
        conditions += [rule.when for rule in policy.rules]
        def named(kind: TargetKind) -> list[str]:
            return [t.value for t in targets if t.kind is kind]

        await self._teams.teams.require_all(named(TargetKind.TEAM))
        await self._teams.services.require_all([s for c in conditions for s in c.service_ids])
        await self._teams.require_members(named(TargetKind.MEMBER))

    async def list(self) -> list[EscalationPolicy]:
        return await self.repo.find({}, sort=[("name", 1)])

    async def page(self, request: PageRequest) -> Page[EscalationPolicy]:
        return await self.repo.page({}, [("name", 1)], request)


def _check_whole(current: EscalationPolicy, changes: dict[str, object]) -> PolicyBase:
    # New rules may name levels the old ladder lacks, and new levels may drop
    # ones old rules name: only the policy as a whole can be checked.
    merged = {**current.model_dump(mode="json"), **changes}
    try:
        return PolicyBase.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise BadInput(f"the updated policy is invalid: {first['msg']}") from exc
