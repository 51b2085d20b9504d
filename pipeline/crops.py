"""Page crops for the review queue: the region around a flagged value, its box highlighted."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from .read import render_page
from .records import Page

CROP_DPI = 150


def page_image(path: Path, page: Page) -> Image.Image:
    """The page as the OCR stage saw it (upright, deskewed), so boxes line up."""
    image = render_page(path, page.number - 1, CROP_DPI).convert("RGB")
    if page.source == "ocr":
        # image files come at their own resolution; bring them to CROP_DPI of the page size
        want = (max(1, int(page.width * CROP_DPI / 72)), max(1, int(page.height * CROP_DPI / 72)))
        if page.rotation:
            image = image.rotate(-page.rotation, expand=True, fillcolor=(255, 255, 255))
        if image.size != want:
            image = image.resize(want)
        if page.skew:
            image = image.rotate(page.skew, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    return image


def crop(image: Image.Image, bbox, margin_pt: float = 40.0) -> Image.Image:
    k = CROP_DPI / 72.0
    x0, y0, x1, y1 = (v * k for v in bbox)
    m = margin_pt * k
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    # a box outside the page image (a broken page box) still gives a crop, clamped to the image
    left = min(max(0, int(x0 - 3 * m)), max(0, image.width - 1))
    top = min(max(0, int(y0 - m)), max(0, image.height - 1))
    box = (left, top, max(left + 1, min(image.width, int(x1 + 3 * m))), max(top + 1, min(image.height, int(y1 + m))))
    out = image.crop(box).copy()
    draw = ImageDraw.Draw(out)
    draw.rectangle((x0 - box[0] - 2, y0 - box[1] - 2, x1 - box[0] + 2, y1 - box[1] + 2), outline=(220, 30, 30),
                   width=3)
    return out


def write_crops(path: Path, pages: list[Page], items, out_dir: Path) -> None:
    """Write one PNG per review item with a box, named by its review id; sets item.crop (relative
    to out_dir)."""
    by_page: dict[int, list] = {}
    for item in items:
        if item.bbox and item.page:
            by_page.setdefault(item.page, []).append(item)
    if not by_page:
        return
    folder = out_dir / "crops"
    folder.mkdir(parents=True, exist_ok=True)
    pages_by_no = {p.number: p for p in pages}
    for number, group in by_page.items():
        page = pages_by_no.get(number)
        if page is None:
            continue
        try:
            image = page_image(path, page)
        except Exception:
            continue  # a crop is a convenience; its failure must not fail the document
        for item in group:
            name = f"{item.review_id}.png"
            crop(image, item.bbox).save(folder / name)
            item.crop = f"crops/{name}"
