"""Settings come from the environment once, with the documented defaults."""

import pytest

from config import ConfigError, DefaultConfig


def test_defaults() -> None:
    config = DefaultConfig.from_env({})

    assert (config.HOST, config.PORT) == ("localhost", 3978)
    assert (config.APP_ID, config.APP_PASSWORD, config.APP_TENANTID) == ("", "", "")
    assert config.APP_TYPE == "SingleTenant"
    assert (config.LUIS_APP_ID, config.LUIS_API_KEY, config.LUIS_API_HOST_NAME) == ("", "", "")
    assert config.MAX_REQUEST_BYTES == 262144
    assert (config.BODY_TIMEOUT, config.MAX_CONNECTIONS) == (5.0, 1000)
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
            "BODY_TIMEOUT": "1.5",
            "MAX_CONNECTIONS": "50",
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
    assert (config.BODY_TIMEOUT, config.MAX_CONNECTIONS) == (1.5, 50)
    assert config.RECOGNITION_CACHE_SIZE == 0


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"MicrosoftAppId": "app"},
            "MicrosoftAppPassword is required when MicrosoftAppType is SingleTenant",
        ),
        (
            {"MicrosoftAppId": "app", "MicrosoftAppPassword": "secret"},
            "MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant",
        ),
        (
            {"MicrosoftAppId": "app", "MicrosoftAppType": "UserAssignedMSI"},
            "MicrosoftAppTenantId is required when MicrosoftAppType is UserAssignedMSI",
        ),
        (
            {"MicrosoftAppType": "MultiTenant"},
            "MicrosoftAppId is required when MicrosoftAppType is MultiTenant",
        ),
        (
            {"MicrosoftAppType": "MultiTenant", "MicrosoftAppId": "app"},
            "MicrosoftAppPassword is required when MicrosoftAppType is MultiTenant",
        ),
        (
            {
                "MicrosoftAppType": "MultiTenant",
                "MicrosoftAppID": "app",
                "MicrosoftAppPassword": "secret",
            },
            "MicrosoftAppID is not a setting: its name is MicrosoftAppId",
        ),
        (
            {"MicrosoftAppPassword": "secret"},
            "MicrosoftAppId is required when MicrosoftAppType is SingleTenant",
        ),
        (
            {"MicrosoftAppTenantId": "tenant"},
            "MicrosoftAppId is required when MicrosoftAppType is SingleTenant",
        ),
        (
            {"microsoftapppassword": "secret"},
            "microsoftapppassword is not a setting: its name is MicrosoftAppPassword",
        ),
        (
            {
                "MicrosoftAppType": "MultiTenant",
                "MicrosoftAppId": "  ",
                "MicrosoftAppPassword": "p",
            },
            "MicrosoftAppId is required when MicrosoftAppType is MultiTenant",
        ),
    ],
)
def test_any_identity_setting_needs_what_its_type_needs_single_tenant_by_default(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        DefaultConfig.from_env(environ)

    assert str(raised.value) == message


def test_without_an_app_id_or_type_the_bot_runs_locally_with_no_identity() -> None:
    config = DefaultConfig.from_env({"MicrosoftAppPassword": ""})

    assert (config.APP_ID, config.APP_TYPE, config.MANAGED_IDENTITY_CLIENT_ID) == (
        "",
        "SingleTenant",
        "",
    )


def test_a_user_assigned_identity_is_also_the_storage_identity_unless_told() -> None:
    msi = {
        "MicrosoftAppType": "UserAssignedMSI",
        "MicrosoftAppId": "identity-client-id",
        "MicrosoftAppTenantId": "tenant",
    }

    config = DefaultConfig.from_env(msi)
    other = DefaultConfig.from_env({**msi, "AZURE_CLIENT_ID": "storage-identity"})
    single = DefaultConfig.from_env(
        {"MicrosoftAppId": "app", "MicrosoftAppPassword": "p", "MicrosoftAppTenantId": "t"}
    )

    assert (config.APP_PASSWORD, config.MANAGED_IDENTITY_CLIENT_ID) == ("", "identity-client-id")
    assert other.MANAGED_IDENTITY_CLIENT_ID == "storage-identity"
    assert single.MANAGED_IDENTITY_CLIENT_ID == ""


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
        ({"MicrosoftAppType": "SingleTenant"}, "MicrosoftAppId"),
        ({"MAX_REQUEST_BYTES": "lots"}, "MAX_REQUEST_BYTES"),
        ({"BODY_TIMEOUT": "0"}, "BODY_TIMEOUT"),
        ({"MAX_CONNECTIONS": "0"}, "MAX_CONNECTIONS"),
        ({"MAX_CONNECTIONS": "many"}, "MAX_CONNECTIONS"),
        ({"OUTBOUND_TIMEOUT": "0"}, "OUTBOUND_TIMEOUT"),
        ({"SHUTDOWN_TIMEOUT": "-1"}, "SHUTDOWN_TIMEOUT"),
        ({"STORAGE_TIMEOUT": "0"}, "STORAGE_TIMEOUT"),
        ({"RECOGNITION_CACHE_SIZE": "-1"}, "RECOGNITION_CACHE_SIZE"),
        ({"RECOGNITION_CACHE_SIZE": "1.5"}, "RECOGNITION_CACHE_SIZE"),
    ],
)
def test_a_bad_setting_is_named(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        DefaultConfig.from_env(environ)


AZURITE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
)
BLOB_BY_URL = {
    "STORAGE": "blob",
    "BlobServiceUrl": "https://my-account.blob.core.windows.net",
    "BlobContainerName": "bot-state",
}
COSMOS = {
    "STORAGE": "cosmos",
    "CosmosDbEndpoint": "https://my-account.documents.azure.com:443/",
    "CosmosDbAuthKey": "a2V5",
    "CosmosDbDatabaseId": "bot-db",
    "CosmosDbContainerId": "bot-state",
}


def test_storage_is_memory_keeping_idle_conversations_a_day_by_default() -> None:
    config = DefaultConfig.from_env({})

    assert (config.STORAGE, config.MEMORY_IDLE_TIMEOUT) == ("memory", 86400.0)


def test_each_storage_call_gets_three_seconds_unless_told() -> None:
    assert DefaultConfig.from_env({}).STORAGE_TIMEOUT == 3.0
    assert DefaultConfig.from_env({"STORAGE_TIMEOUT": "0.5"}).STORAGE_TIMEOUT == 0.5


def test_storage_settings_are_read() -> None:
    blob = DefaultConfig.from_env(
        {"STORAGE": "Blob", "BlobConnectionString": AZURITE, "BlobContainerName": "bot-state"}
    )
    cosmos = DefaultConfig.from_env(COSMOS)

    assert (blob.STORAGE, blob.BLOB_CONNECTION_STRING, blob.BLOB_CONTAINER_NAME) == (
        "blob",
        AZURITE,
        "bot-state",
    )
    assert (
        cosmos.STORAGE,
        cosmos.COSMOS_DB_ENDPOINT,
        cosmos.COSMOS_DB_AUTH_KEY,
        cosmos.COSMOS_DB_DATABASE_ID,
        cosmos.COSMOS_DB_CONTAINER_ID,
    ) == ("cosmos", "https://my-account.documents.azure.com:443/", "a2V5", "bot-db", "bot-state")


def test_storage_without_a_key_is_a_service_url_or_an_endpoint_alone() -> None:
    blob = DefaultConfig.from_env(BLOB_BY_URL)
    cosmos = DefaultConfig.from_env({**COSMOS, "CosmosDbAuthKey": ""})

    assert (blob.BLOB_SERVICE_URL, blob.BLOB_CONNECTION_STRING) == (
        "https://my-account.blob.core.windows.net",
        "",
    )
    assert (cosmos.COSMOS_DB_ENDPOINT, cosmos.COSMOS_DB_AUTH_KEY) == (
        "https://my-account.documents.azure.com:443/",
        "",
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"STORAGE": "redis"}, "STORAGE must be one of memory, blob, cosmos, got 'redis'"),
        ({"MEMORY_IDLE_TIMEOUT": "0"}, "MEMORY_IDLE_TIMEOUT must be greater than 0, got '0'"),
        (
            {"STORAGE": "blob", "BlobContainerName": "bot-state"},
            "BlobConnectionString or BlobServiceUrl is required when STORAGE is blob",
        ),
        (
            {"STORAGE": "blob", "BlobConnectionString": "secret", "BlobContainerName": "b-s"},
            "BlobConnectionString is malformed: it must be Name=value pairs split by ;",
        ),
        (
            {"STORAGE": "blob", "BlobConnectionString": "BlobEndpoint=http://127.0.0.1:1/x"},
            "BlobConnectionString must hold AccountName and AccountKey, or SharedAccessSignature",
        ),
        (
            {"STORAGE": "blob", "BlobConnectionString": "AccountName=a;AccountKey=not base64!"},
            "BlobConnectionString: its AccountKey is not base64",
        ),
        (
            {"STORAGE": "blob", "BlobConnectionString": AZURITE},
            "BlobContainerName is required when STORAGE is blob",
        ),
        (
            {"STORAGE": "blob", "BlobConnectionString": AZURITE, "BlobContainerName": "Bot_State"},
            "BlobContainerName must be 3 to 63 lowercase letters, digits and single hyphens, "
            "starting and ending with a letter or digit, got 'Bot_State'",
        ),
        (
            {**COSMOS, "CosmosDbEndpoint": ""},
            "CosmosDbEndpoint is required when STORAGE is cosmos",
        ),
        (
            {**COSMOS, "CosmosDbEndpoint": "my-account.documents.azure.com"},
            "CosmosDbEndpoint must be the account URL, like "
            "https://<account>.documents.azure.com:443/, got 'my-account.documents.azure.com'",
        ),
        (
            {**BLOB_BY_URL, "BlobConnectionString": AZURITE},
            "BlobConnectionString and BlobServiceUrl are both set: set one (the service URL "
            "to sign in with the app's identity, the connection string to use a key)",
        ),
        (
            {**BLOB_BY_URL, "BlobServiceUrl": "http://my-account.blob.core.windows.net"},
            "BlobServiceUrl must be the account's https URL, like "
            "https://<account>.blob.core.windows.net, got 'http://my-account.blob.core.windows.net'",
        ),
        (
            {**COSMOS, "CosmosDbAuthKey": "k e y"},
            "CosmosDbAuthKey must be the account key (base64)",
        ),
        (
            {**COSMOS, "CosmosDbDatabaseId": ""},
            "CosmosDbDatabaseId is required when STORAGE is cosmos",
        ),
        (
            {**COSMOS, "CosmosDbContainerId": "bot/state"},
            "CosmosDbContainerId must be at most 255 characters without / \\ ? or #, "
            "got 'bot/state'",
        ),
    ],
)
def test_a_bad_storage_setting_is_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        DefaultConfig.from_env(environ)

    assert str(raised.value) == message


def test_idle_connections_to_the_channel_are_kept_15_s_by_default() -> None:
    assert DefaultConfig.from_env({}).OUTBOUND_IDLE_TIMEOUT == 15.0
    assert DefaultConfig.from_env({"OUTBOUND_IDLE_TIMEOUT": "30"}).OUTBOUND_IDLE_TIMEOUT == 30.0
    with pytest.raises(ConfigError, match="OUTBOUND_IDLE_TIMEOUT must be greater than 0"):
        DefaultConfig.from_env({"OUTBOUND_IDLE_TIMEOUT": "0"})


@pytest.mark.parametrize(
    ("environ", "proxies"),
    [
        ({}, ("", "", "")),
        (
            {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "localhost,.internal"},
            ("", "http://proxy:3128", "localhost,.internal"),
        ),
        (
            {"https_proxy": "proxy:3128", "HTTPS_PROXY": "http://other:8080"},
            ("", "http://proxy:3128", ""),
        ),
        (
            {"HTTP_PROXY": "http://user:p%40ss@proxy:3128/"},
            ("http://user:p%40ss@proxy:3128/", "", ""),
        ),
        ({"no_proxy": "*", "NO_PROXY": "example.com"}, ("", "", "*")),
    ],
)
def test_proxies_are_read_as_curl_reads_them(
    environ: dict[str, str], proxies: tuple[str, str, str]
) -> None:
    config = DefaultConfig.from_env(environ)

    assert proxies == (config.HTTP_PROXY, config.HTTPS_PROXY, config.NO_PROXY)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"HTTPS_PROXY": "https://proxy.example.com"},
            "HTTPS_PROXY: a proxy reached over https:// is not supported; give its http:// "
            "address (replies to an https channel still go through the proxy's tunnel in TLS)",
        ),
        ({"http_proxy": "http://proxy:port"}, "http_proxy has a malformed port"),
        (
            {"HTTP_PROXY": "socks5://user:secret@proxy:1080"},
            "HTTP_PROXY must be a proxy's address, like http://proxy.example.com:3128",
        ),
    ],
)
def test_a_proxy_the_bot_cannot_use_stops_it_at_start(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        DefaultConfig.from_env(environ)

    assert str(raised.value) == message


def test_telemetry_is_off_and_logs_are_text_by_default() -> None:
    config = DefaultConfig.from_env({})

    assert (
        config.APPLICATIONINSIGHTS_CONNECTION_STRING,
        config.OTEL_EXPORTER_OTLP_ENDPOINT,
        config.LOG_FORMAT,
    ) == ("", "", "text")


def test_telemetry_settings_are_read() -> None:
    config = DefaultConfig.from_env(
        {
            "APPLICATIONINSIGHTS_CONNECTION_STRING": (
                " InstrumentationKey = 4f3b6a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b;IngestionEndpoint=x; "
            ),
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "LOG_FORMAT": "JSON",
        }
    )

    assert (
        config.APPLICATIONINSIGHTS_CONNECTION_STRING,
        config.OTEL_EXPORTER_OTLP_ENDPOINT,
        config.LOG_FORMAT,
    ) == (
        # As Azure Monitor's exporter can parse it: no spaces around the parts, no empty part.
        "InstrumentationKey=4f3b6a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b;IngestionEndpoint=x",
        "http://collector:4318",
        "json",
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be one of text, json, got 'xml'"),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"},
            "OTEL_EXPORTER_OTLP_ENDPOINT must be the collector's http(s) URL, like "
            "http://localhost:4318, got 'collector:4318'",
        ),
        (
            {"APPLICATIONINSIGHTS_CONNECTION_STRING": "IngestionEndpoint=https://x/"},
            "APPLICATIONINSIGHTS_CONNECTION_STRING must hold InstrumentationKey=...: copy it "
            "from the Application Insights resource's Overview page",
        ),
    ],
    ids=["log-format", "otlp-endpoint", "connection-string"],
)
def test_a_bad_telemetry_setting_is_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        DefaultConfig.from_env(environ)

    assert str(raised.value) == message


IDENTITY = {
    "MicrosoftAppId": "4f3b6a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    "MicrosoftAppPassword": "secret",
}


def test_authentication_is_off_only_with_no_identity_setting_at_all() -> None:
    blank = dict.fromkeys(
        ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType", "MicrosoftAppTenantId"),
        "",
    )

    assert DefaultConfig.from_env(blank).APP_ID == ""
    assert DefaultConfig.from_env({**IDENTITY, "MicrosoftAppType": "MultiTenant"}).APP_ID == (
        "4f3b6a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"HOST": ""},
            "HOST must be a host name or address of this machine to listen on, like localhost "
            "or 0.0.0.0, got ''",
        ),
        (
            {"HOST": "local host"},
            "HOST must be a host name or address of this machine to listen on, like localhost "
            "or 0.0.0.0, got 'local host'",
        ),
        (
            {"MAX_REQUEST_BYTES": "0.5"},
            "MAX_REQUEST_BYTES must be a whole number, got '0.5'",
        ),
        (
            {"MAX_REQUEST_BYTES": "inf"},
            "MAX_REQUEST_BYTES must be a whole number, got 'inf'",
        ),
        (
            {"MAX_REQUEST_BYTES": "100"},
            "MAX_REQUEST_BYTES must be a whole number from 1024 to 67108864, got '100'",
        ),
        (
            {"BODY_TIMEOUT": "inf"},
            "BODY_TIMEOUT must be a number of seconds up to 3600, got 'inf'",
        ),
        (
            {"OUTBOUND_TIMEOUT": "inf"},
            "OUTBOUND_TIMEOUT must be a number of seconds up to 3600, got 'inf'",
        ),
        (
            {"SHUTDOWN_TIMEOUT": "Infinity"},
            "SHUTDOWN_TIMEOUT must be a number of seconds up to 3600, got 'Infinity'",
        ),
        ({"SHUTDOWN_TIMEOUT": "nan"}, "SHUTDOWN_TIMEOUT must be greater than 0, got 'nan'"),
        (
            {"MEMORY_IDLE_TIMEOUT": "1e308"},
            "MEMORY_IDLE_TIMEOUT must be a number of seconds up to 31622400, got '1e308'",
        ),
        (
            {"OTEL_METRIC_EXPORT_INTERVAL": "0"},
            "OTEL_METRIC_EXPORT_INTERVAL must be a whole number from 1 to 86400000, got '0'",
        ),
        (
            {"OTEL_BSP_SCHEDULE_DELAY": "0"},
            "OTEL_BSP_SCHEDULE_DELAY must be a whole number from 1 to 86400000, got '0'",
        ),
        (
            {"OTEL_BSP_SCHEDULE_DELAY": "soon"},
            "OTEL_BSP_SCHEDULE_DELAY must be a whole number, got 'soon'",
        ),
        (
            {"OTEL_BSP_MAX_QUEUE_SIZE": "10", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "20"},
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE must be at most OTEL_BSP_MAX_QUEUE_SIZE (10), got 20",
        ),
        (
            {"APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=abc"},
            "APPLICATIONINSIGHTS_CONNECTION_STRING: its InstrumentationKey must be a GUID in "
            "lower case: copy it from the Application Insights resource's Overview page",
        ),
        (
            {
                "APPLICATIONINSIGHTS_CONNECTION_STRING": (
                    "InstrumentationKey=4f3b6a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b;"
                    "IngestionEndpoint=https://x/?a=b"
                )
            },
            "APPLICATIONINSIGHTS_CONNECTION_STRING is malformed: it must be Name=value pairs "
            "split by ;: copy it from the Application Insights resource's Overview page",
        ),
    ],
)
def test_a_setting_out_of_range_is_refused_in_one_line_naming_it(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        DefaultConfig.from_env(environ)

    assert str(raised.value) == message
