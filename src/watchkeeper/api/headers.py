"""Security headers on every answer, and a strict Content-Security-Policy on the analysts' pages.

The pages load one stylesheet from /ui/static and no script at all, so the
policy allows nothing inline and nothing from elsewhere: markup that slipped
into a listed name or a customer field could not run even if a template
failed to escape it. No page may be framed (clickjacking), and no address is
sent on as a referrer (alert and customer ids are in the URLs).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UI_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
EVERY_ANSWER = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task or body buffering, unlike BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        on_ui = str(scope.get("path", "")).startswith("/ui")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in EVERY_ANSWER if k not in present]
                if on_ui:
                    headers.append((b"content-security-policy", UI_POLICY.encode()))
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
