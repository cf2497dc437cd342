import asyncio

from channel.conversation_turns import ConversationTurns


def test_an_activity_is_a_repeat_only_in_its_conversation_and_while_remembered() -> None:
    turns = ConversationTurns(remember_for=0.05)

    assert not turns.is_repeat("emulator/a", "1")
    assert turns.is_repeat("emulator/a", "1")
    assert not turns.is_repeat("emulator/b", "1")
    assert not turns.is_repeat("emulator/a", None)
    assert not turns.is_repeat("emulator/a", None)


async def test_activities_are_forgotten_after_a_while() -> None:
    turns = ConversationTurns(remember_for=0.05)
    turns.is_repeat("emulator/a", "1")

    await asyncio.sleep(0.06)

    assert not turns.is_repeat("emulator/a", "1")


def test_memory_is_bounded() -> None:
    turns = ConversationTurns(max_remembered=2)
    for activity_id in ("1", "2", "3"):
        turns.is_repeat("emulator/a", activity_id)

    assert not turns.is_repeat("emulator/a", "1")
    assert turns.is_repeat("emulator/a", "3")


async def test_turns_of_one_conversation_wait_in_order_and_others_do_not() -> None:
    turns = ConversationTurns()
    ran: list[str] = []

    async def turn(conversation: str, name: str, seconds: float) -> None:
        async with turns.turn(conversation):
            await asyncio.sleep(seconds)
            ran.append(name)

    await asyncio.gather(
        turn("a", "a1", 0.03), turn("a", "a2", 0), turn("a", "a3", 0), turn("b", "b1", 0)
    )

    assert ran == ["b1", "a1", "a2", "a3"]
    assert turns.busy == 0
