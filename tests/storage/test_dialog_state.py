"""The dialog stack to plain JSON and back (storage/dialog_state.py)."""

import copy
from typing import Any

import pytest

import storage.dialog_state
from dialogs.date_resolver_dialog import DateResolverDialog
from sdk import DialogState, PromptOptions, message
from storage.dialog_state import DialogStateCodec
from tests.conftest import DialogTestClient

DATE = "On what date would you like to travel?"
FULL_DATE = (
    "I'm sorry, for best results, please enter your travel date including the month, day and year. "
)


async def stored_at_the_date_question() -> tuple[DialogStateCodec, dict[str, Any]]:
    dialog = DateResolverDialog()
    client = DialogTestClient(dialog)
    assert await client.say("hi") == [DATE]
    return DialogStateCodec(dialog), (await client.stored())["DialogState"]


def waiting_options(state: DialogState) -> PromptOptions:
    inner = state.dialog_stack[0].state["dialogs"]
    options = inner.dialog_stack[0].state["options"]  # the top of a stack is its first
    assert isinstance(options, PromptOptions)
    return options


async def test_a_prompt_not_asked_again_is_written_back_as_it_was_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    codec, stored = await stored_at_the_date_question()
    read = copy.deepcopy(stored)

    def refuse(data: dict[str, Any]) -> Any:
        raise AssertionError(f"built an activity nobody asked for: {data}")

    monkeypatch.setattr(storage.dialog_state, "stored_activity", refuse)
    state = codec.decode(read)
    waiting_options(state).number_of_attempts += 1

    written = codec.encode(state)
    options = written["dialogStack"][0]["state"]["dialogs"]["dialogStack"][0]["state"]["options"]
    assert options["prompt"]["text"] == DATE
    assert options["retryPrompt"]["text"] == FULL_DATE
    assert options["numberOfAttempts"] == 1
    options["numberOfAttempts"] = 0
    assert written == stored


async def test_a_prompt_asked_again_gets_its_activities_as_stored() -> None:
    codec, stored = await stored_at_the_date_question()

    options = waiting_options(codec.decode(copy.deepcopy(stored)))

    assert options.prompt is not None
    assert options.prompt.text == DATE
    assert options.retry_prompt is not None
    assert options.retry_prompt.text == FULL_DATE
    assert options.retry_prompt.input_hint == "expectingInput"


async def test_a_prompt_given_a_new_activity_stores_the_new_one() -> None:
    codec, stored = await stored_at_the_date_question()
    state = codec.decode(copy.deepcopy(stored))

    waiting_options(state).retry_prompt = message("Which day?", "expectingInput")

    written = codec.encode(state)
    options = written["dialogStack"][0]["state"]["dialogs"]["dialogStack"][0]["state"]["options"]
    assert options["prompt"]["text"] == DATE
    assert options["retryPrompt"]["text"] == "Which day?"


async def test_a_value_with_no_plain_form_is_refused() -> None:
    codec, stored = await stored_at_the_date_question()
    state = codec.decode(copy.deepcopy(stored))
    state.dialog_stack[0].state["kept"] = object()

    with pytest.raises(TypeError, match="cannot store a object"):
        codec.encode(state)
