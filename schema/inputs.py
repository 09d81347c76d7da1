"""Turning GraphQL inputs into domain models, with errors that name the field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from schema.errors import bad_input_from

M = TypeVar("M", bound=BaseModel)


def build(model: type[M], values: dict[str, Any]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise bad_input_from(exc) from exc


def given(values: dict[str, Any]) -> dict[str, Any]:
    """The fields a client actually set: strawberry.UNSET ones dropped."""
    import strawberry

    return {k: v for k, v in values.items() if v is not strawberry.UNSET}
