"""The answers CSV: a byte-order mark, every field quoted, formulas defused, numbers kept."""

import csv
import io

import pytest

from workshop.csv_export import COLUMNS
from workshop.csv_export import answers_csv
from workshop.csv_export import csv_cell


def row(value, question="A word?"):
    return {
        "respondent": "r1",
        "prompt_id": "symbol",
        "question": question,
        "kind": "words",
        "value": value,
        "seconds": 1.5,
        "hidden": False,
    }


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-cmd", "'-cmd"),
        ("-2+3", "'-2+3"),
        ("  =1+1", "'  =1+1"),  # leading blanks do not hide a formula
        ("\u00a0@x", "'\u00a0@x"),
        ("-2", "-2"),  # plain negative numbers stay numbers
        ("-0.5", "-0.5"),
        (-2, "-2"),
        (3, "3"),
        ("calm", "calm"),
        ("calm;=cmd", "calm;=cmd"),  # one quoted cell: the `;` never splits it
        (True, "true"),
        (False, "false"),
    ],
)
def test_cells_are_defused_but_numbers_kept(value, cell):
    assert csv_cell(value) == cell


def test_the_file_starts_with_a_bom_quotes_every_field_and_reads_back():
    rows = [row("שלום 🌱"), row("calm;=cmd|' /C calc'!A0"), row(-2), row('say "hi", then go')]
    text = answers_csv(rows)
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    body = data.decode("utf-8-sig")
    assert body.splitlines()[0] == ",".join(f'"{column}"' for column in COLUMNS)
    assert body.splitlines()[2] == (
        '"r1","symbol","A word?","words","calm;=cmd|\' /C calc\'!A0","1.5","false","",""'
    )
    parsed = list(csv.DictReader(io.StringIO(body, newline="")))
    assert [r["value"] for r in parsed] == [
        "שלום 🌱",
        "calm;=cmd|' /C calc'!A0",
        "-2",
        rows[3]["value"],
    ]
    assert {r["seconds"] for r in parsed} == {"1.5"} and {r["hidden"] for r in parsed} == {"false"}


def test_an_empty_export_is_the_header_alone():
    assert answers_csv([]) == "\ufeff" + ",".join(f'"{c}"' for c in COLUMNS) + "\r\n"
