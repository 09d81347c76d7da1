"""Incident queries and mutations: each converts arguments and calls one flow."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.auth import scopes
from hub.errors import BadInput, NotFound
from hub.incidents.models import Category, IncidentDeclare, Severity, Status
from hub.incidents.refs import parse_ref
from hub.incidents.service import IncidentFilter
from schema.context import Context
from schema.inputs import build
from schema.pagination import Connection, connection, page_request
from schema.types.enums import CategoryEnum, SeverityEnum, StatusEnum
from schema.types.incidents import IncidentType


@strawberry.input
class IncidentFilterInput:
    statuses: list[StatusEnum] | None = None  # type: ignore[valid-type]
    severities: list[SeverityEnum] | None = None  # type: ignore[valid-type]
    categories: list[CategoryEnum] | None = None  # type: ignore[valid-type]
    team_ids: list[strawberry.ID] | None = None
    region_ids: list[strawberry.ID] | None = None
    service_ids: list[strawberry.ID] | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    exercise: bool | None = None
    text: str | None = None

    def to_domain(self) -> IncidentFilter:
        return IncidentFilter(
            statuses=self.statuses or (),
            severities=self.severities or (),
            categories=self.categories or (),
            team_ids=[str(i) for i in self.team_ids or ()],
            region_ids=[str(i) for i in self.region_ids or ()],
            service_ids=[str(i) for i in self.service_ids or ()],
            created_from=self.created_from,
            created_to=self.created_to,
            exercise=self.exercise,
            text=self.text,
        )


@strawberry.input
class DeclareIncidentInput:
    title: str
    team_id: strawberry.ID
    severity: SeverityEnum = SeverityEnum.SEV3  # type: ignore[valid-type]
    category: CategoryEnum = CategoryEnum.OTHER  # type: ignore[valid-type]
    summary: str = ""
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    tags: list[str] = strawberry.field(default_factory=list)
    exercise: bool = False
    commander: str | None = None


@strawberry.type
class IncidentQueries:
    @strawberry.field(description="Incidents, newest first")
    async def incidents(
        self,
        info: Info[Context, None],
        filter: IncidentFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[IncidentType]:
        request = page_request(info, first, after, last, before)
        flt = scopes.narrow(info.context.principal, (filter or IncidentFilterInput()).to_domain())
        page = await info.context.hub.incidents.paged(flt, request)
        return connection(page, IncidentType.from_model)

    @strawberry.field(description="One incident, by id or by reference (INC-42)")
    async def incident(
        self, info: Info[Context, None], id: strawberry.ID | None = None, ref: str | None = None
    ) -> IncidentType:
        hub, principal = info.context.hub, info.context.principal
        if id is not None:
            found = await hub.incidents.get(str(id))
            scopes.check_incident(principal, found)
            if ref is not None and parse_ref(ref) != found.number:
                raise BadInput(f"id and ref {ref!r} name different incidents", argument="ref")
        elif ref is not None:
            by_number = await hub.incidents.by_number(parse_ref(ref))
            if by_number is None or not scopes.allows_incident(principal, by_number):
                raise NotFound(f"no incident {ref!r}", ref=ref)
            found = by_number
        else:
            raise BadInput("give an id or a ref")
        return IncidentType.from_model(found)


@strawberry.type
class IncidentMutations:
    @strawberry.mutation
    async def declare_incident(
        self,
        info: Info[Context, None],
        input: DeclareIncidentInput,
        idempotency_key: str | None = None,
    ) -> IncidentType:
        data = build(IncidentDeclare, strawberry.asdict(input))
        incident = await info.context.hub.flows.declare(
            data, actor=info.context.principal.actor, idempotency_key=idempotency_key
        )
        return IncidentType.from_model(incident)

    @strawberry.mutation
    async def acknowledge_incident(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> IncidentType:
        incident = await info.context.hub.flows.acknowledge(
            str(id),
            actor=info.context.principal.actor,
            expected_version=expected_version,
            idempotency_key=idempotency_key,
        )
        return IncidentType.from_model(incident)

    @strawberry.mutation
    async def change_incident_status(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        status: StatusEnum,  # type: ignore[valid-type]
        note: str | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> IncidentType:
        incident = await info.context.hub.flows.change_status(
            str(id),
            Status(status),
            actor=info.context.principal.actor,
            note=note,
            expected_version=expected_version,
            idempotency_key=idempotency_key,
        )
        return IncidentType.from_model(incident)

    @strawberry.mutation(description="Change severity and/or category, saying why")
    async def reclassify_incident(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        reason: str,
        severity: SeverityEnum | None = None,  # type: ignore[valid-type]
        category: CategoryEnum | None = None,  # type: ignore[valid-type]
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> IncidentType:
        incident = await info.context.hub.flows.reclassify(
            str(id),
            severity=Severity(severity) if severity else None,
            category=Category(category) if category else None,
            reason=reason,
            actor=info.context.principal.actor,
            expected_version=expected_version,
            idempotency_key=idempotency_key,
        )
        return IncidentType.from_model(incident)

    @strawberry.mutation
    async def add_incident_note(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        text: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> IncidentType:
        incident = await info.context.hub.flows.add_note(
            str(id),
            text,
            actor=info.context.principal.actor,
            expected_version=expected_version,
            idempotency_key=idempotency_key,
        )
        return IncidentType.from_model(incident)

    @strawberry.mutation
    async def assign_responder(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        handle: str,
        role: str = "responder",
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> IncidentType:
        incident = await info.context.hub.flows.assign_responder(
            str(id),
            handle,
            role=role,
            actor=info.context.principal.actor,
            expected_version=expected_version,
            idempotency_key=idempotency_key,
        )
        return IncidentType.from_model(incident)
