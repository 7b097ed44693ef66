"""How much memory preparing one upload takes: ``.venv/bin/python bench/upload_memory.py``.

Each picture is drawn, written to a temporary file, and prepared
(images/processing.prepare) in a fresh Python process, which prints how far
its peak resident memory grew. A worker is replaced past 160 MiB (serve.py)
and uses about 70 serving pages, so an upload has about 90 MiB to work in;
the figures are in settings.py beside IMAGE_MAX_MEGAPIXELS.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PICTURES = [
    # (width, height, format, mode)
    (7745, 5164, "JPEG", "RGB"),  # 40 million pixels
    (8064, 6048, "JPEG", "RGB"),  # a 48-megapixel phone photo
    (4032, 3024, "JPEG", "RGB"),  # a 12-megapixel phone photo
    (4032, 3024, "PNG", "RGB"),
    (4032, 3024, "PNG", "RGBA"),
    (4032, 3024, "WEBP", "RGB"),
]
MEASURE = """
import re, sys, django
django.setup()
from radiology_guide.images import processing
data = open(sys.argv[1], "rb").read()
def peak():  # this process's own peak resident memory (ru_maxrss counts its parent's too), KiB
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1])
before = peak()
prepared = processing.prepare(data)
grown = (peak() - before) / 1024
print(f"+{grown:.0f} MiB (from {before / 1024:.0f}), stored {prepared.width} x {prepared.height}")
"""


def main():
    with tempfile.TemporaryDirectory() as folder:
        for width, height, fmt, mode in PICTURES:
            path = Path(folder) / f"picture.{fmt.lower()}"
            Image.linear_gradient("L").resize((width, height)).convert(mode).save(path, fmt)
            result = subprocess.run(  # noqa: S603 - a fixed command
                [sys.executable, "-c", MEASURE, str(path)],
                cwd=ROOT,
                env={"DJANGO_SETTINGS_MODULE": "radiology_guide.settings", "PATH": ""},
                capture_output=True,
                text=True,
                check=False,
            )
            shown = result.stdout.strip() or result.stderr.strip().splitlines()[-1]
            print(f"{width} x {height} {fmt} {mode} ({width * height / 1e6:.0f} MP): {shown}")


if __name__ == "__main__":
    main()
