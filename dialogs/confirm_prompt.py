"""A ConfirmPrompt whose recognition of a long answer runs off the event loop."""

from collections.abc import Coroutine
from typing import Any, TypeVar

from botbuilder.core import TurnContext
from botbuilder.dialogs.prompts import ConfirmPrompt, PromptOptions, PromptRecognizerResult

from recognizers.dates import read

T = TypeVar("T")


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


def run_to_end(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never waits for anything, run without an event loop
    (the SDK's recognition is `async` but awaits nothing)."""
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value
    coroutine.close()
    raise RuntimeError("the coroutine waited for something; it needs an event loop")
