"""The image library in the content files: content/images/<slug>.<ext>, with
<slug>.yaml beside it holding the words (alt, caption, credit, licence,
decorative). ``export_content`` writes them and ``sync_content`` loads them
back (guide/sync.py calls these functions).

A picture is re-encoded once, when it first comes in. What export writes is
the stored, clean file, and the record of what came in (``upload_hash``)
then names that file: loading it back changes nothing, however often the
two run.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from radiology_guide.images import processing
from radiology_guide.images.models import META_FIELDS, SLUG, Image, record_hash

FOLDER = "images"


class ImageFileError(Exception):
    def __init__(self, path, line, message):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class ImageRecord:
    slug: str
    meta: dict
    picture: Path
    upload_hash: str
    path: Path  # the YAML file
    line: int = 1

    @property
    def hash(self):
        return record_hash(self.meta, self.upload_hash)


def read_images(root: Path) -> tuple[list[ImageRecord], list[ImageFileError]]:
    """Every image in ``root``/images, checked; and every problem found."""
    records, errors = [], []
    folder = root / FOLDER
    for path in sorted(folder.glob("*.yaml")):
        try:
            records.append(_read(path))
        except ImageFileError as error:
            errors.append(error)
    described = {path.stem for path in folder.glob("*.yaml")}
    for path in sorted(folder.glob("*")):
        if path.suffix != ".yaml" and path.stem not in described and not path.name.startswith("."):
            errors.append(ImageFileError(path, 1, f"no {path.stem}.yaml beside this picture (alt text and credit)"))
    return records, errors


def _line(text, key):
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _read(path: Path) -> ImageRecord:
    slug = path.stem
    if slugify(slug) != slug or not SLUG.regex.search(slug):  # "_" passes slugify, but is never served
        raise ImageFileError(path, 1, "the file name must be lowercase words joined by hyphens")
    text = path.read_text(encoding="utf-8")
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ImageFileError(path, 1, f"not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise ImageFileError(path, 1, "the file must be a set of 'key: value' lines")
    unknown = sorted(set(meta) - set(META_FIELDS))
    if unknown:
        raise ImageFileError(path, _line(text, unknown[0]), f"unknown field '{unknown[0]}'")
    fields = {name: str(meta.get(name) or "").strip() for name in META_FIELDS if name != "decorative"}
    fields["decorative"] = meta.get("decorative", False)
    if not isinstance(fields["decorative"], bool):
        raise ImageFileError(path, _line(text, "decorative"), "decorative must be true or false")
    if not fields["decorative"] and not fields["alt"]:
        raise ImageFileError(path, 1, "alt: say what the picture shows, or set 'decorative: true'")
    if fields["decorative"] and fields["alt"]:
        raise ImageFileError(path, _line(text, "alt"), "a decorative picture has no alt text")
    pictures = [path.with_suffix(f".{extension}") for extension in processing.CONTENT_TYPES]
    pictures = [picture for picture in pictures if picture.exists()]
    if len(pictures) != 1:
        raise ImageFileError(path, 1, f"there must be exactly one picture {slug}.jpg, {slug}.png or {slug}.webp")
    data = pictures[0].read_bytes()
    try:
        processing.check(data)
    except ValidationError as error:
        raise ImageFileError(pictures[0], 1, " ".join(error.messages)) from None
    return ImageRecord(slug, fields, pictures[0], processing.digest(data), path)


def sync_images(records: list[ImageRecord], report, force=False):
    """Load the images into the library, as sync_content does pages: files
    that changed are loaded, admin edits since the last sync are conflicts."""
    existing = {image.slug: image for image in Image.objects.all()}
    for record in records:
        label = f"image '{record.slug}' ({record.path}:{record.line})"
        image = existing.pop(record.slug, None)
        if image is None:
            image = Image(slug=record.slug, **record.meta)
            _load(image, record)
            report.created.append(label)
            continue
        current = image.current_hash()
        if current == record.hash:
            if image.synced_hash != record.hash:
                Image.objects.filter(pk=image.pk).update(synced_hash=record.hash)
            report.unchanged += 1
        elif current == image.synced_hash or force:
            for name, value in record.meta.items():
                setattr(image, name, value)
            _load(image, record)
            report.updated.append(label)
        else:
            report.conflicts.append(f"{label}: edited in admin since the last sync, and the files differ")
    for slug, image in existing.items():
        label = f"image '{slug}'"
        if image.current_hash() == image.synced_hash or force:
            image.delete()
            report.deleted.append(label)
        else:
            report.conflicts.append(f"{label}: edited or added in admin, and not in the files (export it first)")


def _load(image, record):
    if record.upload_hash not in (image.upload_hash, image.file_hash):
        image.set_image(record.picture.read_bytes())
    image.upload_hash = record.upload_hash
    image.synced_hash = record.hash
    image.save()


def export_images(root: Path) -> list[Path]:
    """Write every image and its words to ``root``/images; returns what changed."""
    from django.core.files.storage import default_storage

    folder = root / FOLDER
    changed, keep = [], set()
    for image in Image.objects.all():
        picture = folder / f"{image.slug}.{image.format}"
        words = folder / f"{image.slug}.yaml"
        keep |= {picture, words}
        with default_storage.open(image.file.name) as stored:
            data = stored.read()
        text = yaml.safe_dump(image.meta(), sort_keys=False, allow_unicode=True, width=1000)
        for path, content in ((picture, data), (words, text.encode())):
            if not path.exists() or path.read_bytes() != content:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                changed.append(path)
        # The file now holds the stored picture: that is what was "uploaded".
        image.upload_hash = image.file_hash
        image.synced_hash = image.current_hash()
        Image.objects.filter(pk=image.pk).update(upload_hash=image.upload_hash, synced_hash=image.synced_hash)
    for path in sorted(folder.glob("*")) if folder.exists() else []:
        if path not in keep and (path.suffix == ".yaml" or path.suffix[1:] in processing.CONTENT_TYPES):
            path.unlink()
            changed.append(path)
    return changed
