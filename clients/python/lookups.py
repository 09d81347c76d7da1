"""Turning what people type (INC-42, sre-emea) into ids, and reading the schema."""

from __future__ import annotations

import re
from typing import Any

from clients.python import documents as doc
from clients.python.errors import HubClientError
from clients.python.http import GraphQLHTTP
from clients.python.models import Team

REF = re.compile(r"^(INC-)?\d+$", re.IGNORECASE)

INPUT_ARGS = """{ __type(name: "Mutation") { fields { name
  args { name type { name ofType { name } } } } } }"""


class Lookups:
    """Names to ids, cached for the client's life (teams and schema change rarely)."""

    def __init__(self, gql: GraphQLHTTP) -> None:
        self._gql = gql
        self._teams: list[Team] | None = None
        self._input_types: dict[str, str] = {}

    async def incident_id(self, ref_or_id: str) -> str:
        if not REF.match(ref_or_id):
            return ref_or_id
        data = await self._gql.execute(
            "query($ref: String) { incident(ref: $ref) { id } }", {"ref": ref_or_id}
        )
        return str(data["incident"]["id"])

    async def teams(self, *, refresh: bool = False) -> list[Team]:
        if self._teams is None or refresh:
            data = await self._gql.execute(doc.TEAMS)
            self._teams = [Team.model_validate(t) for t in data["teams"]["nodes"]]
        return self._teams

    async def team_id(self, slug_or_id: str) -> str:
        teams = await self.teams()
        for team in teams:
            if slug_or_id in (team.slug, team.id):
                return team.id
        known = ", ".join(sorted(t.slug for t in teams))
        raise HubClientError(f"no team {slug_or_id!r} (known: {known})", code="NOT_FOUND")

    async def root_fields(self) -> dict[str, set[str]]:
        data = await self._gql.execute(doc.ROOT_FIELDS)
        return {
            kind: {f["name"] for f in (data[kind] or {}).get("fields") or []}
            for kind in ("query", "mutation", "subscription")
        }

    async def input_type(self, mutation: str) -> str:
        """The name of ``mutation``'s ``input`` argument type."""
        if mutation in self._input_types:
            return self._input_types[mutation]
        data = await self._gql.execute(INPUT_ARGS)
        fields: dict[str, Any] = {f["name"]: f for f in (data["__type"] or {})["fields"]}
        if mutation not in fields:
            raise HubClientError(f"this hub has no {mutation} mutation", code="NOT_SUPPORTED")
        arg = next(a for a in fields[mutation]["args"] if a["name"] == "input")
        name = str(arg["type"]["name"] or arg["type"]["ofType"]["name"])
        self._input_types[mutation] = name
        return name
