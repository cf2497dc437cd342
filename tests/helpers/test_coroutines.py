"""run_to_end: a coroutine that never suspends, run without an event loop."""

import asyncio

import pytest

from helpers.coroutines import run_to_end


def test_a_coroutine_that_awaits_nothing_runs_to_its_result() -> None:
    async def answer() -> int:
        return 42

    assert run_to_end(answer()) == 42


async def test_a_coroutine_that_waits_is_refused() -> None:
    async def waits() -> None:
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="event loop"):
        run_to_end(waits())
