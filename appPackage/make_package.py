"""Builds the Teams app package: a zip of `manifest.json`, with the bot's app id filled in,
and the two icons, all at its root.

    make teams-package     # python appPackage/make_package.py --out appPackage/build/corebot-teams.zip

The app id is `MicrosoftAppId`, from the environment or else from `.env` at the top of the
repository (`MicrosoftAppId=<the bot's app id>`). It is both the Teams app's id and the bot's.
"""

import argparse
import json
import logging
import os
import re
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
ICONS = (HERE / "color.png", HERE / "outline.png")
DOTENV = HERE.parent / ".env"
PLACEHOLDER = "${{MicrosoftAppId}}"
GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
# The zip's entries carry this date, so that one manifest and app id make the same bytes.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
logger = logging.getLogger(__name__)


class PackageError(Exception):
    """Why the package cannot be built, in one line for the person running `make`."""


def read_dotenv(path: Path) -> dict[str, str]:
    """`NAME=value` lines; blank lines, `#` comments and a leading `export` are allowed, and
    a value may be quoted. A missing file is empty."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    values = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def app_id(environ: Mapping[str, str], dotenv: Path) -> str:
    """The bot's app id: the environment's `MicrosoftAppId`, else `.env`'s."""
    value = environ.get("MicrosoftAppId") or read_dotenv(dotenv).get("MicrosoftAppId", "")
    value = value.strip()
    if not value:
        raise PackageError(
            "MicrosoftAppId is not set: the Teams package needs the bot's app id. "
            f"Set it in the environment, or put MicrosoftAppId=<the bot's app id> in {dotenv}."
        )
    if not GUID.fullmatch(value):
        raise PackageError(
            f"MicrosoftAppId must be the bot's app id, a GUID such as "
            f"00000000-0000-0000-0000-000000000000; it is {value!r}."
        )
    return value


def filled_manifest(bot_app_id: str) -> dict[str, Any]:
    """manifest.json with the app id in place of every placeholder."""
    text = MANIFEST.read_text(encoding="utf-8")
    # A GUID holds no character that JSON would need escaped.
    return json.loads(text.replace(PLACEHOLDER, bot_app_id))


def build(bot_app_id: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    manifest = json.dumps(filled_manifest(bot_app_id), indent=2, ensure_ascii=False) + "\n"
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(_entry("manifest.json"), manifest)
        for icon in ICONS:
            package.writestr(_entry(icon.name), icon.read_bytes())


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, ZIP_DATE)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16  # rw-r--r--, as unzip shows it
    return entry


def main(argv: list[str] | None = None, environ: Mapping[str, str] = os.environ) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "build" / "corebot-teams.zip")
    parser.add_argument("--env-file", type=Path, default=DOTENV)
    args = parser.parse_args(argv)
    try:
        bot_app_id = app_id(environ, args.env_file)
    except PackageError as error:
        logger.error("%s", error)
        return 2
    build(bot_app_id, args.out)
    logger.info("Wrote %s for the bot %s", args.out, bot_app_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
