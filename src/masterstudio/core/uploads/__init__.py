"""Uploaded files, for every app: one door in (checked by content) and one door out (served as an
attachment with a safe name). Issue 8, uploads.

In: :func:`check_upload` refuses an empty file, a file over ``settings.UPLOAD_MAX_BYTES``, a file
whose *content* is not one of the accepted kinds (the name and the browser's content type are not
trusted), HTML and SVG in any disguise, and a DOCX/XLSX/OFD package that is a size bomb (too many
members, too much uncompressed data, or too high a compression ratio — measured by decompressing,
not by trusting the sizes the archive declares).

Storage: :class:`GeneratedNameStorage` (the default storage, see settings.STORAGES) replaces the
uploaded name with a random one under ``MEDIA_ROOT``, which lies outside the web root and is never
served directly: the original name is kept in the row and only given back in the download header.

Out: :func:`serve` answers with ``Content-Disposition: attachment`` and an RFC 5987 file name
(``filename*=UTF-8''…`` plus an ASCII fallback), the content type of the sniffed kind and
``X-Content-Type-Options: nosniff``. Views call it only after a selector has decided that the user
may see the row, and record the download with ``record_event``.

Also: keeping an upload across a form error (:func:`stage` / :func:`unstage`), so the user does not
choose the file again.
"""

from masterstudio.core.uploads.checks import (
    ACCEPT_ATTR,
    CONTENT_TYPES,
    DOCUMENT_KINDS,
    EXCEL_KINDS,
    INLINE_KINDS,
    KIND_LABELS,
    PACKAGE_MEMBER_SUFFIXES,
    PHOTO_KINDS,
    VOUCHER_KINDS,
    ZIP_MAX_MEMBERS,
    ZIP_MAX_RATIO,
    ZIP_MAX_UNCOMPRESSED,
    UploadRefused,
    check_upload,
    human_size,
    sniff,
)
from masterstudio.core.uploads.names import BIDI_CONTROLS, SAFE_SUFFIXES, kind_of_name, safe_filename
from masterstudio.core.uploads.orphans import orphan_files, referenced_names, remove_orphans
from masterstudio.core.uploads.serving import attachment_headers, content_disposition, serve
from masterstudio.core.uploads.staging import STAGING_MAX_AGE, discard, stage, staged_name, staging_usage, unstage
from masterstudio.core.uploads.storage import GeneratedNameStorage

__all__ = [
    "ACCEPT_ATTR",
    "BIDI_CONTROLS",
    "CONTENT_TYPES",
    "DOCUMENT_KINDS",
    "EXCEL_KINDS",
    "GeneratedNameStorage",
    "INLINE_KINDS",
    "KIND_LABELS",
    "PACKAGE_MEMBER_SUFFIXES",
    "PHOTO_KINDS",
    "SAFE_SUFFIXES",
    "STAGING_MAX_AGE",
    "UploadRefused",
    "VOUCHER_KINDS",
    "ZIP_MAX_MEMBERS",
    "ZIP_MAX_RATIO",
    "ZIP_MAX_UNCOMPRESSED",
    "attachment_headers",
    "check_upload",
    "content_disposition",
    "discard",
    "human_size",
    "kind_of_name",
    "orphan_files",
    "referenced_names",
    "remove_orphans",
    "safe_filename",
    "serve",
    "sniff",
    "stage",
    "staged_name",
    "staging_usage",
    "unstage",
]
