"""Serving the image library's files, with a year of caching.

Every file name holds a hash of the file's bytes (images.processing), so a
name never points at a different picture: browsers and proxies may keep a
copy for a year without asking again ("immutable"). Only names of that shape
are served, from Django's default storage, by a streaming response that the
page cache never stores.
"""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from radiology_guide.images.processing import CONTENT_TYPES

NAME = re.compile(r"images/[a-z0-9][a-z0-9-]*-[0-9a-f]{12}\.(jpg|png|webp)")
YEAR = 365 * 24 * 60 * 60


@require_safe
def media(request, name):
    match = NAME.fullmatch(name)
    if not match or not default_storage.exists(name):
        raise Http404("No such image")
    response = FileResponse(default_storage.open(name), content_type=CONTENT_TYPES[match.group(1)])
    response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response
