"""What the bot and its tests install is locked and verified: every Python package with its
hashes, every npm package with its integrity, and every install made to check them."""

import json
import re

import pytest

from tests.conftest import ROOT, make

PYTHON_LOCKS = (
    "requirements.txt",
    "requirements-agents.txt",
    "requirements-dev.txt",
    "requirements-dev-agents.txt",
    "requirements/venv.txt",
)
NPM_LOCKS = ("package-lock.json", "tools/node/package-lock.json")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)(?: ;[^\\]*)? \\$")


def make_shows(*arguments: str) -> str:
    """The commands `make` would run, as a developer runs it, from nothing."""
    ran = make("--dry-run", "--always-make", *arguments)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


@pytest.mark.parametrize("lock", PYTHON_LOCKS)
def test_every_locked_python_package_has_its_hashes(lock: str) -> None:
    lines = (ROOT / lock).read_text().splitlines()
    pinned = 0
    for number, line in enumerate(lines):
        if line[:1].isalnum():
            assert PIN.match(line), f"{lock}: not an exact pin: {line}"
            assert lines[number + 1].lstrip().startswith("--hash=sha256:"), line
            pinned += 1
    assert pinned >= 2


@pytest.mark.parametrize("target", ["run", "run BOT_SDK=agents", "test-all"])
def test_every_pip_install_requires_the_hashes(target: str) -> None:
    installs = [line for line in make_shows(*target.split()).splitlines() if "pip install" in line]

    assert installs
    for install in installs:
        assert "--require-hashes" in install, install
        assert re.search(r" -r (requirements[\w/.-]*\.txt)$", install), install


def test_every_npm_install_is_from_its_lock() -> None:
    installs = [line for line in make_shows("test", "run").splitlines() if "npm " in line]

    assert installs
    assert all(line.startswith("npm ci ") for line in installs), installs


@pytest.mark.parametrize("lock", NPM_LOCKS)
def test_every_npm_package_has_its_integrity(lock: str) -> None:
    packages = json.loads((ROOT / lock).read_text())["packages"]
    entries = {path: entry for path, entry in packages.items() if path and not entry.get("link")}

    assert entries
    assert [path for path, entry in entries.items() if "integrity" not in entry] == []
    assert all(entry["integrity"].startswith("sha512-") for entry in entries.values())


def test_node_is_22_or_newer() -> None:
    package = json.loads((ROOT / "package.json").read_text())
    provided = json.loads((ROOT / "tools/node/package.json").read_text())

    assert package["engines"] == {"node": ">=22"}
    assert (ROOT / ".nvmrc").read_text() == "24\n"
    assert {version.split(".")[0] for version in provided["optionalDependencies"].values()} == {
        "24"
    }


def test_make_test_first_checks_that_the_locks_are_current() -> None:
    shown = make_shows("test").splitlines()
    compiled = [line for line in shown if "uv pip compile" in line]
    first_test = next(number for number, line in enumerate(shown) if "-m pytest" in line)

    assert {line.rsplit(" -o ", 1)[1] for line in compiled} == set(PYTHON_LOCKS)
    assert all(shown.index(line) < first_test for line in compiled)
    assert any("is not what requirements/*.in resolve to" in line for line in shown)


def test_make_says_when_the_machines_node_is_older_and_brings_its_own() -> None:
    older = make_shows("run", "NODE_OWN=v20.20.2", "NODE_PLATFORM=linux-x64")
    newer = make_shows("run", "NODE_OWN=v22.0.0", "NODE_PLATFORM=linux-x64")
    elsewhere = make_shows("run", "NODE_OWN=v20.20.2", "NODE_PLATFORM=darwin-arm64")

    assert "Node.js v20.20.2 is older than 22 (package.json engines):" in older
    assert "npm ci --prefix tools/node " in older
    assert older.index("npm ci --prefix tools/node ") < older.index("npm ci --omit=dev ")
    assert "tools/node" not in newer
    assert "npm ci --omit=dev " in newer
    assert "Node.js 22 or newer is needed (package.json engines; here: v20.20.2):" in elsewhere
