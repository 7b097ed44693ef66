"""Drafts and revisions: what editors save before anyone publishes it.

An editor's save is a draft (``save_draft``): patients keep seeing the live
row until someone publishes it (guide/publishing.py, the one place content
reaches patients). Every save, publish and approval leaves a revision, and
an old revision's words can come back as a new draft (``restore``), never
its approval.
"""

import json

from django.db import transaction
from django.utils import timezone

from radiology_guide.guide import content_types
from radiology_guide.guide.models import Draft, Revision, glossary_linker


def as_json(fields: dict) -> dict:
    """Fields as stored in a draft or revision (dates as ISO strings)."""
    return json.loads(json.dumps(fields, default=str))


def revision(obj, action, user=None, note="", fields=None) -> Revision:
    """An unsaved revision of ``obj`` (``fields``: a draft's, instead of the row's)."""
    return Revision(
        model=content_types.of(obj).name,
        object_id=obj.pk,
        title=str(obj)[:200],
        fields=fields if fields is not None else as_json(obj.file_fields()),
        action=action,
        note=note[:200],
        saved_by=user,
    )


def record(objs, action, user=None, note=""):
    """Keep a revision of each object as it is now (one query)."""
    Revision.objects.bulk_create(revision(obj, action, user, note) for obj in objs)


def draft_of(obj):
    if obj.pk is None:
        return None
    return Draft.objects.filter(model=content_types.of(obj).name, object_id=obj.pk).first()


def draft_object(draft: Draft):
    """What ``draft`` would publish, unsaved: its object with the draft's
    fields, or a new object (a draft of an addition); None if it was deleted."""
    model = content_types.BY_NAME[draft.model].model
    obj = model() if draft.object_id is None else model.objects.filter(pk=draft.object_id).first()
    return apply_fields(obj, draft.fields) if obj is not None else None


def apply_fields(obj, fields):
    """Put stored fields (a draft's or a revision's) onto ``obj``; the review
    record is never carried over, so an old approval cannot come back."""
    for name, value in fields.items():
        if name in Revision.NOT_RESTORED or name not in obj.FILE_FIELDS:
            continue
        field = obj._meta.get_field(name)
        setattr(obj, name, field.to_python(value) if value is not None else None)
    return obj


def with_draft(obj, render=True):
    """``obj`` showing its draft, if it has one (unsaved), and rendered
    (unless ``render`` is false: a form about to be saved needs no HTML)."""
    draft = draft_of(obj)
    if draft is not None:
        apply_fields(obj, draft.fields)
        if render:
            obj.render(glossary_linker())
    return obj


def differs_from_live(obj) -> bool:
    live = type(obj).objects.get(pk=obj.pk)
    return as_json(live.file_fields()) != as_json(obj.file_fields())


@transaction.atomic
def save_draft(obj, user, note="", action=Revision.Action.DRAFT) -> Draft:
    """Keep ``obj``'s edited fields as its draft; the live row is untouched.
    A new object (no pk) gets a draft of its own, with no revision until it
    is published (a revision names a stored object)."""
    fields = as_json(obj.file_fields())
    if obj.pk is None:
        return Draft.objects.create(model=content_types.of(obj).name, fields=fields, note=note[:200], saved_by=user)
    draft, _ = Draft.objects.update_or_create(
        model=content_types.of(obj).name,
        object_id=obj.pk,
        defaults={
            "fields": fields,
            "note": note[:200],
            "saved_by": user,
            "saved_at": timezone.now(),
            "publish_at": None,
            "publish_by": None,
        },
    )
    revision(obj, action, user, note, fields=fields).save()
    return draft


def restore(old: Revision, user) -> Draft:
    """Put an old revision's words back as a new draft (never its approval);
    of a deleted object, as a draft of a new one."""
    model = content_types.BY_NAME[old.model].model
    obj = model.objects.filter(pk=old.object_id).first() or model()
    apply_fields(obj, old.fields)
    when = timezone.localtime(old.saved_at)
    return save_draft(obj, user, f"Restored the version of {when:%d %b %Y %H:%M}", action=Revision.Action.RESTORED)
