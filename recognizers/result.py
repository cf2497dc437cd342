"""What a language back end makes of a message, in the shape LUIS gives (through
botbuilder-ai's LuisRecognizer): every back end returns it, on either SDK, so the dialogs
do not know which one ran. The fields are botbuilder's `RecognizerResult` and
`IntentScore`, which the Agents SDK does not have."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class IntentScore:
    score: float
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecognizerResult:
    """`intents`: each intent's score. `entities`: LUIS's entities, with their `$instance`
    (text, offsets, score) beside them."""

    text: str = ""
    altered_text: str | None = None
    intents: dict[str, IntentScore] = field(default_factory=dict)
    entities: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
