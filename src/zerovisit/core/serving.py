"""Serving a private file to someone a view has already checked.

`ZV_FILE_SERVING` says who sends the bytes of a file on the local file system: `django` (the application
streams it), `x-accel` (nginx, through an internal location named by `ZV_X_ACCEL_PREFIX` that maps to the private
root) or `x-sendfile` (Apache mod_xsendfile, lighttpd). A private storage that is not a local file system (an
object store) gets a redirect to a signed URL that expires after `ZV_PRIVATE_URL_EXPIRY_SECONDS`.
"""

import inspect
import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

FILE_SERVING_MODES = ("django", "x-accel", "x-sendfile")


def _local_path(storage, name: str) -> str | None:
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def _signed_url(storage, name: str, disposition: str) -> str:
    """The storage's URL of the file, valid for a short while; an S3 store is also told to send it as a download."""
    accepted = inspect.signature(storage.url).parameters
    kwargs = {}
    if "expire" in accepted:
        kwargs["expire"] = settings.PRIVATE_URL_EXPIRY_SECONDS
    if "parameters" in accepted and storage.__class__.__module__.startswith("storages.backends.s3"):
        kwargs["parameters"] = {"ResponseContentDisposition": disposition, "ResponseCacheControl": "private, no-store"}
    return storage.url(name, **kwargs)


def private_file_response(field_file, *, filename: str) -> HttpResponse:
    """The file for download as `filename` (never its stored name), not to be cached or sniffed; 404 when there is
    no file or it is missing from storage."""
    if not field_file:
        raise Http404
    storage, name = field_file.storage, field_file.name
    filename = filename.replace("/", "_").replace("\\", "_")
    disposition = content_disposition_header(True, filename)
    path = _local_path(storage, name)
    if path is None:
        response = HttpResponseRedirect(_signed_url(storage, name, disposition))
    elif not storage.exists(name):
        raise Http404
    elif settings.FILE_SERVING == "django":
        response = FileResponse(storage.open(name, "rb"), as_attachment=True, filename=filename)
    else:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = HttpResponse(content_type=content_type)
        if settings.FILE_SERVING == "x-accel":
            response["X-Accel-Redirect"] = settings.X_ACCEL_PREFIX + quote(name)
        else:
            response["X-Sendfile"] = path
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
