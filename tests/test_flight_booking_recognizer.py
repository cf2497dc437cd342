"""RECOGNIZER picks the language back end; `auto` prefers the cloud services a user set up."""

import pytest
from aiohttp import ClientSession

from config import ConfigError, DefaultConfig
from flight_booking_recognizer import FlightBookingRecognizer
from tests.conftest import EmulatorClient, StubConnector, start_app_process

LUIS = {
    "LuisAppId": "8c7a2c41-91c9-4c4e-9f3a-2b1f0e6d5a10",
    "LuisAPIKey": "0f4b1e9c-3d2a-4b5c-8e7f-6a5b4c3d2e1f",
    "LuisAPIHostName": "westus.api.cognitive.microsoft.com",
}
CLU = {
    "CluEndpoint": "https://example-language.cognitiveservices.azure.com",
    "CluAPIKey": "key",
    "CluProjectName": "FlightBooking",
    "CluDeploymentName": "production",
}


@pytest.mark.parametrize(
    ("environ", "backend", "configured"),
    [
        ({}, "embedded", True),
        (LUIS, "luis", True),
        (CLU, "clu", True),
        ({**LUIS, **CLU}, "luis", True),
        ({**CLU, "RECOGNIZER": "embedded"}, "embedded", True),
        ({"RECOGNIZER": "none"}, "none", False),
        ({**LUIS, "RECOGNIZER": "None"}, "none", False),
        ({**LUIS, "RECOGNIZER": "clu", **CLU}, "clu", True),
    ],
    ids=["nothing", "luis", "clu", "both", "embedded", "none", "none-over-luis", "clu-over-luis"],
)
def test_the_back_end_chosen(environ: dict[str, str], backend: str, configured: bool) -> None:
    recognizer = FlightBookingRecognizer(DefaultConfig.from_env(environ))

    assert recognizer.backend == backend
    assert recognizer.is_configured is configured


def test_some_luis_settings_warn_and_fall_back(caplog: pytest.LogCaptureFixture) -> None:
    environ = {"LuisAppId": LUIS["LuisAppId"], "LuisAPIKey": LUIS["LuisAPIKey"]}

    recognizer = FlightBookingRecognizer(DefaultConfig.from_env(environ))

    assert recognizer.backend == "embedded"
    assert "LuisAPIHostName" in caplog.text


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"RECOGNIZER": "luis"}, "LuisAppId"),
        ({"RECOGNIZER": "clu", "CluEndpoint": "https://x"}, "CluAPIKey"),
        ({"RECOGNIZER": "gpt"}, "RECOGNIZER"),
    ],
)
def test_a_chosen_back_end_without_its_settings_fails_at_start(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        DefaultConfig.from_env(environ)


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({**LUIS, "LuisAppId": "my-app"}, "LuisAppId"),
        ({**CLU, "CluEndpoint": "not a url"}, "CluEndpoint"),
    ],
)
def test_a_malformed_setting_fails_at_start(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        FlightBookingRecognizer(DefaultConfig.from_env(environ))


async def test_without_pkg_resources_the_bot_serves_with_the_default_back_end(
    without_pkg_resources: dict[str, str],
    connector: tuple[StubConnector, str],
    http_session: ClientSession,
) -> None:
    stub, service_url = connector
    app = await start_app_process({**without_pkg_resources, "RECOGNIZER": "auto"}, http_session)
    try:
        emulator = EmulatorClient(http_session, app.url, stub, service_url)
        await emulator.join()
        assert await emulator.say("book a flight from paris to berlin") == [
            "On what date would you like to travel?"
        ]
    finally:
        log = await app.stop()
    assert b"Traceback" not in log, log.decode(errors="replace")
