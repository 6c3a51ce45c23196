"""Decoding: the bytes of one document → text, with the encoding that was used.

Detection order: a byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8, then GB18030 (a
superset of GBK and GB2312) or Big5, chosen by ``charset_normalizer``'s coherence score.  Binary
files (PDF, ZIP, images, NUL bytes) are refused with the file name and the offending byte offset.
"""

from __future__ import annotations

import codecs
import re
import warnings

import charset_normalizer

from .._checks import user_stacklevel
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
        If the bytes look binary or decode with none of the candidates (the
        message names the file and the byte offset of the first bad byte), or
        if fewer than 32 bytes of non-UTF-8 data decode as both GB18030 and
        Big5, or are valid UTF-8 without a Chinese character but Han characters
        in GB18030 or Big5 (农业 in GB18030 is the UTF-8 'ũҵ'): the message
        shows each reading; pass ``encoding=``.

    Warns
    -----
    UserWarning
        UTF-8 that ends in the middle of a character (with a Chinese character
        before it, below 32 bytes): the incomplete last character is dropped
        and the warning says so.

    Examples
    --------
    >>> decode_bytes("加快形成新质生产力，培育壮大新兴产业".encode("gbk"))
    ('加快形成新质生产力，培育壮大新兴产业', 'gb18030')
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

    utf8_text: str | None
    cut = 0
    try:
        utf8_text = data.decode("utf-8")
        utf8_error = None
    except UnicodeDecodeError as exc:
        utf8_text, utf8_error = None, exc
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            # valid UTF-8 up to an incomplete last character: a cut file, when what comes before says UTF-8
            try:
                prefix = data[:exc.start].decode("utf-8")
            except UnicodeDecodeError:  # pragma: no cover - the error was at the end
                prefix = None
            if prefix is not None and (len(data) >= MIN_GUESS_BYTES or _looks_chinese(prefix)):
                utf8_text, cut = prefix, len(data) - exc.start
    if utf8_text is not None:
        other = _short_legacy_reading(data, utf8_text)
        if other:
            shown = ", ".join(f"as {c.upper()} {t[:20]!r}" for c, t in [("utf-8", utf8_text), *other.items()])
            raise CorpusLoadError(
                f"Cannot tell the encoding of {name!r}: its {len(data)} bytes read as UTF-8 without a Chinese "
                f"character but as Chinese in a legacy encoding, and are too few (fewer than {MIN_GUESS_BYTES}) to "
                f"choose: {shown}. Pass encoding= ({' or '.join(repr(c) for c in ['utf-8', *other])}; --encoding "
                "on the command line) to decide."
            )
        if cut:
            warnings.warn(f"{name!r}: UTF-8 that ends in the middle of a character (byte offset {len(data) - cut}); "
                          f"the incomplete last character ({cut} byte(s)) was dropped. The file is probably "
                          "truncated.", UserWarning, stacklevel=user_stacklevel())
        return normalize_newlines(utf8_text), "utf-8"
    assert utf8_error is not None

    candidates: dict[str, str] = {}
    for codec in _LEGACY_ENCODINGS:
        try:
            candidates[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    clean = [c for c, t in candidates.items() if not _oddity(t)]
    if len(candidates) > 1 and len(clean) == 1:  # the others read as private-use or unassigned code points
        return normalize_newlines(candidates[clean[0]]), clean[0]
    if len(candidates) > 1 and len(data) < MIN_GUESS_BYTES:
        shown = ", ".join(f"as {c.upper()} {t[:20]!r}" for c, t in candidates.items())
        raise CorpusLoadError(
            f"Cannot tell the encoding of {name!r}: its {len(data)} bytes are not UTF-8 and too few (fewer than "
            f"{MIN_GUESS_BYTES}) to choose between legacy encodings: {shown}. Pass encoding= "
            f"({' or '.join(repr(c) for c in candidates)}; --encoding on the command line) to decide."
        )
    unlikely = {c: len(_UNLIKELY.findall(candidates[c])) for c in clean}
    if len(unlikely) > 1:
        # GB18030 read as Big5 turns ，and “” into bopomofo and ※ § (方面，建立“科技贷” → 源醱ㄛ膘蕾※褪撮湃§), Big5 read
        # as GB18030 gives kana: the reading with clearly fewer such characters, before charset_normalizer's guess
        ranked = sorted((n, c) for c, n in unlikely.items())
        if ranked[1][0] - ranked[0][0] >= 2:
            return normalize_newlines(candidates[ranked[0][1]]), ranked[0][1]
    best = charset_normalizer.from_bytes(data, cp_isolation=list(_LEGACY_ENCODINGS)).best()
    if best is not None and codecs.lookup(best.encoding).name in candidates:
        codec = codecs.lookup(best.encoding).name
        return normalize_newlines(candidates[codec]), codec
    if candidates:
        # charset_normalizer declined (short or unusual text): the decoding with fewest private-use and unassigned
        # characters, when it is clearly better than the others
        scored = sorted((_oddity(t), c) for c, t in candidates.items())
        if len(scored) == 1 or scored[0][0] < scored[1][0]:
            codec = scored[0][1]
            return normalize_newlines(candidates[codec]), codec
        shown = ", ".join(f"as {c.upper()} {t[:20]!r}" for c, t in candidates.items())
        raise CorpusLoadError(f"Cannot tell the encoding of {name!r}: it decodes {shown} equally well. Pass "
                              "encoding= (--encoding on the command line) to decide.")
    bad = utf8_error.start
    raise CorpusLoadError(
        f"Cannot decode {name!r}: first bad byte 0x{data[bad]:02x} at byte offset {bad} is not "
        f"valid UTF-8, and the file is not valid {' or '.join(_LEGACY_ENCODINGS).upper()} either. "
        "It may be binary, corrupt, or in another encoding; pass encoding=... if you know it."
    )


#: Below this many bytes, non-UTF-8 data that decodes as more than one legacy encoding is not guessed: two or
#: three characters decode as GB18030 and as Big5 alike (政府 in Big5 reads 淉葬 as GB18030), so the caller decides
#: with ``encoding=``.
MIN_GUESS_BYTES = 32


#: Characters that UTF-8 Chinese text has and that a legacy double-byte encoding misread as UTF-8 hardly gives:
#: Han, CJK symbols and punctuation, full-width forms, general punctuation (“” … —).
_CHINESE_EVIDENCE = re.compile("[\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
                               "\U00020000-\U0003134f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


#: Characters that Chinese prose hardly has but that one legacy encoding's punctuation becomes in the other:
#: bopomofo, kana, ※ §, small, vertical and compatibility forms, box drawing, Greek and Cyrillic.
_UNLIKELY = re.compile("[\u3100-\u312f\u31a0-\u31bf\u3040-\u30ff\u203b\u00a7\ufe10-\ufe1f\ufe30-\ufe6f"
                       "\u2500-\u257f\u0370-\u03ff\u0400-\u04ff]")


def _looks_chinese(text: str) -> bool:
    return _CHINESE_EVIDENCE.search(text) is not None


def _short_legacy_reading(data: bytes, utf8_text: str) -> dict[str, str]:
    """The legacy readings that compete with a UTF-8 reading of fewer than :data:`MIN_GUESS_BYTES` bytes.

    Four bytes of GB18030 (十展) are also valid UTF-8 ('ʮչ'): when the UTF-8 reading has non-ASCII characters but
    nothing Chinese, and a legacy encoding reads the bytes as Han characters without private-use or unassigned
    code points, the bytes are too few to choose.  Empty otherwise (UTF-8 is taken).
    """
    if len(data) >= MIN_GUESS_BYTES or data.isascii():
        return {}
    if _looks_chinese(utf8_text):
        return {}
    readings = {}
    for codec in _LEGACY_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _HAN.search(text) and not _oddity(text):
            readings[codec] = text
    return readings


def _oddity(text: str) -> int:
    """Characters a real Chinese text hardly has: private-use and unassigned code points."""
    import unicodedata

    return sum(1 for ch in text if unicodedata.category(ch) in ("Co", "Cn"))
