#!/usr/bin/env python3
"""Writes the hostile-input corpus: broken, enormous, encrypted and strange files (deterministic).

    python tests/hostile/make_corpus.py DIR          # write the corpus into DIR
    python tests/hostile/make_corpus.py --readme     # print the README table
    python tests/hostile/make_corpus.py --check      # build, run the pipeline, compare with the table

Nothing big is committed: `tests/test_hostile.py` builds the corpus into a temporary folder at
test time. Every case says what the pipeline must do with it (`read`, or `failed` with an error
that contains a given text); the README table is generated from the same list.

Only the standard library, Pillow and reportlab are used, so the corpus builds wherever the
test suite runs; PDFs with odd structure (object streams, JBIG2, CCITT, loops, bombs) are
written by hand with `RawPdf` below.
"""
from __future__ import annotations

import io
import os
import stat
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Union

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

LINES = [
    "Landeshauptstadt Dresden",
    "Der Stadtrat hat in seiner Sitzung am 31.03.2022 beschlossen,",
    "die Partnerschaft mit der Stadt Chmelnyzkyj zu vertiefen.",
    "Der Oberbürgermeister wird beauftragt, einen Bericht vorzulegen.",
]
SCAN_LINES = ["Stadtrat Dresden", "Beschluss vom 31.03.2022"]


# ---------------------------------------------------------------- raw PDF writing

def _pdf_str(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_content(lines: list[str] = LINES, x: int = 56, y: int = 780, size: int = 11) -> bytes:
    out = [b"BT", f"/F1 {size} Tf {x} {y} Td {size + 5} TL".encode()]
    for ln in lines:
        out.append(_pdf_str(ln) + b" Tj T*")
    out.append(b"ET")
    return b"\n".join(out)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


class RawPdf:
    """A minimal PDF writer: numbered objects, classic xref table or xref stream + object streams."""

    def __init__(self) -> None:
        self.objects: dict[int, bytes] = {}
        self.streams: dict[int, tuple[bytes, bytes]] = {}  # num -> (dict body without Length, data)
        self.next = 1

    def add(self, body: bytes, num: Optional[int] = None) -> int:
        num = num or self._alloc()
        self.objects[num] = body
        return num

    def add_stream(self, dict_body: bytes, data: bytes, num: Optional[int] = None) -> int:
        num = num or self._alloc()
        self.streams[num] = (dict_body, data)
        return num

    def _alloc(self) -> int:
        n = self.next
        self.next += 1
        return n

    def reserve(self) -> int:
        return self._alloc()

    def _obj_bytes(self, num: int) -> bytes:
        if num in self.streams:
            d, data = self.streams[num]
            d = d.strip()
            assert d.startswith(b"<<") and d.endswith(b">>")
            head = d[:-2] + b" /Length " + str(len(data)).encode() + b" >>"
            return b"%d 0 obj\n" % num + head + b"\nstream\n" + data + b"\nendstream\nendobj\n"
        return b"%d 0 obj\n" % num + self.objects[num] + b"\nendobj\n"

    def write(self, root: int, xref_shift: int = 0, header: bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
              trailer_extra: bytes = b"") -> bytes:
        """Classic layout; xref_shift moves every offset (a broken xref table)."""
        buf = bytearray(header)
        offsets: dict[int, int] = {}
        for num in sorted(set(self.objects) | set(self.streams)):
            offsets[num] = len(buf)
            buf += self._obj_bytes(num)
        size = max(offsets) + 1
        xref_at = len(buf)
        buf += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for num in range(1, size):
            if num in offsets:
                buf += b"%010d 00000 n \n" % (offsets[num] + xref_shift)
            else:
                buf += b"0000000000 65535 f \n"
        buf += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer_extra,
                                                                                   xref_at)
        return bytes(buf)

    def write_objstm(self, root: int, compressed: set[int], per_stream: int = 1000) -> bytes:
        """PDF 1.5 layout: the `compressed` objects go into object streams, an xref stream indexes all."""
        buf = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        entries: dict[int, tuple[int, int, int]] = {}
        for num in sorted(set(self.objects) | set(self.streams)):
            if num in compressed:
                continue
            entries[num] = (1, len(buf), 0)
            buf += self._obj_bytes(num)
        nums = sorted(compressed)
        for start in range(0, len(nums), per_stream):
            chunk = nums[start:start + per_stream]
            stm = self._alloc()
            head, body = [], bytearray()
            for i, num in enumerate(chunk):
                head.append(f"{num} {len(body)}")
                body += self.objects[num] + b"\n"
                entries[num] = (2, stm, i)
            header = (" ".join(head) + "\n").encode()
            data = zlib.compress(header + bytes(body), 9)
            entries[stm] = (1, len(buf), 0)
            buf += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                    % (stm, len(chunk), len(header), len(data))) + data + b"\nendstream\nendobj\n"
        xref_num = self._alloc()
        entries[xref_num] = (1, len(buf), 0)
        size = xref_num + 1
        rows = bytearray(b"\x00\x00\x00\x00\x00\xff\xff")
        for num in range(1, size):
            t, a, b = entries.get(num, (0, 0, 0))
            rows += bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
        data = zlib.compress(bytes(rows), 9)
        buf += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Filter /FlateDecode /Length %d >>\n"
                b"stream\n" % (xref_num, size, root, len(data))) + data + b"\nendstream\nendobj\n"
        buf += b"startxref\n%d\n%%%%EOF\n" % entries[xref_num][1]
        return bytes(buf)


def simple_pdf(content: bytes = b"", media: str = "0 0 595 842", page_extra: bytes = b"",
               resources: bytes = b"", catalog_extra: bytes = b"", n_pages: int = 1) -> RawPdf:
    """One catalog, one page tree, n identical pages with a Helvetica font and `content`."""
    pdf = RawPdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    font = pdf.add(FONT)
    kids = []
    for _ in range(n_pages):
        c = pdf.add_stream(b"<< >>", content)
        kids.append(pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [%s] /Resources << /Font << /F1 %d 0 R >> %s>> "
                            b"/Contents %d 0 R %s>>" % (pages, media.encode(), font, resources, c, page_extra)))
    pdf.add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)), pages)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R %s>>" % (pages, catalog_extra), catalog)
    pdf.root = catalog  # type: ignore[attr-defined]
    return pdf


def text_pdf(**kw) -> bytes:
    pdf = simple_pdf(text_content(), **kw)
    return pdf.write(pdf.root)


def image_pdf(filter_name: bytes, data: bytes, width: int, height: int, dpi: int, bpc: int = 1,
              colorspace: bytes = b"/DeviceGray", decode_parms: bytes = b"", page_extra: bytes = b"") -> bytes:
    """A scan: one image XObject filling the page."""
    w_pt, h_pt = width * 72 / dpi, height * 72 / dpi
    pdf = RawPdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    img = pdf.add_stream(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent %d "
                         b"/Filter %s %s >>" % (width, height, colorspace, bpc, filter_name, decode_parms), data)
    content = pdf.add_stream(b"<< >>", b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (w_pt, h_pt))
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] "
                   b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R %s>>"
                   % (pages, w_pt, h_pt, img, content, page_extra))
    pdf.add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page, pages)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages, catalog)
    return pdf.write(catalog)


# ---------------------------------------------------------------- images

def _font(size: int):
    for candidate in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                      "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"):
        if os.path.exists(candidate):
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def scan_image(lines: list[str] = SCAN_LINES, dpi: int = 200, width_in: float = 4.0, height_in: float = 1.2,
               mode: str = "L") -> Image.Image:
    """A small clean scan of a few lines of text at `dpi` (cheap to OCR)."""
    w, h = int(width_in * dpi), int(height_in * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    size = max(8, int(dpi * 0.16))
    font = _font(size)
    y = int(dpi * 0.2)
    for ln in lines:
        draw.text((int(dpi * 0.3), y), ln, fill=0, font=font)
        y += int(size * 1.6)
    if mode == "1":
        return img.point(lambda v: 255 if v > 128 else 0).convert("1")
    return img.convert(mode)


def png_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", **kw)
    return buf.getvalue()


def g4_strip(img: Image.Image) -> bytes:
    """CCITT Group 4 (T.6) data of a bilevel image, via libtiff: ink coded as black runs."""
    inverted = img.convert("L").point(lambda v: 0 if v > 128 else 255).convert("1")  # 1 bits = ink
    buf = io.BytesIO()
    inverted.save(buf, "TIFF", compression="group4", strip_size=1 << 30)  # one strip: one G4 stream
    tif = Image.open(io.BytesIO(buf.getvalue()))
    offsets, counts = tif.tag_v2[273], tif.tag_v2[279]
    raw = buf.getvalue()
    assert len(offsets) == 1, "one strip expected"
    return raw[offsets[0]:offsets[0] + counts[0]]


def jbig2_generic_mmr(img: Image.Image) -> bytes:
    """An embedded JBIG2 stream (no file header): page information + immediate lossless generic
    region coded with MMR (T.6, the same code as CCITT G4) + end of page. No JBIG2 encoder is
    needed; PDF viewers decode it with their JBIG2 decoder."""
    w, h = img.size
    mmr = g4_strip(img)

    def segment(number: int, seg_type: int, data: bytes) -> bytes:
        return (number.to_bytes(4, "big") + bytes([seg_type]) + b"\x00" + b"\x01" + len(data).to_bytes(4, "big")
                + data)

    page_info = w.to_bytes(4, "big") + h.to_bytes(4, "big") + (0).to_bytes(4, "big") * 2 + b"\x00" + b"\x00\x00"
    region_info = w.to_bytes(4, "big") + h.to_bytes(4, "big") + (0).to_bytes(4, "big") * 2 + b"\x00"
    generic = region_info + b"\x01" + mmr  # flags: MMR = 1
    return segment(0, 48, page_info) + segment(1, 39, generic) + segment(2, 49, b"")


def png_bomb(width: int, height: int) -> bytes:
    """A PNG that declares width x height 8-bit gray pixels but holds only a few bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    idat = zlib.compress(b"\x00" * (width + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def tiff_multipage() -> bytes:
    a = scan_image(["Seite eins", "Stadtrat Dresden"], dpi=200, mode="1")
    b = scan_image(["Seite zwei", "Beschluss vom 31.03.2022"], dpi=200, mode="1")
    buf = io.BytesIO()
    a.save(buf, "TIFF", save_all=True, append_images=[b], compression="group4", dpi=(200, 200))
    return buf.getvalue()


def reportlab_pdf(encrypt=None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt, invariant=1)
    c.setFont("Helvetica", 11)
    y = 780
    for ln in LINES:
        c.drawString(56, y, ln)
        y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


# ---------------------------------------------------------------- the cases

@dataclass
class Case:
    name: Union[str, bytes]  # bytes: a file name that is not UTF-8
    what: str
    expect: str  # "read" | "failed" | "any" (either, with a one-line error) | "duplicate" | "absent"
    error: str = ""  # a text the one-line error must contain (case-insensitive)
    make: Optional[Callable[[Path], None]] = None  # writes the file at the given path
    pages: Optional[int] = None  # n_pages when read
    note: str = ""

    @property
    def display(self) -> str:
        if isinstance(self.name, bytes):
            return self.name.decode("utf-8", "backslashreplace")
        return self.name


def _write(data: Union[bytes, Callable[[], bytes]]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data() if callable(data) else data)
    return make


def _truncated_third() -> bytes:
    full = reportlab_pdf()
    return full[: len(full) // 3]


def _truncated_tail() -> bytes:
    full = text_pdf()
    return full[: full.rindex(b"xref")]  # every object is there; xref and trailer are gone


def _startxref_past_eof() -> bytes:
    full = text_pdf()
    at = full.rindex(b"startxref\n") + len(b"startxref\n")
    return full[:at] + b"99999999\n%%EOF\n"


def _garbage_before_header() -> bytes:
    return b"X-Mail-Header: scanned by gateway\r\n" * 20 + text_pdf()


def _zero_pages() -> bytes:
    pdf = RawPdf()
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R >>", 1)
    pdf.add(b"<< /Type /Pages /Kids [] /Count 0 >>", 2)
    pdf.next = 3
    return pdf.write(1)


def _page_tree_loop() -> bytes:
    pdf = RawPdf()
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R >>", 1)
    pdf.add(b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", 2)  # the tree contains itself
    pdf.add(b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>", 3)
    pdf.next = 4
    return pdf.write(1)


def _deep_array(depth: int = 30_000) -> bytes:
    pdf = simple_pdf(text_content(), resources=b"/Deep " + b"[" * depth + b"]" * depth + b" ")
    return pdf.write(pdf.root)


def _deep_dict(depth: int = 20_000) -> bytes:
    pdf = simple_pdf(text_content(), page_extra=b"/Deep " + b"<< /A " * depth + b"1" + b" >>" * depth + b" ")
    return pdf.write(pdf.root)


def _deep_page_tree(depth: int = 5_000) -> bytes:
    """The one page sits under 5,000 nested /Pages nodes."""
    pdf = RawPdf()
    catalog = pdf.reserve()
    nodes = [pdf.reserve() for _ in range(depth)]
    font = pdf.add(FONT)
    content = pdf.add_stream(b"<< >>", text_content())
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                   b"/Contents %d 0 R >>" % (nodes[-1], font, content))
    for i, n in enumerate(nodes):
        kid = nodes[i + 1] if i + 1 < depth else page
        parent = b"/Parent %d 0 R " % nodes[i - 1] if i else b""
        pdf.add(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, kid), n)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % nodes[0], catalog)
    return pdf.write(catalog)


def _ref_chain(length: int = 10_000) -> bytes:
    """/Contents reached through 10,000 indirect references to references."""
    pdf = RawPdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    font = pdf.add(FONT)
    stream = pdf.add_stream(b"<< >>", text_content())
    chain = [pdf.reserve() for _ in range(length)]
    for i, n in enumerate(chain):
        pdf.add(b"%d 0 R" % (chain[i + 1] if i + 1 < length else stream), n)
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                   b"/Contents %d 0 R >>" % (pages, font, chain[0]))
    pdf.add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page, pages)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages, catalog)
    return pdf.write(catalog)


def _javascript() -> bytes:
    pdf = RawPdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    font = pdf.add(FONT)
    js = pdf.add(b"<< /S /JavaScript /JS (app.alert\\('pwned'\\); this.submitForm\\('http://example.invalid'\\);) >>")
    names = pdf.add(b"<< /Names [(init) %d 0 R] >>" % js)
    content = pdf.add_stream(b"<< >>", text_content())
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                   b"/Contents %d 0 R /AA << /O %d 0 R >> >>" % (pages, font, content, js))
    pdf.add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page, pages)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R /OpenAction %d 0 R /Names << /JavaScript %d 0 R >> >>"
            % (pages, js, names), catalog)
    return pdf.write(catalog)


def _many_pages(n: int = 20_000) -> bytes:
    """n empty pages, all page objects inside object streams (a few hundred KB on disk)."""
    pdf = RawPdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    kids = [pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % pages) for _ in range(n)]
    pdf.add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), n), pages)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages, catalog)
    return pdf.write_objstm(catalog, compressed=set(kids))


def _flate_bomb(mb: int = 32) -> bytes:
    """A content stream of a few hundred KB that inflates to `mb` MB of spaces after the text."""
    z = zlib.compressobj(9)
    data = z.compress(text_content() + b"\n")
    block = b" " * (1 << 20)
    for _ in range(mb):
        data += z.compress(block)
    data += z.flush()
    pdf = RawPdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    font = pdf.add(FONT)
    content = pdf.add_stream(b"<< /Filter /FlateDecode >>", data)
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                   b"/Contents %d 0 R >>" % (pages, font, content))
    pdf.add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page, pages)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages, catalog)
    return pdf.write(catalog)


def _image_bomb_pdf() -> bytes:
    """An image XObject that declares 100,000 x 100,000 pixels (10 GB) on a small page."""
    data = zlib.compress(b"\xff" * 100_000)
    pdf = RawPdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    img = pdf.add_stream(b"<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray "
                         b"/BitsPerComponent 8 /Filter /FlateDecode >>", data)
    content = pdf.add_stream(b"<< >>", b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 %d 0 R >> >> "
                   b"/Contents %d 0 R >>" % (pages, img, content))
    pdf.add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page, pages)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages, catalog)
    return pdf.write(catalog)


def _jbig2() -> bytes:
    img = scan_image(dpi=200, mode="1")
    return image_pdf(b"/JBIG2Decode", jbig2_generic_mmr(img), img.width, img.height, 200)


def _ccitt() -> bytes:
    img = scan_image(dpi=200, mode="1")
    parms = b"/DecodeParms << /K -1 /Columns %d /Rows %d /BlackIs1 false >>" % (img.width, img.height)
    return image_pdf(b"/CCITTFaxDecode", g4_strip(img), img.width, img.height, 200, decode_parms=parms)


def _rotated_scan() -> bytes:
    """A scan stored sideways and turned upright by /Rotate 90 (as scanners write landscape feeds)."""
    img = scan_image(dpi=200, mode="L").rotate(90, expand=True)
    data = zlib.compress(img.tobytes())
    return image_pdf(b"/FlateDecode", data, img.width, img.height, 200, bpc=8, page_extra=b"/Rotate 90 ")


def _scan_3000dpi_png() -> bytes:
    # a 2 x 0.6 inch snippet at 3000 dpi: 6000 x 1800 pixels, under Pillow's bomb limit
    img = scan_image(dpi=3000, width_in=2.0, height_in=0.6, lines=["Stadtrat Dresden"])
    return png_bytes(img, dpi=(3000, 3000))


def _poster_3000dpi_pdf() -> bytes:
    """A 3 x 2 inch page holding a 3000-dpi bilevel scan (9000 x 6000 pixels, CCITT G4)."""
    img = scan_image(dpi=3000, width_in=3.0, height_in=2.0, mode="1")
    parms = b"/DecodeParms << /K -1 /Columns %d /Rows %d >>" % (img.width, img.height)
    return image_pdf(b"/CCITTFaxDecode", g4_strip(img), img.width, img.height, 3000, decode_parms=parms)


def _one_pixel_pdf() -> bytes:
    return image_pdf(b"/FlateDecode", zlib.compress(b"\x00"), 1, 1, 72, bpc=8)


def _truncated_png() -> bytes:
    full = png_bytes(scan_image())
    return full[: len(full) // 2]


def _truncated_jpeg() -> bytes:
    buf = io.BytesIO()
    scan_image().save(buf, "JPEG", quality=80, dpi=(200, 200))
    return buf.getvalue()[: buf.tell() // 2]


def _cmyk_jpeg() -> bytes:
    buf = io.BytesIO()
    scan_image().convert("CMYK").save(buf, "JPEG", quality=90, dpi=(200, 200))
    return buf.getvalue()


def _png16() -> bytes:
    img = scan_image().point(lambda v: v * 257, mode="I").convert("I;16")
    return png_bytes(img, dpi=(200, 200))


def _tiff16() -> bytes:
    img = scan_image().point(lambda v: v * 257, mode="I").convert("I;16")
    buf = io.BytesIO()
    img.save(buf, format="TIFF", dpi=(200, 200))
    return buf.getvalue()


def _noise_png() -> bytes:
    """An A4 page at 150 dpi of uniform random pixels: no text, all 'ink'."""
    import numpy as np

    arr = np.random.default_rng(17).integers(0, 256, (1754, 1240), dtype=np.uint8)
    return png_bytes(Image.fromarray(arr), dpi=(150, 150))


def _scan_20000px_png() -> bytes:
    """A real 20,000 x 20,000 scan (400 million pixels; mostly white, so the file is small)."""
    img = Image.new("1", (20000, 20000), 1)
    draw = ImageDraw.Draw(img)
    for i in range(40):
        draw.rectangle((1000, 1000 + i * 400, 15000, 1060 + i * 400), fill=0)
    return png_bytes(img)


def _palette_alpha_png() -> bytes:
    img = scan_image().convert("RGBA")
    img.putalpha(img.convert("L").point(lambda v: 255 - v))  # ink opaque, paper transparent
    return png_bytes(img.convert("P"), dpi=(200, 200))


def _bad_content_stream() -> bytes:
    pdf = simple_pdf(b"BT /F1 12 Tf 72 700 Td (unclosed Tj ET q q q [[[ << /X >> Do " + bytes(range(256)) + b" Q Q")
    return pdf.write(pdf.root)


def _missing_font() -> bytes:
    pdf = RawPdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    content = pdf.add_stream(b"<< >>", text_content(y=130))
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 420 160] /Resources << /Font << /F1 999 0 R >> >> "
                   b"/Contents %d 0 R >>" % (pages, content))
    pdf.add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page, pages)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages, catalog)
    return pdf.write(catalog)


def _lone_surrogate() -> bytes:
    """A ToUnicode CMap that maps glyphs to lone UTF-16 surrogates and U+0000."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Bad def "
            b"1 begincodespacerange <00> <FF> endcodespacerange "
            b"3 beginbfchar <41> <D800> <42> <0000> <43> <DFFF> endbfchar endcmap CMapName currentdict /CMap "
            b"defineresource pop end end")
    pdf = RawPdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    tu = pdf.add_stream(b"<< >>", cmap)
    font = pdf.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode %d 0 R >>" % tu)
    content = pdf.add_stream(b"<< >>", b"BT /F1 12 Tf 56 140 Td (ABCABCABC ABC ABCABC ABCABCABCABC) Tj ET\n"
                             + text_content(y=120))
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 420 160] /Resources << /Font << /F1 %d 0 R >> >> "
                   b"/Contents %d 0 R >>" % (pages, font, content))
    pdf.add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page, pages)
    pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages, catalog)
    return pdf.write(catalog)


def _formula_text() -> bytes:
    lines = ["=HYPERLINK(\"http://example.invalid\";\"Klick\")", "+49 351 4880", "-Stadtrat Dresden",
             "@SUMME(A1:A9)"] + LINES
    pdf = simple_pdf(text_content(lines))
    return pdf.write(pdf.root)


def _encrypted_user() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return reportlab_pdf(StandardEncryption("geheim", ownerPassword="owner", strength=128))


def _owner_only() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return reportlab_pdf(StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0, strength=128))


def _chmod000(path: Path) -> None:
    path.write_bytes(text_pdf(page_extra=b"/Unreadable true "))
    path.chmod(0)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _symlink(target: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        os.symlink(target, path)
    return make


def _same_bytes(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text_pdf(page_extra=b"/Duplicate true "))


def _folder_named_pdf(path: Path) -> None:
    path.mkdir()
    (path / "inside.pdf").write_bytes(text_pdf(page_extra=b"/InFolder true "))


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

CASES: list[Case] = [
    # -- not a PDF at all
    Case("zero_bytes.pdf", "0 bytes", "failed", "empty file", _write(b"")),
    Case("html_renamed.pdf", "an HTML error page saved as .pdf", "failed", "HTML page",
         _write(b"<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not found</body></html>\n")),
    Case("docx_renamed.pdf", "a ZIP (Word file) renamed .pdf", "failed", "not a PDF or image",
         _write(b"PK\x03\x04\x14\x00\x06\x00" + b"word/document.xml" + bytes(200))),
    Case("text_renamed.png", "plain text saved as .png", "failed", "cannot identify the format",
         _write(b"Dies ist keine Bilddatei.\n" * 10)),
    Case("header_only.pdf", "`%PDF-1.7` and `%%EOF`, nothing between", "failed", "broken PDF",
         _write(b"%PDF-1.7\n%%EOF\n")),
    # -- damaged PDFs
    Case("truncated_third.pdf", "a PDF cut off after a third of its bytes", "failed", "broken PDF",
         _write(_truncated_third)),
    Case("truncated_tail.pdf", "all objects there, xref table and trailer cut off", "read",
         make=_write(_truncated_tail), pages=1, note="the parser rebuilds the xref by scanning"),
    Case("broken_xref.pdf", "every xref offset wrong by 7 bytes", "read", make=_write(lambda: text_pdf_shifted(7)),
         pages=1),
    Case("startxref_past_eof.pdf", "startxref points past the end of the file", "read",
         make=_write(_startxref_past_eof), pages=1),
    Case("garbage_before_header.pdf", "700 bytes of mail headers before `%PDF-`", "read",
         make=_write(_garbage_before_header), pages=1),
    Case("zero_pages.pdf", "a valid PDF whose page tree is empty (/Count 0)", "failed", "no pages",
         _write(_zero_pages)),
    Case("page_tree_loop.pdf", "the page tree contains itself", "failed", "broken PDF", _write(_page_tree_loop)),
    Case("bad_content_stream.pdf", "content stream of unbalanced operators and binary junk", "read",
         make=_write(_bad_content_stream), pages=1, note="nothing to read: one empty page"),
    Case("missing_font.pdf", "text drawn with a font object that does not exist", "read",
         make=_write(_missing_font), pages=1),
    Case("lone_surrogate_tounicode.pdf", "ToUnicode maps glyphs to lone UTF-16 surrogates and NUL", "read",
         make=_write(_lone_surrogate), pages=1, note="text must still be valid UTF-8 in Parquet and CSV"),
    # -- encryption
    Case("encrypted_user.pdf", "encrypted, needs a user password", "failed", "password", _write(_encrypted_user)),
    Case("owner_only.pdf", "encrypted with an owner password only (no copy, no print)", "read",
         make=_write(_owner_only), pages=1),
    # -- resource exhaustion
    Case("bomb_200000px.png", "PNG declaring 200,000 x 200,000 pixels in 300 bytes", "failed",
         "decompression bomb", _write(lambda: png_bomb(200_000, 200_000))),
    Case("image_bomb.pdf", "image XObject declaring 100,000 x 100,000 pixels (10 GB) on an A4 page", "read",
         make=_write(_image_bomb_pdf), pages=1, note="PDFium refuses the image; the page is blank"),
    Case("flate_bomb.pdf", "content stream: 33 KB that inflate to 32 MB", "read", make=_write(_flate_bomb),
         pages=1, note="bounded by the per-document time and memory limits"),
    Case("pages_20000.pdf", "20,000 empty pages in object streams (150 KB)", "failed", "more than the limit",
         _write(_many_pages), note="page limit (Settings.max_pages, 2,000) checked before any page is read"),
    Case("deep_array.pdf", "an array nested 30,000 deep in the page resources", "read",
         make=_write(_deep_array), pages=1),
    Case("deep_dict.pdf", "a dictionary nested 20,000 deep in the page", "read", make=_write(_deep_dict), pages=1),
    Case("deep_page_tree.pdf", "the only page under 5,000 nested /Pages nodes", "failed", "broken PDF",
         _write(_deep_page_tree), note="pdfminer runs out of recursion, PDFium stops at its depth limit"),
    Case("reference_chain.pdf", "/Contents reached through 10,000 references to references", "read",
         make=_write(_ref_chain), pages=1),
    Case("mediabox_huge.pdf", "a 200 x 200 inch page (14,400 pt) of text", "read",
         make=_write(lambda: text_pdf(media="0 0 14400 14400")), pages=1),
    Case("mediabox_zero.pdf", "MediaBox [0 0 0 0]", "read", make=_write(lambda: text_pdf(media="0 0 0 0")),
         pages=1, note="the text layer is read; review crops are skipped"),
    Case("mediabox_inverted.pdf", "MediaBox [595 842 0 0] (corners swapped)", "read",
         make=_write(lambda: text_pdf(media="595 842 0 0")), pages=1),
    # -- content that must not run
    Case("javascript.pdf", "/OpenAction, /AA and /Names JavaScript", "read", make=_write(_javascript), pages=1,
         note="the script is never run"),
    Case("formula_cells.pdf", "text lines starting with = + - @ (spreadsheet formulas)", "read",
         make=_write(_formula_text), pages=1, note="CSV cells are defused with a leading '"),
    # -- scans in unusual encodings
    Case("jbig2_scan.pdf", "scan compressed with JBIG2 (generic region, MMR coding)", "read", make=_write(_jbig2),
         pages=1),
    Case("ccitt_g4_scan.pdf", "scan compressed with CCITT Group 4", "read", make=_write(_ccitt), pages=1),
    Case("rotate_90_scan.pdf", "sideways scan turned upright by the page's /Rotate 90", "read",
         make=_write(_rotated_scan), pages=1),
    Case("rotate_45.pdf", "text page with /Rotate 45 (not a multiple of 90)", "read",
         make=_write(lambda: text_pdf(page_extra=b"/Rotate 45 ")), pages=1),
    Case("poster_3000dpi.pdf", "3000-dpi bilevel scan, 9,000 x 6,000 pixels", "read", make=_write(_poster_3000dpi_pdf),
         pages=1, note="rendered at 300 dpi"),
    Case("scan_3000dpi.png", "PNG scan at 3000 dpi (6,000 x 1,800 pixels)", "read", make=_write(_scan_3000dpi_png),
         pages=1, note="OCR'd at a reduced resolution"),
    Case("one_pixel.png", "a 1 x 1 pixel scan", "failed", "holds no page",
         _write(lambda: png_bytes(Image.new("L", (1, 1))))),
    Case("one_pixel.pdf", "a 1 x 1 pt page with a 1 x 1 pixel image", "read", make=_write(_one_pixel_pdf), pages=1,
         note="blank: one empty page"),
    Case("truncated.png", "PNG cut in half", "failed", "could not be rendered", _write(_truncated_png)),
    Case("truncated.jpg", "JPEG cut in half", "failed", "could not be rendered", _write(_truncated_jpeg)),
    Case("cmyk.jpg", "CMYK JPEG", "read", make=_write(_cmyk_jpeg), pages=1),
    Case("gray16.png", "16-bit grayscale PNG", "read", make=_write(_png16), pages=1),
    Case("palette_alpha.png", "palette PNG, paper transparent", "read", make=_write(_palette_alpha_png), pages=1),
    Case("gray16.tif", "16-bit grayscale TIFF", "read", make=_write(_tiff16), pages=1),
    Case("noise_page.png", "a page of pure noise (uniform random pixels, A4)", "read", make=_write(_noise_png), pages=1,
         note="no text: an empty page"),
    Case("scan_20000px.png", "a real 20,000 x 20,000 pixel scan (400 million pixels)", "failed", "image too large",
         _write(_scan_20000px_png)),
    Case("multipage_g4.tif", "2-page TIFF, both frames CCITT G4", "read",
         make=_write(tiff_multipage), pages=2),
    Case("png_named.pdf", "a PNG scan saved with a .pdf name", "read",
         make=_write(lambda: png_bytes(scan_image(), dpi=(200, 200))), pages=1, note="sniffed by content"),
    Case("pdf_named.tif", "a PDF saved with a .tif name", "read", make=_write(lambda: text_pdf()), pages=1),
    # -- the file system
    Case("Sitzung Überblick März 2024.pdf", "umlauts and spaces in the file name", "read",
         make=_write(lambda: text_pdf(page_extra=b"/Umlaut true ")), pages=1),
    Case(b"Protokoll_M\xe4rz_latin1.pdf", "file name in Latin-1 bytes (not UTF-8)", "read",
         make=_write(lambda: text_pdf(page_extra=b"/Latin1 true ")), pages=1,
         note="source_file keeps the bytes as `\\xe4`"),
    Case("UPPER_CASE.PDF", "upper-case extension", "read", make=_write(lambda: text_pdf(page_extra=b"/Upper true ")),
         pages=1),
    Case("l" + "ä" * 100 + "ng.pdf", "a 206-byte file name", "read",
         make=_write(lambda: text_pdf(page_extra=b"/Long true ")), pages=1),
    Case("folder.pdf/inside.pdf", "a folder named like a PDF, with a PDF inside", "read", make=None, pages=1),
    Case("unreadable.pdf", "permissions 000", "read" if IS_ROOT else "failed", "" if IS_ROOT else "permission denied",
         _chmod000, pages=1 if IS_ROOT else None,
         note="as root permissions do not stop reads: then it is read" if IS_ROOT else ""),
    Case("dangling_link.pdf", "symlink to a file that does not exist", "failed", "no such file",
         _symlink("does_not_exist.pdf")),
    Case("self_link.pdf", "symlink to itself", "failed", "too many levels of symbolic links",
         _symlink("self_link.pdf")),
    Case("loop/back", "symlink to its own parent folder (a loop)", "absent", make=None,
         note="walked once; no file is found twice through it"),
    Case("named_pipe.pdf", "a FIFO named .pdf (reading it would block forever)", "failed", "not a regular file", _fifo),
    Case("copy_a.pdf", "the same bytes as sub/copy_b.pdf", "read", make=_same_bytes, pages=1),
    Case("sub/copy_b.pdf", "the same bytes as copy_a.pdf", "duplicate", make=_same_bytes,
         note="processed once; recorded in documents.also_seen_as of copy_a.pdf"),
    Case(".hidden.pdf", "a hidden file", "absent", make=_write(lambda: text_pdf()), note="hidden files are skipped"),
]


def text_pdf_shifted(shift: int) -> bytes:
    pdf = simple_pdf(text_content())
    return pdf.write(pdf.root, xref_shift=shift)


def build(dest: Path) -> list[Case]:
    """Write every case into dest (which must be empty or absent); returns the cases."""
    dest.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if isinstance(case.name, bytes):
            path = Path(os.fsdecode(os.fsencode(str(dest)) + b"/" + case.name))
        else:
            path = dest / case.name
        path.parent.mkdir(parents=True, exist_ok=True)
        if case.name == "folder.pdf/inside.pdf":
            path.write_bytes(text_pdf(page_extra=b"/InFolder true "))
        elif case.name == "loop/back":
            os.symlink("..", path)
        elif case.make is not None:
            case.make(path)
    return CASES


def kinds() -> int:
    return len(CASES)


def readme_table() -> str:
    out = ["| file | what it is | the pipeline must |", "|---|---|---|"]
    for c in CASES:
        if c.expect == "read":
            must = "read it" + (f" ({c.pages} page{'s' if c.pages != 1 else ''})" if c.pages else "")
        elif c.expect == "failed":
            must = f"fail it: error contains `{c.error}`" if c.error else "read it or fail it with a one-line error"
        elif c.expect == "any":
            must = "read it or fail it with a one-line error"
        elif c.expect == "duplicate":
            must = "process once (duplicate)"
        else:
            must = "produce no row"
        if c.note:
            must += f"; {c.note}"
        out.append(f"| `{c.display}` | {c.what} | {must} |")
    return "\n".join(out)


def cleanup(dest: Path) -> None:
    """Make chmod-000 files removable again."""
    for dirpath, _dirs, files in os.walk(dest):
        for name in files:
            p = os.path.join(dirpath, name)
            try:
                if not os.path.islink(p):
                    os.chmod(p, stat.S_IRUSR | stat.S_IWUSR)
            except OSError:
                pass


def check() -> int:
    """Build the corpus in a temporary folder, run the pipeline over it, compare with the table."""
    import tempfile
    import time

    sys.path.insert(0, str(ROOT))
    from pipeline import tables
    from pipeline.config import Settings
    from pipeline.run import run

    with tempfile.TemporaryDirectory(prefix="ratsakten-hostile-") as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        build(src)
        t0 = time.monotonic()
        try:
            summary = run([src], out, Settings(jobs=2, use_cache=False, progress=False))
        finally:
            cleanup(src)
        seconds = time.monotonic() - t0
        docs = tables.read(out, "documents").set_index("source_file")
    rows = [c for c in CASES if c.expect in ("read", "failed", "any")]
    twins = [c for c in CASES if c.expect == "duplicate"]
    recorded = {n for v in docs["also_seen_as"].dropna() for n in v.split("; ")}
    lost = [c.display for c in rows if c.display not in docs.index] + \
        [c.display for c in twins if c.display not in recorded]
    wrong = []
    for c in rows:
        if c.display not in docs.index:
            continue
        row = docs.loc[c.display]
        if c.expect == "read" and (row["status"] != "ok" or (c.pages and row["n_pages"] != c.pages)):
            wrong.append(f"{c.display}: {row['status']} {row['error']}")
        if c.expect == "failed" and (row["status"] != "failed" or c.error.lower() not in str(row["error"]).lower()):
            wrong.append(f"{c.display}: {row['status']} {row['error']}")
    unclassified = [f for f, e in docs["error"].dropna().items() if e.startswith("internal error")]
    print(f"kinds of bad input tried: {len(CASES)}; documents rows: {len(docs)} ({summary.failed} failed, "
          f"{sum(docs.status == 'ok')} read); duplicates recorded: {len(twins)}; no row by design: "
          f"{sum(c.expect == 'absent' for c in CASES)}")
    print(f"outcomes as the README says: {len(rows) + len(twins) - len(wrong)}/{len(rows) + len(twins)}; "
          f"unclassified errors: {len(unclassified)}; documents lost: {len(lost)}; {seconds:.0f} s")
    for w in wrong + [f"lost: {n}" for n in lost] + [f"unclassified: {n}" for n in unclassified]:
        print("  ", w)
    return 1 if wrong or lost or unclassified else 0


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--readme":
        print(readme_table())
    elif len(sys.argv) == 2 and sys.argv[1] == "--check":
        sys.exit(check())
    elif len(sys.argv) == 2:
        build(Path(sys.argv[1]))
        print(f"{len(CASES)} cases written to {sys.argv[1]}")
    else:
        sys.exit(__doc__)
