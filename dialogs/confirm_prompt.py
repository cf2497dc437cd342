"""A ConfirmPrompt whose recognition runs off the event loop."""

import asyncio

from botbuilder.core import TurnContext
from botbuilder.dialogs.prompts import ConfirmPrompt, PromptOptions, PromptRecognizerResult

from recognizers.dates import off_loop


class OffLoopConfirmPrompt(ConfirmPrompt):
    """botbuilder's ConfirmPrompt, except where its recognizers run.

    When "yes"/"no" are not found, the SDK reads the answer as a choice number with
    recognizers-text, which takes ~50 ms on 1,000 digits: run it in the recognizers' worker
    thread, on an event loop of its own (the SDK's recognition never awaits anything).
    """

    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult:
        recognize = super().on_recognize
        return await off_loop(asyncio.run, recognize(turn_context, state, options))
