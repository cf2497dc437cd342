"""The two builds give the rest of the bot the same names (sdk/<build>/__init__.py)."""

import ast
from pathlib import Path

import sdk

SDK = Path(__file__).resolve().parent.parent / "sdk"


def exported(build: str) -> list[str]:
    """The names a build's module lists in `__all__`, read from its source (the other
    build's SDK is not installed here)."""
    tree = ast.parse((SDK / build / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            return sorted(ast.literal_eval(node.value))
    raise AssertionError(f"sdk/{build}/__init__.py has no __all__")


def test_both_builds_give_the_same_names() -> None:
    assert exported("botbuilder") == exported("agents")


def test_this_build_gives_every_name_it_lists() -> None:
    missing = [name for name in exported(sdk.NAME) if not hasattr(sdk, name)]

    assert missing == []
    assert sdk.NAME in ("botbuilder", "agents")
