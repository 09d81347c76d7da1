"""Storing the ordered rule list, and routing an alert with it.

The whole list is one document written with a version guard: reordering,
inserting and deleting are each one atomic write, and every routing decision
reads one consistent list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hub.alerts.routing.evaluate import World, evaluate
from hub.alerts.routing.explain import Explanation
from hub.alerts.routing.models import RULES_MAX, Rule, RuleCreate
from hub.alerts.routing.view import AlertView
from hub.alerts.sources.signal import AlertBatch
from hub.clock import Clock
from hub.errors import BadInput, Conflict, NotFound
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey
from hub.storage.ids import new_id
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

RULE_SET = "routing"
ATTEMPTS = 5

Edit = Callable[[list[Rule]], list[Rule]]


class RoutingService:
    def __init__(self, db: Database, clock: Clock, teams: TeamService) -> None:
        self._sets = db["alert_rule_sets"]
        self._clock = clock
        self._teams = teams

    async def rules(self) -> list[Rule]:
        doc = await self._sets.find_one({"id": RULE_SET})
        return [Rule.model_validate(r) for r in (doc or {}).get("rules", [])]

    async def create(self, data: RuleCreate, *, position: int | None = None) -> tuple[Rule, int]:
        """The new rule and where it landed in the order."""
        now = self._clock.now()
        rule = Rule(id=new_id(), created_at=now, updated_at=now, **data.model_dump())
        await self._check_references(rule)

        def edit(rules: list[Rule]) -> list[Rule]:
            if len(rules) >= RULES_MAX:
                raise BadInput(f"at most {RULES_MAX} routing rules", limit=RULES_MAX)
            at = len(rules) if position is None else _position(position, len(rules) + 1)
            return [*rules[:at], rule, *rules[at:]]

        rules = await self._edit(edit)
        log.info("event=routing.rule_created rule_id=%s name=%s", rule.id, rule.name)
        return rule, _index(rules, rule.id)

    async def update(self, rule_id: str, data: RuleCreate) -> tuple[Rule, int]:
        def edit(rules: list[Rule]) -> list[Rule]:
            old = rules[_index(rules, rule_id)]
            new = Rule(
                id=old.id,
                created_at=old.created_at,
                updated_at=self._clock.now(),
                **data.model_dump(),
            )
            return [new if r.id == rule_id else r for r in rules]

        probe = Rule(
            id=rule_id,
            created_at=self._clock.now(),
            updated_at=self._clock.now(),
            **data.model_dump(),
        )
        await self._check_references(probe)
        rules = await self._edit(edit)
        at = _index(rules, rule_id)
        return rules[at], at

    async def delete(self, rule_id: str) -> None:
        def edit(rules: list[Rule]) -> list[Rule]:
            _index(rules, rule_id)
            return [r for r in rules if r.id != rule_id]

        await self._edit(edit)

    async def move(self, rule_id: str, position: int) -> list[Rule]:
        def edit(rules: list[Rule]) -> list[Rule]:
            rule = rules[_index(rules, rule_id)]
            rest = [r for r in rules if r.id != rule_id]
            at = _position(position, len(rules))
            return [*rest[:at], rule, *rest[at:]]

        return await self._edit(edit)

    async def route(self, batch: AlertBatch, *, default_team_id: str, at: datetime) -> Explanation:
        """Where ``batch`` goes at ``at``; reads only, writes nothing."""
        teams = await self._teams.list_teams()
        regions = await self._teams.list_regions()
        world = World(
            at=at,
            default_team_id=default_team_id,
            teams={t.id: t for t in teams},
            regions={r.id: r for r in regions},
        )
        return evaluate(await self.rules(), AlertView.of(batch), world)

    async def _edit(self, edit: Edit) -> list[Rule]:
        for _ in range(ATTEMPTS):
            doc = await self._sets.find_one({"id": RULE_SET}) or {"version": 0, "rules": []}
            rules = edit([Rule.model_validate(r) for r in doc["rules"]])
            if await self._store(doc["version"], rules):
                return rules
        raise Conflict("routing rules changed while this edit was applied; retry")

    async def _store(self, version: int, rules: list[Rule]) -> bool:
        update: dict[str, Any] = {
            "$set": {"rules": [r.model_dump(mode="json") for r in rules]},
            "$inc": {"version": 1},
        }
        try:
            # The first write creates the document; a rival first write then
            # breaks the unique _id and loses like any stale version.
            stored = await self._sets.update_one(
                {"id": RULE_SET, "version": version}, update, upsert=version == 0
            )
        except DuplicateKey:
            return False
        return bool(stored)

    async def _check_references(self, rule: Rule) -> None:
        team_ids = sorted(rule.team_ids())
        found = await self._teams.teams.get_many(team_ids)
        missing = [t for t, team in zip(team_ids, found, strict=True) if team is None]
        if missing:
            raise NotFound(f"no team with id {missing[0]!r}", id=missing[0])
        if rule.during is not None:
            await self._teams.regions.get(rule.during.region_id)


def _index(rules: list[Rule], rule_id: str) -> int:
    for i, rule in enumerate(rules):
        if rule.id == rule_id:
            return i
    raise NotFound(f"no routing rule with id {rule_id!r}", id=rule_id)


def _position(position: int, size: int) -> int:
    if not 0 <= position < max(size, 1):
        raise BadInput(f"position must be between 0 and {max(size - 1, 0)}", argument="position")
    return position
