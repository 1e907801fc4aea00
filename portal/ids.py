"""Ids that come from a form or a query string, read once and safely.

A value is an id when it is a whole number a database key can hold; anything else (letters,
'²' that str.isdigit() accepts and int() refuses, a number beyond 2**63) is not, and is
reported or dropped by the caller — never turned into a server error.
"""

import re

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """The id the value stands for, or None when it stands for none."""
    text = str(value).strip() if value is not None else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """The ids among the values, in order, without repeats; the rest is dropped."""
    seen: dict[int, None] = {}
    for value in values:
        number = parse_id(value)
        if number is not None:
            seen.setdefault(number)
    return list(seen)
