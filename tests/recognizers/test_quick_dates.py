from datetime import datetime

import pytest

from benchmarks.date_corpus import differential
from recognizers.quick_dates import quick_read

SATURDAY = datetime(2026, 11, 28, 12, 0)


def answer(text: str) -> list[tuple[str, int, int, str, list[tuple[str, str]]]] | None:
    results = quick_read(text, SATURDAY)
    if results is None:
        return None
    return [
        (
            result.text,
            result.start,
            result.end,
            result.type_name,
            [(value["timex"], value["value"]) for value in result.resolution["values"]],
        )
        for result in results
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Paris",
        "yes",
        "book a flight from Paris to Berlin",
        "I want to go to New York please",
        "I'm in London",
        "",
    ],
)
def test_a_text_that_cannot_hold_a_date_has_none(text: str) -> None:
    assert answer(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 3rd 2027", ("march 3rd 2027", 0, 13, [("2027-03-03", "2027-03-03")])),
        ("3/15/2027", ("3/15/2027", 0, 8, [("2027-03-15", "2027-03-15")])),
        ("2027-05-20", ("2027-05-20", 0, 9, [("2027-05-20", "2027-05-20")])),
        ("in 10 days", ("in 10 days", 0, 9, [("2026-12-08", "2026-12-08")])),
        ("tomorrow", ("tomorrow", 0, 7, [("2026-11-29", "2026-11-29")])),
        ("next friday", ("next friday", 0, 10, [("2026-12-04", "2026-12-04")])),
        (
            "fly to paris on the 4th of July 2027 please",
            ("the 4th of july 2027", 16, 35, [("2027-07-04", "2027-07-04")]),
        ),
        ("friday", ("friday", 0, 5, [("XXXX-WXX-5", "2026-11-27"), ("XXXX-WXX-5", "2026-12-04")])),
        (
            "march 3",
            ("march 3", 0, 6, [("XXXX-03-03", "2026-03-03"), ("XXXX-03-03", "2027-03-03")]),
        ),
    ],
)
def test_an_explicit_date_is_read_as_recognizers_text_reads_it(
    text: str, expected: tuple[str, int, int, list[tuple[str, str]]]
) -> None:
    mention, start, end, values = expected
    assert answer(text) == [(mention, start, end, "datetimeV2.date", values)]


@pytest.mark.parametrize(
    "text",
    [
        "from March 3rd 2027",  # a range: since March 3rd
        "by march 3rd 2027",  # a deadline
        "March 3rd 2027 at 5pm",
        "march 3rd 2027 or march 5th 2027",
        "22nd of may i think",  # `may i`: recognizers-text drops the mention
        "feb 30 2027",  # no such day: recognizers-text leaves it unresolved
        "3th march 2027",
        "the day after tomorrow",
        "sunny Paris",
        "Paris 9",
        "Zürich",
    ],
)
def test_any_other_text_is_left_to_recognizers_text(text: str) -> None:
    assert answer(text) is None


def test_the_quick_answers_agree_with_recognizers_text_on_a_sample_of_the_corpus() -> None:
    # The whole corpus (60,000 texts) is `python -m benchmarks.date_corpus`: minutes.
    empty, dated, left, disagreements = differential(seed=5, texts=2500, workers=1)

    assert disagreements == []
    assert empty + dated + left == 2500
    assert empty > 500
    assert dated > 40
