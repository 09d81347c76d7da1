"""Every index the hub relies on, created at start; creating one twice is a no-op."""

from __future__ import annotations

import logging
from typing import Any

from hub.storage.client import Database

log = logging.getLogger(__name__)

ASC, DESC = 1, -1

# (collection, keys, options)
INDEXES: list[tuple[str, list[tuple[str, int]], dict[str, Any]]] = [
    ("events", [("seq", ASC)], {"unique": True}),
    ("events", [("incident_id", ASC), ("seq", ASC)], {}),
    ("events", [("region_ids", ASC), ("seq", ASC)], {}),
    ("incidents", [("number", ASC)], {"unique": True}),
    ("incidents", [("status", ASC), ("severity", ASC), ("_id", DESC)], {}),
    ("incidents", [("region_id", ASC), ("_id", DESC)], {}),
    ("incidents", [("team_id", ASC), ("_id", DESC)], {}),
    # At most one open incident per alert group; cleared when it resolves.
    ("incidents", [("open_alert_group", ASC)], {"unique": True, "sparse": True}),
    ("incidents", [("outbox.0.occurred_at", ASC)], {"sparse": True}),
    # One incident per declare idempotency key, even after a crash and a retry.
    ("incidents", [("declare_key", ASC)], {"unique": True, "sparse": True}),
    # Idempotency claims are kept a day (the _id index makes each key unique).
    ("idempotency", [("created_at", ASC)], {"expireAfterSeconds": 86_400}),
    ("regions", [("name", ASC)], {"unique": True}),
    ("teams", [("slug", ASC)], {"unique": True}),
    ("teams", [("region_id", ASC)], {}),
    ("services", [("name", ASC)], {"unique": True}),
    ("integrations", [("key_hash", ASC)], {"unique": True}),
    ("api_tokens", [("token_hash", ASC)], {"unique": True}),
    ("api_tokens", [("name", ASC)], {"unique": True}),
    ("audit", [("at", DESC), ("_id", DESC)], {}),
    ("handoffs", [("from_region_id", ASC), ("proposed_at", DESC)], {}),
    ("handoffs", [("to_region_id", ASC), ("proposed_at", DESC)], {}),
    ("handoffs", [("status", ASC), ("proposed_at", DESC)], {}),
    # One automatic handoff per shift end and team, however often it runs.
    ("handoffs", [("dedup", ASC)], {"unique": True, "sparse": True}),
    ("handoffs", [("outbox.0.occurred_at", ASC)], {"sparse": True}),
    ("handoff_claims", [("handoff_id", ASC)], {}),
    ("incidents", [("follow_ups.id", ASC)], {"sparse": True}),
    ("impacts", [("service_id", ASC), ("start", ASC)], {}),
    ("impacts", [("outbox.0.occurred_at", ASC)], {"sparse": True}),
    ("jobs", [("state", ASC), ("due_at", ASC)], {}),
    ("jobs", [("dedup", ASC)], {"unique": True, "sparse": True}),
    ("jobs", [("payload.incident_id", ASC), ("kind", ASC)], {"sparse": True}),
    ("escalations", [("outbox.0.occurred_at", ASC)], {"sparse": True}),
    ("notifications", [("incident_id", ASC), ("step", ASC)], {}),
]


async def ensure_indexes(db: Database) -> None:
    for collection, keys, options in INDEXES:
        await db[collection].create_index(keys, **options)
    log.info("event=storage.indexes_ready database=%s count=%d", db.name, len(INDEXES))
