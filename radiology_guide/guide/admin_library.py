"""The admin of what sits below the guide but shows on its pages: the image
library's pictures and the clinic's details. Both apps define their admin;
the guide registers it with the publishing rules, because a change to
either changes what patients read:

* a picture patients see (on a live page, or in a draft waiting to be
  published) needs what publishing needs to change or delete; the pages that
  show it record the change, and only they are rendered again;
* the clinic's phone number is on every page, four times on an approved
  scan page ("When to get help"): changing it needs what publishing needs.
"""

from django.contrib import admin

from radiology_guide.core.admin import ClinicDetailsAdmin
from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide import publishing
from radiology_guide.images.admin import ImageAdmin
from radiology_guide.images.models import Image


@admin.register(Image)
class PageAwareImageAdmin(ImageAdmin):
    def pages_using(self, image):
        return publishing.pages_showing_picture(image.slug)

    def may_change(self, request, image):
        """Anyone who may change pictures may change one nobody sees; one that
        patients see needs the permissions that publishing needs."""
        return not publishing.picture_in_use(image.slug) or publishing.may_change_live(request.user)

    def pictures_changed(self, slugs, user, what):
        publishing.pictures_changed(slugs, user, what)


@admin.register(ClinicDetails)
class PublishedClinicDetailsAdmin(ClinicDetailsAdmin):
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and publishing.may_change_live(request.user)
