"""QR codes, as SVG for screens and PNG for printing: enquiry links (the
leaflet, the link's page) and an authenticator app's set-up code (mfa.py).

segno is imported when a code is made, not by every web worker at start.
"""

import io

QUIET_ZONE = 4  # modules of light margin on every side, as the QR standard asks


def qr_svg(url: str, title: str = "", scale: int | None = None) -> bytes:
    """A viewBox and no width or height (segno's omitsize), so the code
    scales to whatever box the page gives it: with a fixed 296 px size in a
    60 mm box the leaflet cut off its right and bottom edges, corner squares
    and all, and it did not scan. ``scale``: a fixed size instead, in pixels
    a module, for a page that gives it no box."""
    import segno

    buffer = io.BytesIO()
    size = {"scale": scale, "svgns": True} if scale else {"omitsize": True}
    segno.make(url, error="m").save(buffer, kind="svg", border=QUIET_ZONE, xmldecl=False, title=title or None, **size)
    return buffer.getvalue()


def qr_png(url: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    # 20 px modules: sharp when printed on a leaflet at 300 dpi.
    segno.make(url, error="m").save(buffer, kind="png", scale=20, border=QUIET_ZONE)
    return buffer.getvalue()
