"""Operation limits: refused before anything runs, naming the limit."""

from __future__ import annotations

import httpx
import pytest

from hub.app import create_app
from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import AUTH, GraphQLFailed, gql, make_settings

DEEP = (
    "{ teams { nodes { region { name } services { team { services { team { services "
    "{ team { services { team { services { team { name } } } } } } } } } } } } }"
)


async def refusal(api: httpx.AsyncClient, query: str, variables: dict | None = None) -> dict:
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, query, variables)
    assert failed.value.codes == ["BAD_USER_INPUT"]
    return failed.value.errors[0]


async def test_a_deep_query_is_refused_naming_the_depth_limit(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    error = await refusal(api, DEEP)

    assert "maxQueryDepth" in error["message"]
    assert error["extensions"]["limit"] == "maxQueryDepth"
    assert error["extensions"]["max"] == 12


async def test_many_aliases_are_refused_before_any_mutation_runs(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    team = demo.team_ids["sre-emea"]
    calls = " ".join(
        f'a{n}: declareIncident(input: {{title: "x", teamId: "{team}"}}) {{ id }}'
        for n in range(31)
    )

    error = await refusal(api, f"mutation {{ {calls} }}")

    assert error["extensions"]["limit"] == "maxQueryAliases"
    assert await hub.incidents.collection.count({}) == 0


async def test_page_size_over_the_limit_is_refused_even_in_a_variable(
    api: httpx.AsyncClient,
) -> None:
    error = await refusal(
        api, "query($n: Int) { incidents(first: $n) { totalCount } }", {"n": 5000}
    )

    assert error["extensions"]["limit"] == "maxPageSize"
    assert "5000" in error["message"]


async def test_an_expensive_query_is_refused_naming_the_cost_limit(
    api: httpx.AsyncClient,
) -> None:
    query = """{ incidents(first: 100) { nodes { timeline { type actor incident {
      timeline { type actor incident { timeline { type } } } } } } } }"""

    error = await refusal(api, query)

    assert error["extensions"]["limit"] == "maxQueryCost"
    assert error["extensions"]["actual"] > 50_000


async def test_fragments_do_not_hide_depth(api: httpx.AsyncClient) -> None:
    nested = "services { team { " * 6 + "name" + " } }" * 6
    query = "{ teams { nodes { ...T } } } fragment T on Team { " + nested + " }"

    error = await refusal(api, query)

    assert error["extensions"]["limit"] == "maxQueryDepth"


async def test_introspection_can_be_switched_off() -> None:
    hub = Hub(make_settings(introspection=False))
    await hub.start(run_scheduler=False)
    transport = httpx.ASGITransport(app=create_app(hub.settings, hub=hub))
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://hub.test", headers=AUTH
        ) as api:
            with pytest.raises(GraphQLFailed):
                await gql(api, "{ __schema { queryType { name } } }")
            assert await gql(api, "{ __typename }") == {"__typename": "Query"}
            sdl = await gql(api, "{ _service { sdl } }")
    finally:
        await hub.stop()

    assert "type Incident" in sdl["_service"]["sdl"]


EXPENSIVE = """incidents(first: $n) { nodes { timeline { type actor incident {
  timeline { type actor incident { timeline { type } } } } } } }"""


async def test_a_variable_s_default_value_is_measured_like_a_value_sent(
    api: httpx.AsyncClient,
) -> None:
    costly = await refusal(api, f"query($n: Int = 100) {{ {EXPENSIVE} }}")
    wide = await refusal(api, "query($n: Int = 5000) { incidents(first: $n) { totalCount } }")
    sent = await refusal(api, f"query($n: Int = 1) {{ {EXPENSIVE} }}", {"n": 100})

    assert costly["extensions"]["limit"] == sent["extensions"]["limit"] == "maxQueryCost"
    assert costly["extensions"]["actual"] == sent["extensions"]["actual"]
    assert wide["extensions"]["limit"] == "maxPageSize"


async def test_a_negative_page_size_cannot_pay_for_an_expensive_field(
    api: httpx.AsyncClient,
) -> None:
    query = f"""query($n: Int = 100, $m: Int = -100000) {{ {EXPENSIVE}
      cheap: incidents(first: $m) {{ nodes {{ timeline {{ type }} }} }} }}"""

    error = await refusal(api, query)
    inline = await refusal(api, "{ incidents(last: -3) { totalCount } }")

    assert error["extensions"]["limit"] == inline["extensions"]["limit"] == "minPageSize"
    assert "-100000" in error["message"]
