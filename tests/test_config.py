"""Settings come from the environment once, with the documented defaults."""

import pytest

from config import ConfigError, DefaultConfig


def test_defaults() -> None:
    config = DefaultConfig.from_env({})

    assert (config.HOST, config.PORT) == ("localhost", 3978)
    assert (config.APP_ID, config.APP_PASSWORD, config.APP_TENANTID) == ("", "", "")
    assert config.APP_TYPE == "MultiTenant"
    assert (config.LUIS_APP_ID, config.LUIS_API_KEY, config.LUIS_API_HOST_NAME) == ("", "", "")
    assert config.MAX_REQUEST_BYTES == 262144
    assert (config.OUTBOUND_TIMEOUT, config.SHUTDOWN_TIMEOUT) == (5.0, 10.0)
    assert config.RECOGNITION_CACHE_SIZE == 4096


def test_every_setting_is_read() -> None:
    config = DefaultConfig.from_env(
        {
            "HOST": "0.0.0.0",
            "PORT": "8000",
            "MicrosoftAppId": "app",
            "MicrosoftAppPassword": "secret",
            "MicrosoftAppType": "singletenant",
            "MicrosoftAppTenantId": "tenant",
            "LuisAppId": "luis-app",
            "LuisAPIKey": "luis-key",
            "LuisAPIHostName": "westus.api.cognitive.microsoft.com",
            "MAX_REQUEST_BYTES": "65536",
            "OUTBOUND_TIMEOUT": "2.5",
            "SHUTDOWN_TIMEOUT": "30",
            "RECOGNITION_CACHE_SIZE": "0",
        }
    )

    assert (config.HOST, config.PORT) == ("0.0.0.0", 8000)
    assert (config.APP_ID, config.APP_PASSWORD) == ("app", "secret")
    assert (config.APP_TYPE, config.APP_TENANTID) == ("SingleTenant", "tenant")
    assert config.LUIS_API_HOST_NAME == "westus.api.cognitive.microsoft.com"
    assert (config.MAX_REQUEST_BYTES, config.OUTBOUND_TIMEOUT, config.SHUTDOWN_TIMEOUT) == (
        65536,
        2.5,
        30.0,
    )
    assert config.RECOGNITION_CACHE_SIZE == 0


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"MicrosoftAppType": "Personal"}, "MicrosoftAppType"),
        ({"MicrosoftAppType": "SingleTenant", "MicrosoftAppId": "a"}, "MicrosoftAppPassword"),
        (
            {
                "MicrosoftAppType": "SingleTenant",
                "MicrosoftAppId": "a",
                "MicrosoftAppPassword": "p",
            },
            "MicrosoftAppTenantId",
        ),
        ({"MicrosoftAppType": "UserAssignedMSI"}, "MicrosoftAppId"),
        ({"MAX_REQUEST_BYTES": "lots"}, "MAX_REQUEST_BYTES"),
        ({"OUTBOUND_TIMEOUT": "0"}, "OUTBOUND_TIMEOUT"),
        ({"SHUTDOWN_TIMEOUT": "-1"}, "SHUTDOWN_TIMEOUT"),
        ({"RECOGNITION_CACHE_SIZE": "-1"}, "RECOGNITION_CACHE_SIZE"),
        ({"RECOGNITION_CACHE_SIZE": "1.5"}, "RECOGNITION_CACHE_SIZE"),
    ],
)
def test_a_bad_setting_is_named(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        DefaultConfig.from_env(environ)
