"""Draws the Teams app's two icons: `color.png` and `outline.png`.

    .venv-test/bin/python appPackage/make_icons.py

Teams wants a full-colour icon of 192x192 and an outline of 32x32 that is white on a
transparent background. Both show the same aeroplane, drawn here from a polygon, so the
package carries no borrowed art. Run it after changing the drawing; a test checks that the
icons in the repository are what it draws.
"""

import logging
import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
COLOR_ICON = HERE / "color.png"
OUTLINE_ICON = HERE / "outline.png"
# The manifest's accentColor: Teams shows it behind the outline icon.
ACCENT = (0x1F, 0x5F, 0xBF)
WHITE = (255, 255, 255)
SUPERSAMPLE = 8
logger = logging.getLogger(__name__)

# The right half of an aeroplane seen from above, nose up, in a box from -1 to 1; the left half
# is its mirror image.
HALF_PLANE = [
    (0.0, -1.0),
    (0.07, -0.92),
    (0.1, -0.78),
    (0.1, -0.28),
    (0.96, 0.16),
    (0.96, 0.32),
    (0.1, 0.1),
    (0.08, 0.6),
    (0.36, 0.8),
    (0.36, 0.92),
    (0.05, 0.84),
    (0.0, 0.96),
]


def plane_mask(size: int, span: float, angle: float = 45.0) -> Image.Image:
    """A `size`x`size` greyscale mask of the aeroplane, `span` of the size across, turned
    `angle` degrees clockwise, its edges smoothed by drawing it larger and shrinking it."""
    big = size * SUPERSAMPLE
    outline = HALF_PLANE + [(-x, y) for x, y in reversed(HALF_PLANE[1:-1])]
    turn = math.radians(angle)
    cos, sin = math.cos(turn), math.sin(turn)
    scale = big * span / 2
    points = [
        (big / 2 + scale * (x * cos - y * sin), big / 2 + scale * (x * sin + y * cos))
        for x, y in outline
    ]
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).polygon(points, fill=255)
    return mask.resize((size, size), Image.Resampling.LANCZOS)


def color_icon() -> Image.Image:
    """192x192: a white aeroplane on the accent colour, within Teams' central safe area."""
    icon = Image.new("RGB", (192, 192), ACCENT)
    icon.paste(Image.new("RGB", icon.size, WHITE), mask=plane_mask(192, 0.62))
    return icon


def outline_icon() -> Image.Image:
    """32x32: the aeroplane in white, everything else transparent."""
    icon = Image.new("RGBA", (32, 32), (*WHITE, 0))
    icon.putalpha(plane_mask(32, 0.95))
    return icon


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    color_icon().save(COLOR_ICON, optimize=True)
    outline_icon().save(OUTLINE_ICON, optimize=True)
    logger.info("Wrote %s and %s", COLOR_ICON, OUTLINE_ICON)


if __name__ == "__main__":
    main()
