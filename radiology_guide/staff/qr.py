"""QR codes for enquiry links, as SVG for screens and PNG for printing.

segno is imported when a code is made, not by every web worker at start.
"""

import io


def qr_svg(url: str, title: str = "") -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=4, xmldecl=False, title=title or None)
    return buffer.getvalue()


def qr_png(url: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    # 20 px modules: sharp when printed on a leaflet at 300 dpi.
    segno.make(url, error="m").save(buffer, kind="png", scale=20, border=4)
    return buffer.getvalue()
