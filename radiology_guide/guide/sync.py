"""Load content files into the database (``sync_content``) and write the
database back to files (``export_content``).

Each stored object remembers the hash of what the files said when it was last
synced or exported (``synced_hash``). On a sync, for each object:

* the file and the database already agree: unchanged;
* the database still holds what was last synced: the file changed, update it;
* the database was edited since (by an admin) and the file differs: a conflict.
  The object is left alone and reported, unless ``force`` is given;
* the object has an unpublished draft in admin and the file differs: a
  conflict too. ``force`` updates the live object, but a draft is never
  overwritten or deleted by a sync.

Files are reviewed in git, so what they say is loaded as published content,
with a revision for each object created or updated. With
``PUBLISH_REQUIRES_APPROVAL``, a file that changes what a clinician approved
(an approved page, or an FAQ, row or term on one) without recording a new
approval of that page is a conflict too: its words would otherwise appear
under the old approval. The follow-up work
(rendering, search, cached pages) is done once at the end (guide/publishing.py).
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from radiology_guide.guide import (
    content_files,
    content_folder,
    content_writer,
    drafts,
    prerender,
    publishing,
    synonyms,
    translation_files,
    translations,
)
from radiology_guide.guide.content_types import BY_RECORD, CONTENT_TYPES
from radiology_guide.guide.models import (
    FAQ,
    ComparisonRow,
    Draft,
    GlossaryTerm,
    Page,
    RenderState,
    Revision,
    SearchEntry,
    Translation,
    content_hash,
    glossary_linker,
)
from radiology_guide.images.files import export_images, sync_images


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    rerendered: int = 0
    rendered: bool = False

    @property
    def changes(self):
        return len(self.created) + len(self.updated) + len(self.deleted)

    def summary(self):
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.deleted)} deleted, "
            f"{self.unchanged} unchanged, {len(self.conflicts)} conflict(s), {self.rerendered} re-rendered"
            + ("" if self.rendered else " (nothing to render: no content or rendering code changed)")
        )


def sync_content(root: Path, force=False, rerender=False) -> SyncReport:
    """Import every file under ``root``, all or nothing (raises ContentError).
    ``rerender``: render every stored page again even if nothing changed."""
    content = content_folder.read_content(root)
    synonyms.read_file(root)  # a broken synonyms file stops the sync before anything is stored
    report = SyncReport()
    with transaction.atomic():
        # Images first (pages show them), then terms (pages link to them),
        # pages last (a child's change must not undo the review status its
        # page's file records).
        sync_images(content.images, report, force)
        loaded = []
        pages = {record.key: record.fields for record in content.of("page")}
        for content_type in CONTENT_TYPES:
            loaded += _sync_model(content_type, content.of(content_type.record), report, force, pages)
        drafts.record(loaded, Revision.Action.SYNCED, note="Loaded from the content files")
        # Translations made from other English words than the files' now are out of date.
        translations.refresh_out_of_date(Page.objects.filter(slug__in=Translation.objects.values("of_key")))
        # Glossary links on pages that did not change themselves, and any
        # change in how this version of the code renders Markdown. When
        # nothing changed, rendering 300 objects again would find nothing.
        fingerprint = prerender.renderer_fingerprint()
        state = RenderState.objects.filter(pk=1).first()
        if report.changes or rerender or state is None or state.fingerprint != fingerprint:
            report.rerendered = publishing.rerender_all(fresh=loaded)
            RenderState.objects.update_or_create(pk=1, defaults={"fingerprint": fingerprint})
            report.rendered = True
        if report.changes or not SearchEntry.objects.exists():
            publishing.rebuild_search_index()
        synonyms.sync_synonyms(root, report, force)
        if report.changes or report.rerendered:
            publishing.retire_cached_pages()
    return report


def _unapproved_change(obj, fields, pages):
    """Whether loading ``fields`` over ``obj`` (or ``obj`` itself, new or
    deleted) would change an approved page without the page's file recording
    a new approval. ``pages``: each page's fields in the files, by slug."""
    if not settings.PUBLISH_REQUIRES_APPROVAL:
        return False
    if isinstance(obj, Translation):  # its file records its own approval, as a page's does
        approved, in_file = (obj if obj.pk else None), fields
    else:
        slug = obj.slug if isinstance(obj, Page) else obj.PARENT_SLUG
        approved = obj if isinstance(obj, Page) and obj.pk else Page.objects.filter(slug=slug).first()
        in_file = fields if isinstance(obj, Page) else pages.get(slug)
    if approved is None or not approved.is_approved or in_file is None:
        return False
    return all(str(in_file.get(name)) == str(getattr(approved, name)) for name in ("approved_by_name", "approved_on"))


UNAPPROVED = "changes what a clinician approved without a new approval (publish the change in admin instead)"


def _sync_model(content_type, records, report, force, pages):
    """Sync one kind of content; returns the objects created or updated."""
    model, label_of = content_type.model, content_type.label
    existing = {content_type.key(obj): obj for obj in model.objects.all()}
    drafted = set(Draft.objects.filter(model=content_type.name).values_list("object_id", flat=True))
    linker = glossary_linker() if model in (FAQ, Page) else None
    loaded = []
    for record in records:
        label = f"{label_of} '{record.key}' ({record.path}:{record.line})"
        file_hash = content_hash(record.fields)
        obj = existing.pop(record.key, None)
        if obj is None:
            obj = model(**record.fields, synced_hash=file_hash)
            if not force and _unapproved_change(obj, record.fields, pages):
                report.conflicts.append(f"{label}: {UNAPPROVED}")
                continue
            _save(obj, linker)
            report.created.append(label)
            loaded.append(obj)
            continue
        current = obj.current_hash()
        if current == file_hash:
            if obj.synced_hash != file_hash:
                model.objects.filter(pk=obj.pk).update(synced_hash=file_hash)
            report.unchanged += 1
        elif obj.pk in drafted and not force:
            report.conflicts.append(f"{label}: has an unpublished draft in admin, and the file differs")
        elif not force and _unapproved_change(obj, record.fields, pages):
            report.conflicts.append(f"{label}: {UNAPPROVED}")
        elif current == obj.synced_hash or force:
            for name, value in record.fields.items():
                setattr(obj, name, value)
            obj.synced_hash = file_hash
            _save(obj, linker)
            report.updated.append(label)
            loaded.append(obj)
        else:
            report.conflicts.append(f"{label}: edited in admin since the last sync, and the file differs")
    gone = []
    for key, obj in existing.items():
        label = f"{label_of} '{key}'"
        if not force and _unapproved_change(obj, None, pages):
            report.conflicts.append(f"{label}: deleted in the files, but {UNAPPROVED}")
        elif (obj.current_hash() == obj.synced_hash and obj.pk not in drafted) or force:
            gone.append(obj)
            report.deleted.append(label)
        else:
            report.conflicts.append(f"{label}: edited or added in admin, and not in the files (export it first)")
    if gone:
        Draft.objects.filter(model=content_type.name, object_id__in=[obj.pk for obj in gone]).delete()
        model.objects.filter(pk__in=[obj.pk for obj in gone]).delete()
    return loaded


def _save(obj, linker):
    # The file records its own review status; saving it is not an edit to review.
    obj._loaded_text = None
    obj._loaded_hash = None
    if linker is not None:
        obj.save(linker=linker)
    else:
        obj.save()


def export_content(root: Path) -> list[Path]:
    """Write the database back to files; returns the files that changed."""
    pages = {page.slug: page for page in Page.objects.all()}
    outputs = {}
    folders = {
        "section": "sections", "scan": "procedures", "procedure": "procedures", "page": "pages",
        "easy_read": content_files.EASY_READ_FOLDER,
    }  # fmt: skip
    existing_names = {content_files.file_slug(p): p for p in root.glob("*/*.md")}
    page_paths = {}
    for slug, page in pages.items():
        if slug in ("compare", "faqs", "glossary"):
            continue
        path = existing_names.get(slug)
        if path is None or path.parent.name != folders[page.kind]:
            name = f"{page.order:03d}-{slug}.md" if page.kind == "section" else f"{page.standard_slug or slug}.md"
            path = root / folders[page.kind] / name
        outputs[path] = content_writer.page_text(page.file_fields())
        page_paths[slug] = path
    if "compare" in pages:
        rows = [row.file_fields() for row in ComparisonRow.objects.order_by("order", "feature")]
        outputs[root / "comparison.md"] = content_writer.comparison_text(pages["compare"].file_fields(), rows)
    if "faqs" in pages:
        faqs = [faq.file_fields() for faq in FAQ.objects.order_by("order")]
        outputs[root / "faqs.md"] = content_writer.faqs_text(pages["faqs"].file_fields(), faqs)
    if "glossary" in pages:
        terms = [term.file_fields() for term in GlossaryTerm.objects.order_by("term")]
        outputs[root / "glossary.md"] = content_writer.glossary_text(pages["glossary"].file_fields(), terms)

    for trans in Translation.objects.filter(of_model="page", of_key__in=page_paths):
        path = root / trans.language / page_paths[trans.of_key].relative_to(root)
        outputs[path] = translation_files.translation_text(trans.file_fields())

    changed = export_images(root)
    if synonyms_path := synonyms.export_synonyms(root):
        changed.append(synonyms_path)
    for path, text in outputs.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    # Pages deleted in admin lose their file too.
    for slug, path in existing_names.items():
        if slug not in pages and path.parent.name in folders.values():
            path.unlink()
            changed.append(path)
    for _language, path, _english in translation_files.translation_paths(root):
        if path not in outputs:  # deleted in admin, or its English page was
            path.unlink()
            changed.append(path)
    # Record what is now on disk as synced. Storing the fields as read back also
    # normalises what a file cannot hold (trailing spaces, numbering gaps in
    # the order), so that a sync straight after reports no changes. Each
    # object whose admin edits are now in the files gets a revision.
    exported = []
    for record in content_folder.read_content(root).records:
        content_type = BY_RECORD[record.model]
        file_hash = content_hash(record.fields)
        objects = content_type.model.objects.filter(**{content_type.key_field: record.key})
        obj = objects.first()
        if obj is None or (obj.synced_hash == file_hash and obj.current_hash() == file_hash):
            continue
        objects.update(**record.fields, synced_hash=file_hash)
        obj.refresh_from_db()
        exported.append(obj)
    drafts.record(exported, Revision.Action.EXPORTED, note="Written to the content files")
    if exported:
        # Those updates skip save(): render the stored fields again, once.
        publishing.rerender_all()
        publishing.retire_cached_pages()
    return changed
