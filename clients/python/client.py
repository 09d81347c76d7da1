"""``HubClient``: the hub's common operations as typed async methods.

async with HubClient("http://localhost:8000", token="...") as hub:
    incident = await hub.declare("Checkout errors", team="sre-emea")
    await hub.acknowledge(incident.ref)
    async for event in hub.subscribe("London"):
        print(event.sequence, event.type)
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx

from clients.python import documents as doc
from clients.python.http import GraphQLHTTP, auth_headers, graphql_url, websocket_url
from clients.python.lookups import REF, Lookups
from clients.python.models import (
    CreatedToken,
    Event,
    Handoff,
    HandoffBrief,
    Incident,
    OnDuty,
    Region,
    Team,
)
from clients.python.pagination import paginate
from clients.python.resume import Backoff, RetryHook, resuming
from clients.python.ws import subscription


class HubClient:
    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        actor: str | None = None,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = graphql_url(url)
        self.ws_url = websocket_url(url)
        self.token = token
        self._http = httpx.AsyncClient(
            headers=auth_headers(token, actor), timeout=timeout, transport=transport
        )
        self.gql = GraphQLHTTP(self._http, self.url)
        self.lookups = Lookups(self.gql)

    async def __aenter__(self) -> HubClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def execute(self, document: str, variables: dict[str, Any] | None = None) -> Any:
        """Any GraphQL operation; returns its ``data``."""
        return await self.gql.execute(document, variables)

    # Reading

    def incidents(
        self, filter: dict[str, Any] | None = None, *, page_size: int = 50
    ) -> AsyncIterator[Incident]:
        """Every incident matching ``filter``, newest first, page after page."""
        pages = paginate(
            self.gql, doc.INCIDENTS, "incidents", {"filter": filter}, page_size=page_size
        )
        return _typed(pages, Incident)

    async def incident(self, ref_or_id: str) -> Incident:
        """One incident with its timeline, by reference (INC-42) or id."""
        data = await self.execute(doc.INCIDENT_BY_REF, _ref_or_id(ref_or_id))
        return Incident.model_validate(data["incident"])

    async def regions(self) -> list[Region]:
        data = await self.execute(doc.REGIONS)
        return [Region.model_validate(r) for r in data["regions"]["nodes"]]

    async def teams(self) -> list[Team]:
        return await self.lookups.teams(refresh=True)

    async def on_duty(self, at: datetime | None = None) -> OnDuty:
        at_text = at.isoformat() if at is not None else None
        data = await self.execute(doc.ON_DUTY, {"at": at_text})
        return OnDuty.model_validate(data["onDuty"])

    async def handoffs(
        self, region: str | None = None, status: str | None = None
    ) -> list[Handoff]:
        """Every matching handoff, newest first, read page by page."""
        found: list[Handoff] = []
        after: str | None = None
        while True:
            variables = {"region": region, "status": status, "after": after}
            page = (await self.execute(doc.HANDOFFS, variables))["handoffs"]
            found += [Handoff.model_validate(h) for h in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]

    # Changing

    async def declare(self, title: str, *, team: str, **fields: Any) -> Incident:
        """Declare an incident for ``team`` (slug or id); ``fields`` as in the schema
        (``severity="SEV2"``, ``summary=...``, ``serviceIds=[...]``)."""
        values = {"title": title, "teamId": await self.team_id(team), **fields}
        data = await self.execute(doc.DECLARE, {"input": values})
        return Incident.model_validate(data["declareIncident"])

    async def acknowledge(self, incident: str) -> Incident:
        data = await self.execute(doc.ACKNOWLEDGE, {"id": await self.incident_id(incident)})
        return Incident.model_validate(data["acknowledgeIncident"])

    async def change_status(
        self, incident: str, status: str, *, note: str | None = None
    ) -> Incident:
        variables = {
            "id": await self.incident_id(incident),
            "status": status.upper(),
            "note": note,
        }
        data = await self.execute(doc.CHANGE_STATUS, variables)
        return Incident.model_validate(data["changeIncidentStatus"])

    async def note(self, incident: str, text: str) -> Incident:
        variables = {"id": await self.incident_id(incident), "text": text}
        data = await self.execute(doc.NOTE, variables)
        return Incident.model_validate(data["addIncidentNote"])

    async def propose_handoff(
        self, incidents: list[str], *, to_team: str, brief: HandoffBrief
    ) -> Handoff:
        """Offer ``incidents`` (refs or ids) to ``to_team`` (slug or id) with a brief."""
        values = {
            "incidentIds": [await self.incident_id(i) for i in incidents],
            "toTeamId": await self.team_id(to_team),
            "brief": brief.model_dump(by_alias=True),
        }
        data = await self._with_input("proposeHandoff", doc.PROPOSE_HANDOFF, values)
        return Handoff.model_validate(data["proposeHandoff"])

    async def accept_handoff(self, handoff_id: str) -> Handoff:
        data = await self.execute(doc.ACCEPT_HANDOFF, {"id": handoff_id})
        return Handoff.model_validate(data["acceptHandoff"])

    async def reject_handoff(self, handoff_id: str, reason: str) -> Handoff:
        data = await self.execute(doc.REJECT_HANDOFF, {"id": handoff_id, "reason": reason})
        return Handoff.model_validate(data["rejectHandoff"])

    async def create_token(
        self,
        name: str,
        role: str,
        *,
        region_ids: list[str] | None = None,
        team_ids: list[str] | None = None,
        expires_at: datetime | None = None,
    ) -> CreatedToken:
        """A new API token; its secret is in ``.token`` and is shown only once."""
        values: dict[str, Any] = {"name": name, "role": role.upper()}
        if region_ids:
            values["regionIds"] = region_ids
        if team_ids:
            values["teamIds"] = team_ids
        if expires_at is not None:
            values["expiresAt"] = expires_at.isoformat()
        data = await self._with_input("createApiToken", doc.CREATE_TOKEN, values)
        return CreatedToken.model_validate(data["createApiToken"])

    # Live

    def subscribe(
        self,
        region: str | None = None,
        *,
        after: str | None = None,
        team_id: str | None = None,
        incident_id: str | None = None,
        backoff: Backoff | None = None,
        on_retry: RetryHook | None = None,
    ) -> AsyncIterator[Event]:
        """Incident events for a region (or team, or incident), resumed by cursor
        across dropped connections until the caller stops iterating."""
        variables = {"region": region, "teamId": team_id, "incidentId": incident_id}
        return self._live(
            doc.INCIDENT_EVENTS, "incidentEvents", variables, after, backoff, on_retry
        )

    def subscribe_handoffs(
        self,
        region: str,
        *,
        after: str | None = None,
        backoff: Backoff | None = None,
        on_retry: RetryHook | None = None,
    ) -> AsyncIterator[Event]:
        return self._live(
            doc.HANDOFF_EVENTS, "handoffEvents", {"region": region}, after, backoff, on_retry
        )

    def _live(
        self,
        document: str,
        field: str,
        variables: dict[str, Any],
        after: str | None,
        backoff: Backoff | None,
        on_retry: RetryHook | None,
    ) -> AsyncIterator[Event]:
        init = auth_headers(self.token)

        async def open_stream(cursor: str | None) -> AsyncIterator[Event]:
            stream = subscription(
                self.ws_url, document, {**variables, "after": cursor}, init_payload=init
            )
            async for data in stream:
                yield Event.model_validate(data[field])

        return resuming(open_stream, after=after, backoff=backoff or Backoff(), on_retry=on_retry)

    # Lookups

    async def incident_id(self, ref_or_id: str) -> str:
        return await self.lookups.incident_id(ref_or_id)

    async def team_id(self, slug_or_id: str) -> str:
        return await self.lookups.team_id(slug_or_id)

    async def root_fields(self) -> dict[str, set[str]]:
        """The names of the hub's query, mutation and subscription fields."""
        return await self.lookups.root_fields()

    async def _with_input(self, mutation: str, document: str, values: dict[str, Any]) -> Any:
        # The input type's name is the server's choice; asking for it keeps
        # the SDK working whatever the schema calls it.
        name = await self.lookups.input_type(mutation)
        typed = re.sub(r"\$input: \w+!", f"$input: {name}!", document, count=1)
        return await self.execute(typed, {"input": values})


def _ref_or_id(value: str) -> dict[str, str]:
    return {"ref": value} if REF.match(value) else {"id": value}


async def _typed(
    pages: AsyncIterator[dict[str, Any]], model: type[Incident]
) -> AsyncIterator[Incident]:
    async for node in pages:
        yield model.model_validate(node)
