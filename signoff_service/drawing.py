"""The optional drawn signature: only a PNG (what the drawing pad makes), as a base64 data URL,
decoded and bounded before anything is stored."""
from __future__ import annotations

import base64
import binascii

from .errors import SignoffError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PREFIX = "data:image/png;base64,"
# The pad draws 600 x 180; this leaves room for a sharper pad, and refuses a few-KB PNG that
# claims enough pixels to exhaust the memory of whoever opens the receipt or the register.
MAX_PNG_SIZE = (2400, 1200)


class InvalidDrawing(SignoffError):
    """A drawn signature that is not a small PNG."""


def check_drawing(value: str, max_bytes: int) -> str | None:
    """The data URL to store (re-encoded from the decoded PNG), None when nothing was drawn;
    InvalidDrawing says what is wrong. Anything else (SVG, percent-encoded data) is refused."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.startswith(PREFIX):
        raise InvalidDrawing("the drawn signature must be a PNG image (as the drawing pad makes)")
    payload = value[len(PREFIX):]
    if len(payload) > (max_bytes + 2) // 3 * 4:  # checked before decoding: base64 is 4 characters per 3 bytes
        raise InvalidDrawing(f"the drawn signature is larger than {max_bytes // 1024} KB")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidDrawing("the drawn signature is not valid base64 data") from None
    if len(raw) > max_bytes:
        raise InvalidDrawing(f"the drawn signature is larger than {max_bytes // 1024} KB")
    _check_png(raw)
    return PREFIX + base64.b64encode(raw).decode("ascii")


def _check_png(raw: bytes) -> None:
    # The first chunk of every PNG is IHDR: 4 bytes length, b"IHDR", then width and height.
    if not raw.startswith(PNG_MAGIC) or raw[12:16] != b"IHDR" or len(raw) < 24:
        raise InvalidDrawing("the drawn signature says it is a PNG but is not one")
    width, height = int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
    if not (0 < width <= MAX_PNG_SIZE[0] and 0 < height <= MAX_PNG_SIZE[1]):
        raise InvalidDrawing(f"the drawn signature is {width} x {height} pixels; at most "
                             f"{MAX_PNG_SIZE[0]} x {MAX_PNG_SIZE[1]} is accepted")
