"""The README and the pages of docs/: every link leads somewhere, and every file of the
repository a page names exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "deploymentTemplates" / "README.md",
    ROOT / "cognitive_models" / "NOTICE.md",
]
LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")
# What the build makes, not the repository holds.
MADE = (".venv", "node_modules", "appPackage/build")


def headings(page: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub makes them."""
    anchors, in_code = set(), False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return anchors


def outside_code_blocks(page: Path) -> str:
    return re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES])
def test_every_link_leads_somewhere(page: Path) -> None:
    broken = []
    for target in LINK.findall(outside_code_blocks(page)):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists() or (anchor and file.suffix == ".md" and anchor not in headings(file)):
            broken.append(target)
    assert broken == []


def named_files(page: Path) -> list[str]:
    """The repository's paths a page names in code spans: `dialogs/booking_dialog.py`."""
    top = {entry.name for entry in ROOT.iterdir()}
    named = []
    for span in CODE.findall(outside_code_blocks(page)):
        path = span.rstrip(".,:;")
        first = path.split("/", 1)[0]
        if (
            first in top
            and ("/" in path or "." in path)
            and not any(mark in path for mark in "*<>{}…$")
            and not path.startswith(MADE)
        ):
            named.append(path)
    return named


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES])
def test_every_file_a_page_names_exists(page: Path) -> None:
    # A guide's step may create a file (docs/make-it-yours.md).
    created = set(re.findall(r"<!-- step: create (\S+) -->", page.read_text(encoding="utf-8")))
    missing = [path for path in named_files(page) if not (ROOT / path).exists()]
    assert [path for path in missing if path not in created] == []


def test_the_readme_fits_on_a_page_or_two() -> None:
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 250
