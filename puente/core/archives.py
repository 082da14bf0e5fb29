"""Open an uploaded ZIP archive (ODT, DOCX, XLSX, PPTX) only once its declared sizes are those of a document.

An archive bomb is a small file whose entries expand to gigabytes. Before ``zipfile`` parses anything, the end
record must announce a small directory (``zipfile`` reads and parses the whole directory at once); then every
entry's declared size and compression ratio, and their total, must be plausible. Callers read at most a few
bytes of an entry (``ZipFile.open(name).read(n)``): a declared size can lie, a bounded read cannot.
"""

import struct
import zipfile

from django.conf import settings

MAX_ENTRIES = 1000
MAX_DIRECTORY_BYTES = 1024 * 1024
# Text compresses about ten to one; an entry above RATIO_FROM bytes that claims more than MAX_RATIO is a bomb.
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024
# All entries together expand to at most this many times the largest accepted upload.
MAX_EXPANSION = 10

END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_END_RECORD = b"PK\x06\x06"


class UnsafeArchive(ValueError):
    """The archive is not one we open: no end record, too many entries, or sizes no document has."""


def directory_size(upload) -> tuple[int, int]:
    """(number of entries, size in bytes) of the archive's directory, from its end record (ZIP64 too)."""
    upload.seek(0, 2)
    size = upload.tell()
    tail_size = min(size, END_RECORD_SIZE + 0xFFFF)  # the record ends with a comment of up to 64 KB
    upload.seek(size - tail_size)
    tail = upload.read(tail_size)
    at = tail.rfind(END_RECORD)
    if at < 0 or len(tail) - at < END_RECORD_SIZE:
        raise UnsafeArchive("no end record")
    entries, directory = struct.unpack_from("<HI", tail, at + 10)
    if entries == 0xFFFF or directory == 0xFFFFFFFF:
        locator = at - 20
        if locator < 0 or tail[locator : locator + 4] != ZIP64_LOCATOR:
            raise UnsafeArchive("no ZIP64 locator")
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        upload.seek(offset)
        record = upload.read(56)
        if len(record) < 56 or not record.startswith(ZIP64_END_RECORD):
            raise UnsafeArchive("no ZIP64 end record")
        entries, directory = struct.unpack_from("<QQ", record, 32)
    return entries, directory


def open_checked(upload) -> zipfile.ZipFile:
    """``upload`` opened as a ZIP archive whose directory and declared sizes are a document's; raises
    ``UnsafeArchive`` (or ``zipfile.BadZipFile``) otherwise. Nothing is decompressed."""
    entries, directory = directory_size(upload)
    if entries > MAX_ENTRIES or directory > MAX_DIRECTORY_BYTES:
        raise UnsafeArchive("directory too large")
    upload.seek(0)
    archive = zipfile.ZipFile(upload)
    try:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeArchive("too many entries")
        total, limit = 0, MAX_EXPANSION * settings.UPLOAD_MAX_BYTES
        for info in infos:
            if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UnsafeArchive("compression ratio")
            total += info.file_size
            if total > limit:
                raise UnsafeArchive("expands too much")
    except BaseException:
        archive.close()
        raise
    return archive
