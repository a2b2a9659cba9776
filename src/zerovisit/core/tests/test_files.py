import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zerovisit.core.files import check_upload


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "name,content",
    [
        ("form.pdf", b"%PDF-1.7 ..."),
        ("form.docx", b"PK\x03\x04rest"),
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
