"""Opening the database: a real MongoDB server, or the embedded engine."""

from __future__ import annotations

import logging
from typing import Any

from motor.motor_asyncio import AsyncIOMotorClient

from hub.settings import Settings
from hub.storage.collection import Collection, RoundTrips

log = logging.getLogger(__name__)


class Database:
    """The hub's database handle; hands out :class:`Collection` wrappers."""

    def __init__(self, client: Any, name: str, *, embedded: bool) -> None:
        self._client = client
        self._db = client[name]
        self.name = name
        self.embedded = embedded
        self.round_trips = RoundTrips()
        self._collections: dict[str, Collection] = {}

    def __getitem__(self, name: str) -> Collection:
        found = self._collections.get(name)
        if found is None:
            found = Collection(self._db[name], self.round_trips)
            self._collections[name] = found
        return found

    @property
    def supports_change_streams(self) -> bool:
        # The embedded engine has no oplog; a real server needs a replica set
        # for change streams, which is checked when a stream is opened.
        return not self.embedded

    async def ping(self) -> bool:
        await self._db.command("ping")
        return True

    def close(self) -> None:
        self._client.close()


def connect(settings: Settings, *, shared_client: Any | None = None) -> Database:
    """A database handle for ``settings``.

    ``shared_client`` lets several app instances in one process share one
    embedded engine, the way replicas share one server.
    """
    if shared_client is not None:
        return Database(shared_client, settings.database, embedded=settings.embedded)
    if settings.mongodb_uri is None:
        return Database(embedded_client(), settings.database, embedded=True)
    uri = settings.mongodb_uri.get_secret_value()
    client: Any = AsyncIOMotorClient(uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    return Database(client, settings.database, embedded=False)


def embedded_client() -> Any:
    # Imported here so a deployment on a real server never loads the mock.
    from mongomock_motor import AsyncMongoMockClient

    return AsyncMongoMockClient(tz_aware=True)
