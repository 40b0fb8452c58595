"""Files attached to cases: a photo of the damage, a receipt.

What a file is comes from its content alone, never from the name or the type the browser claims: an image
Pillow reads (JPEG, PNG, GIF, WebP, and HEIC where a Pillow plugin reads it), a PDF, or plain UTF-8 text.
`attachments_check` is pure (it reads the uploads, nothing else) so that a form refuses a bad file before
anything is written; `attachments_store` writes the files and their rows in the caller's transaction, last,
and deletes what it wrote when it fails. Limits are settings (CARE_ATTACHMENT_MAX_BYTES,
CARE_ATTACHMENTS_PER_MESSAGE, CARE_ATTACHMENTS_PER_CASE).
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from patronage.care.models import Case, CaseAttachment, CaseEntry
from patronage.core import clock
from patronage.core.errors import NotFound, ValidationFailed
from patronage.core.models import User

FIELD = "attachments"
NAME_MAX = 200
MIB = 1024 * 1024
# A small file can claim a huge picture and take gigabytes to decode; a phone's photo has fewer pixels.
MAX_PIXELS = 60_000_000
# What the file pickers offer (a phone offers its camera for image/*).
ACCEPT = "image/*,application/pdf,text/plain"
PDF, TEXT = "application/pdf", "text/plain"
# Pillow's format → the type served and the file's extension. HEIC is stored as a JPEG: browsers do not
# show HEIC, and it is re-encoded like the others anyway.
IMAGE_KINDS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
    **({"HEIF": ("image/jpeg", ".jpg")} if "HEIF" in Image.OPEN else {}),
}
# The extensions a sender's file name may keep for each type; any other is replaced by the type's own
# (a PNG named receipt.pdf is saved as receipt.png, a text file named page.html as page.txt).
SUFFIXES = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    PDF: (".pdf",),
    TEXT: (".txt",),
}


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, as it will be stored (an image already stripped of its metadata)."""

    name: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def extension(self) -> str:
        return SUFFIXES[self.content_type][0]


def size_words(size: int) -> str:
    """'10 MB', '2.5 MB': a limit as people read it."""
    megabytes = size / MIB
    return formats.number_format(megabytes, decimal_pos=0 if megabytes.is_integer() else 1)


def kinds_words() -> str:
    return _("photos (JPEG, PNG, GIF, WebP), PDF or plain text")


def attachments_check(files: Sequence[UploadedFile]) -> list[CheckedFile]:
    """The files as they will be stored, or one refusal (field "attachments") naming every bad file."""
    files = [file for file in files if file]
    most = settings.CARE_ATTACHMENTS_PER_MESSAGE
    if len(files) > most:
        raise ValidationFailed(
            _("send at most %(count)d files at once; you chose %(chosen)d")
            % {"count": most, "chosen": len(files)},
            field=FIELD,
        )
    checked, problems = [], []
    for file in files:
        try:
            checked.append(_checked(file))
        except ValidationFailed as error:
            problems.append((FIELD, error.message))
    if problems:
        raise ValidationFailed.every(problems)
    return checked


def _checked(file: UploadedFile) -> CheckedFile:
    raw_name = file.name or ""
    shown = _base_name(raw_name) or _("the file")
    limit = settings.CARE_ATTACHMENT_MAX_BYTES
    if (file.size or 0) > limit:
        raise ValidationFailed(
            _("%(name)s is larger than %(size)s MB") % {"name": shown, "size": size_words(limit)}, field=FIELD
        )
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:  # a size the upload did not tell
        raise ValidationFailed(
            _("%(name)s is larger than %(size)s MB") % {"name": shown, "size": size_words(limit)}, field=FIELD
        )
    if not data:
        raise ValidationFailed(_("%(name)s is empty") % {"name": shown}, field=FIELD)
    content_type, content = _kind(data, shown)
    return CheckedFile(_clean_name(raw_name, content_type), content_type, content)


def _kind(data: bytes, shown: str) -> tuple[str, bytes]:
    """The file's type by its content, and the content to store."""
    image = _image(data, shown)
    if image is not None:
        return image
    if data.startswith(b"%PDF-"):
        return PDF, data
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return TEXT, data
    raise ValidationFailed(
        _("%(name)s is not a file we accept: send %(kinds)s") % {"name": shown, "kinds": kinds_words()},
        field=FIELD,
    )


def _image(data: bytes, shown: str) -> tuple[str, bytes] | None:
    """An image's type and its pixels re-saved without metadata; None when the content is no image."""
    damaged = ValidationFailed(
        _("%(name)s is damaged: it could not be read as an image") % {"name": shown}, field=FIELD
    )
    try:
        with Image.open(io.BytesIO(data), formats=list(IMAGE_KINDS)) as probe:
            found = str(probe.format)
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(
                    _("%(name)s has more than %(pixels)d million pixels")
                    % {"name": shown, "pixels": MAX_PIXELS // 1_000_000},
                    field=FIELD,
                )
            probe.verify()  # checks the structure; the image must be opened again to be read
    except UnidentifiedImageError:
        return None
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise damaged from error
    content_type, _extension = IMAGE_KINDS[found]
    if found == "GIF":  # GIF has no EXIF; re-saving would lose an animation's frames
        return content_type, data
    try:
        return content_type, _without_metadata(data, found)
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise damaged from error


def _without_metadata(data: bytes, image_format: str) -> bytes:
    """Re-encodes the picture from its pixels alone. A phone's photo carries EXIF: where it was taken (GPS),
    when, and the phone's serial number; a customer sending a photo of a broken parcel must not hand their
    home's location to everyone who opens the case."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)  # stands the way it was taken, once the EXIF is gone
    upright.info = {}  # no EXIF, XMP, ICC profile or text chunks carried over
    out = io.BytesIO()
    if image_format == "PNG":
        upright.save(out, format="PNG", optimize=True)
    elif image_format == "WEBP":
        upright.save(out, format="WEBP", quality=90)
    else:
        pixels = upright if upright.mode in ("RGB", "L") else upright.convert("RGB")
        pixels.save(out, format="JPEG", quality=90, optimize=True)
    return out.getvalue()


def _base_name(raw: str) -> str:
    """The name without any folder a browser sent with it (some send C:\\Users\\...\\photo.jpg)."""
    return raw.replace("\\", "/").rsplit("/", 1)[-1].strip()


def _clean_name(raw: str, content_type: str) -> str:
    """The sender's file name, safe to offer back (get_valid_filename), with the extension of its type."""
    try:
        name = get_valid_filename(_base_name(raw))
    except SuspiciousFileOperation:  # nothing left of it ("..", only symbols)
        name = ""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    kept = f".{suffix}"
    extension = kept if kept.lower() in SUFFIXES[content_type] else SUFFIXES[content_type][0]
    return (stem or "file")[: NAME_MAX - len(extension)] + extension


def attachments_store(
    *,
    case: Case,
    files: Sequence[CheckedFile],
    entry: CaseEntry | None,
    from_customer: bool,
    actor: User | None,
) -> list[CaseAttachment]:
    """Writes checked files under care/<case>/<random name> and their rows, in the caller's transaction.
    Callers call it last in their transaction: when it fails, the files it wrote are deleted again."""
    if not files:
        return []
    most = settings.CARE_ATTACHMENTS_PER_CASE
    has = CaseAttachment.objects.filter(case=case).count()
    if has + len(files) > most:
        raise ValidationFailed(
            _("a case holds at most %(count)d files, and this one has %(has)d already")
            % {"count": most, "has": has},
            field=FIELD,
        )
    now, written = clock.now(), []
    try:
        rows = []
        for file in files:
            # A random name, not the sender's: a name can name a person, and guessing one opens nothing.
            path = default_storage.save(
                f"care/{case.pk}/{secrets.token_urlsafe(18)}{file.extension}", ContentFile(file.content)
            )
            written.append(path)
            rows.append(
                CaseAttachment(
                    case=case,
                    entry=entry,
                    path=path,
                    name=file.name,
                    content_type=file.content_type,
                    size=file.size,
                    from_customer=from_customer,
                    uploaded_by=actor,
                    created_at=now,
                )
            )
        return CaseAttachment.objects.bulk_create(rows)
    except BaseException:
        attachments_delete(written)
        raise


def attachments_delete(paths: Iterable[str]) -> None:
    for path in paths:
        if path:
            default_storage.delete(path)


def attachment_get(*, case: Case, attachment_id: int, customer: bool = False) -> CaseAttachment:
    """One of the case's files; for its customer, only one that came with a message they see (never an
    internal note's)."""
    files = CaseAttachment.objects.filter(case=case, pk=attachment_id)
    if customer:
        files = files.filter(entry__public=True)
    found = files.first()
    if found is None or not found.path:
        raise NotFound(_("no such file on this case"), field="attachment")
    return found


def attachment_open(attachment: CaseAttachment) -> File[bytes]:
    """The stored file, opened for reading; NotFound when it is gone (erased)."""
    try:
        return default_storage.open(attachment.path, "rb")
    except FileNotFoundError as error:
        raise NotFound(_("no such file on this case"), field="attachment") from error
