"""Serving an uploaded file (a photo, a scan, a report) to someone an access helper let through."""

from __future__ import annotations

from django.http import FileResponse, Http404


def private_file(file, *, as_attachment: bool = False) -> FileResponse:
    """The file, kept out of shared caches and never sniffed as another type; 404 if it is gone."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=as_attachment)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
