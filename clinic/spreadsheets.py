"""CSV cells that a spreadsheet opens as text, never as a formula.

A client can write ``=HYPERLINK(...)`` in a note; exported as is, Excel or LibreOffice would
run it when the file is opened (CSV injection). Text starting with a formula character gets
a leading apostrophe, which spreadsheets show as plain text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
