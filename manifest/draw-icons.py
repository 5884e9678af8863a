#!/usr/bin/env python3
"""Draws the app's two Teams icons: color.png (192x192) and outline.png (32x32, white on transparent).

The glyph is a page with three text lines and a round check-mark badge: a customer record that has been approved.
Shapes are defined in a unit square and rasterised with 8x8 supersampling, so the PNGs are anti-aliased without an
image library. The outline icon's partly covered pixels stay pure white and only their alpha varies, as Teams asks.

Run it from the repository root after changing the design, then commit both PNGs:
    python3 manifest/draw-icons.py
"""
import math
import os
import struct
import zlib

ACCENT = (0x0F, 0x6C, 0xBD)  # the manifest's accentColor; keep them equal
BADGE = (0x10, 0x7C, 0x10)
WHITE = (0xFF, 0xFF, 0xFF)

U = 1 / 32  # the geometry sits on the 32 px outline icon's pixel grid, so its straight edges stay sharp there
PAGE = (5 * U, 2 * U, 21 * U, 28 * U)  # left, top, right, bottom
PAGE_RADIUS = 3 * U
STROKE = 2 * U
LINES = [(9 * U, 8 * U, 17 * U, 10 * U), (9 * U, 12 * U, 17 * U, 14 * U), (9 * U, 16 * U, 14 * U, 18 * U)]  # rectangles
BADGE_CENTER = (22 * U, 23 * U)
BADGE_RADIUS = 7 * U
BADGE_GAP = 2 * U
CHECK = [(18.6 * U, 23.2 * U), (21 * U, 25.6 * U), (25.4 * U, 20.8 * U)]
CHECK_WIDTH = 2.2 * U


def rounded_rect_distance(x, y, rect, radius):
    """Signed distance to a rounded rectangle (negative inside)."""
    left, top, right, bottom = rect
    cx, cy = (left + right) / 2, (top + bottom) / 2
    hx, hy = (right - left) / 2 - radius, (bottom - top) / 2 - radius
    dx, dy = abs(x - cx) - hx, abs(y - cy) - hy
    outside = math.hypot(max(dx, 0), max(dy, 0))
    return outside + min(max(dx, dy), 0) - radius


def segment_distance(x, y, a, b):
    ax, ay = a
    bx, by = b
    vx, vy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)))
    return math.hypot(x - (ax + t * vx), y - (ay + t * vy))


def layer(x, y):
    """What covers the point: 'glyph' (white), 'badge' (the badge's fill) or None (background)."""
    badge_distance = math.hypot(x - BADGE_CENTER[0], y - BADGE_CENTER[1])
    if badge_distance <= BADGE_RADIUS:
        check = min(segment_distance(x, y, CHECK[i], CHECK[i + 1]) for i in range(len(CHECK) - 1))
        return "check" if check <= CHECK_WIDTH / 2 else "badge"
    if badge_distance <= BADGE_RADIUS + BADGE_GAP:
        return None
    if abs(rounded_rect_distance(x, y, PAGE, PAGE_RADIUS) + STROKE / 2) <= STROKE / 2:
        return "glyph"
    for x0, y0, x1, y1 in LINES:
        if x0 <= x <= x1 and y0 <= y <= y1:
            return "glyph"
    return None


def coverage(size, glyph_box, samples=8):
    """Per pixel, the share of subsamples in each layer. glyph_box = (offset, extent) of the unit square in pixels."""
    offset, extent = glyph_box
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            counts = {"glyph": 0, "badge": 0, "check": 0}
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples - offset) / extent
                    y = (py + (sy + 0.5) / samples - offset) / extent
                    hit = layer(x, y)
                    if hit:
                        counts[hit] += 1
            total = samples * samples
            row.append({k: v / total for k, v in counts.items()})
        rows.append(row)
    return rows


def png(path, width, height, channels, pixels):
    """Writes 8-bit RGB (channels=3) or RGBA (channels=4) rows as a PNG."""
    color_type = {3: 2, 4: 6}[channels]
    raw = b"".join(b"\x00" + bytes(value for pixel in row for value in pixel) for row in pixels)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def mix(background, layers):
    out = list(background)
    for color, share in layers:
        out = [round(o * (1 - share) + c * share) for o, c in zip(out, color)]
    return tuple(out)


def color_icon(path):
    # Teams' guidance: the symbol sits in the middle 96..120 px of the 192 px tile, on a solid background.
    size = 192
    cells = coverage(size, glyph_box=(36, 120))
    pixels = [[mix(ACCENT, [(WHITE, c["glyph"]), (BADGE, c["badge"]), (WHITE, c["check"])]) for c in row] for row in cells]
    png(path, size, size, 3, pixels)


def outline_icon(path):
    # White lines on transparency; the badge is a white disc with the check mark cut out of it.
    size = 32
    cells = coverage(size, glyph_box=(0, 32))
    pixels = []
    for row in cells:
        line = []
        for c in row:
            alpha = round(255 * (c["glyph"] + c["badge"]))
            line.append((255, 255, 255, alpha) if alpha else (0, 0, 0, 0))
        pixels.append(line)
    png(path, size, size, 4, pixels)


if __name__ == "__main__":
    folder = os.path.dirname(os.path.abspath(__file__))
    color_icon(os.path.join(folder, "color.png"))
    outline_icon(os.path.join(folder, "outline.png"))
    print("wrote", os.path.join(folder, "color.png"), "and", os.path.join(folder, "outline.png"))
