"""Help and cancel interrupt any CancelAndHelpDialog, whatever prompt is waiting."""

import pytest
from botbuilder.dialogs import DialogTurnStatus, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt
from botbuilder.schema import Activity, Attachment, InputHints

from dialogs.cancel_and_help_dialog import CancelAndHelpDialog
from helpers.message_helper import question
from tests.conftest import DialogTestClient


class AskingDialog(CancelAndHelpDialog):
    """The smallest subclass: one text prompt, then end with the answer."""

    def __init__(self) -> None:
        super().__init__("AskingDialog")
        self.add_dialog(TextPrompt("Ask"))
        self.add_dialog(WaterfallDialog("Steps", [self.ask, self.finish]))
        self.initial_dialog_id = "Steps"

    async def ask(self, step_context: WaterfallStepContext):
        return await step_context.prompt("Ask", PromptOptions(prompt=question("Hi there")))

    async def finish(self, step_context: WaterfallStepContext):
        return await step_context.end_dialog(step_context.result)


@pytest.mark.parametrize("word", ["cancel", "quit", "CANCEL", "Quit"])
async def test_cancel_ends_the_dialog_with_no_result(word: str) -> None:
    client = DialogTestClient(AskingDialog())
    assert await client.say("Hi") == ["Hi there"]
    assert client.result.status == DialogTurnStatus.Waiting

    replies = await client.send(word)

    assert [reply.text for reply in replies] == ["Cancelling"]
    assert replies[0].input_hint == InputHints.ignoring_input
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result is None


@pytest.mark.parametrize("word", ["help", "?", "HELP"])
async def test_help_answers_and_keeps_the_prompt_waiting(word: str) -> None:
    client = DialogTestClient(AskingDialog())
    await client.say("Hi")

    replies = await client.send(word)

    assert [reply.text for reply in replies] == ["Show Help..."]
    assert replies[0].input_hint == InputHints.expecting_input
    assert client.result.status == DialogTurnStatus.Waiting
    assert await client.say("an answer") == []
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result == "an answer"


@pytest.mark.parametrize("text", [" help ", "cancel please", "helpful", "cancelled"])
async def test_only_the_whole_word_interrupts(text: str) -> None:
    client = DialogTestClient(AskingDialog())
    await client.say("Hi")

    assert await client.say(text) == []
    assert client.result.result == text


async def test_a_message_without_text_is_not_an_interruption() -> None:
    client = DialogTestClient(AskingDialog())
    await client.say("Hi")
    card_submit = Activity(type="message", value={"action": "submit"})
    picture = Activity(
        type="message", attachments=[Attachment(content_type="image/png", content_url="x")]
    )

    assert await client.say(card_submit) == ["Hi there"]
    assert await client.say(picture) == ["Hi there"]
    assert client.result.status == DialogTurnStatus.Waiting
