"""Typed decorators for resolvers that carry a description.

``strawberry.field(description=...)`` and ``strawberry.mutation(description=...)``
return ``Any`` when called without a resolver, so under strict mypy every
resolver they decorate turns untyped. These wrappers keep the resolver's own
signature for the checker and leave the runtime object exactly as strawberry
builds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def field(description: str) -> Callable[[F], F]:
    return cast(Callable[[F], F], strawberry.field(description=description))


def mutation(description: str) -> Callable[[F], F]:
    return cast(Callable[[F], F], strawberry.mutation(description=description))
