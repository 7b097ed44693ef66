"""What every piece of guide content shares: its review constants, the hash
that tells a file's words from an admin's edit, and the abstract model with
the fields a content file fills."""

import hashlib
import json

from django.db import models

from radiology_guide.guide.dates import REVIEW_CYCLE_YEARS, add_years  # noqa: F401 - named from models too

DRAFT = "awaiting clinical review"
APPROVED = "approved"
# What a link to a page shows (its address, title and summary).
LINK_FIELDS = ("kind", "slug", "title", "summary")


def content_hash(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


class SyncedContent(models.Model):
    """What every piece of file-backed content shares."""

    #: The fields that come from (and go back to) the content files.
    FILE_FIELDS: tuple[str, ...] = ()

    synced_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.remember_loaded(set(cls.FILE_FIELDS) <= set(field_names))
        return instance

    def remember_loaded(self, loaded_all):
        """Snapshot what was loaded, to tell later whether it was edited."""
        self._loaded_hash = self.current_hash() if loaded_all else None

    def changed_since_loaded(self) -> bool:
        return getattr(self, "_loaded_hash", None) not in (None, self.current_hash())

    def file_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.FILE_FIELDS}

    def current_hash(self) -> str:
        return content_hash(self.file_fields())
