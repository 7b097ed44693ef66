import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from radiology_guide.core.cache import cache_is_reachable

logger = logging.getLogger(__name__)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


@never_cache
def healthz(request):
    """The process is up. Nothing else is checked."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Ready for traffic: the database and the cache both answer."""
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("readyz: database unreachable")
        ok = False
    if not cache_is_reachable():
        logger.warning("readyz: cache unreachable")
        ok = False
    return JsonResponse({"status": "ok" if ok else "unavailable"}, status=200 if ok else 503)
