"""The ARM templates parse and agree with their parameter files and with each other."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "deploymentTemplates"
TEMPLATE_SETS = sorted(path.parent for path in TEMPLATES.glob("*/template.json"))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def references(template: dict[str, Any], function: str) -> set[str]:
    text = json.dumps(template)
    return set(re.findall(rf"{function}\('([^']+)'\)", text))


def test_both_sets_are_there() -> None:
    assert [path.name for path in TEMPLATE_SETS] == [
        "existing-resource-group",
        "new-resource-group",
    ]


@pytest.mark.parametrize("folder", TEMPLATE_SETS, ids=lambda path: path.name)
def test_every_reference_is_declared(folder: Path) -> None:
    template = load(folder / "template.json")

    assert references(template, "parameters") <= set(template["parameters"])
    assert references(template, "variables") <= set(template.get("variables", {}))


@pytest.mark.parametrize("folder", TEMPLATE_SETS, ids=lambda path: path.name)
def test_the_parameter_file_matches_the_template(folder: Path) -> None:
    declared = load(folder / "template.json")["parameters"]
    given = load(folder / "parameters.json")["parameters"]

    assert set(given) <= set(declared)
    required = {name for name, spec in declared.items() if "defaultValue" not in spec}
    assert required <= set(given)
    for name, value in given.items():
        allowed = declared[name].get("allowedValues")
        assert allowed is None or value["value"] in allowed, name


@pytest.mark.parametrize("folder", TEMPLATE_SETS, ids=lambda path: path.name)
def test_linked_templates_exist_and_get_declared_parameters(folder: Path) -> None:
    template = load(folder / "template.json")
    for resource in template["resources"]:
        link = resource.get("properties", {}).get("templateLink", {}).get("relativePath")
        if link is None:
            continue
        linked = load(folder / link)
        passed = set(resource["properties"]["parameters"])
        assert passed <= set(linked["parameters"])
        required = {n for n, spec in linked["parameters"].items() if "defaultValue" not in spec}
        assert required <= passed


def test_the_web_app_runs_this_app_with_every_bot_setting() -> None:
    template = load(TEMPLATES / "existing-resource-group" / "template.json")
    (site,) = [r for r in template["resources"] if r["type"] == "Microsoft.Web/sites"]
    config = site["properties"]["siteConfig"]
    settings = {setting["name"] for setting in config["appSettings"]}

    assert config["linuxFxVersion"] == "PYTHON|3.11"
    assert config["appCommandLine"] == "python app.py"
    assert config["healthCheckPath"] == "/healthz"
    assert {
        "MicrosoftAppId",
        "MicrosoftAppPassword",
        "MicrosoftAppType",
        "MicrosoftAppTenantId",
        "HOST",
        "PORT",
    } <= settings
