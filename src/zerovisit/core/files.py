"""Checks for uploaded files: size, an allowed kind, and content that really is of that kind.

The kind is read from the file's first bytes, not trusted from its name, so a page disguised as a PDF is refused.
Office documents that are zip containers must open, and must not unpack to more than a limit (zip bombs).
"""

import struct
import zipfile
import zlib
from pathlib import Path

from django.conf import settings
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
CHUNK = 1024 * 1024
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip member's local file header (APPNOTE 4.3.7)


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
    if head.startswith(ZIP):
        try:
            check_zip(upload)
        finally:
            upload.seek(0)


class _Broken(Exception):
    pass


class _TooLarge(Exception):
    pass


def _unpack(file, member: zipfile.ZipInfo, budget: int) -> int:
    """How many bytes the member really unpacks to (at most budget + 1 are unpacked), read from its compressed
    data, not from the directory; _Broken unless that agrees with what the directory says."""
    if member.flag_bits & 0x1:  # encrypted
        raise _Broken
    file.seek(member.header_offset)
    header = file.read(LOCAL_HEADER.size)
    if len(header) != LOCAL_HEADER.size or header[:4] != ZIP:
        raise _Broken
    fields = LOCAL_HEADER.unpack(header)
    file.seek(member.header_offset + LOCAL_HEADER.size + fields[10] + fields[11])  # past the name and extra field
    left, size, crc = member.compress_size, 0, 0
    inflate = zlib.decompressobj(-zlib.MAX_WBITS) if member.compress_type == zipfile.ZIP_DEFLATED else None
    if inflate is None and member.compress_type != zipfile.ZIP_STORED:
        raise _Broken  # office documents are stored or deflated
    while left > 0 or (inflate is not None and inflate.unconsumed_tail):
        if inflate is not None and inflate.unconsumed_tail:
            chunk = inflate.unconsumed_tail
        else:
            chunk = file.read(min(CHUNK, left))
            if not chunk:
                raise _Broken
            left -= len(chunk)
        data = chunk if inflate is None else inflate.decompress(chunk, min(CHUNK, budget - size + 1))
        size, crc = size + len(data), zlib.crc32(data, crc)
        if size > budget:
            raise _TooLarge
        if inflate is not None and inflate.eof:
            break
    if (inflate is not None and not inflate.eof) or size != member.file_size or crc != member.CRC:
        raise _Broken
    return size


def check_zip(file, *, max_bytes: int | None = None, max_members: int | None = None) -> None:
    """Raise ValidationError unless the zip container (docx, xlsx, ofd) is intact and unpacks to at most
    MAX_UNPACKED_FILE_BYTES in at most MAX_UNPACKED_MEMBERS members.

    The sizes in the zip's directory are checked first; then every member is really unpacked, at most one byte
    past the limit, from its compressed data: a directory that lies about the sizes cannot get a zip bomb
    through (an unpacker trusting it would stop early, one that does not would unpack the bomb)."""
    max_bytes = settings.MAX_UNPACKED_FILE_BYTES if max_bytes is None else max_bytes
    max_members = settings.MAX_UNPACKED_MEMBERS if max_members is None else max_members
    too_large = ValidationError(
        _("The document unpacks to more than %(limit)s.") % {"limit": filesizeformat(max_bytes)},
        code="file_unpacked_too_large",
    )
    broken = ValidationError(_("The document is damaged: it cannot be opened."), code="file_content_mismatch")
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise broken from exc
    if len(members) > max_members:
        raise ValidationError(
            _("The document has more than %(limit)s parts.") % {"limit": max_members}, code="file_too_many_members"
        )
    if sum(member.file_size for member in members) > max_bytes:
        raise too_large
    left = max_bytes
    try:
        for member in members:
            left -= _unpack(file, member, left)
    except _TooLarge:
        raise too_large from None
    except (_Broken, zlib.error, EOFError, OSError, ValueError) as exc:
        raise broken from exc
