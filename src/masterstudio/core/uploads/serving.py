"""One door out: a file served as an attachment with a safe name and the sniffed content type."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, Http404

from masterstudio.core.uploads.checks import CONTENT_TYPES, INLINE_KINDS
from masterstudio.core.uploads.names import kind_of_name, safe_filename

# ----------------------------------------------------------------------------------------- serving


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266 / RFC 5987: an ASCII fallback name and the UTF-8 name."""
    name = safe_filename(filename)
    ascii_name = name.encode("ascii", "ignore").decode().strip()
    if not ascii_name.rpartition(".")[0 if "." in ascii_name else 2].strip(" ."):
        ext = name.rpartition(".")[2].encode("ascii", "ignore").decode() if "." in name else ""
        ascii_name = "download" + (f".{ext}" if ext else "")
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def serve(field_file, original_name: str, *, kind: str | None = None, inline: bool = False) -> FileResponse:
    """Send a stored upload. ``inline`` is honoured only for PDF and images (never markup)."""
    kind = kind or kind_of_name(original_name) or kind_of_name(getattr(field_file, "name", ""))
    content_type = CONTENT_TYPES.get(kind or "", "application/octet-stream")
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在或已被移除，请联系社会事业局") from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(original_name, inline=inline and kind in INLINE_KINDS)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def attachment_headers(response, filename: str):
    """For generated documents (exports, PDFs): attachment, safe name, nosniff."""
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
