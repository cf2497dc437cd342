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


# Named here rather than guessed from the platform's MIME table, which differs between systems.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/", file_route(STATIC / "index.html"))
    router.add_get("/webchat/chat.js", file_route(STATIC / "chat.js"))
    router.add_get("/webchat/chat.css", file_route(STATIC / "chat.css"))
    router.add_get("/webchat/webchat.js", file_route(WEBCHAT_BUNDLE))


def file_route(path: Path) -> Callable[[web.Request], Awaitable[web.FileResponse]]:
    headers = {**SECURITY_HEADERS, "Content-Type": CONTENT_TYPES[path.suffix]}

    async def serve(request: web.Request) -> web.FileResponse:
        # A missing file (Web Chat's, before `npm ci`) is a 404; the page then says what to do.
        return web.FileResponse(path, headers=headers)

    return serve
