"""The optional drawn signature: only a small PNG, or a plain SVG of strokes, as a data URL."""
from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET

from .errors import SignoffError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The pad draws 600 x 180; this leaves room for a sharper pad, and refuses a few-KB PNG that
# claims enough pixels to exhaust the memory of whoever opens the receipt or the register.
MAX_PNG_SIZE = (2400, 1200)
DATA_URL = re.compile(r"^data:(image/png|image/svg\+xml)(;base64)?,(.*)$", re.S)
SVG_NS = "{http://www.w3.org/2000/svg}"
# Drawing elements and their geometry/style attributes; anything else (script, links, events,
# foreignObject, external references) is refused rather than cleaned.
SVG_ELEMENTS = {"svg", "g", "path", "polyline", "line", "rect", "desc", "title"}
SVG_ATTRIBUTES = {"xmlns", "width", "height", "viewBox", "version", "d", "points", "x", "y", "x1", "y1", "x2",
                  "y2", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "transform"}


class InvalidDrawing(SignoffError):
    pass


def check_drawing(value: str, max_bytes: int) -> str | None:
    """The data URL to store, None when nothing was drawn; InvalidDrawing says what is wrong."""
    value = (value or "").strip()
    if not value:
        return None
    match = DATA_URL.match(value)
    if not match:
        raise InvalidDrawing("the drawn signature must be a PNG or SVG image (a data: URL)")
    mime, is_base64, payload = match.groups()
    if len(payload) > max_bytes * 2:
        raise InvalidDrawing(f"the drawn signature is larger than {max_bytes // 1024} KB")
    try:
        raw = base64.b64decode(payload, validate=True) if is_base64 else payload.encode("utf-8")
    except (binascii.Error, ValueError):
        raise InvalidDrawing("the drawn signature is not valid base64 data") from None
    if len(raw) > max_bytes:
        raise InvalidDrawing(f"the drawn signature is larger than {max_bytes // 1024} KB")
    if mime == "image/png":
        _check_png(raw)
        return value
    _check_svg(raw)
    return value


def _check_png(raw: bytes) -> None:
    # The first chunk of every PNG is IHDR: 4 bytes length, b"IHDR", then width and height.
    if not raw.startswith(PNG_MAGIC) or raw[12:16] != b"IHDR" or len(raw) < 24:
        raise InvalidDrawing("the drawn signature says it is a PNG but is not one")
    width, height = int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
    if not (0 < width <= MAX_PNG_SIZE[0] and 0 < height <= MAX_PNG_SIZE[1]):
        raise InvalidDrawing(f"the drawn signature is {width} x {height} pixels; at most "
                             f"{MAX_PNG_SIZE[0]} x {MAX_PNG_SIZE[1]} is accepted")


def _check_svg(raw: bytes) -> None:
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise InvalidDrawing("the drawn signature SVG may not declare a DOCTYPE or entities")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError:
        raise InvalidDrawing("the drawn signature is not a well-formed SVG image") from None
    if root.tag.removeprefix(SVG_NS) != "svg":
        raise InvalidDrawing("the drawn signature is not an SVG image")
    for element in root.iter():
        tag = element.tag.removeprefix(SVG_NS)
        if tag not in SVG_ELEMENTS:
            raise InvalidDrawing(f"the drawn signature SVG may only contain strokes, not <{tag}>")
        for attribute in element.attrib:
            if attribute not in SVG_ATTRIBUTES:
                raise InvalidDrawing(f"the drawn signature SVG may not use the attribute {attribute!r}")
