"""The analysts' web pages, served by the API app: server-rendered (Jinja2), no front-end build.

Log in with a user of `watchkeeper users create`; a session cookie (HttpOnly,
SameSite=Lax, Secure behind TLS: `WATCHKEEPER_SECURE_COOKIES`) carries a random
token whose hash the store keeps, and every form carries the session's CSRF
token. Pages are served with a Content-Security-Policy that allows no inline
script or style, and may not be framed. Analysts see and decide alerts;
supervisors also confirm true matches (four-eyes) and start re-screens.
"""

from __future__ import annotations

import hmac
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from watchkeeper.api.service import ScreeningService
from watchkeeper.api.ui_actions import action_pages
from watchkeeper.api.ui_vessels import vessel_pages
from watchkeeper.errors import NotFound, WatchkeeperError
from watchkeeper.match.normalize import raw_tokens
from watchkeeper.match.screener import ScreeningQuery
from watchkeeper.model import diff_entities
from watchkeeper.review.jobs import RescreenReport, rescreen
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.review_records import CLOSED_STATES, OPEN_STATES
from watchkeeper.store.users import LoginThrottled, Session

COOKIE = "wk_session"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
STATES = (*OPEN_STATES, *CLOSED_STATES, "all")


T = TypeVar("T")


async def in_thread(work: Callable[[], T]) -> T:
    """Run store work in a worker thread. The stores are per thread: `work` must fetch them itself
    (`service.stores().review` inside it), so two requests never share a connection or a transaction."""
    return await run_in_threadpool(work)


class Forbidden(Exception):
    """A form the session may not send (its CSRF token is wrong): 403 with the reason. Our own class,
    so that an operating system's PermissionError is a server fault (500), never a 403 with its text."""


class LoginRequired(Exception):
    """No valid session: the browser is sent to the login page."""


def _session(request: Request, service: ScreeningService) -> Session:
    token = request.cookies.get(COOKIE)
    session = service.stores().users.session(token) if token else None
    if session is None:
        raise LoginRequired
    return session


async def _checked_form(request: Request, session: Session) -> dict[str, str]:
    form = await request.form()
    _check_csrf(str(form.get("csrf", "")), session)
    return {k: str(v) for k, v in form.items()}


def _check_csrf(sent: str, session: Session) -> None:
    # Compared as bytes: compare_digest refuses non-ASCII text, and a forged token must get a 403.
    if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise Forbidden("the form's CSRF token is missing or wrong; reload the page")


def highlight(text: str, tokens: set[str]) -> str:
    """The name with every word whose folded form took part in the match marked."""
    out = []
    for word in re.split(r"(\s+)", text):
        folded = set(raw_tokens(word))
        escaped = html.escape(word)
        out.append(f"<mark>{escaped}</mark>" if folded and folded <= tokens else escaped)
    return "".join(out)


def ui_router(service: ScreeningService) -> APIRouter:
    router = APIRouter(prefix="/ui", include_in_schema=False)

    def page(request: Request, name: str, session: Session | None, **context: Any) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, name, {"session": session, **context})

    router.include_router(vessel_pages(service, page, lambda request: _session(request, service)))
    router.include_router(
        action_pages(service, page, lambda request: _session(request, service), _check_csrf)
    )

    @router.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> HTMLResponse:
        return page(request, "login.html", None)

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        address = request.client.host if request.client else ""
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        try:
            found = await in_thread(lambda: service.stores().users.login(username, password, address))
        except LoginThrottled as exc:
            refused = page(request, "login.html", None, message=f"{str(exc).capitalize()}.", error=True)
            refused.status_code = 429
            refused.headers["Retry-After"] = str(exc.retry_after)
            return refused
        if found is None:
            return page(request, "login.html", None, message="Wrong user name or password.", error=True)
        token, _ = found
        response = RedirectResponse("/ui/", status_code=303)
        # Lax, not Strict: an analyst following a link to an alert from a ticket stays logged in;
        # every state-changing form also carries the session's CSRF token.
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=service.settings.secure_cookies,
            max_age=service.settings.session_absolute_seconds,
            path="/ui",
        )
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        session = await in_thread(lambda: _session(request, service))
        await _checked_form(request, session)
        token = request.cookies.get(COOKIE, "")
        await in_thread(lambda: service.stores().users.logout(token))
        response = RedirectResponse("/ui/login", status_code=303)
        response.delete_cookie(
            COOKIE, path="/ui", httponly=True, samesite="lax", secure=service.settings.secure_cookies
        )
        return response

    @router.get("/", response_class=HTMLResponse)
    def alerts(
        request: Request, state: str = "open", list: str = "", min_score: str = "", since: str = ""
    ) -> HTMLResponse:
        session = _session(request, service)
        review = service.stores().review
        states = list_states(state)
        rows = []
        floor = _float(min_score)
        for alert in review.alerts(states, limit=5000):
            if list and not alert.entity_id.startswith(f"{list}:"):
                continue
            if floor is not None and alert.score < floor:
                continue
            if since and alert.updated_at[:10] < since:
                continue
            rows.append(
                {
                    "alert": alert,
                    "customer_name": review.customer_name(alert.customer_id),
                    "caption": _caption(service, alert.entity_id),
                }
            )
        filters = {"state": state, "list": list, "min_score": min_score, "since": since}
        sources = service.stores().lists.sources()
        return page(
            request,
            "alerts.html",
            session,
            nav="alerts",
            rows=rows,
            states=STATES,
            sources=sources,
            filters=filters,
        )

    @router.get("/alerts/{alert_id}", response_class=HTMLResponse)
    def alert_page(request: Request, alert_id: int, message: str = "", error: bool = False) -> HTMLResponse:
        session = _session(request, service)
        return _alert_view(request, session, alert_id, message, error)

    def _alert_view(
        request: Request, session: Session, alert_id: int, message: str, error: bool
    ) -> HTMLResponse:
        review = service.stores().review
        store = service.stores().lists
        alert = review.alert(alert_id)
        customer = review.customer(alert.customer_id)
        entity = store.entity(alert.entity_id)
        explanation = review.latest_explanation(alert.customer_id, alert.entity_id)
        raw = explanation.get("tokens", []) if explanation else []
        tokens = [t for t in raw if isinstance(t, dict)] if isinstance(raw, list) else []
        query_tokens = {str(t.get("query", "")) for t in tokens}
        listed_tokens = {str(t.get("listed", "")) for t in tokens}
        listed_name = str(explanation.get("listed_name", entity.caption)) if explanation else entity.caption
        history: list[dict[str, object]] = []
        previous = None
        for since_version, until_version, state in store.history(alert.entity_id):
            history.append(
                {
                    "from": since_version.label,
                    "until": until_version.label if until_version else None,
                    "changes": diff_entities(previous, state) if previous is not None else (),
                }
            )
            previous = state
        properties = [(k, list(v)) for k, v in sorted(entity.properties.items()) if k not in ("notes",)]
        return page(
            request,
            "alert.html",
            session,
            nav="alerts",
            alert=alert,
            customer=customer,
            entity=entity,
            explanation=explanation,
            highlighted_query=highlight(customer.name, query_tokens),
            highlighted_listed=highlight(listed_name, listed_tokens),
            properties=properties,
            history=history,
            decisions=review.decisions(alert_id),
            message=message,
            error=error,
        )

    @router.post("/alerts/{alert_id}/decide")
    async def decide(request: Request, alert_id: int) -> Response:
        session = await in_thread(lambda: _session(request, service))
        form = await _checked_form(request, session)
        try:
            await in_thread(
                lambda: service.stores().review.decide(
                    alert_id, form.get("outcome", ""), form.get("reason", ""), session.user.username
                )
            )
        except ValueError as exc:
            message = str(exc)
            return await in_thread(lambda: _alert_view(request, session, alert_id, message, True))
        return RedirectResponse(f"/ui/alerts/{alert_id}", status_code=303)

    @router.post("/alerts/{alert_id}/confirm")
    async def confirm(request: Request, alert_id: int) -> Response:
        session = await in_thread(lambda: _session(request, service))
        await _checked_form(request, session)
        message = ""
        if not session.user.may("supervisor"):
            message = "only a supervisor confirms a true match"
        else:
            try:
                await in_thread(lambda: service.stores().review.confirm(alert_id, session.user.username))
            except ValueError as exc:
                message = str(exc)
        if message:
            return await in_thread(lambda: _alert_view(request, session, alert_id, message, True))
        return RedirectResponse(f"/ui/alerts/{alert_id}", status_code=303)

    @router.get("/screen", response_class=HTMLResponse)
    def screen_page(request: Request) -> HTMLResponse:
        session = _session(request, service)
        return page(request, "screen.html", session, nav="screen", form={}, results=None)

    @router.post("/screen", response_class=HTMLResponse)
    async def screen(request: Request) -> HTMLResponse:
        session = await in_thread(lambda: _session(request, service))
        form = await _checked_form(request, session)
        try:
            loaded = service.require_lists()
            query = ScreeningQuery.from_fields(
                form.get("name"),
                form.get("type"),
                form.get("dob"),
                form.get("country"),
                form.get("identifier"),
            )
            results = await run_in_threadpool(loaded.screener.screen, query)
        except (ValueError, WatchkeeperError) as exc:
            return page(
                request,
                "screen.html",
                session,
                nav="screen",
                form=form,
                results=None,
                message=str(exc),
                error=True,
            )
        return page(request, "screen.html", session, nav="screen", form=form, results=results)

    @router.get("/lists", response_class=HTMLResponse)
    def lists_page(request: Request, message: str = "") -> HTMLResponse:
        session = _session(request, service)
        store = service.stores().lists
        sources = [{"name": s, "versions": store.versions(s)} for s in store.sources()]
        return page(request, "lists.html", session, nav="lists", sources=sources, message=message)

    @router.get("/lists/{source}/diff", response_class=HTMLResponse)
    def diff_page(request: Request, source: str, to: int | None = None) -> HTMLResponse:
        session = _session(request, service)
        return page(
            request, "diff.html", session, nav="lists", diff=service.stores().lists.diff(source, None, to)
        )

    @router.post("/rescreen")
    async def rescreen_now(request: Request) -> Response:
        session = await in_thread(lambda: _session(request, service))
        await _checked_form(request, session)
        if not session.user.may("supervisor"):
            return RedirectResponse("/ui/lists?message=only+a+supervisor+starts+a+re-screen", status_code=303)

        def rescreen_and_reload() -> RescreenReport:
            found = rescreen(
                service.stores().lists,
                service.stores().review,
                home=service.settings.home,
                actor=session.user.username,
            )
            service.reload()  # loads an index: never on the event loop
            return found

        report = await in_thread(rescreen_and_reload)
        text = (
            f"Re-screened {report.customers} customers against {report.changed} changed entities: "
            f"{len(report.outcome.raised)} new, {len(report.outcome.reopened)} reopened, "
            f"{report.outcome.suppressed} suppressed, {len(report.delisted)} delisted."
        )
        return RedirectResponse(f"/ui/lists?message={text.replace(' ', '+')}", status_code=303)

    @router.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request) -> HTMLResponse:
        session = _session(request, service)
        log = AuditLog(service.stores().review.db)
        entries = list(reversed(log.entries()))[:300]
        return page(request, "audit.html", session, nav="audit", report=log.verify(), entries=entries)

    return router


def list_states(state: str) -> list[str]:
    if state == "all":
        return list(STATES[:-1])
    return [state] if state in STATES else list(OPEN_STATES)


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _caption(service: ScreeningService, entity_id: str) -> str:
    try:
        return service.stores().lists.entity(entity_id).caption
    except (NotFound, ValueError):
        return entity_id


def install_ui(app: FastAPI, service: ScreeningService) -> None:
    """The pages, and the browser-facing answers to a missing session or a bad form."""
    app.include_router(ui_router(service))
    app.mount("/ui/static", StaticFiles(directory=Path(__file__).parent / "static"), name="ui-static")

    async def login_required(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/ui/login", status_code=303)

    async def forbidden(request: Request, exc: Exception) -> Response:
        return HTMLResponse(f"<p>{html.escape(str(exc))}</p>", status_code=403)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(Forbidden, forbidden)
