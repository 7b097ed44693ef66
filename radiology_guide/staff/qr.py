"""QR codes for enquiry links, as SVG for screens and PNG for printing.

segno is imported when a code is made, not by every web worker at start.
"""

import io

QUIET_ZONE = 4  # modules of light margin on every side, as the QR standard asks


def qr_svg(url: str, title: str = "") -> bytes:
    """A viewBox and no width or height (segno's omitsize), so the code
    scales to whatever box the page gives it: with a fixed 296 px size in a
    60 mm box the leaflet cut off its right and bottom edges, corner squares
    and all, and it did not scan."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", border=QUIET_ZONE, omitsize=True, xmldecl=False, title=title or None
    )
    return buffer.getvalue()


def qr_png(url: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    # 20 px modules: sharp when printed on a leaflet at 300 dpi.
    segno.make(url, error="m").save(buffer, kind="png", scale=20, border=QUIET_ZONE)
    return buffer.getvalue()
