"""docs/make-it-yours.md, done: its steps, read from the page, made on a copy of the
repository; then the copy's app.py, talked to over HTTP as the Emulator would."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from tests.conftest import EmulatorClient, StubConnector, start_app_process

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "make-it-yours.md"
STEP = re.compile(r"<!-- step: (.+?) -->\n```\w*\n(.*?)```", re.DOTALL)
# Not copied: what the build makes and the suite's own data.
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv*", "node_modules", "*_cache", "__pycache__", "data", "build"
)


def steps() -> list[tuple[str, str]]:
    """Each step of the guide: what to do (`json FILE PATH`, `create FILE`, `after FILE |
    LINE`, `before FILE | LINE`, `run SCRIPT`), and its code block."""
    return STEP.findall(GUIDE.read_text(encoding="utf-8"))


def json_at(document: Any, path: str) -> Any:
    """`closedLists[name=Airport].subLists`: keys, and list items picked by a field's value."""
    for part in path.split("."):
        key, _, pick = part.partition("[")
        document = document[key]
        if pick:
            field, value = pick.rstrip("]").split("=")
            document = next(item for item in document if item[field] == value)
    return document


def make(step: str, block: str, copy: Path) -> None:
    what, rest = step.split(" ", 1)
    if what == "run":
        subprocess.run([sys.executable, rest], cwd=copy, check=True, capture_output=True)
        return
    if what == "json":
        name, path = rest.split(" ", 1)
        file = copy / name
        document = json.loads(file.read_text(encoding="utf-8"))
        added = json.loads(block)
        target = json_at(document, path)
        target.extend(added if isinstance(added, list) else [added])
        file.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
        return
    if what == "create":
        (copy / rest).write_text(block, encoding="utf-8")
        return
    name, line = (part.strip() for part in rest.split("|", 1))
    file = copy / name
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    places = [number for number, text in enumerate(lines) if text.strip() == line]
    assert places, f"{name} has no line {line!r}"
    for number in reversed(places):
        at = number + 1 if what == "after" else number
        lines[at:at] = [block]
    file.write_text("".join(lines), encoding="utf-8")


def test_the_guide_has_its_five_steps() -> None:
    assert [step.split(" ", 1)[0] for step, _ in steps()] == [
        "json",
        "json",
        "json",
        "json",
        "after",
        "create",
        "before",
        "before",
        "after",
        "after",
        "after",
        "run",
    ]


@pytest.fixture(scope="module")
def made_yours(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("yours") / "corebot"
    shutil.copytree(ROOT, copy, ignore=LEFT_OUT)
    for step, block in steps():
        make(step, block, copy)
    return copy


def test_the_clu_project_is_rebuilt_with_the_new_airport_and_intent(made_yours: Path) -> None:
    project = json.loads((made_yours / "cognitive_models/FlightBooking.clu.json").read_text())
    text = json.dumps(project)

    assert '"GiveFeedback"' in text
    assert '"Rome"' in text


async def test_the_bot_made_yours_books_rome_reads_hq_and_takes_feedback(
    made_yours: Path, connector: tuple[StubConnector, str], http_session: ClientSession
) -> None:
    stub, service_url = connector
    app = await start_app_process(
        {"FEEDBACK_EMAIL": "feedback@example.com"}, http_session, cwd=made_yours
    )
    try:
        user = EmulatorClient(http_session, app.url, stub, service_url)
        await user.join()

        assert await user.say("book a flight from Paris to Rome on March 3 2036") == [
            "Please confirm, I have you traveling to: Rome from: Paris on: 2036-03-03."
        ]
        assert await user.say("yes") == [
            "I have you booked to Rome from Paris on 2036-03-03",
            "What else can I do for you?",
        ]
        assert await user.say("fly me from HQ to Berlin") == [
            "On what date would you like to travel?"
        ]
        assert await user.say("march 4 2036") == [
            "Please confirm, I have you traveling to: Berlin from: Seattle on: 2036-03-04."
        ]
        assert await user.say("no") == ["What else can I do for you?"]
        assert await user.say("book a flight") == ["Where would you like to travel to?"]
        assert await user.say("which cities can I fly to?") == [
            "I can book flights between Paris, London, Berlin, New York, Seattle and Rome.",
            "Where would you like to travel to?",
        ]
        assert await user.say("cancel") == ["Cancelling", "What else can I do for you?"]

        assert await user.say("I'd like to give you some feedback") == [
            "What would you like to tell us?"
        ]
        assert await user.say("help") == ["Show Help..."]
        assert await user.say("booking was quick, thanks") == [
            "Thank you for your feedback. You can also write to feedback@example.com.",
            "What else can I do for you?",
        ]
        assert await user.say("quick feedback") == ["What would you like to tell us?"]
        assert await user.say("cancel") == ["Cancelling", "What else can I do for you?"]
    finally:
        log = (await app.stop()).decode()
    assert "Traceback" not in log
