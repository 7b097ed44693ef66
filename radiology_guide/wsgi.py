import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "radiology_guide.settings")
django_application = get_wsgi_application()

from radiology_guide.core.pagecache import CachedPages  # noqa: E402 - needs the settings loaded

# Cached public pages are answered before Django's handler (core/pagecache.py).
application = CachedPages(django_application)
