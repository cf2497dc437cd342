from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs import Dialog
from botbuilder.schema import Activity

class PromptOptions:
    prompt: Activity
    retry_prompt: Activity
    choices: list[Any]
    style: Any
    validations: object
    number_of_attempts: int
    def __init__(
        self,
        prompt: Activity | None = None,
        retry_prompt: Activity | None = None,
        choices: list[Any] | None = None,
        style: Any = None,
        validations: object = None,
        number_of_attempts: int = 0,
    ) -> None: ...

class PromptRecognizerResult:
    succeeded: bool
    value: Any
    def __init__(self, succeeded: bool = False, value: object = None) -> None: ...

class PromptValidatorContext:
    context: TurnContext
    recognized: PromptRecognizerResult
    state: dict[str, object]
    options: PromptOptions
    @property
    def attempt_count(self) -> int: ...

Validator = Callable[[PromptValidatorContext], Awaitable[bool]]

class Prompt(Dialog):
    def __init__(self, dialog_id: str, validator: Validator | None = None) -> None: ...
    async def on_prompt(
        self,
        turn_context: TurnContext,
        state: dict[str, object],
        options: PromptOptions,
        is_retry: bool,
    ) -> None: ...
    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult: ...

class TextPrompt(Prompt): ...

class ConfirmPrompt(Prompt):
    default_locale: str | None
    def _determine_culture(self, activity: Activity) -> str: ...
    def __init__(
        self,
        dialog_id: str,
        validator: Validator | None = None,
        default_locale: str | None = None,
        choice_defaults: dict[str, object] | None = None,
    ) -> None: ...

class DateTimePrompt(Prompt):
    default_locale: str | None
    def read_resolution(self, resolution: dict[str, str]) -> Any: ...
    def __init__(
        self,
        dialog_id: str,
        validator: Validator | None = None,
        default_locale: str | None = None,
    ) -> None: ...
