"""Reads and writes of regions, teams and services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hub.clock import Clock
from hub.errors import BadInput, Conflict, NotFound
from hub.storage import ids
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey
from hub.storage.ids import new_id
from hub.storage.pages import Page, PageRequest
from hub.storage.repository import Repository
from hub.teams.models import (
    Region,
    RegionCreate,
    Service,
    ServiceCreate,
    ServiceUpdate,
    Team,
    TeamCreate,
    TeamUpdate,
)


class TeamService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._clock = clock
        self.regions = Repository(db["regions"], Region, "region")
        self.teams = Repository(db["teams"], Team, "team")
        self.services = Repository(db["services"], Service, "service")
        # Read only to check that a team's policy exists: the policy models live
        # with escalation, which itself depends on teams.
        self._policies = db["policies"]

    # -- regions -------------------------------------------------------------

    async def create_region(self, *, data: RegionCreate) -> Region:
        doc = {"id": new_id(), **data.model_dump(mode="json"), "created_at": self._clock.now()}
        await _insert_unique(self.regions.collection, doc, f"a region named {data.name!r}")
        return Region.model_validate(doc)

    async def list_regions(self) -> list[Region]:
        return await self.regions.find({}, sort=[("rotation_order", 1), ("name", 1)])

    async def page_regions(self, request: PageRequest) -> Page[Region]:
        return await self.regions.page({}, [("rotation_order", 1), ("name", 1)], request)

    async def region_by_name(self, name: str) -> Region | None:
        doc = await self.regions.collection.find_one({"name": name})
        return Region.model_validate(doc) if doc else None

    async def resolve_region(self, name_or_id: str) -> Region:
        """A region given by its name (as people say it) or by its id."""
        region = await self.region_by_name(name_or_id)
        if region is None:
            found = await self.regions.get_many([name_or_id])
            region = found[0]
        if region is None:
            raise NotFound(f"no region named {name_or_id!r}", region=name_or_id)
        return region

    # -- teams ---------------------------------------------------------------

    async def create_team(self, *, data: TeamCreate) -> Team:
        await self.regions.get(data.region_id)
        await self._check_policy(data.escalation_policy_id)
        now = self._clock.now()
        doc = {
            "id": new_id(),
            **data.model_dump(mode="json"),
            "created_at": now,
            "updated_at": now,
        }
        await _insert_unique(self.teams.collection, doc, f"a team with slug {data.slug!r}")
        return Team.model_validate(doc)

    async def update_team(self, *, team_id: str, data: TeamUpdate) -> Team:
        changes = data.model_dump(mode="json", exclude_unset=True)
        if not changes:
            raise BadInput("nothing to update: give at least one field")
        await self.teams.get(team_id)
        if "region_id" in changes:
            await self.regions.get(changes["region_id"])
        await self._check_policy(changes.get("escalation_policy_id"))
        changes["updated_at"] = self._clock.now()
        await self.teams.collection.update_one({"id": team_id}, {"$set": changes})
        return await self.teams.get(team_id)

    async def _check_policy(self, policy_id: str | None) -> None:
        # A team naming a missing policy would be found out only when one of its
        # incidents needed paging, and its escalation would then fail.
        if policy_id is None:
            return
        ids.to_object_id(policy_id, kind="escalation policy")
        if await self._policies.get(policy_id) is None:
            raise NotFound(f"no escalation policy with id {policy_id!r}", id=policy_id)

    # -- members -------------------------------------------------------------

    async def team_of_member(self, handle: str) -> str:
        """The id of a team that lists ``handle``; NotFound when none does."""
        doc = await self.teams.collection.find_one({"members.handle": handle})
        if doc is None:
            raise _no_member(handle)
        return str(doc["id"])

    async def require_members(self, handles: Iterable[str]) -> None:
        """NotFound for the first of ``handles`` that no team lists, in one read."""
        wanted = list(dict.fromkeys(handles))
        if not wanted:
            return
        teams = await self.teams.collection.find(
            {"members.handle": {"$in": wanted}}, projection={"members.handle": 1}
        )
        known = {m["handle"] for team in teams for m in team.get("members", [])}
        missing = [handle for handle in wanted if handle not in known]
        if missing:
            raise _no_member(missing[0])

    async def list_teams(self, *, region_id: str | None = None) -> list[Team]:
        query: dict[str, Any] = {} if region_id is None else {"region_id": region_id}
        return await self.teams.find(query, sort=[("name", 1)])

    async def page_teams(
        self, request: PageRequest, *, region_id: str | None = None
    ) -> Page[Team]:
        query: dict[str, Any] = {} if region_id is None else {"region_id": region_id}
        return await self.teams.page(query, [("name", 1)], request)

    async def team_by_slug(self, slug: str) -> Team | None:
        doc = await self.teams.collection.find_one({"slug": slug})
        return Team.model_validate(doc) if doc else None

    # -- services ------------------------------------------------------------

    async def create_service(self, *, data: ServiceCreate) -> Service:
        await self.teams.get(data.team_id)
        doc = {"id": new_id(), **data.model_dump(mode="json"), "created_at": self._clock.now()}
        await _insert_unique(self.services.collection, doc, f"a service named {data.name!r}")
        return Service.model_validate(doc)

    async def update_service(self, *, service_id: str, data: ServiceUpdate) -> Service:
        changes = data.model_dump(mode="json", exclude_unset=True)
        if not changes:
            raise BadInput("nothing to update: give at least one field")
        await self.services.get(service_id)
        if "team_id" in changes:
            await self.teams.get(changes["team_id"])
        await self.services.collection.update_one({"id": service_id}, {"$set": changes})
        return await self.services.get(service_id)

    async def list_services(self, *, team_id: str | None = None) -> list[Service]:
        query: dict[str, Any] = {} if team_id is None else {"team_id": team_id}
        return await self.services.find(query, sort=[("name", 1)])

    async def page_services(
        self, request: PageRequest, *, team_id: str | None = None
    ) -> Page[Service]:
        query: dict[str, Any] = {} if team_id is None else {"team_id": team_id}
        return await self.services.page(query, [("name", 1)], request)


def _no_member(handle: str) -> NotFound:
    return NotFound(f"no team has a member with handle {handle!r}", handle=handle)


async def _insert_unique(collection: Any, doc: dict[str, Any], what: str) -> None:
    try:
        await collection.insert(doc)
    except DuplicateKey as exc:
        raise Conflict(f"{what} already exists") from exc
