"""The join link as a QR code: SVG made on the server by segno, inline in the board page."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, title: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True,
                                    title=title, svgclass="live-qr", lineclass=None, dark="#000")
    return out.getvalue().decode()
