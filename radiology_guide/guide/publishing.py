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

Editors' saves are drafts (guide/drafts.py): patients keep seeing the live row
until someone with the ``publish_content`` permission publishes it. A new
object is a draft too (``add``), unless its maker could publish it at once.
With ``PUBLISH_REQUIRES_APPROVAL`` on, publishing also records clinical
approval, so only a clinician with ``approve_page`` may publish, and never a
change of their own. Changes that reach patients without a draft (deleting,
a picture in the library, the clinic's details, synonyms) need the same
permissions (guide/approval.py has every rule), and pages that show them
record who approved what (``cover``).
"""

import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from radiology_guide.core.cache import bump_content_version
from radiology_guide.guide import cdn, content_types, drafts, prerender, search_entries, translations
from radiology_guide.guide.approval import (  # noqa: F401 - admin and tests name them here
    APPROVE_PERMISSION,
    PUBLISH_PERMISSION,
    NotAllowed,
    check_can_approve,
    check_can_change_live,
    check_can_publish,
    may_change_live,
)
from radiology_guide.guide.drafts import draft_object, record, save_draft
from radiology_guide.guide.models import (
    APPROVED,
    LINK_FIELDS,
    Draft,
    Page,
    Revision,
    Translation,
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


def _render_again(content_type, objs, linker) -> list:
    """Render ``objs`` (of one content type) again and store those whose HTML
    changed (one query); returns them."""
    fields = list(content_type.html_fields)
    stale = []
    for obj in objs:
        before = [getattr(obj, name) for name in fields]
        obj.render(linker)
        if [getattr(obj, name) for name in fields] != before:
            stale.append(obj)
    content_type.model.objects.bulk_update(stale, fields)
    return stale


def rerender_all(fresh=()) -> int:
    """Render all stored HTML again, writing only what changed; returns how
    many objects changed. Needed after the glossary changes (links on other
    pages) and after an upgrade that changes how Markdown is rendered.
    ``fresh``: objects just rendered with the current glossary (skipped)."""
    linker = glossary_linker()
    changed = 0
    skip = {(type(obj), obj.pk) for obj in fresh}
    for content_type in content_types.CONTENT_TYPES:
        objs = [obj for obj in content_type.model.objects.all() if (content_type.model, obj.pk) not in skip]
        changed += len(_render_again(content_type, objs, linker))
    return changed + prerender.prerender_all() + translations.render_all()


def rebuild_search_index():
    """Every entry again (after a sync): a few hundred rows, one transaction."""
    search_entries.rebuild_index()


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
        linking = []
        for obj in content_type.model.objects.all():
            html = "".join(str(getattr(obj, name)) for name in content_type.html_fields)
            text = " ".join(getattr(obj, name) for name in content_type.linked_fields).lower()
            if any(link in html for link in links) or any(word in text for word in words):
                linking.append(obj)
        stale = _render_again(content_type, linking, linker)
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
        translations.render_all()
    elif pages or relinked:
        prerender.prerender_all(only={page.pk for page in pages} | set(relinked))
        slugs = {page.slug for page in pages} | set(Page.objects.filter(pk__in=relinked).values_list("slug", flat=True))
        translations.render_all(only_pages=slugs)
    translated = [obj for obj in saved if isinstance(obj, Translation)]
    if translated:
        translations.render_all(only_pages={obj.of_key for obj in translated})
    # The English changed: its translations made from other words now say so.
    translations.refresh_out_of_date([obj for obj in saved if not isinstance(obj, Translation)], translated)
    search_entries.update(saved, deleted)
    retire_cached_pages(cdn.changed_paths(saved, deleted))


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
    own_review = isinstance(obj, (Page, Translation))  # rows, FAQs and terms: their page's
    if not own_review:
        parents = list(Page.objects.filter(slug=obj.PARENT_SLUG, review_status=APPROVED))
    obj.save()
    if approving and own_review:
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
# Pictures from the image library (guide/admin_library.py calls these)


def _showing_picture(slug):
    """Every live object whose Markdown shows picture ``slug`` (pages, FAQs,
    rows, terms), by content type."""
    ref = f"(image:{slug})"
    found = {}
    for content_type in content_types.CONTENT_TYPES:
        names = content_type.markdown_fields
        query = Q()
        for name in names:
            query |= Q(**{f"{name}__contains": ref})
        if names:
            found[content_type] = list(content_type.model.objects.filter(query))
    return found


def pages_showing_picture(slug):
    """The live pages that show picture ``slug``: in a page's own body, or in
    an FAQ, row or term on it."""
    pages = set()
    for content_type, objs in _showing_picture(slug).items():
        if content_type.model is Page:
            pages |= set(objs)
        elif objs:
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
    """After pictures changed in the library (guide/admin_library.py): record
    the change on the pages that show them, render again only the HTML that
    holds their markup, and retire cached pages."""
    covered, linker, pages = [], glossary_linker(), set()
    for slug in slugs:
        for content_type, objs in _showing_picture(slug).items():
            _render_again(content_type, objs, linker)
        shown_on = pages_showing_picture(slug)
        pages |= {page.pk for page in shown_on}
        if user:
            covered += cover(shown_on, user, f"Picture '{slug}' {what}"[:200])
    if pages:
        prerender.prerender_all(only=pages)
        translations.render_all(only_pages=set(Page.objects.filter(pk__in=pages).values_list("slug", flat=True)))
    after_change(saved=covered)
    retire_cached_pages()


# ---------------------------------------------------------------------------
# Saving from admin


@dataclass
class Saved:
    """What an admin save did: the draft (of a new object, or of an edit),
    what to tell the editor, and when the worker must publish it (if
    scheduled: the caller queues it)."""

    draft: Draft | None = None
    messages: list[tuple[str, str]] = field(default_factory=list)  # (level: "info", "success" or "warning", text)
    publish_at: datetime.datetime | None = None


def save_from_admin(obj, user, *, adding, note="", publish=False, publish_at=None) -> Saved:
    """An editor's save in admin: a new object is a draft (unless they may
    publish it now); an edit is kept as the draft, then published at once
    (``publish``) or scheduled (``publish_at``) if they may."""
    if adding:
        return Saved(draft=add(obj, user, note))
    draft = drafts.draft_of(obj)
    edited = drafts.as_json(obj.file_fields()) != draft.fields if draft else drafts.differs_from_live(obj)
    if edited:
        draft = save_draft(obj, user, note)
    if draft is None:
        return Saved(
            messages=[("info", "There are no changes to publish." if publish else "There were no changes to save.")]
        )
    if publish:
        try:
            publish_draft(draft, user)
        except NotAllowed as refusal:
            return Saved(draft, [("warning", f"Saved as a draft, not published. {refusal}")])
        return Saved(messages=[("success", "Published: patients now see this version.")])
    if publish_at is not None:
        try:
            schedule(draft, user, publish_at)
        except NotAllowed as refusal:
            return Saved(draft, [("warning", f"Saved as a draft, not scheduled. {refusal}")])
        when = timezone.localtime(publish_at)
        return Saved(
            draft, [("success", f"Draft saved. It will be published at {when:%H:%M on %d %B %Y}.")], publish_at
        )
    return Saved(draft, [("success", "Draft saved. Patients still see the published version until it is published.")])


# ---------------------------------------------------------------------------
# Scheduled publishing


def schedule(draft: Draft, user, when):
    """Publish ``draft`` at ``when``, as ``user`` (checked now and again
    then). The caller queues the worker for that time (guide/tasks.py):
    the draft is the record, whichever task publishes it."""
    check_can_publish(user, draft)
    draft.publish_at, draft.publish_by = when, user
    draft.save(update_fields=["publish_at", "publish_by"])


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
