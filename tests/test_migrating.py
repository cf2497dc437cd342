"""docs/migrating.md says what holds: its table of names, its commands and its settings."""

import importlib
import json
import re
from pathlib import Path

import pytest

import sdk
from booking_details import BookingDetails
from dialogs.booking_dialog import WATERFALL, BookingDialog
from tests.conftest import make

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "migrating.md").read_text(encoding="utf-8")


def table_rows() -> list[tuple[list[str], str, str]]:
    """The guide's table of names: (names, botbuilder's module, the Agents SDK's)."""
    rows = []
    for line in GUIDE.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        rows.append((re.findall(r"`(\w+)`", cells[0]), cells[1], cells[2]))
    return rows


def test_the_table_names_every_sdk_name_the_bot_takes() -> None:
    named = {name for names, _, _ in table_rows() for name in names}

    assert len(table_rows()) == 10
    assert {"TurnContext", "ComponentDialog", "TextPrompt", "Activity", "CloudAdapter"} <= named


@pytest.mark.parametrize(
    ("names", "botbuilder", "agents"), table_rows(), ids=[row[0][0] for row in table_rows()]
)
def test_each_name_is_where_the_table_says_in_this_build(
    names: list[str], botbuilder: str, agents: str
) -> None:
    where = botbuilder if sdk.NAME == "botbuilder" else agents
    if where.startswith("none"):
        assert (ROOT / "recognizers" / "result.py").exists()
        return
    module = importlib.import_module(re.findall(r"`([\w.]+)`", where)[0])
    renamed = re.search(r"as `(\w+)`", where)
    for name in names:
        assert hasattr(module, renamed.group(1) if renamed else name), (name, where)


def test_the_example_of_a_value_kept_in_the_dialog_state_is_the_bots() -> None:
    details = BookingDetails("Paris", "Berlin", "2035-03-03")

    assert BookingDetails.from_json(details.to_json()).to_json() == details.to_json()
    kept = BookingDialog().stored_options(WATERFALL, details.to_json())
    assert isinstance(kept, BookingDetails)
    assert (kept.destination, kept.origin, kept.travel_date) == ("Paris", "Berlin", "2035-03-03")


def test_make_run_with_bot_sdk_agents_builds_and_runs_the_agents_build() -> None:
    ran = make("--dry-run", "--always-make", "run", "BOT_SDK=agents")
    shown = ran.stdout

    assert ran.returncode == 0, ran.stderr

    assert "-m venv .venv-agents" in shown
    assert (
        ".venv-agents/bin/python -m pip install --quiet --require-hashes --no-build-isolation "
        "-r requirements-agents.txt"
    ) in shown
    assert shown.rstrip().endswith("BOT_SDK=agents .venv-agents/bin/python app.py")


def test_make_run_refuses_a_build_that_does_not_exist() -> None:
    refused = make("--dry-run", "run", "BOT_SDK=agent")

    assert refused.returncode != 0
    assert "BOT_SDK must be botbuilder or agents, got 'agent'" in refused.stdout + refused.stderr


def test_the_settings_the_guide_sets_are_the_ones_the_templates_set() -> None:
    settings = re.search(r"--settings (BOT_SDK=\S+ CUSTOM_REQUIREMENTSTXT_PATH=\S+)", GUIDE)
    assert settings is not None
    given = dict(pair.split("=") for pair in settings.group(1).split())
    template = json.loads(
        (ROOT / "deploymentTemplates" / "existing-resource-group" / "template.json").read_text()
    )
    (site,) = [r for r in template["resources"] if r["type"] == "Microsoft.Web/sites"]
    set_by_template = {
        s["name"]: s["value"] for s in site["properties"]["siteConfig"]["appSettings"]
    }

    assert given == {"BOT_SDK": "agents", "CUSTOM_REQUIREMENTSTXT_PATH": "requirements-agents.txt"}
    assert set_by_template["BOT_SDK"] == "[parameters('botSdk')]"
    assert (
        "equals(parameters('botSdk'), 'agents'), 'requirements-agents.txt'"
        in (set_by_template["CUSTOM_REQUIREMENTSTXT_PATH"])
    )
    assert "botSdk=agents" in GUIDE
