"""LUIS is used only when all three of its settings are given, and well formed."""

import pytest

from config import ConfigError, DefaultConfig
from flight_booking_recognizer import FlightBookingRecognizer

APP_ID = "8c7a2c41-91c9-4c4e-9f3a-2b1f0e6d5a10"
KEY = "0f4b1e9c-3d2a-4b5c-8e7f-6a5b4c3d2e1f"


def luis(**settings: str) -> DefaultConfig:
    return DefaultConfig.from_env(settings)


def test_not_configured_without_settings() -> None:
    assert not FlightBookingRecognizer(luis()).is_configured


def test_not_configured_with_some_settings(caplog: pytest.LogCaptureFixture) -> None:
    recognizer = FlightBookingRecognizer(luis(LuisAppId=APP_ID, LuisAPIKey=KEY))

    assert not recognizer.is_configured
    assert "LuisAPIHostName" in caplog.text


def test_configured_with_all_three() -> None:
    recognizer = FlightBookingRecognizer(
        luis(LuisAppId=APP_ID, LuisAPIKey=KEY, LuisAPIHostName="westus.api.cognitive.microsoft.com")
    )

    assert recognizer.is_configured


def test_a_malformed_app_id_fails_at_start() -> None:
    with pytest.raises(ConfigError, match="LuisAppId"):
        FlightBookingRecognizer(
            luis(LuisAppId="my-app", LuisAPIKey=KEY, LuisAPIHostName="westus.example")
        )
