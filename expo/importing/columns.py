"""Which column holds what: headers in Chinese or English mapped to visitor fields.

Partners name columns 姓名 / 联系人 / Name, 手机 / 手机号 / 电话 / Mobile / Phone, 公司 / 单位 /
Company, 微信 / 微信号 / WeChat ... with stars for required fields, notes in brackets, full-width
letters and stray spaces. A header is cleaned (NFKC, lowercase, brackets and punctuation
dropped) and matched whole against each field's words first, then by the words it contains,
in an order where the more specific field wins: 联系人电话 is a phone, Company Name a company,
公司类型 a visitor type, 是否同意展商联系 consent. Each field takes at most one column: the
best-matching, then the first.

The person importing can override any of it (``--mapping '{"联系方式": "phone"}'`` or the GUI's
preview), by header text or by column letter (``"C"``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from enum import StrEnum

from expo.errors import ExpoError
from expo.text.clean import clip


class Field(StrEnum):
    NAME = "name"
    PHONE = "phone"
    COMPANY = "company"
    WECHAT = "wechat"
    VISITOR_TYPE = "type"
    CITY = "city"
    EMAIL = "email"
    REGISTRATION_NO = "registration_no"
    CONSENT = "consent"
    NOTES = "notes"


FIELD_LABELS: dict[Field, str] = {
    Field.NAME: "姓名 Name",
    Field.PHONE: "手机 Phone",
    Field.COMPANY: "公司 Company",
    Field.WECHAT: "微信 WeChat",
    Field.VISITOR_TYPE: "类型 Type",
    Field.CITY: "城市 City",
    Field.EMAIL: "邮箱 Email",
    Field.REGISTRATION_NO: "登记号 Registration No.",
    Field.CONSENT: "同意 Consent",
    Field.NOTES: "备注 Notes",
}

# Checked in this order: a header holding words of two fields belongs to the earlier one.
_WORDS: tuple[tuple[Field, tuple[str, ...]], ...] = (
    (
        Field.REGISTRATION_NO,
        (
            "登记号",
            "预登记码",
            "登记码",
            "预登记号",
            "报名号",
            "报名编号",
            "注册号",
            "参观码",
            "票号",
            "编号",
            "registrationno",
            "registrationnumber",
            "registrationcode",
            "registrationid",
            "regno",
            "ticketno",
            "ticket",
        ),
    ),
    (Field.WECHAT, ("微信号", "微信", "wechatid", "wechat", "weixin", "wxid", "vx")),
    (Field.EMAIL, ("电子邮箱", "电子邮件", "邮箱", "邮件", "email", "mail")),
    (
        Field.CONSENT,
        (
            "是否同意",
            "同意分享",
            "同意",
            "授权",
            "consent",
            "optin",
            "agree",
            "gdpr",
        ),
    ),
    (
        Field.PHONE,
        (
            "手机号码",
            "手机号",
            "手机",
            "联系电话",
            "电话号码",
            "电话",
            "联系方式",
            "mobilephone",
            "mobileno",
            "mobile",
            "cellphone",
            "cell",
            "phonenumber",
            "phoneno",
            "phone",
            "telephone",
            "tel",
        ),
    ),
    (
        Field.VISITOR_TYPE,
        (
            "观众类型",
            "客户类型",
            "身份类型",
            "买家类型",
            "类型",
            "类别",
            "身份",
            "visitortype",
            "buyertype",
            "category",
            "type",
        ),
    ),
    (Field.CITY, ("所在城市", "城市", "所在地", "地区", "省市", "city", "location", "region")),
    (
        Field.COMPANY,
        (
            "公司名称",
            "公司",
            "单位名称",
            "单位",
            "企业名称",
            "企业",
            "店铺名称",
            "店铺",
            "店名",
            "机构",
            "company",
            "organisation",
            "organization",
            "employer",
            "shop",
            "store",
            "business",
        ),
    ),
    (
        Field.NAME,
        (
            "观众姓名",
            "姓名",
            "名字",
            "联系人",
            "参观人",
            "真实姓名",
            "fullname",
            "name",
            "contactperson",
            "contact",
            "visitor",
            "attendee",
        ),
    ),
    (Field.NOTES, ("备注", "说明", "留言", "notes", "note", "remarks", "remark", "comment")),
)
_EXACT: dict[str, Field] = {}
for _field, _words in _WORDS:
    for _word in _words:
        _EXACT.setdefault(_word, _field)

# Bracketed notes ("手机(必填)", "Phone [required]") say nothing about the field.
_BRACKETED = re.compile(r"[(\[{（【「『<《].*?[)\]}）】」』>》]")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")


class MappingError(ExpoError):
    """A column mapping given by the user cannot be applied."""


def normalise_header(header: str | None) -> str:
    """``" 手机号码(必填)* "`` gives ``手机号码``; ``"Mobile Phone"`` gives ``mobilephone``."""
    if not header:
        return ""
    text = unicodedata.normalize("NFKC", header).lower()
    text = _BRACKETED.sub("", text)
    return _NOT_WORD.sub("", text)


def field_for_header(header: str | None) -> tuple[Field | None, int]:
    """The field a header names, with a score: 2 for the whole header, 1 for a word in it."""
    text = normalise_header(header)
    if not text:
        return None, 0
    exact = _EXACT.get(text)
    if exact is not None:
        return exact, 2
    for field, words in _WORDS:
        # Short Latin words inside other words mean nothing ("tel" in "hotel", "vx" anywhere).
        if any(word in text for word in words if not word.isascii() or len(word) >= 4):
            return field, 1
    return None, 0


def map_headers(headers: Sequence[str | None]) -> dict[int, Field]:
    """Column index to field, each field at most once: whole-header matches first, then left."""
    candidates: list[tuple[int, int, Field]] = []
    for index, header in enumerate(headers):
        field, score = field_for_header(header)
        if field is not None:
            candidates.append((-score, index, field))
    mapping: dict[int, Field] = {}
    taken: set[Field] = set()
    for _, index, field in sorted(candidates):
        if field not in taken:
            mapping[index] = field
            taken.add(field)
    return dict(sorted(mapping.items()))


def column_letter(index: int) -> str:
    """0 gives A, 25 gives Z, 26 gives AA: how Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def find_header_row(rows: Sequence[tuple[int, Sequence[str | None]]], look_at: int = 10) -> int:
    """Index (in ``rows``) of the header: among the first non-blank rows, the one naming most
    fields (a title row such as "2026 工厂直采节 预登记名单" above it is skipped)."""
    best_index, best_score = 0, -1
    seen = 0
    for index, (_, cells) in enumerate(rows):
        if all(cell is None for cell in cells):
            continue
        seen += 1
        score = len(map_headers(cells))
        if score > best_score:
            best_index, best_score = index, score
        if seen >= look_at:
            break
    return best_index


def parse_mapping_override(text: str | Mapping[str, object]) -> dict[str, Field | None]:
    """``{"header or column letter": "field" or null}`` from JSON; null ignores the column."""
    if isinstance(text, str):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(
                f"--mapping is not valid JSON ({exc.msg}); write it like "
                '\'{"联系方式": "phone", "备注": null}\'.'
            ) from exc
    else:
        data = dict(text)
    if not isinstance(data, dict):
        raise MappingError('--mapping must be a JSON object like {"联系方式": "phone"}.')
    choices = ", ".join(f.value for f in Field)
    result: dict[str, Field | None] = {}
    for key, value in data.items():
        if value is None or value == "":
            result[str(key)] = None
            continue
        try:
            result[str(key)] = Field(str(value).strip().lower())
        except ValueError as exc:
            raise MappingError(
                f"--mapping: {value!r} (for column {key!r}) is not a field; use one of {choices} "
                "or null to ignore the column."
            ) from exc
    return result


def apply_override(
    headers: Sequence[str | None],
    automatic: Mapping[int, Field],
    override: Mapping[str, Field | None],
) -> dict[int, Field]:
    """The automatic mapping with the user's choices on top; a field chosen for a column leaves
    the column it was automatically on."""
    mapping = dict(automatic)
    cleaned = [(header or "").strip() for header in headers]
    normalised = [normalise_header(header) for header in headers]
    for key, field in override.items():
        index = _column_for(key, cleaned, normalised)
        if index is None:
            shown = ", ".join(clip(h) for h in cleaned[:30] if h) or "none"
            raise MappingError(
                f"--mapping names column {clip(key)!r}, but the file has no such column "
                f"(its headers: {shown}). Use a header as written or a column letter (A, B ...)."
            )
        if field is None:
            mapping.pop(index, None)
            continue
        for other, other_field in list(mapping.items()):
            if other_field == field and other != index:
                del mapping[other]
        mapping[index] = field
    return dict(sorted(mapping.items()))


def _column_for(key: str, cleaned: Sequence[str], normalised: Sequence[str]) -> int | None:
    text = key.strip()
    if text in cleaned:
        return cleaned.index(text)
    folded = normalise_header(text)
    if folded and folded in normalised:
        return normalised.index(folded)
    if re.fullmatch(r"[A-Za-z]{1,3}", text):
        letters = text.upper()
        for index in range(len(cleaned)):
            if column_letter(index) == letters:
                return index
    return None
