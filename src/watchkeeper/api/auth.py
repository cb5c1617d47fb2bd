"""API keys on every request: `Authorization: ApiKey <token>`.

401 when no valid key is given (unknown, revoked, expired, or acting for a
disabled user), 403 when the key's scope does not allow the call. With open
read access (a trusted network, off by default) read calls need no key;
loading lists always does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

from watchkeeper.api.service import ScreeningService
from watchkeeper.errors import NotFound
from watchkeeper.store.service import scope_allows

_HEADER = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    description="`ApiKey <token>`; create one with `watchkeeper keys create --scope read|write|admin`.",
)


@dataclass(frozen=True)
class Caller:
    """Who is calling: a key (and the user it belongs to) or an anonymous reader."""

    key_id: str | None
    owner: str
    scope: str

    def allows(self, scope: str) -> bool:
        return scope_allows(self.scope, scope)

    @property
    def name(self) -> str:
        return self.owner or (f"key:{self.key_id}" if self.key_id else "anonymous")


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "ApiKey"})


def _owner_enabled(service: ScreeningService, owner: str) -> bool:
    try:
        return not service.stores().users.user(owner).disabled
    except NotFound:
        return False


def require(scope: str) -> Callable[..., Caller]:
    """A dependency admitting callers whose key allows `scope`."""

    def check(request: Request, header: Annotated[str | None, Depends(_HEADER)]) -> Caller:
        service: ScreeningService = request.app.state.service
        if not header:
            if scope == "read" and service.open_read:
                return Caller(None, "", "read")
            raise _unauthorized("missing API key: send the header `Authorization: ApiKey <token>`")
        kind, _, token = header.strip().partition(" ")
        if kind.lower() not in {"apikey", "bearer"} or not token.strip():
            raise _unauthorized("Authorization header must read `ApiKey <token>`")
        keys = service.stores().service
        key = keys.key_for_token(token.strip())
        if key is None:
            raise _unauthorized("unknown API key")
        if key.revoked_at is not None:
            raise _unauthorized(f"API key {key.key_id} was revoked on {key.revoked_at}")
        if key.expired:
            raise _unauthorized(f"API key {key.key_id} expired on {key.expires_at}; rotate or create one")
        if key.owner and not _owner_enabled(service, key.owner):
            raise _unauthorized(f"API key {key.key_id} acts for user {key.owner!r}, who is disabled")
        keys.touch_key(key)
        if not key.allows(scope):
            raise HTTPException(
                status_code=403,
                detail=f"API key {key.key_id} has scope {key.scope!r}; this call needs {scope!r}",
            )
        return Caller(key.key_id, key.owner, key.scope)

    return check


ReadCaller = Annotated[Caller, Depends(require("read"))]
AdminCaller = Annotated[Caller, Depends(require("admin"))]
