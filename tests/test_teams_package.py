"""`make teams-package`: the Teams app package, as a developer builds and uploads it."""

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, cast

import jsonschema
import pytest
from PIL import Image

from appPackage import make_icons
from tests.conftest import ROOT

APP_ID = "6b3c0a52-3f5e-4a36-9d8e-1c2b3a4d5e6f"
# The Teams manifest schemas that npm's @microsoft/app-manifest ships, one folder a version.
SCHEMAS = ROOT / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"


def environ_without_app_id(**extra: str) -> dict[str, str]:
    environ = {name: value for name, value in os.environ.items() if name != "MicrosoftAppId"}
    return {**environ, **extra}


def make_package(tmp_path: Path, **environ: str) -> Path:
    """`make teams-package` with `environ`; the zip it wrote."""
    out = tmp_path / "corebot-teams.zip"
    subprocess.run(
        ["make", "--no-print-directory", "teams-package", f"TEAMS_PACKAGE={out}"],
        cwd=ROOT,
        env=environ_without_app_id(**environ),
        check=True,
        capture_output=True,
    )
    return out


def run_script(tmp_path: Path, env_file: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "appPackage/make_package.py",
            *("--out", str(tmp_path / "corebot-teams.zip")),
            *("--env-file", str(env_file)),
        ],
        cwd=ROOT,
        env=environ_without_app_id(**environ),
        capture_output=True,
        text=True,
    )


def schema_for(manifest: dict[str, Any]) -> dict[str, Any]:
    path = SCHEMAS / f"v{manifest['manifestVersion']}" / "MicrosoftTeams.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def validation_errors(manifest: dict[str, Any]) -> list[str]:
    schema = schema_for(manifest)
    validator_class = jsonschema.validators.validator_for(schema)
    # Without its format checker: the schema writes some patterns (`\p{L}`, in parts a bot's
    # manifest does not use) for JavaScript's regular expressions, which Python's cannot read.
    # (validator_for's return type, the `Validator` protocol, leaves that argument out.)
    validator_class.check_schema(schema, format_checker=None)  # type: ignore[call-arg]  # see above
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(manifest)
    ]


def open_package(path: Path) -> tuple[list[str], dict[str, Any], dict[str, Image.Image]]:
    """The zip's entry names, its manifest and its images."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        manifest = json.loads(package.read("manifest.json"))
        images: dict[str, Image.Image] = {
            name: Image.open(io.BytesIO(package.read(name)))
            for name in names
            if name.endswith(".png")
        }
    return names, manifest, images


def test_the_package_holds_the_manifest_with_the_app_id_and_both_icons(tmp_path: Path) -> None:
    names, manifest, images = open_package(make_package(tmp_path, MicrosoftAppId=APP_ID))

    assert sorted(names) == ["color.png", "manifest.json", "outline.png"]
    assert manifest["id"] == APP_ID
    assert [bot["botId"] for bot in manifest["bots"]] == [APP_ID]
    assert "${{" not in json.dumps(manifest)
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    color, outline = images["color.png"], images["outline.png"]
    assert (color.format, color.size) == ("PNG", (192, 192))
    assert (outline.format, outline.size, outline.mode) == ("PNG", (32, 32), "RGBA")


def test_the_outline_icon_is_white_on_transparent(tmp_path: Path) -> None:
    _, _, images = open_package(make_package(tmp_path, MicrosoftAppId=APP_ID))

    # An RGBA image's pixels are 4-tuples (Pillow's type also allows one band's floats).
    pixels = cast("tuple[tuple[int, ...], ...]", images["outline.png"].get_flattened_data())
    assert {(red, green, blue) for red, green, blue, alpha in pixels if alpha} == {(255, 255, 255)}
    assert sum(1 for *_, alpha in pixels if alpha == 0) > len(pixels) / 2
    assert sum(1 for *_, alpha in pixels if alpha == 255) > 50


def test_the_filled_manifest_is_valid_for_the_newest_schema_of_app_manifest(
    tmp_path: Path,
) -> None:
    _, manifest, _ = open_package(make_package(tmp_path, MicrosoftAppId=APP_ID))

    shipped = [
        tuple(map(int, folder.name[1:].split(".")))
        for folder in SCHEMAS.iterdir()
        if re.fullmatch(r"v\d+\.\d+", folder.name)
    ]
    newest = ".".join(map(str, max(shipped)))
    assert manifest["manifestVersion"] == newest
    assert manifest["$schema"] == (
        f"https://developer.microsoft.com/json-schemas/teams/v{newest}/MicrosoftTeams.schema.json"
    )
    assert validation_errors(manifest) == []


def test_the_manifest_before_filling_in_is_not_valid() -> None:
    """The schema check can fail: the placeholders are no GUIDs."""
    manifest = json.loads((ROOT / "appPackage" / "manifest.json").read_text(encoding="utf-8"))

    errors = validation_errors(manifest)

    assert any(error.startswith("id: ") for error in errors), errors
    assert any(error.startswith("bots/0/botId: ") for error in errors), errors


@pytest.mark.parametrize(
    "line",
    [
        f"MicrosoftAppId={APP_ID}",
        f'MicrosoftAppId="{APP_ID}"',
        f"export MicrosoftAppId='{APP_ID}'",
    ],
)
def test_the_app_id_can_come_from_dotenv(tmp_path: Path, line: str) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"# the bot's Entra app\nSTORAGE=memory\n{line}\n", encoding="utf-8")

    result = run_script(tmp_path, env_file)

    assert result.returncode == 0, result.stderr
    _, manifest, _ = open_package(tmp_path / "corebot-teams.zip")
    assert manifest["id"] == APP_ID


def test_the_environment_comes_before_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("MicrosoftAppId=00000000-0000-0000-0000-000000000000\n", encoding="utf-8")

    result = run_script(tmp_path, env_file, MicrosoftAppId=APP_ID)

    assert result.returncode == 0, result.stderr
    _, manifest, _ = open_package(tmp_path / "corebot-teams.zip")
    assert manifest["id"] == APP_ID


def test_without_an_app_id_it_says_where_to_put_one(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"

    result = run_script(tmp_path, env_file)

    assert result.returncode == 2
    assert result.stderr == (
        "MicrosoftAppId is not set: the Teams package needs the bot's app id. Set it in the "
        f"environment, or put MicrosoftAppId=<the bot's app id> in {env_file}.\n"
    )
    assert not (tmp_path / "corebot-teams.zip").exists()


def test_an_app_id_that_is_no_guid_is_refused(tmp_path: Path) -> None:
    result = run_script(tmp_path, tmp_path / ".env", MicrosoftAppId="corebot")

    assert result.returncode == 2
    assert result.stderr == (
        "MicrosoftAppId must be the bot's app id, a GUID such as "
        "00000000-0000-0000-0000-000000000000; it is 'corebot'.\n"
    )
    assert not (tmp_path / "corebot-teams.zip").exists()


@pytest.mark.parametrize(
    ("drawn", "name"),
    [(make_icons.color_icon, "color.png"), (make_icons.outline_icon, "outline.png")],
)
def test_the_icons_are_what_make_icons_draws(drawn: Any, name: str) -> None:
    with Image.open(ROOT / "appPackage" / name) as stored:
        assert stored.mode == drawn().mode
        assert stored.tobytes() == drawn().tobytes()
