"""Checks for uploaded files: size, an allowed kind, and content that really is of that kind.

The kind is read from the file's first bytes, not trusted from its name, so a page disguised as a PDF is refused.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ZIP = b"PK\x03\x04"  # docx, xlsx, ofd
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # doc, xls, wps, et
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".ofd": (ZIP,),
    ".doc": (OLE,),
    ".xls": (OLE,),
    ".wps": (OLE,),
    ".et": (OLE,),
}
DOCUMENT_TYPES = tuple(SIGNATURES)


def check_upload(upload, *, max_bytes: int, allowed: tuple[str, ...] = DOCUMENT_TYPES) -> None:
    """Raise ValidationError unless the file is at most max_bytes and its content matches an allowed kind."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_bytes)}, code="file_too_large"
        )
    suffix = Path(upload.name).suffix.lower()
    if suffix not in allowed:
        raise ValidationError(
            _("Only these kinds of file are accepted: %(kinds)s.") % {"kinds": ", ".join(allowed)},
            code="file_type_not_allowed",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[suffix]):
        raise ValidationError(
            _("The content of the file is not a %(kind)s file.") % {"kind": suffix}, code="file_content_mismatch"
        )
