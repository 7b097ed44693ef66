from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from radiology_guide.core import views as core_views
from radiology_guide.guide.sitemaps import SITEMAPS
from radiology_guide.guide.views import robots_txt

admin.site.site_header = "Radiology Guide administration"
admin.site.site_title = "Radiology Guide admin"

urlpatterns = [
    path("staff/", include("radiology_guide.staff.urls")),
    path("account/two-factor/", include("radiology_guide.staff.mfa_urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
]
# What patients read and send, in every language of settings.LANGUAGES: English
# at today's addresses, the others under their prefix (/pl/procedures/ct-scan/).
# The staff area and admin stay in English at one address each.
urlpatterns += i18n_patterns(
    path("", include("radiology_guide.guide.urls")),
    path("", include("radiology_guide.enquiries.urls")),
    path("feedback/", include("radiology_guide.feedback.urls")),
    prefix_default_language=False,
)

if settings.MEDIA_URL.startswith("/"):
    # The image library's files, unless they are served from a bucket (docs/images.md).
    urlpatterns.append(path(settings.MEDIA_URL.lstrip("/"), include("radiology_guide.images.urls")))

handler404 = "radiology_guide.core.views.not_found"
handler500 = "radiology_guide.core.views.server_error"
