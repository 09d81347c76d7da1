"""How long the follow-the-sun answers take: ``on_duty`` and a week's schedule.

Pure time arithmetic over the demo rotation (three regions, one daylight-saving
change in range), no database:

    python -m bench.rotation
"""

from __future__ import annotations

import timeit
from datetime import UTC, datetime, timedelta

from hub.demo import REGIONS
from hub.handoffs.rotation import handoff_schedule, on_duty
from hub.teams.models import Region

REPEAT = 200


def regions() -> list[Region]:
    made = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        Region(id=f"r{i}", created_at=made, **data.model_dump())
        for i, data in enumerate(REGIONS)
    ]


def best_ms(call: object) -> float:
    times = timeit.repeat(call, number=1, repeat=REPEAT)  # type: ignore[arg-type]
    return min(times) * 1000


def main() -> None:
    rotation = regions()
    start = datetime(2025, 3, 27, tzinfo=UTC)  # London changes clocks on the 30th
    week = best_ms(lambda: handoff_schedule(rotation, start, start + timedelta(days=7)))
    duty = best_ms(lambda: on_duty(rotation, start + timedelta(hours=9)))
    print(f"handoff_schedule, 7 days, 3 regions: best {week:.2f} ms of {REPEAT}")
    print(f"on_duty at one instant:               best {duty:.2f} ms of {REPEAT}")


if __name__ == "__main__":
    main()
