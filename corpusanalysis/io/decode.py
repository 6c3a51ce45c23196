"""Decoding: the bytes of one document → text, with the encoding that was used.

Detection order: a byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8, then GB18030 (a
superset of GBK and GB2312) or Big5, chosen by ``charset_normalizer``'s coherence score.  Binary
files (PDF, ZIP, images, NUL bytes) are refused with the file name and the offending byte offset.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from ..errors import CorpusLoadError

__all__ = ["decode_bytes", "normalize_newlines"]


# Candidate legacy encodings, tried only when the bytes are not valid UTF-8.
_LEGACY_ENCODINGS = ("gb18030", "big5")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# File signatures of common binary formats that users drop into text folders by mistake.
_BINARY_MAGIC = {
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (docx/xlsx/zip)",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"\xd0\xcf\x11\xe0": "OLE2 document (doc/xls)",
    b"GIF8": "GIF image",
}


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, *, name: str = "<bytes>", encoding: str | None = None) -> tuple[str, str]:
    """Decode the bytes of one document and say which encoding was used.

    Detection order: a byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8,
    then GB18030 (a superset of GBK and GB2312) or Big5, chosen by
    ``charset_normalizer``'s coherence score.  Line endings (CRLF, lone CR)
    become ``\\n``; a BOM is dropped.

    Parameters
    ----------
    data : bytes
        The file content.
    name : str, optional
        File name used in error messages.
    encoding : str, optional
        Skip detection and decode strictly with this codec.

    Returns
    -------
    text : str
        The decoded text.
    encoding : str
        The codec that decoded it (``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``,
        ``"gb18030"``, ``"big5"``, …).

    Raises
    ------
    CorpusLoadError
        If the bytes look binary or decode with none of the candidates; the
        message names the file and the byte offset of the first bad byte.

    Examples
    --------
    >>> decode_bytes("新质生产力".encode("gbk"))
    ('新质生产力', 'gb18030')
    >>> decode_bytes("创新\\r\\n".encode("utf-8"))
    ('创新\\n', 'utf-8')
    """
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise CorpusLoadError(
                f"Cannot decode {name!r} with encoding={encoding!r}: invalid byte "
                f"0x{data[exc.start]:02x} at byte offset {exc.start}. The file is probably in "
                "another encoding; pass encoding=None to detect it."
            ) from None
        except LookupError:
            raise CorpusLoadError(
                f"encoding={encoding!r} is not a codec Python knows; expected e.g. 'utf-8', "
                "'gb18030', 'big5' or None to detect."
            ) from None
        return normalize_newlines(text.lstrip("\ufeff")), encoding

    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise CorpusLoadError(
                    f"Cannot decode {name!r}: it starts with a {codec} byte-order mark but has an "
                    f"invalid byte at byte offset {exc.start}. The file is probably truncated or corrupt."
                ) from None
            return normalize_newlines(text.lstrip("\ufeff")), codec

    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise CorpusLoadError(
                f"Cannot load {name!r}: it is a binary file ({kind}, signature at byte offset 0), "
                "not text. Convert it to plain text first or remove it from the source."
            )
    nul = data.find(b"\x00")
    if nul != -1:
        raise CorpusLoadError(
            f"Cannot load {name!r}: binary data (NUL byte at byte offset {nul}). Text files in "
            "UTF-16 need a byte-order mark; other binary files must be converted to text first."
        )

    try:
        return normalize_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc

    best = charset_normalizer.from_bytes(data, cp_isolation=list(_LEGACY_ENCODINGS)).best()
    if best is not None:
        codec = codecs.lookup(best.encoding).name
        if codec in _LEGACY_ENCODINGS:
            try:
                return normalize_newlines(data.decode(codec)), codec
            except UnicodeDecodeError:  # pragma: no cover - charset_normalizer decoded it
                pass
    bad = utf8_error.start
    raise CorpusLoadError(
        f"Cannot decode {name!r}: first bad byte 0x{data[bad]:02x} at byte offset {bad} is not "
        f"valid UTF-8, and the file is not valid {' or '.join(_LEGACY_ENCODINGS).upper()} either. "
        "It may be binary, corrupt, or in another encoding; pass encoding=... if you know it."
    )
