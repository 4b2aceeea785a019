#!/usr/bin/env python3
"""Generates the web app's PNG icons (static/icons/) from ../icons/icon.png.

Needs Pillow (Debian: apt-get install python3-pil). Run from client-ui/:
    python3 scripts/pwa-icons.py
"""
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "icons" / "icon.png"
OUT = ROOT / "static" / "icons"
ACCENT = (88, 101, 242, 255)  # the icon's own blue (--accent)


def save(image: Image.Image, name: str) -> None:
    image.save(OUT / name, optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon = Image.open(SOURCE).convert("RGBA")
    for size in (192, 512):
        save(icon.resize((size, size), Image.LANCZOS), f"icon-{size}.png")

    # Maskable: the blue fills the whole square (masks cut the corners); the bubble
    # already lies inside the central 80% safe zone.
    full = Image.new("RGBA", icon.size, ACCENT)
    full.alpha_composite(icon)
    save(full.resize((512, 512), Image.LANCZOS), "icon-maskable-512.png")
    # iOS rounds the corners itself and shows transparency as black.
    save(full.convert("RGB").resize((180, 180), Image.LANCZOS), "apple-touch-icon.png")

    # Notification badge (Android): a white silhouette on transparency; only alpha counts.
    badge = Image.new("RGBA", icon.size, (255, 255, 255, 0))
    pixels = icon.load()
    out = badge.load()
    for y in range(icon.height):
        for x in range(icon.width):
            r, g, b, a = pixels[x, y]
            # White (the bubble) is opaque, the blue (min channel 88) transparent.
            whiteness = max(0, min(r, g, b) - ACCENT[0]) * 255 // (255 - ACCENT[0])
            out[x, y] = (255, 255, 255, whiteness * a // 255)
    save(badge.resize((96, 96), Image.LANCZOS), "badge-96.png")


if __name__ == "__main__":
    main()
