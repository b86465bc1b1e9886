"""One spreadsheet row to one clean visitor record, or a reason it cannot be one.

Names and companies are NFKC-normalised and trimmed, phone numbers go through ``phonenumbers``
to E.164 (region CN), visitor types come from the labels people write, consent from 是/否/yes/no.
A row is rejected for no name, for neither a usable phone nor a WeChat id, or for a cell that
cannot be read (an Excel error such as ``#REF!``, or characters lost to a wrong encoding).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from expo.importing.columns import Field, column_letter
from expo.importing.reader import Row
from expo.models import VisitorType
from expo.text.clean import clean_text, clip
from expo.text.phones import normalise_phone
from expo.text.visitor_types import visitor_type_from_label

MAX_LENGTHS = {
    Field.NAME: 64,
    Field.COMPANY: 200,
    Field.WECHAT: 64,
    Field.EMAIL: 200,
    Field.CITY: 64,
    Field.REGISTRATION_NO: 64,
}
_EXCEL_ERRORS = {
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_YES = {"是", "同意", "愿意", "允许", "可以", "y", "yes", "true", "1", "√", "✓", "✔", "ok", "agree"}
_NO = {"否", "不同意", "不愿意", "不允许", "不", "n", "no", "false", "0", "×", "✗", "disagree"}
# What people write in the WeChat column when there is no separate id.
_WECHAT_JUNK = {
    "无",
    "没有",
    "同手机",
    "同电话",
    "同手机号",
    "手机号",
    "-",
    "/",
    "none",
    "n/a",
    "na",
}


_FIELDS = tuple(Field)  # iterating an Enum class is slow; a row needs it 100,000 times


@dataclass(kw_only=True)
class VisitorDetails:
    """What is known of a person: a row's cleaned cells, or a visitor as an import leaves them."""

    name: str
    phone: str | None = None
    wechat: str | None = None
    company: str | None = None
    visitor_type: VisitorType = VisitorType.OTHER
    city: str | None = None
    email: str | None = None
    registration_no: str | None = None
    notes: str | None = None


@dataclass(kw_only=True)
class VisitorRecord(VisitorDetails):
    """A row's visitor, cleaned."""

    row: int
    consent: bool | None = None  # None: the row does not say
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rejection:
    row: int
    reason: str


def _unreadable(row: Row, columns: Mapping[Field, int]) -> str | None:
    for index in columns.values():
        value = row.cells[index] if index < len(row.cells) else None
        if value is None:
            continue
        if value[0] == "#" and value.strip().upper() in _EXCEL_ERRORS:
            where = f"{column_letter(index)}{row.number}"
            return f"cell {where} holds the Excel error {value.strip()}; fix the formula or value"
        if "\ufffd" in value:
            where = f"{column_letter(index)}{row.number}"
            return (
                f"cell {where} has unreadable characters (the file was saved in another "
                "encoding); save it again as UTF-8 CSV or .xlsx"
            )
    return None


def parse_consent(text: str | None) -> bool | None:
    """是/同意/yes/✓ are True, 否/no are False; None when empty or not understood."""
    cleaned = clean_text(text)
    if cleaned is None:
        return None
    lowered = cleaned.lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    return None


def parse_row(row: Row, columns: Mapping[Field, int]) -> VisitorRecord | Rejection:
    """The visitor of one row (with warnings for what was dropped), or why there is none.

    ``columns`` says which column holds each field (``{Field.NAME: 0, ...}``).
    """
    unreadable = _unreadable(row, columns)
    if unreadable is not None:
        return Rejection(row.number, unreadable)
    cells = row.cells
    values: dict[Field, str | None] = dict.fromkeys(_FIELDS)
    for wanted, index in columns.items():
        values[wanted] = clean_text(cells[index]) if index < len(cells) else None

    name = values[Field.NAME]
    if name is None:
        return Rejection(row.number, "no name")
    for wanted, limit in MAX_LENGTHS.items():
        value = values[wanted]
        if value is not None and len(value) > limit and wanted in (Field.NAME, Field.COMPANY):
            return Rejection(
                row.number, f"{wanted.value} is longer than {limit} characters; shorten it"
            )

    record = VisitorRecord(row=row.number, name=name)
    raw_phone = values[Field.PHONE]
    record.phone = normalise_phone(raw_phone) if raw_phone else None
    wechat = values[Field.WECHAT]
    if wechat is not None:
        wechat = "".join(wechat.split())
        if wechat.lower() in _WECHAT_JUNK:
            wechat = None
        elif wechat.isdigit() and normalise_phone(wechat) is not None and record.phone is None:
            # "微信同手机": a mobile number in the WeChat column is also the phone.
            record.phone = normalise_phone(wechat)
    if wechat is not None and len(wechat) > MAX_LENGTHS[Field.WECHAT]:
        record.warnings.append("WeChat id longer than 64 characters was left out")
        wechat = None
    record.wechat = wechat
    if record.phone is None and record.wechat is None:
        if raw_phone:
            return Rejection(
                row.number,
                f"phone {clip(raw_phone)!r} is not a valid number and there is no WeChat id",
            )
        return Rejection(row.number, "no phone number or WeChat id")
    if raw_phone and record.phone is None:
        record.warnings.append(
            f"phone {clip(raw_phone)!r} is not a valid number; kept the WeChat id"
        )

    record.company = values[Field.COMPANY]
    label = values[Field.VISITOR_TYPE]
    if label is not None:
        found = visitor_type_from_label(label)
        if found is None:
            record.warnings.append(f"unknown visitor type {clip(label)!r}, filed as other")
        else:
            record.visitor_type = found
    record.city = _limited(record, values, Field.CITY)
    email = _limited(record, values, Field.EMAIL)
    if email is not None and not _EMAIL.match(email):
        record.warnings.append(f"email {clip(email)!r} is not an email address and was left out")
        email = None
    record.email = email
    registration_no = values[Field.REGISTRATION_NO]
    record.registration_no = "".join(registration_no.split()) if registration_no else None
    record.registration_no = _limited(
        record, {Field.REGISTRATION_NO: record.registration_no}, Field.REGISTRATION_NO
    )
    consent_text = values[Field.CONSENT]
    record.consent = parse_consent(consent_text)
    if consent_text is not None and record.consent is None:
        record.warnings.append(f"consent {clip(consent_text)!r} not understood, taken as no")
    record.notes = values[Field.NOTES]
    return record


def _limited(
    record: VisitorRecord, values: Mapping[Field, str | None], wanted: Field
) -> str | None:
    value = values[wanted]
    limit = MAX_LENGTHS[wanted]
    if value is not None and len(value) > limit:
        record.warnings.append(f"{wanted.value} longer than {limit} characters was left out")
        return None
    return value
