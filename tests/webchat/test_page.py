"""The chat page and what it loads, all served by the app itself."""

from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession
from yarl import URL

from app import create_app
from config import DefaultConfig
from tests.conftest import served


@pytest.fixture
async def base(dev_config: DefaultConfig) -> AsyncIterator[URL]:
    async with served(create_app(dev_config)) as server:
        yield server.make_url("/")


async def test_the_page_names_the_bot_and_what_it_does(
    base: URL, http_session: ClientSession
) -> None:
    async with http_session.get(base) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        page = await response.text()
        policy = response.headers["Content-Security-Policy"]

    assert "<h1>Core Bot</h1>" in page
    assert "Paris, London, Berlin, New York and Seattle" in page
    assert '<script src="/webchat/webchat.js"></script>' in page
    assert '<script src="/webchat/chat.js"></script>' in page
    assert "default-src 'self'" in policy


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/webchat/webchat.js", "text/javascript"),
        ("/webchat/chat.js", "text/javascript"),
        ("/webchat/chat.css", "text/css"),
    ],
)
async def test_what_the_page_loads_is_served_here(
    base: URL, http_session: ClientSession, path: str, content_type: str
) -> None:
    async with http_session.get(base.join(URL(path))) as response:
        assert response.status == 200
        assert response.content_type == content_type
        assert await response.read()


async def test_the_page_uses_the_local_direct_line_with_polling(
    base: URL, http_session: ClientSession
) -> None:
    async with http_session.get(base.join(URL("/webchat/chat.js"))) as response:
        script = await response.text()

    assert "'/v3/directline/tokens/generate'" in script
    assert "webSocket: false" in script


async def test_web_chat_is_the_pinned_release(base: URL, http_session: ClientSession) -> None:
    async with http_session.get(base.join(URL("/webchat/webchat.js"))) as response:
        bundle = await response.text()

    assert "4.18.1" in bundle
