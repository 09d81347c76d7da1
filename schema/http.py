"""GraphQL over HTTP as the spec words it, on top of Strawberry's router.

What this adds: ``application/graphql-response+json`` negotiated from
``Accept`` (406 when neither JSON type is acceptable); a request refused before
execution answered 400 (401/403 for credentials) without a ``data`` entry; a
mutation over GET refused with 405 and ``Allow: POST``; every transport error
as a JSON GraphQL error body rather than plain text; a 401 for a request
without a valid token; and the request id in an ``X-Request-Id`` header.
"""

from __future__ import annotations

import json
from typing import Any, cast

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from hub.errors import BadInput, HubError
from hub.jsonlimits import check_json_depth
from schema.context import Context
from schema.credentials import ManyCredentials, authorization
from schema.errors import code_of
from schema.ws_auth import connection_principal

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class MethodNotAllowed(HTTPException):
    def __init__(self, reason: str, allow: str) -> None:
        super().__init__(405, reason)
        self.allow = allow


def negotiate(accept: str | None) -> str | None:
    """The response media type for ``accept``; None when neither JSON type fits.

    With no Accept header, legacy clients get ``application/json``.
    """
    if not accept or not accept.strip():
        return JSON
    weights: dict[str, float] = {}
    for part in accept.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[kind.lower()] = max(q, weights.get(kind.lower(), 0.0))
    for kind in (GRAPHQL_RESPONSE, JSON):
        if weights.get(kind, 0) > 0:
            return kind
    wildcard = max(weights.get("*/*", 0), weights.get("application/*", 0))
    return JSON if wildcard > 0 else None


def error_body(message: str, code: str, **extensions: Any) -> bytes:
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return json.dumps({"errors": [error]}).encode()


def _nothing_ran(result: ExecutionResult) -> bool:
    """Refused before any field resolved: parsing, validation, variables, limits."""
    if isinstance(result, PreExecutionError):
        return True
    # A failed field always has a path; errors without one came first.
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


def _pre_execution_status(result: ExecutionResult) -> int:
    codes = {code_of(e) for e in result.errors or []}
    if "UNAUTHENTICATED" in codes:
        return 401
    if "FORBIDDEN" in codes:
        return 403
    return 400


# Far above any real operation, which the token limit caps anyway.
MAX_BODY_BYTES = 1 << 20


def _many_credentials(request: Request) -> str | None:
    try:
        authorization(request.scope)
    except ManyCredentials as exc:
        return exc.message
    return None
# Variables sit two levels into a request ({"variables": {"p": ...}}): a
# routeAlert payload as deep as alert ingest accepts still fits.
ENVELOPE_DEPTH = 2


class JSONTooDeep(json.JSONDecodeError):
    """Raised, before decoding, for JSON nested deeper than the router's limit.

    A decode error, so the websocket protocols close on it as on any
    message that is not JSON (graphql-transport-ws: 4400).
    """


class HubGraphQLRouter(GraphQLRouter[Context, None]):
    # The deepest JSON a body, a query parameter or a websocket message may
    # nest; schema/router.py sets it from the alert ingest limit.
    max_json_depth = 64 + ENVELOPE_DEPTH

    async def run(  # type: ignore[override]
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response | WebSocket:
        if self.is_websocket_request(request):
            return await super().run(request, context, root_value)
        # Strawberry keeps the per-request response on the router until run()
        # reads it, so nothing here may await before super().run().
        http = cast(Request, request)
        media = negotiate(http.headers.get("accept"))
        http.state.graphql_media = media or JSON
        ide = self.should_render_graphql_ide(self.request_adapter_class(http))
        response: Response
        if media is None and not ide:
            response = self._error(406, f"Accept must allow {GRAPHQL_RESPONSE} or {JSON}", JSON)
        elif (many := _many_credentials(http)) is not None:
            response = self._error(400, many, media or JSON)
        elif media is not None and not context.authenticated and not ide:
            response = self._unauthenticated(context, media)
        else:
            try:
                response = await super().run(http, context, root_value)
            except MethodNotAllowed as exc:
                response = self._error(405, exc.reason, media or JSON, {"Allow": exc.allow})
            except HTTPException as exc:
                response = self._error(exc.status_code, exc.reason, media or JSON)
        response.headers["X-Request-Id"] = context.request_id
        return response

    def parse_json(self, data: str | bytes) -> Any:
        if len(data) > MAX_BODY_BYTES:
            raise HTTPException(413, f"a GraphQL request is at most {MAX_BODY_BYTES} bytes")
        try:
            parsed = self.decode_json(data)
        except JSONTooDeep as exc:
            raise HTTPException(400, exc.msg) from None
        except json.JSONDecodeError as exc:
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        if not isinstance(parsed, dict):
            # Strawberry would fail on it with a 500; it is the client's mistake.
            raise HTTPException(400, "the request body must be a JSON object")
        name = parsed.get("operationName")
        if not isinstance(name, str | None):
            raise HTTPException(400, "operationName must be a string or null, if provided")
        return parsed

    def decode_json(self, data: str | bytes) -> object:
        raw = data.encode() if isinstance(data, str) else data
        try:
            check_json_depth(raw, self.max_json_depth)
        except BadInput as exc:
            raise JSONTooDeep(exc.message, "", 0) from None
        return super().decode_json(data)

    def _unauthenticated(self, context: Context, media: str) -> Response:
        message = context.auth_error or "send an API token: Authorization: Bearer <token>"
        return self._error(401, message, media, {"WWW-Authenticate": "Bearer"})

    @staticmethod
    def _error(
        status: int, reason: str, media: str, headers: dict[str, str] | None = None
    ) -> Response:
        code = STATUS_CODES.get(status, "BAD_REQUEST")
        return Response(error_body(reason, code), status, headers=headers, media_type=media)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as exc:
            cause = exc.__cause__
            if not isinstance(cause, InvalidOperationTypeError):
                raise
            over_get = request_adapter.method == "GET"
            if over_get and cause.operation_type is OperationType.MUTATION:
                raise MethodNotAllowed("mutations are sent with POST", "POST") from cause
            if cause.operation_type is OperationType.SUBSCRIPTION:
                raise HTTPException(
                    400, "subscriptions are served over websockets at this same path"
                ) from cause
            raise
        media = request.state.graphql_media
        sub_response.media_type = media
        if _nothing_ran(result) and media == GRAPHQL_RESPONSE:
            sub_response.status_code = _pre_execution_status(result)
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        body = process_result(result)
        if _nothing_ran(result):
            # Nothing ran, so there is no data entry at all, not even null.
            body.pop("data", None)
        return body

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            media_type=sub_response.media_type or JSON,
        )
        for name, value in sub_response.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        if context.authenticated:
            return cast(UnsetType, UNSET)  # the legacy protocol's handler checked it
        try:
            context.principal = await connection_principal(context)
        except HubError as exc:
            raise ConnectionRejectionError({"message": exc.message, "code": exc.code}) from exc
        return cast(UnsetType, UNSET)
