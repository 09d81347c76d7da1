"""Relay connections: forward and backward pages, counts, ties and bad cursors."""

from __future__ import annotations

import httpx
import pytest
from graphql import GraphQLList, GraphQLNonNull, get_named_type

from hub.core import Hub
from hub.demo import DemoData
from hub.incidents.models import IncidentDeclare
from hub.storage import pages
from hub.teams.models import TeamCreate
from schema.app_schema import build_schema
from tests.conftest import GraphQLFailed, gql

TEAMS = """query($first: Int, $after: String, $last: Int, $before: String) {
  teams(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { slug } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


@pytest.fixture
async def teams(hub: Hub, demo: DemoData) -> list[str]:
    # Seven teams with the same name: only the id can order them.
    for n in range(7):
        await hub.teams.create_team(
            data=TeamCreate(
                name="Same name", slug=f"twin-{n}", region_id=demo.region_ids["London"]
            )
        )
    found = await hub.teams.teams.find({}, sort=[("name", 1), ("_id", 1)])
    return [t.slug for t in found]


async def walk(api: httpx.AsyncClient, *, forward: bool, size: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        args = {"first": size, "after": cursor} if forward else {"last": size, "before": cursor}
        page = (await gql(api, TEAMS, args))["teams"]
        slugs = [e["node"]["slug"] for e in page["edges"]]
        seen = seen + slugs if forward else slugs + seen
        info = page["pageInfo"]
        if not (info["hasNextPage"] if forward else info["hasPreviousPage"]):
            return seen
        cursor = info["endCursor"] if forward else info["startCursor"]


async def test_forward_and_backward_walks_see_every_item_once_in_order(
    api: httpx.AsyncClient, teams: list[str]
) -> None:
    assert await walk(api, forward=True, size=3) == teams
    assert await walk(api, forward=False, size=4) == teams


async def test_total_count_covers_every_page(api: httpx.AsyncClient, teams: list[str]) -> None:
    page = (await gql(api, TEAMS, {"first": 2}))["teams"]

    assert page["totalCount"] == len(teams) == 10
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False


async def test_items_written_between_pages_do_not_shift_the_next_page(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, teams: list[str]
) -> None:
    first = (await gql(api, TEAMS, {"first": 4}))["teams"]
    await hub.teams.create_team(
        data=TeamCreate(
            name="AAA first of all", slug="newcomer", region_id=demo.region_ids["London"]
        )
    )

    second = await gql(api, TEAMS, {"first": 4, "after": first["pageInfo"]["endCursor"]})

    assert [e["node"]["slug"] for e in second["teams"]["edges"]] == teams[4:8]


@pytest.mark.parametrize(
    "args",
    [
        {"after": "bm90LWEtY3Vyc29y"},
        {"after": "%%%"},
        {"first": 2, "last": 2},
        {"first": -1},
        {"first": 101},
    ],
)
async def test_bad_page_arguments_are_bad_input(
    api: httpx.AsyncClient, teams: list[str], args: dict
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, TEAMS, args)

    assert failed.value.codes == ["BAD_USER_INPUT"]


async def test_a_cursor_from_another_list_is_refused(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    regions = await gql(api, "{ regions(first: 1) { pageInfo { endCursor } } }")
    cursor = regions["regions"]["pageInfo"]["endCursor"]

    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, TEAMS, {"after": cursor})

    assert failed.value.codes == ["BAD_USER_INPUT"]


# Root lists that stay plain lists, each bounded by something other than how
# much data the hub holds, so a page would never be short of room.
BOUNDED_LISTS = {
    "_entities": "as long as the list of representations the router sends",
    "searchKnowledge": "ranked hits, at most `first`, itself at most 100",
    "alertRules": "evaluated as one ordered list; at most 200 rules can exist",
    "responseProtocols": "one per severity",
}
# Arguments a root connection cannot go without; $incident is an incident id.
REQUIRED = {"notifications": "incidentId: $incident, "}


def root_fields() -> tuple[set[str], list[str]]:
    """The root query's plain lists and its connections, read from the schema."""
    query = build_schema()._schema.query_type
    assert query is not None
    lists, connections = set(), []
    for name, field in query.fields.items():
        kind = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(kind, GraphQLList):
            lists.add(name)
        elif get_named_type(kind).name.endswith("Connection"):
            connections.append(name)
    return lists, connections


def test_every_root_list_is_a_connection_unless_bounded() -> None:
    lists, _ = root_fields()

    assert lists == set(BOUNDED_LISTS)


@pytest.mark.parametrize("field", root_fields()[1])
async def test_every_list_is_a_connection(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, field: str
) -> None:
    data = IncidentDeclare(title="paged", team_id=demo.team_ids["sre-emea"])
    incident = await hub.flows.declare(data, actor="tests")
    args = REQUIRED.get(field, "")
    needs = "($incident: ID!)" if args else ""

    data = await gql(
        api,
        f"query{needs} {{ {field}({args}last: 1) {{ totalCount nodes {{ __typename }} "
        "pageInfo { hasPreviousPage } } }",
        {"incident": incident.id} if args else None,
    )

    assert data[field]["totalCount"] >= len(data[field]["nodes"])


async def test_lists_keyed_by_composed_string_ids_page_too(hub: Hub) -> None:
    collection = hub.db["paged_strings"]
    for step in range(5):
        await collection.insert({"id": f"incident-{step}-team", "step": step})
    seen, cursor = [], None
    while True:
        docs, cursors, more, _ = await pages.fetch(
            collection, {}, [("step", 1)], pages.PageRequest(first=2, after=cursor)
        )
        seen += [d["step"] for d in docs]
        if not more:
            break
        cursor = cursors[-1]

    assert seen == [0, 1, 2, 3, 4]
