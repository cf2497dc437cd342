"""A setting the bot cannot work with stops `python app.py` at start with one line naming it,
never a traceback, and never a start with authentication off (issue 27)."""

import socket

import pytest
from aiohttp import ClientSession

from tests.conftest import start_app_process


@pytest.mark.parametrize(
    ("environ", "line"),
    [
        (
            {"MicrosoftAppType": "MultiTenant"},
            "ERROR __main__: Cannot start: MicrosoftAppId is required when MicrosoftAppType is "
            "MultiTenant",
        ),
        (
            {"MicrosoftAppID": "app", "MicrosoftAppPassword": "secret"},
            "ERROR __main__: Cannot start: MicrosoftAppID is not a setting: its name is "
            "MicrosoftAppId",
        ),
        (
            {"HOST": ""},
            "ERROR __main__: Cannot start: HOST must be a host name or address of this machine "
            "to listen on, like localhost or 0.0.0.0, got ''",
        ),
        (
            {"HOST": "192.0.2.1"},
            "ERROR __main__: Cannot start: cannot listen on HOST '192.0.2.1', PORT ",
        ),
        (
            {"MAX_REQUEST_BYTES": "0.5"},
            "ERROR __main__: Cannot start: MAX_REQUEST_BYTES must be a whole number, got '0.5'",
        ),
        (
            {"SHUTDOWN_TIMEOUT": "inf"},
            "ERROR __main__: Cannot start: SHUTDOWN_TIMEOUT must be a number of seconds up to "
            "3600, got 'inf'",
        ),
        (
            {
                "OTEL_METRIC_EXPORT_INTERVAL": "0",
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
            },
            "ERROR __main__: Cannot start: OTEL_METRIC_EXPORT_INTERVAL must be a whole number "
            "from 1 to 86400000, got '0'",
        ),
        (
            {"APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=not-a-guid"},
            "ERROR __main__: Cannot start: APPLICATIONINSIGHTS_CONNECTION_STRING: its "
            "InstrumentationKey must be a GUID in lower case",
        ),
    ],
    ids=[
        "multitenant-without-id",
        "misspelt-id",
        "empty-host",
        "host-not-here",
        "fractional-size",
        "endless-shutdown",
        "metric-interval-0",
        "malformed-key",
    ],
)
async def test_a_setting_it_cannot_work_with_stops_it_in_one_line(
    http_session: ClientSession, environ: dict[str, str], line: str
) -> None:
    app = await start_app_process(environ, http_session, expect_start=False)
    stderr = (await app.exited()).decode()

    assert app.process.returncode == 2
    assert line in stderr
    assert "Traceback" not in stderr
    if any(name.lower().startswith("microsoftapp") for name in environ):
        assert "authentication is off" not in stderr


async def test_a_port_in_use_stops_it_in_one_line(http_session: ClientSession) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = await start_app_process({"PORT": str(port)}, http_session, expect_start=False)
        stderr = (await app.exited()).decode()

    assert app.process.returncode == 2
    assert f"Cannot start: cannot listen on HOST '127.0.0.1', PORT {port}: " in stderr
    assert "Traceback" not in stderr
