"""'Was this page useful?' answers, so editors see which pages confuse people.

Nothing about the reader is kept: no address, no cookie, no session; just the
page, the answer, the optional comment and when.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageFeedbackQuerySet(models.QuerySet):
    def per_page(self):
        """One row per page: answers, yes, no and comments, the least useful first."""
        return (
            self.values("path")
            .annotate(
                answers=models.Count("id"),
                yes=models.Count("id", filter=models.Q(useful=True)),
                no=models.Count("id", filter=models.Q(useful=False)),
                comments=models.Count("id", filter=~models.Q(comment="")),
            )
            .order_by("-no", "-answers", "path")
        )


class PageFeedback(models.Model):
    path = models.CharField(_("page"), max_length=200, db_index=True)
    useful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PageFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("page feedback")
        verbose_name_plural = _("page feedback")

    def __str__(self):
        if self.useful:
            return _("%(page)s: useful") % {"page": self.path}
        return _("%(page)s: not useful") % {"page": self.path}
