"""Checking what a visitor gives at the gate: a resident ID number, a phone, a vehicle plate.

Resident ID numbers (居民身份证号码, GB 11643-1999): 17 digits (area code, birth date
YYYYMMDD, sequence) and a check character, ISO 7064 MOD 11-2 over the 17 digits, where
10 is written X.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Letters on plates leave out I and O (mistaken for 1 and 0).
_LETTER = "A-HJ-NP-Z"
PLATE_PATTERN = re.compile(
    rf"^[{PROVINCES}][{_LETTER}]"
    rf"(?:[{_LETTER}0-9]{{5}}"  # ordinary plate: 5 characters
    # New-energy plates, 6 characters (GA 36-2018): small cars D/F, then a letter or digit,
    # then 4 digits (京AD12345); large vehicles 5 digits, then D/F (粤B12345F).
    rf"|[DF][{_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[DF]"
    rf"|[{_LETTER}0-9]{{4}}[挂学警])$"
)
PHONE_PATTERN = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_check_character(first17: str) -> str:
    return ID_CHECK_CHARACTERS[
        sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True)) % 11
    ]


def is_valid_id_number(value: str) -> bool:
    """An 18-character resident ID number with a real birth date and a correct check character."""
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > timezone.localdate():
        return False
    return id_check_character(value[:17]) == value[17]


def normalise_plate(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "").replace("·", "").replace("-", "")


def is_valid_plate(value: str) -> bool:
    return bool(PLATE_PATTERN.match(value))


def normalise_phone(value: str) -> str:
    return (value or "").strip().replace(" ", "")


def is_valid_phone(value: str) -> bool:
    return bool(PHONE_PATTERN.match(value))
