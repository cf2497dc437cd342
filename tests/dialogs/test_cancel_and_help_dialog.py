"""Help, cancel and start over interrupt any CancelAndHelpDialog, whatever prompt is waiting;
each prompt's policy says what may interrupt it, and the innermost dialog that claims an
interruption handles it."""

import pytest

from dialogs.cancel_and_help_dialog import CancelAndHelpDialog
from dialogs.interruptible_dialog import (
    NO_INTERRUPTIONS,
    Handler,
    InterruptibleDialog,
    Interruption,
    Interruptions,
    answer_and_ask_again,
)
from helpers.message_helper import question
from recognizers.result import IntentScore, RecognizerResult
from sdk import (
    Activity,
    Attachment,
    DialogContext,
    DialogTurnResult,
    DialogTurnStatus,
    InputHints,
    PromptOptions,
    TextPrompt,
    TurnContext,
    WaterfallDialog,
    WaterfallStepContext,
)
from tests.conftest import DialogTestClient, StubRecognizer


class AskingDialog(CancelAndHelpDialog):
    """The smallest subclass: one text prompt, then end with the answer."""

    def __init__(
        self, interruptions: Interruptions | None = None, dialog_id: str = "AskingDialog"
    ) -> None:
        super().__init__(dialog_id)
        self.add_prompt(TextPrompt("Ask"), interruptions)
        self.add_dialog(WaterfallDialog("Steps", [self.ask, self.finish]))
        self.starts_with("Steps")

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


@pytest.mark.parametrize("text", [" help ", "Help!", "help?", "HELP."])
async def test_help_with_spaces_and_trailing_punctuation(text: str) -> None:
    client = DialogTestClient(AskingDialog())
    await client.say("Hi")

    assert await client.say(text) == ["Show Help..."]
    assert client.result.status == DialogTurnStatus.Waiting


@pytest.mark.parametrize("word", [" cancel.", "stop", "exit", "never mind", "Nevermind!"])
async def test_more_ways_to_cancel(word: str) -> None:
    client = DialogTestClient(AskingDialog())
    await client.say("Hi")

    assert await client.say(word) == ["Cancelling"]
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result is None


@pytest.mark.parametrize("text", ["cancel please", "helpful", "cancelled", "? help", "re start"])
async def test_only_the_whole_message_interrupts(text: str) -> None:
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


@pytest.mark.parametrize("text", ["start over", "Restart."])
async def test_start_over_asks_the_first_question_again(text: str) -> None:
    client = DialogTestClient(AskingDialog())
    await client.say("Hi")

    assert await client.say(text) == ["Hi there"]
    assert await client.say("an answer") == []
    assert client.result.result == "an answer"


@pytest.mark.parametrize("text", ["help", "cancel", "start over"])
async def test_an_interruption_disabled_by_policy_is_an_answer(text: str) -> None:
    client = DialogTestClient(AskingDialog(NO_INTERRUPTIONS))
    await client.say("Hi")

    assert await client.say(text) == []
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result == text


def weather(score: float) -> RecognizerResult:
    return RecognizerResult(
        text="is it sunny?",
        intents={"GetWeather": IntentScore(score=score), "None": IntentScore(score=1 - score)},
        entities={"$instance": {}},
    )


class OuterDialog(InterruptibleDialog):
    """Runs AskingDialog inside; claims requests of another kind, and `what?` when asked."""

    def __init__(self, inner: InterruptibleDialog, recognizer: StubRecognizer) -> None:
        super().__init__("OuterDialog", recognizer)
        self.add_dialog(inner)
        self.add_dialog(WaterfallDialog("OuterSteps", [self.run_inner, self.finish]))
        self.starts_with("OuterSteps")
        self.inner_id = inner.id

    async def run_inner(self, step_context: WaterfallStepContext):
        return await step_context.begin_dialog(self.inner_id)

    async def finish(self, step_context: WaterfallStepContext):
        return await step_context.end_dialog(f"outer got {step_context.result}")

    async def claim(self, interruption: Interruption, inner_dc: DialogContext) -> Handler | None:
        if interruption.text == "what?":
            return self.say_outer
        recognition = await interruption.recognition()
        if recognition is not None and recognition.is_other_request:
            return self.say_other
        return None

    async def say_outer(self, inner_dc: DialogContext) -> DialogTurnResult:
        return await answer_and_ask_again(inner_dc, "the outer dialog answers")

    async def say_other(self, inner_dc: DialogContext) -> DialogTurnResult:
        return await answer_and_ask_again(inner_dc, "another request")


class ClaimingDialog(AskingDialog):
    """AskingDialog that claims `what?` itself."""

    async def claim(self, interruption: Interruption, inner_dc: DialogContext) -> Handler | None:
        if interruption.text == "what?":
            return self.say_inner
        return await super().claim(interruption, inner_dc)

    async def say_inner(self, inner_dc: DialogContext) -> DialogTurnResult:
        return await answer_and_ask_again(inner_dc, "the inner dialog answers")


@pytest.mark.parametrize(
    ("score", "replies"),
    [(0.95, ["another request", "Hi there"]), (0.85, [])],
)
async def test_a_request_of_another_kind_needs_the_score_the_prompt_asks_for(
    score: float, replies: list[str]
) -> None:
    inner = AskingDialog(Interruptions(min_score=0.9))
    client = DialogTestClient(OuterDialog(inner, StubRecognizer(weather(score))))
    await client.say("Hi")

    assert await client.say("is it sunny?") == replies


async def test_a_prompt_with_no_min_score_never_asks_the_recognizer() -> None:
    recognizer = StubRecognizer(weather(1.0))
    client = DialogTestClient(OuterDialog(AskingDialog(), recognizer))
    await client.say("Hi")

    assert await client.say("is it sunny?") == []
    assert client.result.result == "outer got is it sunny?"
    assert recognizer.calls == 0


async def test_the_innermost_dialog_that_claims_an_interruption_handles_it() -> None:
    inner_claims = DialogTestClient(OuterDialog(ClaimingDialog(), StubRecognizer()))
    outer_claims = DialogTestClient(OuterDialog(AskingDialog(), StubRecognizer()))
    await inner_claims.say("Hi")
    await outer_claims.say("Hi")

    assert await inner_claims.say("what?") == ["the inner dialog answers", "Hi there"]
    assert await outer_claims.say("what?") == ["the outer dialog answers", "Hi there"]


async def test_cancel_in_a_nested_dialog_cancels_the_outermost_cancel_and_help_dialog() -> None:
    class Form(AskingDialog):
        def __init__(self) -> None:
            super().__init__(dialog_id="Form")
            self.add_dialog(AskingDialog())
            self.add_dialog(WaterfallDialog("FormSteps", [self.nested, self.go_on]))
            self.starts_with("FormSteps")

        async def nested(self, step_context: WaterfallStepContext):
            return await step_context.begin_dialog("AskingDialog")

        async def go_on(self, step_context: WaterfallStepContext):
            return await step_context.end_dialog("the form went on")

    client = DialogTestClient(Form())
    assert await client.say("Hi") == ["Hi there"]

    assert await client.say("cancel") == ["Cancelling"]
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result is None


async def test_a_result_for_another_text_is_not_an_interruption() -> None:
    class FixedRecognizer(StubRecognizer):
        """Gives its result whatever the message, as a careless stand-in might."""

        async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
            return self.result

    inner = AskingDialog(Interruptions(min_score=0.5))
    client = DialogTestClient(OuterDialog(inner, FixedRecognizer(weather(1.0))))
    await client.say("Hi")

    assert await client.say("is it sunny") == []
    assert client.result.result == "outer got is it sunny"
