"""The chat page: `GET /`, its script and style, and Web Chat's bundle from node_modules."""

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).resolve().parent / "static"
# Installed by `npm ci` (make run, make test) from package.json; never fetched from a CDN.
WEBCHAT_BUNDLE = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "botframework-webchat"
    / "dist"
    / "webchat.js"
)

# Everything the page uses comes from this service. Web Chat styles itself with inline styles.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/", page)
    router.add_get("/webchat/chat.js", static_file("chat.js"))
    router.add_get("/webchat/chat.css", static_file("chat.css"))
    router.add_get("/webchat/webchat.js", webchat_bundle)


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers=SECURITY_HEADERS)


def static_file(name: str) -> Callable[[web.Request], Awaitable[web.FileResponse]]:
    path = STATIC / name

    async def serve(request: web.Request) -> web.FileResponse:
        return web.FileResponse(path, headers=SECURITY_HEADERS)

    return serve


async def webchat_bundle(request: web.Request) -> web.StreamResponse:
    if not WEBCHAT_BUNDLE.is_file():
        raise web.HTTPNotFound(text="Web Chat is not installed: run `make run`, or `npm ci`.")
    return web.FileResponse(WEBCHAT_BUNDLE, headers=SECURITY_HEADERS)
