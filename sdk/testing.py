"""The test adapter of the chosen SDK's build."""

from sdk import AGENTS

if AGENTS:
    from sdk.agents.testing import TestAdapter
else:
    from sdk.botbuilder.testing import TestAdapter

__all__ = ["TestAdapter"]
