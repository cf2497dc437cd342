"""Blob storage against Azurite: what a turn reads and writes, e-tags, and the check at start."""

import uuid
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession
from azure.identity.aio import DefaultAzureCredential

from booking_details import BookingDetails
from storage.blob import AzureBlobStorage
from storage.errors import StorageUnavailable
from tests.conftest import (
    EmulatorClient,
    ManagedIdentityEndpoint,
    StubConnector,
    blob_connection_string,
    free_port,
    start_app_process,
    written_and_read,
)


@pytest.fixture
async def storage(azurite: int) -> AsyncIterator[AzureBlobStorage]:
    storage = AzureBlobStorage(blob_connection_string(azurite), f"test-{uuid.uuid4().hex[:16]}")
    await storage.open()
    yield storage
    await storage.close()


async def test_state_round_trips_with_its_e_tag(storage: AzureBlobStorage) -> None:
    written = {"booking": BookingDetails(destination="Paris", origin="Berlin")}
    assert await storage.read(["emulator/conversations/c 1"]) == {}

    await storage.write({"emulator/conversations/c 1": written})
    read = (await storage.read(["emulator/conversations/c 1", "missing"]))[
        "emulator/conversations/c 1"
    ]

    assert (read["booking"].destination, read["booking"].origin) == ("Paris", "Berlin")
    assert read["e_tag"] == written["e_tag"]
    assert read["e_tag"].startswith("0x")


async def test_an_unreachable_account_is_named_at_start() -> None:
    port = free_port()
    storage = AzureBlobStorage(blob_connection_string(port), "bot-state")

    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    assert str(raised.value).startswith(
        f"BlobConnectionString: cannot reach blob storage at http://127.0.0.1:{port}/devstoreaccount1/: "
    )


async def test_a_wrong_account_key_is_named_at_start(azurite: int) -> None:
    wrong_key = "d3JvbmcKd3JvbmcKd3JvbmcKd3JvbmcKd3JvbmcKd3Jvbmc="
    storage = AzureBlobStorage(blob_connection_string(azurite, wrong_key), "bot-state")

    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    assert str(raised.value) == (
        f"BlobConnectionString: http://127.0.0.1:{azurite}/devstoreaccount1/ refused the "
        "account's credentials (HTTP 403)"
    )


def signed_in(azurite_oauth: tuple[str, str], container: str) -> AzureBlobStorage:
    """Blob storage on the service URL alone, with DefaultAzureCredential, as the app makes it
    when BlobServiceUrl is set."""
    url, certificate = azurite_oauth
    return AzureBlobStorage(
        url, container, credential=DefaultAzureCredential(), ca_file=certificate
    )


async def test_with_a_service_url_the_state_round_trips_on_a_managed_identity_token(
    azurite_oauth: tuple[str, str],
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
) -> None:
    endpoint, _ = identity_endpoint
    storage = signed_in(azurite_oauth, f"test-{uuid.uuid4().hex[:16]}")
    read = await written_and_read(storage, "emulator/conversations/c 1", {"booking": "Paris"})

    assert read["booking"] == "Paris"
    # One token, for Azure Storage, kept for every call after it.
    assert endpoint.requests == [("https://storage.azure.com", None)]


async def test_a_token_the_account_refuses_is_named_at_start(
    azurite_oauth: tuple[str, str],
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
) -> None:
    endpoint, _ = identity_endpoint
    endpoint.issuer = "https://login.example.com/"
    url, _ = azurite_oauth
    storage = signed_in(azurite_oauth, "bot-state")

    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    assert str(raised.value) == (
        f"BlobServiceUrl: {url}/ refused the app's identity (HTTP 403); it needs the "
        "Storage Blob Data Contributor role on the account"
    )


async def test_no_token_at_all_is_named_at_start(
    azurite_oauth: tuple[str, str],
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IDENTITY_HEADER", "not the endpoint's")
    url, _ = azurite_oauth
    storage = signed_in(azurite_oauth, "bot-state")

    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    assert str(raised.value) == (
        f"BlobServiceUrl: no access token for {url}/: "
        "DefaultAzureCredential failed to retrieve a token from the included credentials."
    )


async def test_a_full_booking_on_blob_storage_set_up_by_its_url_and_the_apps_identity(
    azurite_oauth: tuple[str, str],
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
    connector: tuple[StubConnector, str],
    http_session: ClientSession,
    tomorrow: str,
) -> None:
    endpoint, identity = identity_endpoint
    url, certificate = azurite_oauth
    environ = {
        **identity,
        "STORAGE": "blob",
        "BlobServiceUrl": url,
        "BlobContainerName": f"test-{uuid.uuid4().hex[:16]}",
        "AZURE_CLIENT_ID": "storage-identity",
        "SSL_CERT_FILE": certificate,  # Azurite's own certificate, trusted by this app alone
    }
    stub, service_url = connector
    app = await start_app_process(environ, http_session)
    try:
        emulator = EmulatorClient(http_session, app.url, stub, service_url)
        *_, intro = await emulator.join()
        assert intro["text"] == "What can I help you with today?"
        assert await emulator.say("book a flight to Paris from Berlin") == [
            "On what date would you like to travel?"
        ]
        assert await emulator.say("tomorrow") == [
            f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
        ]
        assert await emulator.say("yes") == [
            f"I have you booked to Paris from Berlin on {tomorrow}",
            "What else can I do for you?",
        ]
    finally:
        stderr = await app.stop()
    assert b"Traceback" not in stderr
    assert app.process.returncode == 0
    assert endpoint.requests == [("https://storage.azure.com", "storage-identity")]


async def test_without_a_token_the_app_does_not_start_and_says_why(
    azurite_oauth: tuple[str, str],
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
    http_session: ClientSession,
) -> None:
    _, identity = identity_endpoint
    url, certificate = azurite_oauth
    environ = {
        **identity,
        "IDENTITY_HEADER": "not the endpoint's",
        "STORAGE": "blob",
        "BlobServiceUrl": url,
        "BlobContainerName": "bot-state",
        "SSL_CERT_FILE": certificate,
    }

    app = await start_app_process(environ, http_session, expect_start=False)
    stderr = (await app.exited()).decode()

    assert app.process.returncode == 2
    assert (
        f"ERROR __main__: Cannot start: BlobServiceUrl: no access token for {url}/: "
        "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
    ) in stderr
    assert "Traceback" not in stderr
