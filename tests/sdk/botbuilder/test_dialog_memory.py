"""run_dialog gives every turn one shared dialog memory configuration."""

from botbuilder.core import ConversationState as SdkConversationState
from botbuilder.core import MemoryStorage as SdkMemoryStorage
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import (
    ComponentDialog,
    DialogContext,
    DialogSet,
    DialogState,
    DialogTurnResult,
    PromptOptions,
    TextPrompt,
    WaterfallDialog,
)
from botbuilder.dialogs.memory import DialogStateManager

from helpers.dialog_helper import run_dialog
from sdk.botbuilder.dialog_memory import make_dialog_memory_on_first_use, memory_configuration
from storage.bot_state import ConversationState
from storage.dialog_state import DialogStateCodec
from storage.memory import MemoryStorage


def described(scopes_or_resolvers: list) -> list[tuple[str, str | None]]:
    return [(type(item).__name__, getattr(item, "name", None)) for item in scopes_or_resolvers]


async def test_the_shared_configuration_is_the_one_the_sdk_gathers() -> None:
    gathered = {}

    async def turn(turn_context: TurnContext) -> None:
        accessor = SdkConversationState(SdkMemoryStorage()).create_property("DialogState")
        bare = DialogContext(DialogSet(accessor), turn_context, DialogState())
        gathered["sdk"] = DialogStateManager(bare).configuration

    await TestAdapter(turn).send("hi")

    shared = memory_configuration()
    assert described(shared.memory_scopes) == described(gathered["sdk"].memory_scopes)
    assert described(shared.path_resolvers) == described(gathered["sdk"].path_resolvers)
    assert "ConversationMemoryScope" in [kind for kind, _ in described(shared.memory_scopes)]


async def test_every_dialog_context_of_a_turn_uses_the_shared_configuration() -> None:
    """botbuilder-python 4.17's own get_value/set_value fail on every path (object_path
    iterates the state manager and gets tuples), so the configuration is checked, not used."""
    seen = []

    async def ask(step) -> DialogTurnResult:
        seen.append(step.state.configuration)
        return await step.prompt("text", PromptOptions(prompt=MessageFactory.text("Name?")))

    async def done(step) -> DialogTurnResult:
        seen.append(step.state.configuration)
        return await step.end_dialog()

    inner = ComponentDialog("component")
    inner.add_dialog(WaterfallDialog("steps", [ask, done]))
    inner.add_dialog(TextPrompt("text"))
    conversation_state = ConversationState(MemoryStorage())
    accessor = conversation_state.create_property("DialogState", DialogStateCodec(inner))

    async def turn(turn_context: TurnContext) -> None:
        await run_dialog(inner, turn_context, accessor)
        await conversation_state.save_changes(turn_context)

    flow = await TestAdapter(turn).test("hi", "Name?")
    await flow.send("Ada")

    assert len(seen) == 2
    assert all(configuration is memory_configuration() for configuration in seen)


async def test_a_dialog_context_makes_its_memory_when_first_asked() -> None:
    make_dialog_memory_on_first_use()
    seen = []

    async def ask(step) -> DialogTurnResult:
        assert "state" not in vars(step)
        seen.append(step.state)
        assert step.state is seen[0]
        return await step.prompt("text", PromptOptions(prompt=MessageFactory.text("Name?")))

    inner = ComponentDialog("component")
    inner.add_dialog(WaterfallDialog("steps", [ask]))
    inner.add_dialog(TextPrompt("text"))
    conversation_state = ConversationState(MemoryStorage())
    accessor = conversation_state.create_property("DialogState", DialogStateCodec(inner))

    async def turn(turn_context: TurnContext) -> None:
        await run_dialog(inner, turn_context, accessor)

    await TestAdapter(turn).test("hi", "Name?")

    assert isinstance(seen[0], DialogStateManager)
    assert seen[0].configuration is memory_configuration()
