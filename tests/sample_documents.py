"""Small, real documents for tests: a PNG and a JPEG that decode, and a PDF with a sane structure. ``label``
makes each one's bytes (and so its SHA-256) its own without changing what it shows."""

from __future__ import annotations

import functools
import io

from PIL import Image, PngImagePlugin


@functools.cache
def png(label: str = "") -> bytes:
    """A 16×12 PNG; ``label`` goes into a text chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("label", label)
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (40, 90, 160)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


@functools.cache
def jpeg(label: str = "") -> bytes:
    """A 16×12 JPEG; ``label`` goes into a comment."""
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 180, 150)).save(out, format="JPEG", comment=label.encode())
    return out.getvalue()


@functools.cache
def pdf(label: str = "") -> bytes:
    """A one-page PDF with its header, cross-reference table, trailer and ``%%EOF``; ``label`` goes into a
    comment."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ]
    out = bytearray(b"%PDF-1.7\n%" + label.encode() + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
