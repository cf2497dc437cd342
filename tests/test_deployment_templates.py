"""The ARM templates parse, agree with their parameter files and with each other, deploy the
bot with either identity Azure still creates, with Web Chat and Teams, and hold no secret."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "deploymentTemplates"
TEMPLATE_SETS = sorted(path.parent for path in TEMPLATES.glob("*/template.json"))
PARAMETER_FILES = sorted(TEMPLATES.glob("*/parameters*.json"))
EVERY_FILE = sorted(TEMPLATES.glob("*/*.json"))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def references(template: dict[str, Any], function: str) -> set[str]:
    text = json.dumps(template)
    return set(re.findall(rf"{function}\('([^']+)'\)", text))


def strings(value: Any) -> list[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [key, *strings(item)]]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def the_app() -> dict[str, Any]:
    return load(TEMPLATES / "existing-resource-group" / "template.json")


def resource(template: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = [r for r in template["resources"] if r["type"] == kind]
    return found


def test_both_sets_are_there_with_a_parameter_file_for_each_identity() -> None:
    assert [path.name for path in TEMPLATE_SETS] == [
        "existing-resource-group",
        "new-resource-group",
    ]
    for folder in TEMPLATE_SETS:
        files = sorted(path.name for path in folder.glob("parameters*.json"))
        assert files == ["parameters.single-tenant.json", "parameters.user-assigned-msi.json"]
        assert {load(folder / name)["parameters"]["appType"]["value"] for name in files} == {
            "SingleTenant",
            "UserAssignedMSI",
        }


@pytest.mark.parametrize("folder", TEMPLATE_SETS, ids=lambda path: path.name)
def test_every_reference_is_declared(folder: Path) -> None:
    template = load(folder / "template.json")

    assert references(template, "parameters") <= set(template["parameters"])
    assert references(template, "variables") <= set(template.get("variables", {}))


@pytest.mark.parametrize(
    "path", PARAMETER_FILES, ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_the_parameter_file_matches_the_template(path: Path) -> None:
    declared = load(path.parent / "template.json")["parameters"]
    given = load(path)["parameters"]

    assert set(given) <= set(declared)
    required = {name for name, spec in declared.items() if "defaultValue" not in spec}
    assert required <= set(given)
    for name, value in given.items():
        allowed = declared[name].get("allowedValues")
        assert allowed is None or value["value"] in allowed, name


@pytest.mark.parametrize("folder", TEMPLATE_SETS, ids=lambda path: path.name)
def test_linked_templates_exist_and_get_declared_parameters(folder: Path) -> None:
    template = load(folder / "template.json")
    for deployment in template["resources"]:
        link = deployment.get("properties", {}).get("templateLink", {}).get("relativePath")
        if link is None:
            continue
        linked = load(folder / link)
        passed = set(deployment["properties"]["parameters"])
        assert passed <= set(linked["parameters"])
        required = {n for n, spec in linked["parameters"].items() if "defaultValue" not in spec}
        assert required <= passed
        # Every choice the linked template offers can be made from this one.
        assert passed == set(linked["parameters"]) - {"appServicePlanName", "newAppServicePlan"}


@pytest.mark.parametrize("folder", TEMPLATE_SETS, ids=lambda path: path.name)
def test_single_tenant_by_default_or_a_user_assigned_identity_never_multi_tenant(
    folder: Path,
) -> None:
    parameters = load(folder / "template.json")["parameters"]

    assert parameters["appType"]["defaultValue"] == "SingleTenant"
    assert parameters["appType"]["allowedValues"] == ["SingleTenant", "UserAssignedMSI"]
    assert parameters["appSecret"]["type"] == "securestring"
    assert parameters["tenantId"]["defaultValue"] == "[subscription().tenantId]"
    assert parameters["identityResourceId"]["defaultValue"] == ""


@pytest.mark.parametrize("folder", TEMPLATE_SETS, ids=lambda path: path.name)
def test_the_python_version_is_a_choice_of_3_11_to_3_13_and_3_13_by_default(
    folder: Path,
) -> None:
    version = load(folder / "template.json")["parameters"]["pythonVersion"]

    assert version["allowedValues"] == ["3.11", "3.12", "3.13"]
    assert version["defaultValue"] == "3.13"


@pytest.mark.parametrize("folder", TEMPLATE_SETS, ids=lambda path: path.name)
def test_the_sdk_is_a_choice_of_the_two_builds_and_botbuilder_by_default(folder: Path) -> None:
    sdk = load(folder / "template.json")["parameters"]["botSdk"]

    assert sdk["allowedValues"] == ["botbuilder", "agents"]
    assert sdk["defaultValue"] == "botbuilder"


def test_the_web_app_runs_the_chosen_build_with_its_requirements() -> None:
    site = resource(the_app(), "Microsoft.Web/sites")
    settings = {s["name"]: s["value"] for s in site["properties"]["siteConfig"]["appSettings"]}

    assert settings["BOT_SDK"] == "[parameters('botSdk')]"
    # App Service's build (Oryx) installs the file CUSTOM_REQUIREMENTSTXT_PATH names.
    assert settings["CUSTOM_REQUIREMENTSTXT_PATH"] == (
        "[if(equals(parameters('botSdk'), 'agents'), 'requirements-agents.txt', "
        "'requirements.txt')]"
    )
    # Each is its build's lock, with a hash for every file, so App Service's pip checks them.
    for requirements, sdk, other in (
        ("requirements.txt", "botbuilder-core==4.17.1", "microsoft-agents"),
        ("requirements-agents.txt", "microsoft-agents-hosting-core==1.9.0", "botbuilder"),
    ):
        text = (TEMPLATES.parent / requirements).read_text()
        assert f"\n{sdk} \\\n    --hash=sha256:" in text
        assert f"\n{other}" not in text


def test_the_web_app_runs_this_app_with_every_bot_setting() -> None:
    site = resource(the_app(), "Microsoft.Web/sites")
    config = site["properties"]["siteConfig"]
    settings = {setting["name"]: setting["value"] for setting in config["appSettings"]}

    assert config["linuxFxVersion"] == "[concat('PYTHON|', parameters('pythonVersion'))]"
    assert config["appCommandLine"] == "python app.py"
    assert config["healthCheckPath"] == "/healthz"
    assert {
        "MicrosoftAppId",
        "MicrosoftAppPassword",
        "MicrosoftAppType",
        "MicrosoftAppTenantId",
        "HOST",
        "PORT",
    } <= set(settings)
    assert settings["MicrosoftAppType"] == "[parameters('appType')]"
    assert settings["MicrosoftAppTenantId"] == "[parameters('tenantId')]"
    # With a managed identity there is no secret to set.
    assert (
        settings["MicrosoftAppPassword"] == "[if(variables('isMsi'), '', parameters('appSecret'))]"
    )


def test_a_user_assigned_identity_is_made_or_taken_and_given_to_the_app_and_the_bot() -> None:
    template = the_app()
    variables = template["variables"]
    identity = resource(template, "Microsoft.ManagedIdentity/userAssignedIdentities")
    site = resource(template, "Microsoft.Web/sites")
    bot = resource(template, "Microsoft.BotService/botServices")
    client_id = "reference(variables('identityId'), '2023-01-31').clientId"
    app_id = f"[if(variables('isMsi'), {client_id}, parameters('appId'))]"
    settings = {s["name"]: s["value"] for s in site["properties"]["siteConfig"]["appSettings"]}

    assert variables["isMsi"] == "[equals(parameters('appType'), 'UserAssignedMSI')]"
    # Made when no existing identity is named, and only then.
    assert identity["condition"] == "[variables('newIdentity')]"
    assert variables["newIdentity"] == (
        "[and(variables('isMsi'), empty(parameters('identityResourceId')))]"
    )
    assert identity["name"] == "[parameters('identityName')]"
    assert variables["identityId"] == (
        "[if(empty(parameters('identityResourceId')), "
        "resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', "
        "parameters('identityName')), parameters('identityResourceId'))]"
    )
    assert site["identity"] == (
        "[if(variables('isMsi'), createObject('type', 'UserAssigned', 'userAssignedIdentities', "
        "createObject(variables('identityId'), createObject())), createObject('type', 'None'))]"
    )
    assert settings["MicrosoftAppId"] == app_id
    assert bot["properties"]["msaAppId"] == app_id
    assert bot["properties"]["msaAppType"] == "[parameters('appType')]"
    assert bot["properties"]["msaAppTenantId"] == "[parameters('tenantId')]"
    assert bot["properties"]["msaAppMSIResourceId"] == (
        "[if(variables('isMsi'), variables('identityId'), '')]"
    )


def test_the_bot_is_in_web_chat_and_teams() -> None:
    template = the_app()
    channels = {
        r["properties"]["channelName"]: r
        for r in template["resources"]
        if r["type"] == "Microsoft.BotService/botServices/channels"
    }

    assert set(channels) == {"WebChatChannel", "MsTeamsChannel"}
    assert channels["MsTeamsChannel"]["properties"]["properties"]["isEnabled"] is True
    (site,) = channels["WebChatChannel"]["properties"]["properties"]["sites"]
    assert site["isEnabled"] is True
    for channel in channels.values():
        assert channel["name"] == (
            f"[concat(parameters('botName'), '/{channel['properties']['channelName']}')]"
        )
        assert channel["dependsOn"] == [
            "[resourceId('Microsoft.BotService/botServices', parameters('botName'))]"
        ]


# What a secret looks like: a Microsoft Entra client secret, a storage or Cosmos DB key
# (base64, 40 characters or more), a connection string's key or signature, a private key.
SECRET_SHAPES = re.compile(
    r"[A-Za-z0-9_.-]{3}\dQ~[A-Za-z0-9_.~-]{30,}"
    r"|(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/])"
    r"|AccountKey=|SharedAccessSignature=|AuthKey=|-----BEGIN"
)
SECRET_NAMES = re.compile(r"secret|password|key(?!Vault)", re.IGNORECASE)


@pytest.mark.parametrize("path", EVERY_FILE, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_file_holds_a_secret(path: Path) -> None:
    document = load(path)

    assert [text for text in strings(document) if SECRET_SHAPES.search(text)] == []
    if path.name == "template.json":
        for name, spec in document["parameters"].items():
            if SECRET_NAMES.search(name):
                assert spec["type"] == "securestring", name
                assert spec.get("defaultValue", "") == "", name
    else:
        for name, given in document["parameters"].items():
            if SECRET_NAMES.search(name):
                # Only as a Key Vault reference, never as a value.
                assert set(given) == {"reference"}, name
                assert set(given["reference"]) == {"keyVault", "secretName"}, name


def test_the_secret_shapes_are_caught() -> None:
    caught = [
        "Abc8Q~x1y2z3x1y2z3x1y2z3x1y2z3x1y2z3x1y2",
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=a2V5",
    ]
    missed = [
        "[concat('PYTHON|', parameters('pythonVersion'))]",
        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "<key-vault-id>",
    ]

    assert [bool(SECRET_SHAPES.search(text)) for text in caught + missed] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
