"""The one place where content changes reach patients, and everything that
follows from a change.

Admin, ``sync_content``, ``export_content``, restoring a revision and the
scheduled-publishing task all call these functions; nothing happens behind
their backs (no signals). Each operation does its follow-up work once, however
many objects it touched:

* HTML that names other objects is rendered again: every guide page's
  ``main_html`` after a page changes (previous/next and related links), every
  body after the glossary changes (its links);
* the search index is brought up to date;
* the content version is bumped, so every cached page on every server is
  retired on the next request.

Editors' saves are drafts (``save_draft``): patients keep seeing the live row
until someone with the ``publish_content`` permission publishes it. A new
object is a draft too (``add``), unless its maker could publish it at once.
With ``PUBLISH_REQUIRES_APPROVAL`` on, publishing also records clinical
approval, so only a clinician with ``approve_page`` may publish, and never a
change of their own. Changes that reach patients without a draft (deleting,
a picture in the library, the clinic's details, synonyms) need the same
permissions (guide/approval.py has every rule), and pages that show them
record who approved what (``cover``).
"""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from radiology_guide.core.cache import bump_content_version
from radiology_guide.guide import cdn, content_types, prerender
from radiology_guide.guide.approval import (  # noqa: F401 - admin and tests name them here
    APPROVE_PERMISSION,
    PUBLISH_PERMISSION,
    NotAllowed,
    check_can_approve,
    check_can_change_live,
    check_can_publish,
    may_change_live,
)
from radiology_guide.guide.models import (
    APPROVED,
    LINK_FIELDS,
    Draft,
    Page,
    Revision,
    SearchEntry,
    glossary_linker,
)

# ---------------------------------------------------------------------------
# Follow-up work, once per operation


def retire_cached_pages(changed_paths=None):
    # Now, and again once the change is committed: a reader who asks in
    # between could otherwise cache the old page under the new version.
    bump_content_version()
    transaction.on_commit(bump_content_version)
    cdn.after_publish(changed_paths)  # then warm every page, purge the CDN (None: everything)


def rerender_all(fresh=()) -> int:
    """Render all stored HTML again, writing only what changed; returns how
    many objects changed. Needed after the glossary changes (links on other
    pages) and after an upgrade that changes how Markdown is rendered.
    ``fresh``: objects just rendered with the current glossary (skipped)."""
    linker = glossary_linker()
    changed = 0
    skip = {(type(obj), obj.pk) for obj in fresh}
    for content_type in content_types.CONTENT_TYPES:
        fields = list(content_type.html_fields)
        stale = []
        for obj in content_type.model.objects.all():
            if (content_type.model, obj.pk) in skip:
                continue
            before = [getattr(obj, name) for name in fields]
            obj.render(linker)
            if [getattr(obj, name) for name in fields] != before:
                stale.append(obj)
        content_type.model.objects.bulk_update(stale, fields)
        changed += len(stale)
    return changed + prerender.prerender_all()


def rebuild_search_index():
    """Every entry again (after a sync): a few hundred rows, one transaction."""
    SearchEntry.objects.all().delete()
    SearchEntry.objects.bulk_create(
        entry
        for content_type in content_types.CONTENT_TYPES
        if content_type.search_entries
        for obj in content_type.model.objects.all()
        for entry in content_type.search_entries(obj)
    )


def _update_search(saved, deleted):
    for obj in [*saved, *deleted]:
        content_type = content_types.of(obj)
        if content_type.search_kinds:
            # Under its key now, and before (a renamed slug), if it was live.
            keys = {content_type.key(version) for version in (obj, getattr(obj, "_live", None)) if version}
            SearchEntry.objects.filter(kind__in=content_type.search_kinds, key__in=keys).delete()
    SearchEntry.objects.bulk_create(
        entry
        for obj in saved
        if (content_type := content_types.of(obj)).search_entries
        for entry in content_type.search_entries(obj)
    )


def relink(terms):
    """Render again only what links, or could now link, to ``terms`` (glossary
    terms saved or deleted; each with its ``_live`` copy from before, if any);
    then the guide pages whose body changed. Returns the pages re-rendered."""
    linker = glossary_linker()
    slugs, words = set(), set()
    for term in terms:
        for version in (term, getattr(term, "_live", None)):
            if version is not None:
                slugs.add(version.slug)
                words.update(word.lower() for word in version.words())
    links = tuple(f'/glossary/#{slug}"' for slug in slugs)
    rendered_pages = []
    for content_type in content_types.CONTENT_TYPES:
        if not content_type.linked_fields:
            continue
        fields = list(content_type.html_fields)
        stale = []
        for obj in content_type.model.objects.all():
            html = "".join(str(getattr(obj, name)) for name in fields)
            text = " ".join(getattr(obj, name) for name in content_type.linked_fields).lower()
            if any(link in html for link in links) or any(word in text for word in words):
                before = [getattr(obj, name) for name in fields]
                obj.render(linker)
                if [getattr(obj, name) for name in fields] != before:
                    stale.append(obj)
        content_type.model.objects.bulk_update(stale, fields)
        rendered_pages += [obj.pk for obj in stale if isinstance(obj, Page)]
    return rendered_pages


def _links_changed(page):
    """Whether other pages name ``page`` differently now (title, order...)."""
    live = getattr(page, "_live", None)
    return live is None or any(getattr(live, name) != getattr(page, name) for name in (*LINK_FIELDS, "order"))


def after_change(saved=(), deleted=()):
    """What follows from ``saved`` and ``deleted`` objects reaching patients:
    only the HTML that can show them is rendered again."""
    changed = [*saved, *deleted]
    if not changed:
        return
    pages = [obj for obj in changed if isinstance(obj, Page)]
    terms = [obj for obj in changed if content_types.of(obj).relinks_everything]
    relinked = relink(terms) if terms else []
    if any(page in deleted or _links_changed(page) for page in pages):
        prerender.prerender_all()  # previous/next and related links name them
    elif pages or relinked:
        prerender.prerender_all(only={page.pk for page in pages} | set(relinked))
    _update_search(saved, deleted)
    retire_cached_pages(cdn.changed_paths(saved, deleted))


# ---------------------------------------------------------------------------
# Revisions and drafts


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
def save_draft(obj, user, note="", publish_at=None, action=Revision.Action.DRAFT) -> Draft:
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
    if publish_at is not None:
        schedule(draft, user, publish_at)
    return draft


def restore(old: Revision, user) -> Draft:
    """Put an old revision's words back as a new draft (never its approval);
    of a deleted object, as a draft of a new one."""
    model = content_types.BY_NAME[old.model].model
    obj = model.objects.filter(pk=old.object_id).first() or model()
    apply_fields(obj, old.fields)
    when = timezone.localtime(old.saved_at)
    return save_draft(obj, user, f"Restored the version of {when:%d %b %Y %H:%M}", action=Revision.Action.RESTORED)


# ---------------------------------------------------------------------------
# Publishing


def cover(pages, user, note):
    """Record on each of ``pages`` a change patients now see on it that was
    made outside its own form (an FAQ, a picture, a deletion). With approval
    required, the change is ``user``'s approval: an approved page is approved
    again by them, and its history says what the approval covered. Without,
    an approved page returns to awaiting review, as an edit of it would."""
    approving = settings.PUBLISH_REQUIRES_APPROVAL
    pages = list(pages)
    for page in pages:
        page._live = page  # its links (title, address) are unchanged
        if not page.is_approved:
            continue
        if approving:
            page.approve(user)
        else:
            page.return_to_draft()
            page._loaded_text = None
            page.save()
    record(pages, Revision.Action.APPROVED if approving else Revision.Action.PUBLISHED, user, note)
    return pages


def _described(obj):
    return f"{content_types.of(obj).label} '{content_types.of(obj).key(obj)}'"


@transaction.atomic
def publish(obj, user, note="", draft=None):
    """Make ``obj`` as it is now (its draft, or an edit) what patients see.
    The caller has checked ``check_can_publish``."""
    approving = settings.PUBLISH_REQUIRES_APPROVAL
    obj._live = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None  # what other pages' links say now
    parents = []
    if not isinstance(obj, Page):
        parents = list(Page.objects.filter(slug=obj.PARENT_SLUG, review_status=APPROVED))
    obj.save()
    if approving and isinstance(obj, Page):
        obj.approve(user)
    # The clinician approved this change to a list they had approved (or,
    # without approval, the list returns to awaiting review).
    covered = cover(parents, user, f"{'Added' if obj._live is None else 'Changed'} {_described(obj)}")
    Draft.objects.filter(model=content_types.of(obj).name, object_id=obj.pk).delete()
    action = Revision.Action.APPROVED if approving else Revision.Action.PUBLISHED
    record([obj], action, user, note or (draft.note if draft else ""))
    after_change(saved=[obj, *covered])
    return obj


@transaction.atomic
def publish_draft(draft: Draft, user):
    """Publish a stored draft as ``user`` (checked here)."""
    check_can_publish(user, draft)
    obj = draft_object(draft)
    if obj is None:
        raise NotAllowed("What this draft changes has been deleted.")
    if obj.pk is None:
        try:
            obj.validate_unique()  # added since: another with the same address
        except ValidationError as error:
            raise NotAllowed(" ".join(error.messages)) from None
    published = publish(obj, user, draft=draft)
    draft.delete()
    return published


@transaction.atomic
def create(obj, user, note=""):
    """A new object, live at once. Only for code that may (tests, commands):
    admin calls ``add``."""
    obj.save()
    record([obj], Revision.Action.PUBLISHED, user, note or "Added")
    after_change(saved=[obj])
    return obj


def add(obj, user, note=""):
    """A new object from admin: live at once only if ``user`` could publish
    it now (allowed to publish, and approval not required, since approving
    one's own addition is never allowed); otherwise a draft of an addition,
    published like any draft. Returns the draft, or None if published."""
    if not settings.PUBLISH_REQUIRES_APPROVAL and user.has_perm(PUBLISH_PERMISSION):
        publish(obj, user, note or "Added")
        return None
    return save_draft(obj, user, note or "Added")


@transaction.atomic
def approve(pages, user, checked_before_publishing=False):
    """Record a clinician's approval of live pages (an admin action), except
    pages with changes of their own since the last approval. Returns the
    refusals (their messages). ``checked_before_publishing``: the caller
    checked the rule, then published someone else's draft (that publish is
    a revision by ``user``, but not a change of their own)."""
    approved, refused = [], []
    for page in pages:
        try:
            if not checked_before_publishing:
                check_can_approve(user, page)
        except NotAllowed as refusal:
            refused.append(str(refusal))
            continue
        page.approve(user)
        approved.append(page)
    record(approved, Revision.Action.APPROVED, user, "Clinical approval recorded")
    after_change(saved=approved)
    return refused


@transaction.atomic
def delete(objs, user=None):
    """Delete objects, their drafts and their search entries, then render
    what linked to them once (100 glossary terms: one re-render, not 100).
    With a ``user`` (admin), only someone who may change live content; their
    deletion is recorded (and restorable), and covered on the list pages that
    showed the objects."""
    objs = list(objs)
    if user is not None:
        check_can_change_live(user)
        record(objs, Revision.Action.DELETED, user, "Deleted")
    parents = {}
    for content_type in {content_types.of(obj) for obj in objs}:
        mine = [obj for obj in objs if isinstance(obj, content_type.model)]
        Draft.objects.filter(model=content_type.name, object_id__in=[obj.pk for obj in mine]).delete()
        content_type.model.objects.filter(pk__in=[obj.pk for obj in mine]).delete()
        for obj in mine:
            if not isinstance(obj, Page):
                parents.setdefault(obj.PARENT_SLUG, []).append(_described(obj))
    covered = []
    if user is not None:
        for page in Page.objects.filter(slug__in=parents):
            covered += cover([page], user, f"Deleted {', '.join(parents[page.slug])}"[:200])
    after_change(saved=covered, deleted=objs)


# ---------------------------------------------------------------------------
# Pictures from the image library (images/admin.py calls these)


def pages_showing_picture(slug):
    """The live pages that show picture ``slug``: in a page's own body, or in
    an FAQ, row or term on it."""
    ref = f"(image:{slug})"
    pages = set(Page.objects.filter(body__contains=ref))
    for content_type in content_types.CONTENT_TYPES:
        for name in getattr(content_type.model, "MARKDOWN_FIELDS", ()):
            if content_type.model.objects.filter(**{f"{name}__contains": ref}).exists():
                pages |= set(Page.objects.filter(slug=content_type.model.PARENT_SLUG))
    return sorted(pages, key=lambda page: page.title)


def picture_in_use(slug) -> bool:
    """Whether patients see picture ``slug`` now, or will when a draft is
    published (a scheduled one included)."""
    ref = f"(image:{slug})"
    return bool(pages_showing_picture(slug)) or any(
        ref in json.dumps(fields) for fields in Draft.objects.values_list("fields", flat=True)
    )


@transaction.atomic
def pictures_changed(slugs, user, what="changed"):
    """After pictures changed in the library: record the change on the pages
    that show them, render again the HTML that holds picture markup (once),
    and retire cached pages."""
    covered = []
    for slug in slugs if user else ():
        covered += cover(pages_showing_picture(slug), user, f"Picture '{slug}' {what}"[:200])
    rerender_all()
    after_change(saved=covered)
    retire_cached_pages()


# ---------------------------------------------------------------------------
# Scheduled publishing


def schedule(draft: Draft, user, when):
    """Publish ``draft`` at ``when``, as ``user`` (checked now and again then)."""
    from radiology_guide.guide import tasks

    check_can_publish(user, draft)
    draft.publish_at, draft.publish_by = when, user
    draft.save(update_fields=["publish_at", "publish_by"])
    transaction.on_commit(lambda: tasks.enqueue_publish_due(when))


def publish_due(now=None) -> int:
    """Publish every draft whose time has come; returns how many."""
    published = 0
    due = Draft.objects.filter(publish_at__lte=now or timezone.now()).select_related("publish_by")
    for draft in due:
        try:
            publish_draft(draft, draft.publish_by)
        except NotAllowed:
            continue  # the scheduler lost the permission since: it stays a draft
        published += 1
    return published


# ---------------------------------------------------------------------------
# What is waiting: the admin home panel and the daily reminder


REVIEW_WARNING_DAYS = 30


def waiting(today=None):
    """Drafts waiting to be published, pages due for review in the next 30
    days, and pages whose review is overdue."""
    today = today or timezone.localdate()
    drafts = []
    for draft in Draft.objects.select_related("saved_by").order_by("saved_at"):
        obj = draft_object(draft)
        if obj is not None:
            drafts.append((obj, draft))
    soon = today + timezone.timedelta(days=REVIEW_WARNING_DAYS)
    return {
        "drafts": drafts,
        "due_soon": list(
            Page.objects.filter(next_review_due__gte=today, next_review_due__lte=soon).order_by("next_review_due")
        ),
        "overdue": list(Page.objects.review_overdue(today).order_by("next_review_due")),
    }


def editors():
    """Active users who may change pages, with an email address."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return [user for user in users if user.has_perm("guide.change_page")]


def send_review_reminders(today=None) -> int:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    waiting_now = waiting(today)
    if not any(waiting_now.values()):
        return 0
    recipients = [user.email for user in editors()]
    if not recipients:
        return 0
    admin_home = settings.SITE_URL + reverse("admin:index")
    text = render_to_string("emails/review_reminder.txt", waiting_now | {"admin_home": admin_home})
    send_mail("Content waiting: drafts and reviews", text, None, recipients)
    return len(recipients)
