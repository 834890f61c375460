"""Answers as a CSV file that spreadsheets open safely and read correctly.

- A UTF-8 byte-order mark first: Excel on Windows reads a CSV without one in the machine's
  legacy code page, which garbles every non-Latin answer ("שלום 🌱" becomes "×©×œ×•×..."). With
  it, Excel, LibreOffice and Google Sheets all read UTF-8; Python reads it back with
  `encoding="utf-8-sig"`.
- Every field quoted: where the list separator is `;` (most of continental Europe), a
  spreadsheet splits an unquoted `calm;=cmd|' /C calc'!A0` into a second cell that is a
  formula. Inside quotes a separator is text, whichever separator the reader uses.
- Formula cells defused (OWASP ASVS V1.2.10): a cell whose first non-blank character is `=`,
  `+`, `-`, `@`, tab or CR gets a leading `'`, which spreadsheets take as "this is text".
  Leading blanks do not hide a formula (some importers trim them). A plain negative number
  ("-2", "-0.5") is not a formula and stays as it is, so it is still a number.
"""

from __future__ import annotations

import csv
import io
import re

BYTE_ORDER_MARK = "\ufeff"
# A mood answer's two numbers go in a column each (`value` stays empty on its row); other
# kinds leave those two columns empty. A feelings answer gives one row per chosen feeling.
COLUMNS = [
    "respondent",
    "prompt_id",
    "question",
    "kind",
    "value",
    "seconds",
    "hidden",
    "pleasantness",
    "energy",
]
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(\.[0-9]+)?")


def csv_cell(value) -> str:
    """A value as the text of a CSV cell, with a leading `'` if it would run as a formula."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if _PLAIN_NEGATIVE_NUMBER.fullmatch(text):
        return text
    if text.lstrip(" \u00a0").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def answers_csv(rows: list[dict]) -> str:
    """The export's answer rows (`Reports.export`) as CSV text: BOM, header, one row each."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        # The feelings a person chose take a row each, so a spreadsheet counts them directly.
        values = row["value"] if isinstance(row["value"], list) else [row["value"]]
        for value in values:
            writer.writerow([csv_cell(cell) for cell in _cells({**row, "value": value})])
    return out.getvalue()


def _cells(row: dict) -> list:
    """One export row's cells in `COLUMNS` order; a mood answer's axes in their own columns."""
    value = row["value"]
    axes = {"pleasantness": "", "energy": ""}
    if isinstance(value, dict):
        axes = {axis: value.get(axis, "") for axis in axes}
        value = ""
    return [value if column == "value" else axes.get(column, row.get(column)) for column in COLUMNS]
