#!/usr/bin/env python3
"""Draws the app icons (icons/*.png, RGBA) with the standard library only:
a rounded blue square with a white speech bubble holding three dots.
Run from the repository root: python3 scripts/make-icons.py"""
import struct
import zlib
from pathlib import Path

BLUE = (88, 101, 242, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def inside_rounded(x, y, x0, y0, x1, y1, r):
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def pixel(u, v):
    """Colour at (u, v) in a 1.0 x 1.0 canvas."""
    if not inside_rounded(u, v, 0.03, 0.03, 0.97, 0.97, 0.21):
        return CLEAR
    for cx in (0.37, 0.5, 0.63):
        if (u - cx) ** 2 + (v - 0.46) ** 2 <= 0.05 ** 2:
            return BLUE
    bubble = inside_rounded(u, v, 0.22, 0.27, 0.78, 0.65, 0.1)
    # The tail: a triangle below the bubble's left side.
    tail = 0.62 <= v <= 0.8 and 0.32 <= u <= 0.32 + (0.8 - v) * 0.9
    return WHITE if bubble or tail else BLUE


def png(size, path):
    rows = []
    samples = 3  # 3x3 supersampling for smooth edges
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(samples):
                for sx in range(samples):
                    c = pixel((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size)
                    for i in range(3):
                        acc[i] += c[i] * c[3]
                    acc[3] += c[3]
            a = acc[3] / samples**2
            rgb = [int(acc[i] / acc[3]) if acc[3] else 0 for i in range(3)]
            row += bytes(rgb + [int(a)])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    Path(path).write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    out = Path("icons")
    out.mkdir(exist_ok=True)
    for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
        png(size, out / name)
        print("wrote", out / name)
