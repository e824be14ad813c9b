"""CSV written from numpy arrays without a Python object per row or per cell.

Each column becomes a matrix of ASCII bytes (one row per record) with a mask of the bytes
that are really there; the columns are laid side by side with commas, and the masked bytes
taken in row order are the file. Millions of rows are written in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import numpy as np

#: A column as text: (bytes, mask), both of shape (rows, width).
Field = tuple[np.ndarray[Any, np.dtype[np.uint8]], np.ndarray[Any, np.dtype[np.bool_]]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]

_ZERO = ord("0")
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. /&'()")


def labels_table(labels: Sequence[str]) -> Field:
    """The bytes of a small set of labels (codes, ids, months), one row each."""
    for label in labels:
        if not label or not set(label) <= _SAFE:
            raise ValueError(f"label {label!r} needs CSV quoting: not written by csvfast")
    width = max(len(label) for label in labels)
    table = np.array([label.encode("ascii") for label in labels], dtype=f"S{width}")
    chars = table.view(np.uint8).reshape(len(labels), width)
    return chars, chars != 0


def labels(codes: IntArray, table: Field) -> Field:
    """A column of labels, row ``k`` being ``table``'s row ``codes[k]``."""
    chars, mask = table
    return chars[codes], mask[codes]


def _digits(values: IntArray) -> Field:
    """Non-negative integers as decimal digits without leading zeros (0 is "0")."""
    top = int(np.max(values, initial=0))
    width = len(str(top))
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (values[:, None] // powers) % 10
    mask = np.logical_or.accumulate(digits != 0, axis=1)
    mask[:, -1] = True
    return (digits + _ZERO).astype(np.uint8), mask


def integers(values: IntArray) -> Field:
    """Whole numbers, with a minus sign where negative."""
    chars, mask = _digits(np.abs(values))
    sign = np.full((values.shape[0], 1), ord("-"), dtype=np.uint8)
    return np.hstack([sign, chars]), np.hstack([(values < 0)[:, None], mask])


def decimals(values: FloatArray, places: int) -> Field:
    """Numbers rounded to ``places`` decimals, trailing zeros dropped ("2.5", "3"); NaN is
    an empty cell."""
    missing = np.isnan(values)
    scaled = np.rint(np.where(missing, 0.0, values) * 10.0**places).astype(np.int64)
    whole, frac = np.divmod(np.abs(scaled), 10**places)
    int_chars, int_mask = _digits(whole)
    n = values.shape[0]
    if places:
        powers = 10 ** np.arange(places - 1, -1, -1, dtype=np.int64)
        frac_digits = (frac[:, None] // powers) % 10
        # keep a fraction digit when it or any digit after it is not zero
        frac_mask = np.logical_or.accumulate((frac_digits != 0)[:, ::-1], axis=1)[:, ::-1]
        frac_chars = (frac_digits + _ZERO).astype(np.uint8)
    else:
        frac_chars = np.zeros((n, 0), dtype=np.uint8)
        frac_mask = np.zeros((n, 0), dtype=np.bool_)
    sign = np.full((n, 1), ord("-"), dtype=np.uint8)
    dot = np.full((n, 1), ord("."), dtype=np.uint8)
    chars = np.hstack([sign, int_chars, dot, frac_chars])
    has_fraction = frac_mask[:, :1] if places else np.zeros((n, 1), dtype=np.bool_)
    mask = np.hstack([(scaled < 0)[:, None], int_mask, has_fraction, frac_mask])
    mask[missing] = False
    return chars, mask


def write_rows(out: IO[bytes], fields: Sequence[Field]) -> int:
    """Write the fields side by side as CSV records; return the bytes written."""
    if not fields or fields[0][0].shape[0] == 0:
        return 0
    n = fields[0][0].shape[0]
    width = sum(chars.shape[1] + 1 for chars, _ in fields)
    chars = np.empty((n, width), dtype=np.uint8)
    mask = np.ones((n, width), dtype=np.bool_)
    at = 0
    for field_chars, field_mask in fields:
        w = field_chars.shape[1]
        chars[:, at : at + w] = field_chars
        mask[:, at : at + w] = field_mask
        chars[:, at + w] = ord(",")
        at += w + 1
    chars[:, -1] = ord("\n")  # the last comma ends the record
    data = chars[mask].tobytes()
    out.write(data)
    return len(data)
