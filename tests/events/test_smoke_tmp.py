import asyncio
from hub.core import Hub
from hub.demo import seed
from hub.incidents.models import IncidentDeclare
from tests.conftest import serve
from tests.events.wsclient import connect, subscribe, next_event

async def test_smoke(hub: Hub) -> None:
    demo = await seed(hub)
    async with serve(hub) as live:
        async with connect(live.ws_url) as a, connect(live.ws_url) as b:
            await subscribe(a, region="London")
            await subscribe(b, region="London")
            await asyncio.sleep(0.2)
            inc = await hub.flows.declare(IncidentDeclare(title="x", team_id=demo.team_ids["sre-emea"]), actor="t")
            ea = await asyncio.wait_for(next_event(a), 3)
            eb = await asyncio.wait_for(next_event(b), 3)
            print(ea, eb)
            assert ea == eb
            async with connect(live.ws_url) as c:
                await subscribe(c, region="London", after="ZXYxOjA")
                ec = await asyncio.wait_for(next_event(c), 3)
                print(ec)
