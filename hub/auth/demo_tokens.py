"""The documented demo tokens, created only by ``serve --demo``.

    demo-admin-token              admin
    demo-responder-token          responder
    demo-viewer-token             viewer
    demo-automation-token         automation
    demo-london-responder-token   responder, scoped to the London region

Without ``--demo`` none of them exists; a fresh deployment's only way in is
``HUB_ADMIN_TOKEN``.
"""

from __future__ import annotations

import logging

from hub.auth.models import ApiTokenCreate, Role
from hub.auth.tokens import TokenService
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

DEMO_TOKENS: dict[str, tuple[str, Role, str | None]] = {
    # secret: (name, role, region name the token is scoped to)
    "demo-admin-token": ("demo-admin", Role.ADMIN, None),
    "demo-responder-token": ("demo-responder", Role.RESPONDER, None),
    "demo-viewer-token": ("demo-viewer", Role.VIEWER, None),
    "demo-automation-token": ("demo-automation", Role.AUTOMATION, None),
    "demo-london-responder-token": ("demo-london-responder", Role.RESPONDER, "London"),
}


async def seed_demo_tokens(tokens: TokenService, teams: TeamService) -> None:
    for secret, (name, role, region) in DEMO_TOKENS.items():
        region_ids = [(await teams.resolve_region(region)).id] if region else []
        data = ApiTokenCreate(name=name, role=role, region_ids=region_ids)
        await tokens.ensure(data=data, secret=secret, actor="demo")
    log.info("event=demo.tokens_seeded count=%d", len(DEMO_TOKENS))
