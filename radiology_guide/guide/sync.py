"""Load content files into the database (``sync_content``) and write the
database back to files (``export_content``).

Each stored object remembers the hash of what the files said when it was last
synced or exported (``synced_hash``). On a sync, for each object:

* the file and the database already agree: unchanged;
* the database still holds what was last synced: the file changed, update it;
* the database was edited since (by an admin) and the file differs: a conflict.
  The object is left alone and reported, unless ``force`` is given.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from radiology_guide.guide import content_files, signals, synonyms
from radiology_guide.guide.models import (
    FAQ,
    ComparisonRow,
    GlossaryTerm,
    Page,
    SearchEntry,
    content_hash,
    glossary_linker,
    rerender_all,
)
from radiology_guide.guide.prerender import prerender_all
from radiology_guide.guide.search import rebuild_index

MODELS = {"term": GlossaryTerm, "row": ComparisonRow, "faq": FAQ, "page": Page}
KEY_FIELDS = {"term": "slug", "row": "feature", "faq": "anchor", "page": "slug"}
LABELS = {"term": "glossary term", "row": "comparison row", "faq": "FAQ", "page": "page"}


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    rerendered: int = 0

    @property
    def changes(self):
        return len(self.created) + len(self.updated) + len(self.deleted)

    def summary(self):
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.deleted)} deleted, "
            f"{self.unchanged} unchanged, {len(self.conflicts)} conflict(s), {self.rerendered} re-rendered"
        )


def sync_content(root: Path, force=False) -> SyncReport:
    """Import every file under ``root``, all or nothing (raises ContentError)."""
    content = content_files.read_content(root)
    synonyms.read_file(root)  # a broken synonyms file stops the sync before anything is stored
    report = SyncReport()
    with transaction.atomic():
        with signals.bulk_sync():
            # Terms first (pages link to them), pages last (a child's change
            # must not undo the review status its page's file records).
            for model_name in ("term", "row", "faq", "page"):
                _sync_model(model_name, content.of(model_name), report, force)
        # Glossary links on pages that did not change themselves, and any
        # change in how this version of the code renders Markdown.
        report.rerendered = rerender_all()
        if report.changes or not SearchEntry.objects.exists():
            rebuild_index()
        synonyms.sync_synonyms(root, report, force)
        if report.changes or report.rerendered:
            signals.retire_cached_pages()
    return report


def _sync_model(model_name, records, report, force):
    model, key_field = MODELS[model_name], KEY_FIELDS[model_name]
    existing = {getattr(obj, key_field): obj for obj in model.objects.all()}
    linker = glossary_linker() if model_name in ("faq", "page") else None
    for record in records:
        label = f"{LABELS[model_name]} '{record.key}' ({record.path}:{record.line})"
        file_hash = content_hash(record.fields)
        obj = existing.pop(record.key, None)
        if obj is None:
            obj = model(**record.fields, synced_hash=file_hash)
            _save(obj, linker)
            report.created.append(label)
            continue
        current = obj.current_hash()
        if current == file_hash:
            if obj.synced_hash != file_hash:
                model.objects.filter(pk=obj.pk).update(synced_hash=file_hash)
            report.unchanged += 1
        elif current == obj.synced_hash or force:
            for name, value in record.fields.items():
                setattr(obj, name, value)
            obj.synced_hash = file_hash
            _save(obj, linker)
            report.updated.append(label)
        else:
            report.conflicts.append(f"{label}: edited in admin since the last sync, and the file differs")
    for key, obj in existing.items():
        label = f"{LABELS[model_name]} '{key}'"
        if obj.current_hash() == obj.synced_hash or force:
            obj.delete()
            report.deleted.append(label)
        else:
            report.conflicts.append(f"{label}: edited or added in admin, and not in the files (export it first)")


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
    folders = {"section": "sections", "scan": "procedures", "procedure": "procedures", "page": "pages"}
    existing_names = {
        p.stem.split("-", 1)[-1] if p.parent.name == "sections" else p.stem: p for p in root.glob("*/*.md")
    }
    for slug, page in pages.items():
        if slug in ("compare", "faqs", "glossary"):
            continue
        path = existing_names.get(slug)
        if path is None or path.parent.name != folders[page.kind]:
            name = f"{page.order:03d}-{slug}.md" if page.kind == "section" else f"{slug}.md"
            path = root / folders[page.kind] / name
        outputs[path] = content_files.page_text(page.file_fields())
    if "compare" in pages:
        rows = [row.file_fields() for row in ComparisonRow.objects.order_by("order", "feature")]
        outputs[root / "comparison.md"] = content_files.comparison_text(pages["compare"].file_fields(), rows)
    if "faqs" in pages:
        faqs = [faq.file_fields() for faq in FAQ.objects.order_by("order")]
        outputs[root / "faqs.md"] = content_files.faqs_text(pages["faqs"].file_fields(), faqs)
    if "glossary" in pages:
        terms = [term.file_fields() for term in GlossaryTerm.objects.order_by("term")]
        outputs[root / "glossary.md"] = content_files.glossary_text(pages["glossary"].file_fields(), terms)

    changed = [path] if (path := synonyms.export_synonyms(root)) else []
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
    # Record what is now on disk as synced. Storing the fields as read back also
    # normalises what a file cannot hold (trailing spaces, numbering gaps in
    # the order), so that a sync straight after reports no changes.
    for record in content_files.read_content(root).records:
        model = MODELS[record.model]
        model.objects.filter(**{KEY_FIELDS[record.model]: record.key}).update(
            **record.fields, synced_hash=content_hash(record.fields)
        )
    # Those updates skip save(): render the guide pages from the stored fields.
    prerender_all()
    return changed
