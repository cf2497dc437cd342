"""Blob storage against Azurite: what a turn reads and writes, e-tags, and the check at start."""

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from azure.identity.aio import DefaultAzureCredential
from azure.storage.blob.aio import ContainerClient

from storage.blob import AzureBlobStorage
from storage.errors import CorruptRecord, StorageUnavailable
from tests.conftest import (
    EmulatorClient,
    ManagedIdentityEndpoint,
    StubConnector,
    blob_connection_string,
    free_port,
    start_app_process,
    written_and_read,
)

RECORDS = Path(__file__).parent.parent / "data" / "legacy_state" / "records.json"


@pytest.fixture
def container_name() -> str:
    return f"test-{uuid.uuid4().hex[:16]}"


@pytest.fixture
async def storage(azurite: int, container_name: str) -> AsyncIterator[AzureBlobStorage]:
    storage = AzureBlobStorage(blob_connection_string(azurite), container_name)
    await storage.open()
    yield storage
    await storage.close()


@pytest.fixture
async def container(azurite: int, container_name: str) -> AsyncIterator[ContainerClient]:
    """The storage's container, as any other client of the account sees it."""
    async with ContainerClient.from_connection_string(
        blob_connection_string(azurite), container_name
    ) as client:
        yield client


async def uploaded(container: ContainerClient, name: str, body: bytes) -> str:
    """`body` put in blob `name` by another client; the blob's e-tag."""
    blob = await container.upload_blob(name, body)
    return (await blob.get_blob_properties()).etag.strip('"')


async def test_state_round_trips_with_its_e_tag(storage: AzureBlobStorage) -> None:
    written = {"booking": {"destination": "Paris", "origin": "Berlin"}}
    assert await storage.read(["emulator/conversations/c 1"]) == {}

    await storage.write({"emulator/conversations/c 1": written})
    read = (await storage.read(["emulator/conversations/c 1", "missing"]))[
        "emulator/conversations/c 1"
    ]

    assert read == {"booking": {"destination": "Paris", "origin": "Berlin"}, "e_tag": read["e_tag"]}
    assert read["e_tag"] == written["e_tag"]
    assert read["e_tag"].startswith("0x")


async def test_an_item_is_kept_as_its_json_text_and_its_e_tag_as_the_blobs(
    storage: AzureBlobStorage, container: ContainerClient
) -> None:
    written = {"version": 1, "said": "Zürich → 東京"}
    await storage.write({"emulator/conversations/c 1": written})

    blob = await container.download_blob("emulator/conversations/c 1")
    text = (await blob.readall()).decode("utf-8")

    assert json.loads(text) == {"version": 1, "said": "Zürich → 東京"}
    assert "Zürich → 東京" in text
    assert blob.properties.content_settings.content_type == "application/json"
    assert blob.properties.etag == f'"{written["e_tag"]}"'


async def test_a_blob_the_bot_wrote_before_is_read_as_the_json_it_holds(
    storage: AzureBlobStorage, container: ContainerClient
) -> None:
    record = next(
        record for record in json.loads(RECORDS.read_text())["records"] if record["store"] == "blob"
    )
    e_tag = await uploaded(container, record["key"], record["body"].encode())

    (read,) = (await storage.read([record["key"]])).values()

    # Its own stale "e_tag" gives way to the blob's.
    assert read == {**json.loads(record["body"]), "e_tag": e_tag}
    assert read["DialogState"]["py/object"] == "botbuilder.dialogs.dialog_state.DialogState"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            b"\xff\xfe{}",
            "not JSON ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte)",
        ),
        (b'{"DialogState": ', "not JSON (Expecting value: line 1 column 17 (char 16))"),
        (b'{"turns": NaN}', "not JSON (NaN is not JSON)"),
        (
            b"[" * 100_000 + b"]" * 100_000,
            "not JSON (maximum recursion depth exceeded while decoding a JSON array from a unicode string)",
        ),
        (b"[]", "an array, not a JSON object"),
        (b'"DialogState"', "a string, not a JSON object"),
        (b"3", "a number, not a JSON object"),
        (b"null", "null, not a JSON object"),
    ],
    ids=["not-utf-8", "cut-short", "nan", "too-deep", "array", "string", "number", "null"],
)
async def test_a_blob_that_holds_no_json_object_is_refused_and_may_be_written_over(
    storage: AzureBlobStorage, container: ContainerClient, body: bytes, reason: str
) -> None:
    e_tag = await uploaded(container, "emulator/conversations/c 1", body)

    with pytest.raises(CorruptRecord) as raised:
        await storage.read(["emulator/conversations/c 1"])
    assert str(raised.value) == f"emulator/conversations/c 1: {reason}"
    assert raised.value.key == "emulator/conversations/c 1"
    assert raised.value.e_tag == e_tag
    assert await storage.problem() is None  # the store answered

    await storage.write({"emulator/conversations/c 1": {"version": 1, "e_tag": raised.value.e_tag}})
    assert (await storage.read(["emulator/conversations/c 1"]))["emulator/conversations/c 1"][
        "version"
    ] == 1


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
