import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zerovisit.core.files import check_upload

MB = 1024 * 1024


def upload(name, content):
    return SimpleUploadedFile(name, content)


def office_document(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office_document({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document>" + b"x" * 5000})


@pytest.mark.parametrize(
    "name,content",
    [
        ("form.pdf", b"%PDF-1.7 ..."),
        ("form.docx", DOCX),
        ("form.ofd", office_document({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})),
        ("form.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
        ("sample.PNG", b"\x89PNG\r\n\x1a\nrest"),
    ],
)
def test_documents_whose_content_matches_their_kind_pass(name, content):
    check_upload(upload(name, content), max_bytes=1024)


def test_a_page_disguised_as_a_pdf_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("form.pdf", b"<html><script>alert(1)</script>"), max_bytes=1024)
    assert refused.value.code == "file_content_mismatch"


def test_other_kinds_of_file_are_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("run.exe", b"MZ..."), max_bytes=1024)
    assert refused.value.code == "file_type_not_allowed"


def test_files_over_the_limit_are_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("form.pdf", b"%PDF-" + b"x" * 2000), max_bytes=1024)
    assert refused.value.code == "file_too_large"


def test_a_broken_office_document_is_refused():
    for content in (b"PK\x03\x04rest", DOCX[: len(DOCX) // 2]):
        with pytest.raises(ValidationError) as refused:
            check_upload(upload("form.docx", content), max_bytes=MB)
        assert refused.value.code == "file_content_mismatch"


def test_a_zip_bomb_is_refused_by_the_sizes_it_declares(settings):
    settings.MAX_UNPACKED_FILE_BYTES = 10 * MB
    bomb = office_document({"[Content_Types].xml": b"<Types/>", **{f"xl/s{i}.xml": bytes(4 * MB) for i in range(4)}})
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("sheet.xlsx", bomb), max_bytes=MB)
    assert refused.value.code == "file_unpacked_too_large" and "10.0" in refused.value.messages[0]


def lying_about_its_size(bomb: bytes, claimed: int) -> bytes:
    """The one-member zip `bomb` with its directory (and local header) claiming `claimed` bytes, and the CRC of
    the first `claimed` bytes: an unpacker that trusts the directory stops there and finds the file intact."""
    data = bytearray(bomb)
    crc = zlib.crc32(bytes(claimed))
    local, central = 0, data.index(b"PK\x01\x02")
    struct.pack_into("<L", data, local + 14, crc)
    struct.pack_into("<L", data, local + 22, claimed)
    struct.pack_into("<L", data, central + 16, crc)
    struct.pack_into("<L", data, central + 24, claimed)
    return bytes(data)


def test_a_zip_bomb_whose_directory_lies_about_its_size_is_refused(settings):
    settings.MAX_UNPACKED_FILE_BYTES = MB
    liar = lying_about_its_size(office_document({"word/document.xml": bytes(64 * MB)}), claimed=1000)
    with zipfile.ZipFile(io.BytesIO(liar)) as archive:  # what trusting the directory would have found
        assert archive.testzip() is None and archive.read("word/document.xml") == bytes(1000)
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("form.docx", liar), max_bytes=MB)
    assert refused.value.code == "file_unpacked_too_large"


def test_a_document_of_too_many_parts_is_refused(settings):
    settings.MAX_UNPACKED_MEMBERS = 20
    many = office_document({f"part{i}.xml": b"<x/>" for i in range(21)})
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("form.docx", many), max_bytes=MB)
    assert refused.value.code == "file_too_many_members"


def test_a_document_just_under_the_limit_passes_and_is_left_ready_to_store(settings):
    settings.MAX_UNPACKED_FILE_BYTES = 2 * MB
    document = upload("sheet.xlsx", office_document({"a.xml": bytes(MB), "b.xml": bytes(MB - 100)}))
    check_upload(document, max_bytes=MB)
    assert document.tell() == 0
