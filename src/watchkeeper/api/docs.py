"""The API's own documentation, served from the installed package: it works on an air-gapped network.

FastAPI's default `/docs` page loads Swagger UI from a public CDN, which a
bank's network often cannot reach (a blank page). Here the page loads Swagger
UI's files from `/docs/assets`, copied from the pinned `swagger-ui-bundle-v2`
package, and reads the schema from `/openapi.json`.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"


def install_docs(app: FastAPI) -> None:
    """`/docs` (Swagger UI) and its assets; create the app with `docs_url=None, redoc_url=None`."""
    app.mount(ASSETS, StaticFiles(directory=Path(swagger_ui_bundle.swagger_ui_path)), name="docs-assets")
    oauth2_redirect = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=oauth2_redirect,
        )

    @app.get(oauth2_redirect, include_in_schema=False, response_class=HTMLResponse)
    def redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
