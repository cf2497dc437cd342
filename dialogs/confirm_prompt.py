"""A ConfirmPrompt whose recognition of a long answer runs off the event loop."""

from botbuilder.core import TurnContext
from botbuilder.dialogs.prompts import ConfirmPrompt, PromptOptions, PromptRecognizerResult

from helpers.coroutines import run_to_end
from recognizers.dates import read


class OffLoopConfirmPrompt(ConfirmPrompt):
    """botbuilder's ConfirmPrompt, except where its recognizers run.

    When "yes"/"no" are not found, the SDK reads the answer as a choice number with
    recognizers-text, which takes ~50 ms on 1,000 digits: a long answer is read in the
    recognizers' worker thread.
    """

    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult:
        recognition = super().on_recognize(turn_context, state, options)
        return await read(turn_context.activity.text or "", run_to_end, recognition)
