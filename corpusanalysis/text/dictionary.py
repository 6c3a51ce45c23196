"""Policy-term dictionary: load, validate, look up, import and export.

The project's central research artifact is ``corpusanalysis/data/policy_terms.yaml``, a
hand-edited list of multi-character fixed terms and slogans of Chinese science-and-innovation
policy (创新型县, 新质生产力, 容错纠错, 揭榜挂帅 …).  Every entry has one canonical form
(simplified Chinese), a category, optional mission themes and any number of *variants* —
traditional spellings, abbreviations, quoted or bracketed forms — that map back to it.

:func:`load_dictionary` reads and strictly validates such a file into an immutable
:class:`PolicyDictionary`.  :meth:`PolicyDictionary.forms` lists every surface form with its
canonical term: that table is all a dictionary tokenizer needs.
:func:`read_quanteda_yaml` and :func:`write_quanteda_yaml` convert from and to the YAML
dictionary format of the R package quanteda.

File format (one block per term)::

    name: 科技创新政策术语词典
    version: "1.0.0"
    description: ...
    sources: [...]
    categories:
      county_innovation: {label: 创新型县与县域创新, description: ...}
    terms:
      - term: 创新型县
        category: county_innovation
        themes: [创新型县]
        variants: [创新型县(市), 創新型縣]
        pos: nz
        note: seed 000
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeAlias, TypedDict, overload

import pandas as pd
import yaml

from .._checks import describe, user_stacklevel
from ..errors import DictionaryError, DictionaryWarning

__all__ = [
    "PolicyDictionary",
    "load_dictionary",
    "read_quanteda_yaml",
    "resolve_dictionary",
    "write_quanteda_yaml",
]

#: Columns of :attr:`PolicyDictionary.terms`, in order.
TERM_COLUMNS = ("term", "category", "category_label", "themes", "variants", "pos", "note")
#: Columns of :meth:`PolicyDictionary.forms`, in order.
FORM_COLUMNS = ("form", "term", "category", "is_variant")
#: Columns of :attr:`PolicyDictionary.categories`, in order.
CATEGORY_COLUMNS = ("category", "label", "description", "n_terms")

BUNDLED_NAME = "policy_terms.yaml"

_TOP_REQUIRED = ("name", "version", "categories", "terms")
_TOP_ALLOWED = ("name", "version", "description", "sources", "categories", "terms")
_ENTRY_REQUIRED = ("term", "category")
_ENTRY_ALLOWED = ("term", "category", "themes", "variants", "pos", "note")
_CATEGORY_ALLOWED = ("label", "description")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")
_POS = re.compile(r"^[A-Za-z]{1,8}$")
_MIN_FORM_LENGTH = 2


# ----------------------------------------------------------------------------- YAML parsing

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, tuple[Any, int]] = {}  # key -> (value, line of the key)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in mapping
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"found an unhashable mapping key {key!r}", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"found duplicate key {key!r} (first defined at line {mapping[key][1] + 1})",
                key_node.start_mark,
            )
        mapping[key] = (loader.construct_object(value_node, deep=deep), key_node.start_mark.line)
    return {k: v for k, (v, _) in mapping.items()}


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _parse_yaml(data: bytes, source: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DictionaryError(
            f"{source}: expected a UTF-8 encoded YAML file, but byte {exc.start} is not valid UTF-8 "
            f"({data[exc.start:exc.start + 4]!r}). Re-save the file as UTF-8."
        ) from None
    try:
        doc = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise DictionaryError(f"{source}: not valid YAML: {exc}") from None
    if doc is None:
        raise DictionaryError(f"{source}: the file is empty; expected a YAML mapping.")
    return doc


def _read_source(path: str | os.PathLike[str] | None) -> tuple[bytes, str]:
    if path is None:
        resource = resources.files("corpusanalysis") / "data" / BUNDLED_NAME
        return resource.read_bytes(), str(resource)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike (or None for the bundled file), "
                        f"got {type(path).__name__}.")
    p = Path(path)
    if not p.is_file():
        what = "a directory" if p.is_dir() else "missing"
        raise FileNotFoundError(f"{p}: dictionary file not found ({what}); expected a YAML file.")
    return p.read_bytes(), str(p)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


# ----------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _Entry:
    term: str
    category: str
    themes: tuple[str, ...]
    variants: tuple[str, ...]
    pos: str | None
    note: str | None


class _Validated(TypedDict):
    """A validated native-format document (what :func:`_validate` returns)."""

    name: str
    version: str
    description: str
    sources: tuple[str, ...]
    categories: dict[str, tuple[str, str]]  # id -> (label, description)
    entries: tuple[_Entry, ...]


def _where(i: int, raw: Any) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("term"), str) and raw.get("term"):
        return f"terms[{i}] (term {raw['term']!r})"
    return f"terms[{i}]"


def _check_form(value: Any, *, source: str, where: str, what: str) -> str:
    if not isinstance(value, str):
        raise DictionaryError(
            f"{source}: {where}: {what} must be a string, got {describe(value)}. "
            "Quote numbers and special values in YAML (e.g. '2035')."
        )
    if not value.strip():
        raise DictionaryError(f"{source}: {where}: {what} is empty; expected a term of at least {_MIN_FORM_LENGTH} "
                              "characters.")
    if value != value.strip():
        raise DictionaryError(
            f"{source}: {where}: {what} {value!r} has leading or trailing whitespace; expected {value.strip()!r}."
        )
    if any(ch in value for ch in "\n\r\t"):
        raise DictionaryError(f"{source}: {where}: {what} {value!r} contains a line break or tab.")
    if len(value) < _MIN_FORM_LENGTH:
        raise DictionaryError(
            f"{source}: {where}: {what} {value!r} has {len(value)} character; expected at least "
            f"{_MIN_FORM_LENGTH}. Single characters match far too often to be policy terms."
        )
    return value


def _check_str_list(value: Any, *, source: str, where: str, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DictionaryError(
            f"{source}: {where}: {key!r} must be a list of strings, got {describe(value)}. "
            f"Write it as a YAML list: {key}: [{value if isinstance(value, str) else '...'}]."
        )
    return value


def _refuse_unknown_keys(mapping: Mapping[Any, Any], allowed: tuple[str, ...], *, source: str, subject: str,
                         hint: str = " Check the spelling.") -> None:
    bad = [k for k in mapping if k not in allowed]
    if bad:
        raise DictionaryError(
            f"{source}: {subject} {', '.join(map(repr, bad))}; allowed keys are {', '.join(allowed)}.{hint}"
        )


def _validate(doc: Any, source: str) -> _Validated:
    """Validate a native-format document; return normalised metadata, categories and entries."""
    if not isinstance(doc, Mapping):
        raise DictionaryError(
            f"{source}: expected a YAML mapping with top-level keys {', '.join(_TOP_REQUIRED)}, got {describe(doc)}."
        )
    _refuse_unknown_keys(doc, _TOP_ALLOWED, source=source, subject="unknown top-level key(s)")
    missing = [k for k in _TOP_REQUIRED if k not in doc]
    if missing:
        raise DictionaryError(
            f"{source}: missing required top-level key(s) {', '.join(map(repr, missing))}; a policy "
            f"dictionary needs {', '.join(_TOP_REQUIRED)}."
        )
    name = doc["name"]
    if not isinstance(name, str) or not name.strip():
        raise DictionaryError(f"{source}: 'name' must be a non-empty string, got {describe(name)}.")
    version = doc["version"]
    if not isinstance(version, str) or not _SEMVER.match(version):
        raise DictionaryError(
            f"{source}: 'version' must be a semantic-version string such as '1.0.0', got {describe(version)}. "
            'Quote it in YAML: version: "1.0.0".'
        )
    description = doc.get("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise DictionaryError(f"{source}: 'description' must be a string, got {describe(description)}.")
    sources = doc.get("sources", [])
    if sources is None:
        sources = []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise DictionaryError(f"{source}: 'sources' must be a list of strings, got {describe(sources)}.")

    raw_categories = doc["categories"]
    if not isinstance(raw_categories, Mapping) or not raw_categories:
        raise DictionaryError(
            f"{source}: 'categories' must be a non-empty mapping of category id -> "
            f"{{label, description}}, got {describe(raw_categories)}."
        )
    categories: dict[str, tuple[str, str]] = {}
    for cid, spec in raw_categories.items():
        if not isinstance(cid, str) or not cid.strip() or cid != cid.strip():
            raise DictionaryError(f"{source}: category id {cid!r} must be a non-empty string without surrounding "
                                  "spaces.")
        if not isinstance(spec, Mapping):
            raise DictionaryError(
                f"{source}: category {cid!r} must be a mapping with 'label' and 'description', got {describe(spec)}."
            )
        _refuse_unknown_keys(spec, _CATEGORY_ALLOWED, source=source, subject=f"category {cid!r} has unknown key(s)",
                             hint="")
        label = spec.get("label")
        if not isinstance(label, str) or not label.strip():
            raise DictionaryError(f"{source}: category {cid!r}: 'label' must be a non-empty string, "
                                  f"got {describe(label)}.")
        cdesc = spec.get("description", "")
        if cdesc is None:
            cdesc = ""
        if not isinstance(cdesc, str):
            raise DictionaryError(f"{source}: category {cid!r}: 'description' must be a string, got {describe(cdesc)}.")
        categories[cid] = (label, cdesc)

    raw_terms = doc["terms"]
    if not isinstance(raw_terms, list) or not raw_terms:
        raise DictionaryError(f"{source}: 'terms' must be a non-empty list of term entries, got {describe(raw_terms)}.")

    entries: list[_Entry] = []
    owner: dict[str, tuple[int, str, bool]] = {}  # form -> (index, term, is_variant)

    def claim(form: str, i: int, term: str, is_variant: bool, where: str) -> None:
        if form in owner:
            j, other, other_is_variant = owner[form]
            role = "a variant" if other_is_variant else "the canonical term"
            this = f"variant {form!r}" if is_variant else f"term {form!r}"
            if j == i:
                raise DictionaryError(f"{source}: {where}: {this} is listed twice in this entry; remove the repeat.")
            raise DictionaryError(
                f"{source}: {where}: duplicate {this}: it is already {role} of terms[{j}] (term {other!r}). "
                "Each surface form may map to only one term; merge the two entries or drop one form."
            )
        owner[form] = (i, term, is_variant)

    for i, raw in enumerate(raw_terms):
        where = _where(i, raw)
        if not isinstance(raw, Mapping):
            raise DictionaryError(
                f"{source}: {where}: expected a mapping with keys term, category, ... got {describe(raw)}. "
                "Each list item must look like '- term: 创新型县'."
            )
        _refuse_unknown_keys(raw, _ENTRY_ALLOWED, source=source, subject=f"{where}: unknown key(s)")
        missing = [k for k in _ENTRY_REQUIRED if k not in raw]
        if missing:
            raise DictionaryError(
                f"{source}: {where}: missing required key(s) {', '.join(map(repr, missing))}; every entry needs "
                f"{' and '.join(_ENTRY_REQUIRED)}."
            )
        term = _check_form(raw["term"], source=source, where=where, what="term")
        category = raw["category"]
        if category not in categories:
            shown = ", ".join(categories) if len(categories) <= 20 else ", ".join(list(categories)[:20]) + ", ..."
            raise DictionaryError(
                f"{source}: {where}: unknown category {category!r}; expected one of the ids declared under "
                f"'categories': {shown}."
            )
        variants = _check_str_list(raw.get("variants"), source=source, where=where, key="variants")
        variants = [_check_form(v, source=source, where=where, what="variant") for v in variants]
        themes = _check_str_list(raw.get("themes"), source=source, where=where, key="themes")
        for t in themes:
            if not isinstance(t, str) or not t.strip():
                raise DictionaryError(f"{source}: {where}: each theme must be a non-empty string, got {describe(t)}.")
        if len(set(themes)) != len(themes):
            raise DictionaryError(f"{source}: {where}: 'themes' lists a theme twice: {themes!r}.")
        pos = raw.get("pos")
        if pos is not None and (not isinstance(pos, str) or not _POS.match(pos)):
            raise DictionaryError(
                f"{source}: {where}: 'pos' must be a jieba part-of-speech tag such as 'nz', 'n' or 'l', "
                f"got {describe(pos)}."
            )
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            raise DictionaryError(f"{source}: {where}: 'note' must be a string, got {describe(note)}.")
        claim(term, i, term, False, where)
        for v in variants:
            claim(v, i, term, True, where)
        entries.append(_Entry(term, category, tuple(themes), tuple(variants), pos, note))

    canonical = {e.term for e in entries}
    for i, e in enumerate(entries):
        for t in e.themes:
            if t not in canonical:
                hint = f" ({t!r} is a variant of {owner[t][1]!r}; use the canonical term)" if t in owner else ""
                raise DictionaryError(
                    f"{source}: terms[{i}] (term {e.term!r}): theme {t!r} is not a term in this dictionary{hint}; "
                    "every theme must be the canonical 'term' of some entry."
                )
    return {
        "name": name,
        "version": version,
        "description": description,
        "sources": tuple(sources),
        "categories": categories,
        "entries": tuple(entries),
    }


# ----------------------------------------------------------------------------- YAML emission


def _loads(text: str) -> Any:
    return yaml.load(text, Loader=_BaseLoader)


def _quoted(s: str) -> str:
    # Single quotes read best for quoted forms such as '"赛马"制'; YAML folds line breaks inside
    # single quotes, so anything with control characters gets a JSON (= YAML double-quoted) string.
    if any(ord(ch) < 32 or ch == "\x7f" for ch in s):
        return json.dumps(s, ensure_ascii=False)
    return "'" + s.replace("'", "''") + "'"


# Strings made only of CJK ideographs are always safe as plain YAML scalars (fast path).
_PLAIN_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def _quote_unless(s: str, *probes: tuple[str, Any]) -> str:
    """``s`` as it is when YAML reads every probe text back as the expected value (or ``s`` is plain
    Chinese), else ``s`` quoted."""
    if _PLAIN_CJK.match(s):
        return s
    try:
        if all(_loads(text) == expected for text, expected in probes):
            return s
    except yaml.YAMLError:
        pass
    return _quoted(s)


def _q_block(s: str) -> str:
    """Quote ``s`` for a block context (``key: value``, ``- value``) only when YAML needs it."""
    return _quote_unless(s, ("k: " + s, {"k": s}), ("- " + s, [s]))


def _q_flow(s: str) -> str:
    """Quote ``s`` for a flow sequence (``[a, b]``) only when YAML needs it."""
    return _quote_unless(s, ("[" + s + "]", [s]))


def _q_key(s: str) -> str:
    """Quote ``s`` for a mapping key only when YAML needs it."""
    return _quote_unless(s, (s + ": x", {s: "x"}))


def _comment(s: str) -> str:
    return " ".join(s.split())


# ----------------------------------------------------------------------------- the dictionary


class PolicyDictionary:
    """An immutable, validated policy-term dictionary.

    Build one with :func:`load_dictionary`, :func:`read_quanteda_yaml` or
    :meth:`PolicyDictionary.from_dict`; derive new ones with :meth:`add_terms` and
    :meth:`merge`.  Attributes cannot be reassigned and the tables it returns are copies.

    Attributes
    ----------
    name : str
        Human-readable name from the file.
    version : str
        ``"<semver from the file>+<first 8 hex digits of sha256>"`` — the hash is taken over
        the file bytes (or, for derived dictionaries, over :meth:`to_yaml`), so the version
        changes whenever the content changes.
    description : str
    sources : tuple of str
    source : str or None
        Where the dictionary was read from (file path), or a description of how it was built.
    terms : pandas.DataFrame
        One row per canonical term; columns ``term, category, category_label, themes``
        (tuple), ``variants`` (tuple), ``pos, note``; sorted by category then term.
    categories : pandas.DataFrame
        One row per category: ``category, label, description, n_terms``; sorted by id.

    Notes
    -----
    Two dictionaries compare equal when their name, version number (without the hash),
    categories and entries are equal; description and sources are ignored.

    Examples
    --------
    >>> from corpusanalysis import load_dictionary
    >>> d = load_dictionary()
    >>> d
    PolicyDictionary('科技创新政策术语词典', version='1.0.1+...', ... terms, 17 categories)
    >>> d.lookup("創新型縣(市)")
    '创新型县'
    >>> "揭榜挂帅" in d, "创新" in d
    (True, False)
    """

    __slots__ = (
        "_categories",
        "_description",
        "_entries",
        "_forms",
        "_lookup",
        "_name",
        "_semver",
        "_source",
        "_sources",
        "_terms",
        "_version",
    )
    # the slots (set once, through object.__setattr__, in __init__)
    _categories: dict[str, tuple[str, str]]  # id -> (label, description)
    _description: str
    _entries: tuple[_Entry, ...]
    _forms: pd.DataFrame
    _lookup: dict[str, str]  # form -> canonical term
    _name: str
    _semver: str
    _source: str | None
    _sources: tuple[str, ...]
    _terms: pd.DataFrame
    _version: str

    def __init__(self, *, validated: _Validated, digest: str, source: str | None) -> None:
        """Internal: use :func:`load_dictionary` or :meth:`PolicyDictionary.from_dict`."""
        setter = object.__setattr__
        setter(self, "_name", validated["name"])
        setter(self, "_semver", validated["version"])
        setter(self, "_version", f"{validated['version']}+{digest}")
        setter(self, "_description", validated["description"])
        setter(self, "_sources", tuple(validated["sources"]))
        setter(self, "_source", source)
        setter(self, "_categories", dict(validated["categories"]))
        setter(self, "_entries", tuple(validated["entries"]))

        ordered = sorted(self._entries, key=lambda e: (e.category, e.term))
        terms = pd.DataFrame(
            {
                "term": pd.Series([e.term for e in ordered], dtype="str"),
                "category": pd.Series([e.category for e in ordered], dtype="str"),
                "category_label": pd.Series([self._categories[e.category][0] for e in ordered], dtype="str"),
                "themes": pd.Series([e.themes for e in ordered], dtype=object),
                "variants": pd.Series([e.variants for e in ordered], dtype=object),
                "pos": pd.Series([e.pos for e in ordered], dtype="str"),
                "note": pd.Series([e.note for e in ordered], dtype="str"),
            },
            columns=list(TERM_COLUMNS),
        )
        rows = []
        for e in ordered:
            rows.append((e.term, e.term, e.category, False))
            rows.extend((v, e.term, e.category, True) for v in e.variants)
        forms = pd.DataFrame(
            {
                "form": pd.Series([r[0] for r in rows], dtype="str"),
                "term": pd.Series([r[1] for r in rows], dtype="str"),
                "category": pd.Series([r[2] for r in rows], dtype="str"),
                "is_variant": pd.Series([r[3] for r in rows], dtype=bool),
            },
            columns=list(FORM_COLUMNS),
        )
        setter(self, "_terms", terms)
        setter(self, "_forms", forms)
        setter(self, "_lookup", {r[0]: r[1] for r in rows})

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> PolicyDictionary:
        """Validate a mapping in the native file format and build a dictionary.

        Parameters
        ----------
        data : mapping
            Same structure as ``policy_terms.yaml``: ``name``, ``version``, ``categories``,
            ``terms`` (and optionally ``description``, ``sources``).
        source : str, default "<dict>"
            Name used in error messages.

        Returns
        -------
        PolicyDictionary
            Its version is ``data["version"]`` plus the hash of :meth:`to_yaml`.

        Raises
        ------
        DictionaryError
            If the mapping is malformed (see :func:`load_dictionary`).

        Examples
        --------
        >>> d = PolicyDictionary.from_dict({
        ...     "name": "示例", "version": "0.1.0",
        ...     "categories": {"talent": {"label": "人才", "description": ""}},
        ...     "terms": [{"term": "海河英才", "category": "talent", "variants": ["海河英才行动计划"]}],
        ... })
        >>> d.lookup("海河英才行动计划"), len(d)
        ('海河英才', 1)
        """
        validated = _validate(data, source)
        tmp = cls(validated=validated, digest="00000000", source=source)
        digest = _digest(tmp.to_yaml().encode("utf-8"))
        return cls(validated=validated, digest=digest, source=source)

    # -- immutability and dunders ---------------------------------------------------------

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"PolicyDictionary is immutable; cannot set {key!r}. Use add_terms() or merge() for a "
                             "new one.")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"PolicyDictionary is immutable; cannot delete {key!r}.")

    def __repr__(self) -> str:
        return (
            f"PolicyDictionary({self._name!r}, version={self._version!r}, "
            f"{len(self._entries)} terms, {len(self._categories)} categories)"
        )

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, form: object) -> bool:
        return isinstance(form, str) and form in self._lookup

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PolicyDictionary):
            return NotImplemented
        return (
            self._name == other._name
            and self._semver == other._semver
            and self._categories == other._categories
            and self._entries == other._entries
        )

    def __hash__(self) -> int:
        return hash((self._name, self._semver, self._entries))

    def __reduce__(self) -> tuple[Callable[[dict[str, Any], str, str | None], PolicyDictionary],
                                  tuple[dict[str, Any], str, str | None]]:
        return (_rebuild, (self.to_dict(), self._version.split("+", 1)[1], self._source))

    # -- attributes -----------------------------------------------------------------------

    @property
    def name(self) -> str:
        """Name of the dictionary."""
        return self._name

    @property
    def version(self) -> str:
        """``semver+hash``; changes whenever the content changes."""
        return self._version

    @property
    def description(self) -> str:
        """Free-text description from the file."""
        return self._description

    @property
    def sources(self) -> tuple[str, ...]:
        """Where the terms come from (the file's ``sources`` list)."""
        return self._sources

    @property
    def source(self) -> str | None:
        """The file the dictionary was read from, or how it was built."""
        return self._source

    @property
    def terms(self) -> pd.DataFrame:
        """One row per canonical term, sorted by category then term (a copy).

        Examples
        --------
        >>> d = load_dictionary()
        >>> row = d.terms.set_index("term").loc["创新型县"]
        >>> row["category"], row["category_label"], row["themes"]
        ('county_innovation', '创新型县与县域创新', ('创新型县',))
        >>> list(d.terms.columns)
        ['term', 'category', 'category_label', 'themes', 'variants', 'pos', 'note']
        """
        return self._terms.copy()

    @property
    def categories(self) -> pd.DataFrame:
        """One row per declared category with its term count, sorted by id (a copy).

        Examples
        --------
        >>> d = load_dictionary()
        >>> d.categories.set_index("category").loc["fault_tolerance", "label"]
        '容错纠错与担当作为'
        """
        counts = self._terms["category"].value_counts()
        ids = sorted(self._categories)
        return pd.DataFrame(
            {
                "category": pd.Series(ids, dtype="str"),
                "label": pd.Series([self._categories[c][0] for c in ids], dtype="str"),
                "description": pd.Series([self._categories[c][1] for c in ids], dtype="str"),
                "n_terms": pd.Series([int(counts.get(c, 0)) for c in ids], dtype="int64"),
            },
            columns=list(CATEGORY_COLUMNS),
        )

    # -- queries --------------------------------------------------------------------------

    def forms(self) -> pd.DataFrame:
        """Every surface form with its canonical term — what a tokenizer needs.

        Returns
        -------
        pandas.DataFrame
            Columns ``form, term, category, is_variant``.  One row per form; each canonical
            term appears once with ``is_variant=False``, followed by its variants in file
            order.  Rows are grouped by term, terms sorted by category then term.  Forms are
            unique.

        Examples
        --------
        >>> d = load_dictionary()
        >>> f = d.forms()
        >>> f[f["term"] == "揭榜挂帅"]["form"].tolist()
        ['揭榜挂帅', '揭榜挂帅制', '揭榜挂帅机制', '揭榜掛帥', '揭榜掛帥制', '揭榜掛帥機制']
        >>> f["form"].is_unique
        True
        """
        return self._forms.copy()

    def lookup(self, form: str) -> str | None:
        """Return the canonical term of a surface form, or ``None`` if it is not in the dictionary.

        Matching is exact (no case folding, no conversion between scripts: traditional
        spellings are listed as variants instead).

        Examples
        --------
        >>> d = load_dictionary()
        >>> d.lookup("容錯糾錯"), d.lookup("“赛马”制"), d.lookup("高企")
        ('容错纠错', '赛马制', '高新技术企业')
        >>> d.lookup("发展") is None
        True
        """
        if not isinstance(form, str):
            raise TypeError(f"lookup() expects a str form, got {describe(form)}.")
        return self._lookup.get(form)

    def themes(self) -> dict[str, tuple[str, ...]]:
        """Mission themes and their term families.

        Returns
        -------
        dict
            ``theme -> tuple of canonical terms`` tagged with that theme (sorted by category
            then term); themes in code-point order.

        Examples
        --------
        >>> d = load_dictionary()
        >>> sorted(d.themes())
        ['创新型县', '容错纠错', '新质生产力']
        >>> "三个区分开来" in d.themes()["容错纠错"]
        True
        """
        out: dict[str, list[str]] = {}
        for term, themes in zip(self._terms["term"], self._terms["themes"]):
            for t in themes:
                out.setdefault(t, []).append(term)
        return {t: tuple(out[t]) for t in sorted(out)}

    def term_themes(self) -> dict[str, tuple[str, ...]]:
        """The themes of every term tagged with at least one (themes in code-point order).

        Examples
        --------
        >>> load_dictionary().term_themes()["新质生产力"]
        ('新质生产力',)
        """
        out: dict[str, list[str]] = {}
        for theme, terms in self.themes().items():
            for term in terms:
                out.setdefault(term, []).append(theme)
        return {term: tuple(themes) for term, themes in out.items()}

    # -- conversion -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The dictionary in the native file structure (plain dicts and lists, file order).

        Examples
        --------
        >>> d = load_dictionary()
        >>> data = d.to_dict()
        >>> data["version"], data["terms"][0]["term"]
        ('1.0.1', '新质生产力')
        >>> PolicyDictionary.from_dict(data) == d
        True
        """
        terms = []
        for e in self._entries:
            item: dict[str, Any] = {"term": e.term, "category": e.category}
            if e.themes:
                item["themes"] = list(e.themes)
            if e.variants:
                item["variants"] = list(e.variants)
            if e.pos is not None:
                item["pos"] = e.pos
            if e.note is not None:
                item["note"] = e.note
            terms.append(item)
        return {
            "name": self._name,
            "version": self._semver,
            "description": self._description,
            "sources": list(self._sources),
            "categories": {c: {"label": lab, "description": desc} for c, (lab, desc) in self._categories.items()},
            "terms": terms,
        }

    def to_yaml(self, path: str | os.PathLike[str] | None = None) -> str:
        """Serialise in the native format (one block per term), optionally writing ``path``.

        The output is deterministic and loads back with :func:`load_dictionary` to an equal
        dictionary.

        Examples
        --------
        >>> d = load_dictionary()
        >>> print(d.to_yaml().split("\\nterms:\\n")[1][:80])
        <BLANKLINE>
          - term: 新质生产力
            category: new_quality_productive_forces
            themes: [新质生产力]...
        """
        lines = [f"name: {_q_block(self._name)}", f'version: "{self._semver}"']
        if self._description:
            lines.append(f"description: {_q_block(self._description)}")
        if self._sources:
            lines.append("sources:")
            lines.extend(f"  - {_q_block(s)}" for s in self._sources)
        lines.append("categories:")
        for cid, (label, desc) in self._categories.items():
            lines.append(f"  {_q_key(cid)}:")
            lines.append(f"    label: {_q_block(label)}")
            lines.append(f"    description: {_q_block(desc)}" if desc else "    description: ''")
        lines.append("terms:")
        for e in self._entries:
            lines.append(f"  - term: {_q_block(e.term)}")
            lines.append(f"    category: {_q_block(e.category)}")
            if e.themes:
                lines.append("    themes: [" + ", ".join(_q_flow(t) for t in e.themes) + "]")
            if e.variants:
                lines.append("    variants: [" + ", ".join(_q_flow(v) for v in e.variants) + "]")
            if e.pos is not None:
                lines.append(f"    pos: {_q_block(e.pos)}")
            if e.note is not None:
                lines.append(f"    note: {_q_block(e.note)}")
        text = "\n".join(lines) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    # -- derivation -----------------------------------------------------------------------

    def add_terms(
        self,
        entries: Iterable[Mapping[str, Any]],
        *,
        categories: Mapping[str, Mapping[str, Any]] | None = None,
        name: str | None = None,
    ) -> PolicyDictionary:
        """Return a NEW dictionary with extra entries (and categories); ``self`` is unchanged.

        Parameters
        ----------
        entries : iterable of mapping
            Entries in the file format (``term``, ``category``, optional ``variants``,
            ``themes``, ``pos``, ``note``).
        categories : mapping, optional
            New categories ``id -> {label, description}``.  Redeclaring an existing id with a
            different label is an error.
        name : str, optional
            Name of the result (default: same name).

        Raises
        ------
        DictionaryError
            If an entry is invalid or a form already belongs to another term.

        Examples
        --------
        >>> d = load_dictionary()
        >>> d2 = d.add_terms([{"term": "科技小院", "category": "county_innovation",
        ...                    "themes": ["创新型县"], "note": "user lexicon"}])
        >>> len(d2) - len(d), d2.lookup("科技小院"), "科技小院" in d
        (1, '科技小院', False)
        """
        new_entries = list(entries)
        data = self.to_dict()
        for cid, spec in (categories or {}).items():
            if cid in data["categories"]:
                old = data["categories"][cid]
                new_label = spec.get("label") if isinstance(spec, Mapping) else None
                if new_label != old["label"]:
                    raise DictionaryError(
                        f"add_terms: category {cid!r} already exists with label {old['label']!r}, "
                        f"got label {new_label!r}; use a new id or the same label."
                    )
                continue
            data["categories"][cid] = spec
        start = len(data["terms"])
        data["terms"].extend(new_entries)
        if name is not None:
            data["name"] = name
        return PolicyDictionary.from_dict(
            data, source=f"{self._name} + add_terms(entries {start}..{start + len(new_entries) - 1})"
        )

    def merge(self, other: PolicyDictionary, *, name: str | None = None) -> PolicyDictionary:
        """Return a NEW dictionary with the categories and terms of ``self`` and ``other``.

        Parameters
        ----------
        other : PolicyDictionary
            E.g. a user's own lexicon from :func:`read_quanteda_yaml`.
        name : str, optional
            Name of the result (default: ``self.name``).

        Raises
        ------
        DictionaryError
            If a surface form of ``other`` already belongs to a term of ``self`` (both
            entries are named), or a category id is declared with two different labels.

        Examples
        --------
        >>> d = load_dictionary()
        >>> mine = PolicyDictionary.from_dict({"name": "mine", "version": "0.1.0",
        ...     "categories": {"local": {"label": "地方", "description": ""}},
        ...     "terms": [{"term": "科技小院", "category": "local"}]})
        >>> merged = d.merge(mine)
        >>> len(merged) == len(d) + 1, merged.lookup("科技小院")
        (True, '科技小院')
        """
        if not isinstance(other, PolicyDictionary):
            raise TypeError(f"merge() expects a PolicyDictionary, got {type(other).__name__}.")
        for e in other._entries:
            for form in (e.term, *e.variants):
                if form in self._lookup:
                    raise DictionaryError(
                        f"merge: form {form!r} of term {e.term!r} in {other._name!r} is already a form of term "
                        f"{self._lookup[form]!r} in {self._name!r}. Remove it from one dictionary, or add it as "
                        "a variant with add_terms()."
                    )
        other_data = other.to_dict()
        merged = self.add_terms(other_data["terms"], categories=other_data["categories"], name=name)
        data = merged.to_dict()
        data["sources"] = list(dict.fromkeys([*self._sources, *other._sources]))
        return PolicyDictionary.from_dict(data, source=f"{self._name} + merge({other._name})")


def _rebuild(data: dict[str, Any], digest: str, source: str | None) -> PolicyDictionary:
    return PolicyDictionary(validated=_validate(data, source or "<pickle>"), digest=digest, source=source)


# ----------------------------------------------------------------------------- public functions


def load_dictionary(path: str | os.PathLike[str] | None = None) -> PolicyDictionary:
    """Load and strictly validate a policy-term dictionary file.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A YAML file in the native format.  ``None`` (default) loads the bundled
        ``corpusanalysis/data/policy_terms.yaml``.

    Returns
    -------
    PolicyDictionary
        ``version`` is the file's ``version`` + ``"+"`` + the first 8 hex digits of the
        sha256 of the file bytes.

    Raises
    ------
    DictionaryError
        With the file, the entry (``terms[i]`` and its term), what was expected and what was
        received: invalid YAML or duplicate YAML keys, missing or unknown keys, a non-semver
        version, an unknown category, an empty or one-character term, non-list ``variants``
        or ``themes``, a theme that is not a canonical term, or a term/variant that duplicates
        another form (both entries are named).
    FileNotFoundError
        If ``path`` does not exist.

    Examples
    --------
    >>> from corpusanalysis import load_dictionary
    >>> d = load_dictionary()
    >>> d.version.startswith("1.0.1+"), len(d.version)
    (True, 14)
    >>> d.lookup("創新型縣"), d.lookup("新質生產力")
    ('创新型县', '新质生产力')
    """
    data, source = _read_source(path)
    return _parsed(data, source)


@functools.lru_cache(maxsize=16)
def _parsed(data: bytes, source: str) -> PolicyDictionary:
    """Parse and validate once per file content: a PolicyDictionary is immutable, so equal bytes share one."""
    doc = _parse_yaml(data, source)
    return PolicyDictionary(validated=_validate(doc, source), digest=_digest(data), source=source)


def _is_glob(value: str) -> bool:
    return "*" in value or "?" in value


def read_quanteda_yaml(path: str | os.PathLike[str], *, name: str | None = None) -> PolicyDictionary:
    """Import a quanteda-style YAML dictionary.

    A quanteda dictionary is a mapping of keys to lists of values, possibly nested
    (``key: {subkey: [values]}``).  Each key path becomes a category whose id joins the keys
    with ``"."`` (quanteda's convention); every value becomes a canonical term without
    variants.

    Parameters
    ----------
    path : str or os.PathLike
    name : str, optional
        Dictionary name (default: the file stem).

    Returns
    -------
    PolicyDictionary
        Version ``"0.0.0+<hash of the file bytes>"``.

    Warns
    -----
    DictionaryWarning
        If values are quanteda glob patterns (``*`` or ``?``): they cannot be matched exactly;
        they are kept as literal terms with a note saying so.  Also if the same value is
        listed under several keys: the first key keeps it (a form maps to one term only).

    Raises
    ------
    DictionaryError
        If the file is not a mapping of keys to lists of strings, or a value is invalid
        (e.g. a single character or a number).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "lexicon.yml"
    >>> _ = p.write_text("人才:\\n  - 海河英才\\n  - 科技特派员\\n改革:\\n  项目:\\n    - 揭榜挂帅\\n",
    ...                  encoding="utf-8")
    >>> d = read_quanteda_yaml(p)
    >>> d.terms[["term", "category"]].values.tolist()
    [['海河英才', '人才'], ['科技特派员', '人才'], ['揭榜挂帅', '改革.项目']]
    """
    data, source = _read_source(path)
    doc = _parse_yaml(data, source)
    if not isinstance(doc, Mapping) or not doc:
        raise DictionaryError(
            f"{source}: expected a quanteda YAML dictionary (a mapping of keys to lists of values), "
            f"got {describe(doc)}."
        )
    categories: dict[str, dict[str, str]] = {}  # id -> {label, description}
    values: list[tuple[str, str]] = []  # (value, category id)

    def walk(node: Any, keys: tuple[str, ...]) -> None:
        cid = ".".join(keys)
        if isinstance(node, Mapping):
            for k, v in node.items():
                if not isinstance(k, str) or not k.strip():
                    raise DictionaryError(
                        f"{source}: key {k!r} under {cid or '<top level>'!r} must be a non-empty string; "
                        "quote numeric keys in YAML."
                    )
                walk(v, (*keys, k.strip()))
            return
        if node is None:
            node = []
        if isinstance(node, str):
            node = [node]
        if not isinstance(node, list):
            raise DictionaryError(
                f"{source}: key {cid!r}: expected a list of strings or nested keys, got {describe(node)}."
            )
        categories.setdefault(
            cid,
            {"label": keys[-1], "description": f"quanteda key {' > '.join(keys)} (imported from {Path(source).name})"},
        )
        for item in node:
            if isinstance(item, Mapping):
                walk(item, keys)
            elif isinstance(item, str):
                values.append((_check_form(item, source=source, where=f"key {cid!r}", what="value"), cid))
            else:
                raise DictionaryError(
                    f"{source}: key {cid!r}: values must be strings, got {describe(item)}. Quote numbers in YAML "
                    "(e.g. '5G')."
                )

    walk(doc, ())
    if not values:
        raise DictionaryError(f"{source}: the dictionary has keys but no values; expected at least one term.")

    first: dict[str, str] = {}
    entries: list[dict[str, str]] = []
    repeated: list[str] = []
    globs: list[str] = []
    for value, cid in values:
        if value in first:
            if first[value] != cid:
                repeated.append(f"{value!r} ({first[value]}, {cid})")
            continue
        first[value] = cid
        entry = {"term": value, "category": cid}
        if _is_glob(value):
            globs.append(f"{value!r} ({cid})")
            entry["note"] = f"quanteda glob pattern kept as-is; it is not matched exactly ({Path(source).name})"
        else:
            entry["note"] = f"imported from quanteda dictionary {Path(source).name}"
        entries.append(entry)
    if globs:
        warnings.warn(
            f"{source}: {len(globs)} quanteda glob pattern(s) cannot be matched exactly and are kept as literal "
            f"terms with a note: {', '.join(globs)}. Expand them into explicit forms for exact matching.",
            DictionaryWarning,
            stacklevel=user_stacklevel(),
        )
    if repeated:
        warnings.warn(
            f"{source}: {len(repeated)} value(s) are listed under several keys; each form can belong to one "
            f"category only, so the first key keeps it: {', '.join(repeated)}.",
            DictionaryWarning,
            stacklevel=user_stacklevel(),
        )
    doc_native = {
        "name": name if name is not None else Path(source).stem,
        "version": "0.0.0",
        "description": f"Imported from quanteda YAML dictionary {source}",
        "sources": [str(source)],
        "categories": categories,
        "terms": entries,
    }
    return PolicyDictionary(validated=_validate(doc_native, source), digest=_digest(data), source=source)


def write_quanteda_yaml(dictionary: PolicyDictionary, path: str | os.PathLike[str]) -> Path:
    """Export a dictionary as quanteda YAML: ``category: [all surface forms]``.

    Categories are written in id order (each preceded by a ``#`` comment with its label);
    within a category, terms are sorted and each term is followed by its variants, so the
    output is deterministic.  quanteda has no notion of variants, so re-importing with
    :func:`read_quanteda_yaml` keeps the set of forms per category but makes every form a term.

    Parameters
    ----------
    dictionary : PolicyDictionary
    path : str or os.PathLike
        Output file (UTF-8).

    Returns
    -------
    pathlib.Path
        The written path.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = load_dictionary()
    >>> p = write_quanteda_yaml(d, pathlib.Path(tempfile.mkdtemp()) / "policy.yml")
    >>> back = read_quanteda_yaml(p)
    >>> back.lookup("創新型縣(市)"), len(back) == len(d.forms())
    ('創新型縣(市)', True)
    """
    if not isinstance(dictionary, PolicyDictionary):
        raise TypeError(f"write_quanteda_yaml() expects a PolicyDictionary, got {type(dictionary).__name__}.")
    forms = dictionary._forms
    cats = dictionary.categories
    lines = [
        f"# quanteda dictionary exported from {_comment(dictionary.name)} ({dictionary.version})",
        "# category: canonical term followed by its variants; labels are in the comments.",
    ]
    for cid, label in zip(cats["category"], cats["label"]):
        lines.append(f"# {_comment(label)}")
        block = forms.loc[forms["category"] == cid, "form"].tolist()
        if not block:
            lines.append(f"{_q_key(cid)}: []")
            continue
        lines.append(f"{_q_key(cid)}:")
        lines.extend(f"  - {_q_block(f)}" for f in block)
    out = Path(path)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _load_any(path: str | os.PathLike[str]) -> PolicyDictionary:
    """A dictionary file in either format: native (``name``, ``version``, ``terms`` …) or quanteda YAML."""
    data, source = _read_source(path)
    doc = _parse_yaml(data, source)
    if isinstance(doc, dict) and {"name", "version", "terms"} <= set(doc):
        return _parsed(data, source)
    return read_quanteda_yaml(path)


#: What every ``dictionary=`` argument of the package takes (see :func:`resolve_dictionary`).
DictionarySpec: TypeAlias = PolicyDictionary | str | os.PathLike[str] | Literal[False] | None


@overload  # required=True: a dictionary, or an error
def resolve_dictionary(dictionary: DictionarySpec = ..., *, frame: pd.DataFrame | None = ..., required: Literal[True],
                       where: str = ...) -> PolicyDictionary: ...


@overload  # anything but False: a dictionary
def resolve_dictionary(dictionary: PolicyDictionary | str | os.PathLike[str] | None = ..., *,
                       frame: pd.DataFrame | None = ..., required: bool = ...,
                       where: str = ...) -> PolicyDictionary: ...


@overload
def resolve_dictionary(dictionary: DictionarySpec = ..., *, frame: pd.DataFrame | None = ..., required: bool = ...,
                       where: str = ...) -> PolicyDictionary | None: ...


def resolve_dictionary(dictionary: DictionarySpec = None, *, frame: pd.DataFrame | None = None, required: bool = False,
                       where: str = "dictionary") -> PolicyDictionary | None:
    """The one reading of every ``dictionary=`` argument of the package.

    Parameters
    ----------
    dictionary : None, False, PolicyDictionary, str or path
        ``None``: the bundled dictionary; ``False``: no dictionary; a :class:`PolicyDictionary`:
        itself; a path: a YAML file, in the native format (:func:`load_dictionary`) or quanteda's
        (:func:`read_quanteda_yaml`), told apart by its keys.
    frame : pandas.DataFrame, optional
        A tokenized frame: with ``dictionary=None``, the bundled dictionary must be the one it was
        tokenized with (``frame.attrs["tokenize"]["dictionary_version"]``).
    required : bool, default False
        Refuse ``False`` (for steps that cannot work without terms).
    where : str
        The caller, for error messages.

    Returns
    -------
    PolicyDictionary or None
        ``None`` only for ``dictionary=False``.

    Examples
    --------
    >>> resolve_dictionary().name == load_dictionary().name
    True
    >>> resolve_dictionary(False) is None
    True
    """
    if dictionary is False:
        if required:
            raise ValueError(f"{where}: needs a dictionary (dictionary=False has no terms); pass None for the bundled "
                             "one, a PolicyDictionary or the path of a dictionary file.")
        return None
    if isinstance(dictionary, PolicyDictionary):
        return dictionary
    if dictionary is None:
        d = load_dictionary()
        used = (frame.attrs.get("tokenize", {}) if frame is not None else {}).get("dictionary_version")
        if used is not None and used != d.version:
            raise ValueError(
                f"{where}: the frame was tokenized with dictionary version {used!r}, the bundled one is "
                f"{d.version!r}; pass the dictionary that was used (dictionary=...)."
            )
        return d
    if isinstance(dictionary, (str, os.PathLike)):
        return _load_any(dictionary)
    raise TypeError(
        f"dictionary must be None, False, a path or a PolicyDictionary; got {type(dictionary).__name__}. None is the "
        "bundled dictionary, False none, a path a dictionary YAML file (native or quanteda)."
    )
