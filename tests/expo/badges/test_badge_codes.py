"""Signed badge codes: compact, verifiable offline, refusing every kind of tampering."""

from __future__ import annotations

import string

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st

from expo.badges.codes import (
    decode_number,
    encode_number,
    looks_like_code,
    make_code,
    normalise_scan,
    verify_code,
)

KEY = bytes.fromhex("11" * 32)
OTHER_KEY = bytes.fromhex("22" * 32)


@given(st.integers(min_value=0, max_value=32**7 - 1))
def test_numbers_round_trip_through_base32(value: int) -> None:
    assert decode_number(encode_number(value)) == value


@given(st.integers(min_value=1, max_value=10_000_000), st.integers(min_value=1, max_value=500))
def test_a_code_verifies_to_its_visitor_and_serial(visitor_id: int, serial: int) -> None:
    code = make_code(KEY, visitor_id, serial)
    decoded = verify_code(KEY, code)
    assert decoded is not None
    assert (decoded.visitor_id, decoded.serial) == (visitor_id, serial)


def test_a_code_for_200000_visitors_fits_a_version_2_qr_at_level_m() -> None:
    code = make_code(KEY, 200_000, 1)
    assert code.startswith("EXPO1.") and len(code) <= 30
    assert set(code) <= set(string.ascii_uppercase + string.digits + " $%*+-./:")  # alnum mode
    barcode = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    assert barcode.ec_level == "M"
    assert barcode.to_image(scale=1, add_quiet_zones=False).shape[0] == 25  # version 2


def test_every_single_character_typo_is_refused() -> None:
    code = make_code(KEY, 4711, 1)
    alphabet = string.ascii_uppercase + "234567."
    refused = 0
    for position, original in enumerate(code):
        for replacement in alphabet:
            if replacement == original:
                continue
            typo = code[:position] + replacement + code[position + 1 :]
            assert verify_code(KEY, typo) is None, typo
            refused += 1
    assert refused == sum(len(alphabet) - (char in alphabet) for char in code)


def test_a_code_signed_with_another_key_is_forged() -> None:
    assert verify_code(KEY, make_code(OTHER_KEY, 4711, 1)) is None


def test_an_edited_visitor_or_serial_keeps_no_valid_mac() -> None:
    code = make_code(KEY, 4711, 1)
    prefix, visitor, serial, mac = code.split(".")
    other_visitor = make_code(KEY, 4712, 1).split(".")[1]
    assert verify_code(KEY, f"{prefix}.{other_visitor}.{serial}.{mac}") is None
    assert verify_code(KEY, f"{prefix}.{visitor}.C.{mac}") is None
    # The same number spelled with a leading zero digit is not the badge's code either.
    assert verify_code(KEY, f"{prefix}.A{visitor}.{serial}.{mac}") is None


@pytest.mark.parametrize("cut", [1, 5, 16, 17, 20, 25])
def test_a_truncated_code_is_refused_and_still_recognised_as_a_code(cut: int) -> None:
    code = make_code(KEY, 4711, 1)
    truncated = code[: len(code) - cut]
    assert verify_code(KEY, truncated) is None
    assert looks_like_code(truncated)


def test_empty_and_garbage_are_refused() -> None:
    for text in ("", ".", "EXPO1...", "EXPO1.B.B.", "hello world", "EXPO2.B.B.AAAAAAAAAAAAAAAA"):
        assert verify_code(KEY, text) is None


def test_full_width_input_from_a_chinese_ime_is_folded_back() -> None:
    code = make_code(KEY, 4711, 1)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c != "." else "。" for c in code)
    assert full_width != code
    assert normalise_scan(f" {full_width}\t\r\n") == code
    assert verify_code(KEY, normalise_scan(full_width)) is not None


def test_a_scanner_with_caps_lock_on_still_checks_in() -> None:
    code = make_code(KEY, 4711, 1)
    assert verify_code(KEY, code.lower()) is not None


def test_registration_numbers_keep_their_case_through_normalisation() -> None:
    assert normalise_scan("ｆｄ２６-0001") == "fd26-0001"
    assert not looks_like_code("FD260000017")


@given(st.integers(min_value=1, max_value=32**6), st.integers(min_value=1, max_value=40))
def test_the_merged_qr_rectangles_cover_exactly_the_dark_modules(
    visitor_id: int, serial: int
) -> None:
    import numpy as np

    from expo.badges.qr import qr_matrix

    code = make_code(KEY, visitor_id, serial)
    matrix = qr_matrix(code)
    covered = np.zeros((matrix.size, matrix.size), dtype=int)
    for x, y, width, height in matrix.rects:
        covered[y : y + height, x : x + width] += 1
    reference = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    dark = np.asarray(reference.to_image(scale=1, add_quiet_zones=False)) == 0
    assert covered.max() == 1  # no overlaps
    assert ((covered == 1) == dark).all()
    assert len(matrix.rects) < dark.sum() / 2  # merged: far fewer rectangles than modules
