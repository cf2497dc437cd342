"""A ConfirmPrompt that answers what is neither yes nor no, and reads long answers off the loop."""

from collections.abc import Awaitable, Callable

from botbuilder.core import TurnContext
from botbuilder.dialogs.prompts import (
    ConfirmPrompt,
    PromptOptions,
    PromptRecognizerResult,
    PromptValidatorContext,
)

from helpers.coroutines import run_to_end
from helpers.message_helper import statement
from recognizers.dates import read

# The one short sentence for an answer that is neither yes nor no, from what was said.
Aside = Callable[[PromptValidatorContext], Awaitable[str]]


class OffLoopConfirmPrompt(ConfirmPrompt):
    """botbuilder's ConfirmPrompt, with two differences.

    When "yes"/"no" are not found, the SDK reads the answer as a choice number with
    recognizers-text, which takes ~50 ms on 1,000 digits: a long answer is read in the
    recognizers' worker thread. And with an `aside`, an answer that is neither gets one
    short sentence (`aside`'s) and then the question again, never a silent repeat.
    """

    def __init__(self, dialog_id: str, aside: Aside | None = None) -> None:
        super().__init__(dialog_id, self._answer_aside if aside else None)
        self._aside = aside

    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult:
        recognition = super().on_recognize(turn_context, state, options)
        return await read(turn_context.activity.text or "", run_to_end, recognition)

    async def _answer_aside(self, prompt_context: PromptValidatorContext) -> bool:
        if prompt_context.recognized.succeeded or self._aside is None:
            return prompt_context.recognized.succeeded
        sentence = await self._aside(prompt_context)
        await prompt_context.context.send_activity(statement(sentence))
        await self.on_prompt(
            prompt_context.context, prompt_context.state, prompt_context.options, False
        )
        return False
