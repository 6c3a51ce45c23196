"""Tests for corpusanalysis.load: encodings, sources, metadata and bad input."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import corpusanalysis as ca
from corpusanalysis.errors import CorpusLoadError, MetadataWarning, TextColumnWarning
from corpusanalysis.io.decode import decode_bytes

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"

# Real excerpts of the seeds (simplified: 002; traditional: 000 without its pinyin glosses).
SIMPLIFIED = (  # seeds/002_105d27af3b6cb7bc.txt
    "党课:坚持科技创新引领发展加快形成新质生产力同志们:习近平总书记亲临我省视察指导工作,"
    "对我省工作提出“四个善作善成”重要要求。"
)
TRADITIONAL = (  # seeds/000_bf3418ef050fb5d6.txt, glosses removed (Big5 has no tone-marked letters)
    "全市科技創新驅動發展推進會議講話 同志們: 今天,我們在這裡召開全市科技創新驅動發展推進會議,"
    "主要任務是深入學習貫徹總書記關於科技創新的重要論述"
)


def _save_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as the table format its suffix names (CSV, JSONL or Parquet), without the index."""
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_parquet(path)
    return path


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- encodings ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("encoded", "expected_encoding"),
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        (SIMPLIFIED.encode("utf-16"), "utf-16"),  # Python writes a BOM
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        (SIMPLIFIED.encode("gbk"), "gb18030"),
        (SIMPLIFIED.encode("gb18030"), "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "gbk", "gb18030"],
)
def test_simplified_encodings_decode_exactly(tmp_path, encoded, expected_encoding):
    _write(tmp_path, "doc.txt", encoded)
    corpus = ca.load_corpus(tmp_path)
    assert corpus.loc["doc", "raw"] == SIMPLIFIED
    assert corpus.loc["doc", "encoding"] == expected_encoding
    assert corpus.loc["doc", "n_chars"] == len(SIMPLIFIED)


def test_big5_decodes_exactly(tmp_path):
    _write(tmp_path, "doc.txt", TRADITIONAL.encode("big5"))
    corpus = ca.load_corpus(tmp_path)
    assert corpus.loc["doc", "raw"] == TRADITIONAL
    assert corpus.loc["doc", "encoding"] == "big5"


def test_mixed_encodings_in_one_folder_are_recorded_per_document(tmp_path):
    _write(tmp_path, "a.txt", SIMPLIFIED.encode("gbk"))
    _write(tmp_path, "b.txt", TRADITIONAL.encode("big5"))
    _write(tmp_path, "c.txt", SIMPLIFIED.encode("utf-8"))
    corpus = ca.load_corpus(tmp_path)
    assert corpus["encoding"].to_dict() == {"a": "gb18030", "b": "big5", "c": "utf-8"}
    assert corpus["raw"].to_list() == [SIMPLIFIED, TRADITIONAL, SIMPLIFIED]


def test_line_endings_become_newlines(tmp_path):
    _write(tmp_path, "crlf.txt", "一、提高认识\r\n二、找准着力点\r\n".encode())
    _write(tmp_path, "cr.txt", "一、提高认识\r二、找准着力点\r三、加快形成新质生产力\r".encode("gbk"))
    corpus = ca.load_corpus(tmp_path)
    assert corpus.loc["crlf", "raw"] == "一、提高认识\n二、找准着力点\n"
    assert corpus.loc["cr", "raw"] == "一、提高认识\n二、找准着力点\n三、加快形成新质生产力\n"


def test_forced_encoding_is_used_and_checked(tmp_path):
    _write(tmp_path, "doc.txt", SIMPLIFIED.encode("gbk"))
    assert ca.load_corpus(tmp_path, encoding="gbk").loc["doc", "raw"] == SIMPLIFIED
    with pytest.raises(CorpusLoadError, match=r"doc\.txt.*encoding='utf-8'.*byte offset \d+"):
        ca.load_corpus(tmp_path, encoding="utf-8")
    with pytest.raises(CorpusLoadError, match="encoding='no-such-codec' is not a codec"):
        ca.load_corpus(tmp_path, encoding="no-such-codec")


def test_decode_bytes_examples():
    assert decode_bytes("加快形成新质生产力，培育壮大新兴产业".encode("gbk")) == ("加快形成新质生产力，培育壮大新兴产业", "gb18030")
    assert decode_bytes("推進創新型縣(市)建設，健全容錯糾錯機制".encode("big5")) == ("推進創新型縣(市)建設，健全容錯糾錯機制",
                                                                                  "big5")


# --- bad input ---------------------------------------------------------------------------------

def test_binary_file_names_file_and_offset(tmp_path):
    _write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CorpusLoadError, match=r"image\.txt.*binary file \(PNG image, signature at byte offset 0\)"):
        ca.load_corpus(tmp_path)


def test_nul_bytes_are_binary_with_offset(tmp_path):
    _write(tmp_path, "blob.txt", "创新".encode() + b"\x00\x01\x02")
    with pytest.raises(CorpusLoadError, match=r"blob\.txt.*NUL byte at byte offset 6"):
        ca.load_corpus(tmp_path)


def test_undecodable_bytes_name_first_bad_byte(tmp_path):
    # Valid UTF-8, then bytes that are neither UTF-8 nor GB18030 nor Big5.
    data = "科技创新".encode() + b"\xff\xff\xff\xfe\x80"
    _write(tmp_path, "broken.txt", data)
    with pytest.raises(CorpusLoadError, match=r"broken\.txt.*first bad byte 0xff at byte offset 12"):
        ca.load_corpus(tmp_path)


def test_truncated_utf16_names_offset(tmp_path):
    _write(tmp_path, "cut.txt", codecs.BOM_UTF16_LE + "创新".encode("utf-16-le") + b"\x00")
    with pytest.raises(CorpusLoadError, match=r"cut\.txt.*utf-16 byte-order mark.*byte offset"):
        ca.load_corpus(tmp_path)


def test_empty_files_are_kept_flagged_and_warned_once(tmp_path):
    _write(tmp_path, "a.txt", SIMPLIFIED.encode("utf-8"))
    _write(tmp_path, "b.txt", b"")
    _write(tmp_path, "c.txt", " \n\u3000\n".encode("utf-8"))
    with pytest.warns(UserWarning, match=r"2 empty or whitespace-only document\(s\).*\['b', 'c'\]") as record:
        corpus = ca.load_corpus(tmp_path)
    assert len([w for w in record if "empty" in str(w.message)]) == 1
    assert corpus["empty"].to_dict() == {"a": False, "b": True, "c": True}
    assert corpus.loc["c", "raw"] == " \n\u3000\n"


def test_duplicate_ids_from_files_raise(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    a = _write(tmp_path / "x", "speech.txt", b"a")
    b = _write(tmp_path / "y", "speech.txt", b"b")
    with pytest.raises(CorpusLoadError, match=r"duplicate doc_id values \['speech'\]"):
        ca.load_corpus([a, b])


def test_duplicate_ids_in_table_raise(tmp_path):
    path = tmp_path / "docs.csv"
    pd.DataFrame({"doc_id": ["a", "a"], "text": ["创新", "改革"]}).to_csv(path, index=False)
    with pytest.raises(CorpusLoadError, match=r"duplicate doc_id values \['a'\]"):
        ca.load_corpus(path)


def test_missing_source_and_bad_glob(tmp_path):
    with pytest.raises(CorpusLoadError, match="does not exist"):
        ca.load_corpus(tmp_path / "nowhere")
    with pytest.raises(CorpusLoadError, match="glob pattern matched no files"):
        ca.load_corpus(str(tmp_path / "*.txt"))
    (tmp_path / "notes.doc").write_bytes(b"x")
    with pytest.raises(CorpusLoadError, match="folder without text files"):
        ca.load_corpus(tmp_path)
    with pytest.raises(TypeError, match="source must be a folder"):
        ca.load_corpus(42)


# --- sources -----------------------------------------------------------------------------------

def test_glob_list_and_single_file(tmp_path):
    for name in ("a", "b", "c"):
        _write(tmp_path, f"{name}.txt", name.encode())
    assert ca.load_corpus(str(tmp_path / "[ab].txt")).index.to_list() == ["a", "b"]
    assert ca.load_corpus([tmp_path / "c.txt", tmp_path / "a.txt"]).index.to_list() == ["c", "a"]
    assert ca.load_corpus(tmp_path / "b.txt")["raw"].to_list() == ["b"]


@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_table_sources(tmp_path, kind):
    frame = pd.DataFrame(
        {"doc_id": ["d1", "d2"], "body": [SIMPLIFIED, "容错纠错\r\n机制"], "year": [2024, 2023]}
    )
    path = tmp_path / f"docs.{kind}"
    if kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "jsonl":
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in frame.to_dict("records")), "utf-8")
    else:
        frame.to_parquet(path)
    corpus = ca.load_corpus(path, text_column="body")
    assert corpus.index.to_list() == ["d1", "d2"]
    assert corpus["raw"].to_list() == [SIMPLIFIED, "容错纠错\n机制"]
    assert corpus["year"].to_list() == [2024, 2023]
    assert list(corpus.columns[:5]) == ["raw", "path", "encoding", "n_chars", "empty"]


def test_table_without_text_column_lists_columns(tmp_path):
    path = tmp_path / "docs.csv"
    pd.DataFrame({"doc_id": ["a"], "title": ["x"]}).to_csv(path, index=False)
    with pytest.raises(CorpusLoadError, match=r"'.*docs.csv': no text column found; its columns are "
                                              r"\['doc_id', 'title'\]. Expected one column named text / content / 正文"):
        ca.load_corpus(path)
    with pytest.raises(CorpusLoadError, match=r"no text_column='body'; its columns are \['doc_id', 'title'\]"):
        ca.load_corpus(path, text_column="body")


@pytest.mark.parametrize("name", ["Text", "content", "正文", "CONTENT"])
@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_text_column_is_detected_by_name_and_named(tmp_path, kind, name):
    # the layout of a real export: 58 dated speeches with columns Date, Text
    frame = pd.DataFrame({"Date": ["2024-03-05", "2024-03-12"], name: [SIMPLIFIED, "容错纠错机制"]})
    path = _save_table(frame, tmp_path / f"speeches.{kind}")
    with pytest.warns(TextColumnWarning, match=rf"the documents were read from column '{name}' \(detected by its "
                                               r"name; pass text_column= to choose another column\)"):
        corpus = ca.load_corpus(path)
    assert corpus["raw"].to_list() == [SIMPLIFIED, "容错纠错机制"]
    assert name not in corpus.columns and corpus["Date"].to_list() == ["2024-03-05", "2024-03-12"]
    with pytest.warns(TextColumnWarning, match=rf"column '{name}'"):
        plan = ca.plan_chunks(path)
    assert pd.concat(list(plan.chunks))["raw"].to_list() == corpus["raw"].to_list()


def test_text_column_detection_refuses_to_guess(tmp_path):
    path = tmp_path / "docs.csv"
    pd.DataFrame({"Text": ["创新"], "content": ["改革"]}).to_csv(path, index=False)
    with pytest.raises(CorpusLoadError, match=r"more than one column could hold the documents: \['Text', 'content'\]; "
                                              r"pass text_column= to choose one"):
        ca.load_corpus(path)
    assert ca.load_corpus(path, text_column="content")["raw"].to_list() == ["改革"]
    # the documented default name wins over other candidates, without a warning
    pd.DataFrame({"text": ["创新"], "content": ["改革"]}).to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ca.load_corpus(path)["raw"].to_list() == ["创新"]


# --- folders with sub-folders -------------------------------------------------------------------

def _nested(tmp_path: Path) -> Path:
    """The layout of gov-work-reports: txt/ and resolutions/ below a metadata.csv with a file column."""
    root = tmp_path / "gov-work-reports"
    (root / "txt").mkdir(parents=True)
    (root / "resolutions").mkdir()
    (root / ".ipynb_checkpoints").mkdir()
    _write(root / "txt", "2024_政府工作报告.txt", "加快发展新质生产力".encode())
    _write(root / "txt", "2025_政府工作报告.txt", "因地制宜发展新质生产力".encode())
    _write(root / "resolutions", "关于政府工作报告的决议.txt", "会议决定批准这个报告，号召全国各族人民团结奋斗".encode("gb18030"))
    _write(root / ".ipynb_checkpoints", "2024_政府工作报告-checkpoint.txt", b"stale copy")
    _write(root, "README.md", b"# not a document")
    pd.DataFrame({"file": ["txt/2025_政府工作报告.txt", "resolutions/关于政府工作报告的决议.txt",
                           "txt/2024_政府工作报告.txt"], "year": [2025, None, 2024]}).to_csv(
        root / "metadata.csv", index=False)
    return root


def test_folders_are_read_recursively_with_the_sub_folder_recorded(tmp_path):
    root = _nested(tmp_path)
    corpus = ca.load_corpus(root)
    assert corpus.index.to_list() == ["关于政府工作报告的决议", "2024_政府工作报告", "2025_政府工作报告"]
    assert list(corpus.columns) == ["raw", "path", "encoding", "n_chars", "empty", "folder", "year", "has_metadata"]
    assert corpus["folder"].to_list() == ["resolutions", "txt", "txt"]
    assert corpus["encoding"].to_list() == ["gb18030", "utf-8", "utf-8"]
    assert corpus["year"].isna().to_list() == [True, False, False] and corpus["year"].iloc[1:].to_list() == [2024, 2025]
    assert corpus["has_metadata"].all()
    # the chunked reader gives the same corpus, chunk by chunk
    plan = ca.plan_chunks(root, chunk_chars=1)
    assert len(plan.chunks) == 3
    from corpusanalysis.io.corpus import load_chunk

    chunks = pd.concat([load_chunk(spec, None) for spec in plan.chunks])
    pd.testing.assert_frame_equal(chunks, corpus[chunks.columns], check_index_type=False)


def test_flat_folders_get_no_folder_column(tmp_path):
    _write(tmp_path, "a.txt", "创新".encode())
    assert "folder" not in ca.load_corpus(tmp_path).columns


def test_same_file_name_in_two_sub_folders_gives_relative_path_ids(tmp_path):
    root = _nested(tmp_path)
    (root / "2025").mkdir()
    _write(root / "2025", "2025_政府工作报告.txt", "另一份".encode())
    with pytest.warns(MetadataWarning, match=r"1 document\(s\) have no row"):
        corpus = ca.load_corpus(root)
    assert corpus.index.to_list() == ["2025/2025_政府工作报告", "resolutions/关于政府工作报告的决议",
                                      "txt/2024_政府工作报告", "txt/2025_政府工作报告"]
    # metadata rows name files by relative path and still match
    assert corpus["has_metadata"].to_list() == [False, True, True, True]
    assert corpus.loc["txt/2024_政府工作报告", "year"] == 2024


def test_table_without_ids_gets_stable_ids(tmp_path):
    path = tmp_path / "speeches.csv"
    pd.DataFrame({"text": ["创新", "", None]}).to_csv(path, index=False)
    with pytest.warns(UserWarning, match="empty"):
        corpus = ca.load_corpus(path)
    assert corpus.index.to_list() == ["speeches-000000", "speeches-000001", "speeches-000002"]
    assert corpus["empty"].to_list() == [False, True, True]


# --- metadata ----------------------------------------------------------------------------------

def test_metadata_merge_and_mismatch_reports(tmp_path):
    _write(tmp_path, "a.txt", b"x")
    _write(tmp_path, "b.txt", b"y")
    (tmp_path / "metadata.csv").write_text("doc_id,year,genre\na,2024,讲话\nzzz,2020,党课\n", "utf-8")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        corpus = ca.load_corpus(tmp_path)
    messages = [str(w.message) for w in record]
    assert any("1 document(s) have no row" in m and "['b']" in m for m in messages)
    assert any("1 row(s)" in m and "match no document" in m and "['zzz']" in m for m in messages)
    assert corpus.loc["a", "genre"] == "讲话"
    assert corpus.loc["a", "year"] == 2024
    assert str(corpus["year"].dtype) == "Int64"
    assert corpus["has_metadata"].to_dict() == {"a": True, "b": False}


def test_metadata_by_file_column_and_dataframe(tmp_path):
    _write(tmp_path, "2024_report.txt", b"x")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,year\ntxt/2024_report.txt,2024\n", "utf-8")
    assert ca.load_corpus(tmp_path, metadata=meta).loc["2024_report", "year"] == 2024
    frame = pd.DataFrame({"doc_id": ["2024_report"], "place": ["天津市"]})
    assert ca.load_corpus(tmp_path, metadata=frame).loc["2024_report", "place"] == "天津市"


def test_metadata_errors(tmp_path):
    _write(tmp_path, "a.txt", b"x")
    with pytest.raises(CorpusLoadError, match="metadata=.*does not exist"):
        ca.load_corpus(tmp_path, metadata=tmp_path / "none.csv")
    bad = pd.DataFrame({"name": ["a"]})
    with pytest.raises(CorpusLoadError, match=r"needs a 'doc_id' column.*\['name'\]"):
        ca.load_corpus(tmp_path, metadata=bad)
    dup = pd.DataFrame({"doc_id": ["a", "a"], "year": [1, 2]})
    with pytest.raises(CorpusLoadError, match=r"duplicate doc_id values \['a'\]"):
        ca.load_corpus(tmp_path, metadata=dup)
    clash = pd.DataFrame({"doc_id": ["a"], "raw": ["oops"]})
    with pytest.raises(CorpusLoadError, match=r"column\(s\) \['raw'\] that the pipeline creates itself"):
        ca.load_corpus(tmp_path, metadata=clash)


# --- the seeds ---------------------------------------------------------------------------------

def test_seed_files_are_byte_identical_to_shared_copy():
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert len(names) == 5
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    assert names == sorted(p.name for p in SHARED_SEEDS.glob("*.txt"))
    for name in names:
        assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


def test_load_seeds_reads_raw_bytes_unchanged_and_metadata():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every seed has metadata and text
        seeds = ca.load_seeds()
    assert seeds.index.name == "doc_id"
    assert seeds.index.to_list() == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for doc_id, raw in seeds["raw"].items():
        assert raw.encode("utf-8") == (SEEDS / f"{doc_id}.txt").read_bytes()
    assert seeds["encoding"].eq("utf-8").all()
    assert seeds["script"].to_dict() == {
        "000_bf3418ef050fb5d6": "traditional",
        "001_5f9d985e37db4bf6": "simplified",
        "002_105d27af3b6cb7bc": "simplified",
        "003_6ca6cb6ed127d059": "traditional",
        "004_60d9a6d77e740d89": "simplified",
    }
    assert seeds.loc["002_105d27af3b6cb7bc", "genre"] == "党课"
    assert seeds.loc["003_6ca6cb6ed127d059", "source_site"] == "中国资本网"
    assert seeds["path"].str.startswith("seeds/").all()


def test_seed_metadata_script_matches_text():
    # The `script` column was filled by reading; check it against the characters themselves.
    seeds = ca.load_seeds()
    for doc_id, row in seeds.iterrows():
        traditional_marks = sum(row["raw"].count(ch) for ch in "們說這個會發國業務")
        assert (traditional_marks > 20) == (row["script"] == "traditional"), doc_id


def test_corpus_summary_and_caller_frame_untouched():
    seeds = ca.load_seeds()
    before = seeds.copy(deep=True)
    summary = ca.corpus_summary(seeds)
    pd.testing.assert_frame_equal(seeds, before)
    assert list(summary.columns) == ["label", "genre", "script", "year", "encoding", "n_chars", "n_lines", "empty"]
    assert summary["n_chars"].to_dict() == {k: len(v) for k, v in seeds["raw"].items()}
    assert summary.loc["002_105d27af3b6cb7bc", "label"] == "002 党课 党课:坚持科技创新引领发展加…"
    with pytest.raises(ValueError, match="corpus_summary\\(\\) needs a 'raw' column"):
        ca.corpus_summary(pd.DataFrame({"text": ["x"]}))


def test_seed_checksums_are_recorded():
    # Guard against accidental edits of the immutable input.
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in sorted(SEEDS.glob("*.txt"))}
    assert digests == EXPECTED_SHA256


EXPECTED_SHA256 = {
    "000_bf3418ef050fb5d6.txt": "2e1d67089be9f349",
    "001_5f9d985e37db4bf6.txt": "81544705c9d1ec0c",
    "002_105d27af3b6cb7bc.txt": "ff4fc7a2bb6c3bbd",
    "003_6ca6cb6ed127d059.txt": "898fe18fb9cb0153",
    "004_60d9a6d77e740d89.txt": "ac4ed838c2b938a3",
}


def test_metadata_mismatches_are_a_metadata_warning(tmp_path):
    from corpusanalysis.errors import MetadataWarning

    (tmp_path / "a.txt").write_text("创新", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,year\nb,2024\n", encoding="utf-8")
    with pytest.warns(MetadataWarning) as caught:
        ca.load_corpus(tmp_path)
    messages = sorted(str(w.message) for w in caught if w.category is MetadataWarning)
    assert messages[0].startswith("1 document(s) have no row in") and messages[1].startswith("1 row(s) of")
    assert issubclass(MetadataWarning, UserWarning)


def test_load_gov_reports_is_the_shared_corpus_byte_for_byte():
    corpus = ca.load_gov_reports()
    assert corpus.shape[0] == 72 and corpus["folder"].value_counts().to_dict() == {"txt": 52, "resolutions": 20}
    assert corpus["year"].notna().sum() == 52 and corpus.loc["1954_政府工作报告", "year"] == 1954
    assert corpus["path"].str.startswith("gov_reports/").all() and corpus["has_metadata"].all()
    shared = ROOT.parent / "shared" / "corpora" / "gov-work-reports"
    if not shared.is_dir():
        pytest.skip("../shared/corpora/gov-work-reports is not beside the checkout")
    from corpusanalysis.io.sources import gov_reports_dir

    for path in corpus["path"]:
        rel = path.removeprefix("gov_reports/")
        assert (gov_reports_dir() / rel).read_bytes() == (shared / rel).read_bytes(), rel


# --- bad cells in table sources (issue 16) ---------------------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet", "frame"])
def test_literal_na_words_are_text_not_missing(tmp_path, kind):
    # issue 16: the words NA, None, null, NaN became empty documents, reported only as "empty"
    words = ["NA", "None", "null", "NaN", "n/a", ""]
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(words))], "text": words})
    source = frame.set_index("doc_id") if kind == "frame" else _save_table(frame, tmp_path / f"docs.{kind}")
    name = "DataFrame source" if kind == "frame" else f".*docs.{kind}"
    with pytest.warns(UserWarning) as caught:
        corpus = ca.load_corpus(source)
    messages = [str(w.message) for w in caught]
    assert re.fullmatch(rf"'{name}': 5 document\(s\) in column 'text' are only the word\(s\) \['NA', 'NaN', 'None', "
                        r"'n/a', 'null'\], which many programs write for a missing value; they are kept as text \(only "
                        r"an empty cell is missing\): \['d0', 'd1', 'd2', 'd3', 'd4'\]", messages[0])
    assert messages[1] == "1 empty or whitespace-only document(s) kept with empty=True: ['d5']" and len(messages) == 2
    assert corpus["raw"].tolist() == words and corpus["empty"].tolist() == [False] * 5 + [True]
    with pytest.warns(UserWarning) as again:
        plan = ca.plan_chunks(source)
        chunks = list(plan.chunks)
    assert pd.concat(chunks)["raw"].tolist() == words
    assert [str(w.message) for w in again] == messages
    if kind in ("csv", "parquet"):  # read lazily: the warnings also travel with the chunks, for the pipeline
        assert [m for c in chunks for m in c.attrs["warnings"]] == messages


def test_numbers_in_the_text_column_are_converted_and_said(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"doc_id": "a", "text": "创新"}\n{"doc_id": "b", "text": 2024}\n{"doc_id": "c", "text": 0.5}\n',
                    encoding="utf-8")
    with pytest.warns(UserWarning, match=r"'.*docs.jsonl': 2 document\(s\) had a number instead of text in column "
                                         r"'text' and were converted with str\(\): \['b', 'c'\]"):
        corpus = ca.load_corpus(path)
    assert corpus["raw"].tolist() == ["创新", "2024", "0.5"]
    path.write_text('{"doc_id": "a", "text": ["创新"]}\n', encoding="utf-8")
    with pytest.raises(CorpusLoadError, match=r"column 'text' must hold text; 1 row\(s\) hold other values "
                                              r"\(first: \[\('a', 'list'\)\]\)"):
        ca.load_corpus(path)


@pytest.mark.parametrize("kind", ["csv", "parquet", "frame"])
def test_numbers_in_tables_and_frames(tmp_path, kind):
    # issue 16: numbers in a text column became empty documents; a CSV cell is text as written ('2024', '007', not
    # 2024.0 or 7), typed numbers (Parquet, a DataFrame, JSON) are converted with str() and said
    frame = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [2024, 7, 15]})
    if kind == "frame":
        source = frame.set_index("doc_id")
    elif kind == "csv":
        source = tmp_path / "docs.csv"
        source.write_text("doc_id,text\na,2024\nb,007\nc,1.50\n", encoding="utf-8")
    else:
        source = _save_table(frame, tmp_path / "docs.parquet")
    if kind == "csv":
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            corpus = ca.load_corpus(source)
            assert corpus["raw"].tolist() == ["2024", "007", "1.50"]
            assert pd.concat(list(ca.plan_chunks(source).chunks))["raw"].tolist() == ["2024", "007", "1.50"]
        return
    name = "DataFrame source" if kind == "frame" else ".*docs.parquet"
    with pytest.warns(UserWarning, match=rf"^'{name}': 3 document\(s\) had a number instead of text in column 'text' "
                                         r"and were converted with str\(\): \['a', 'b', 'c'\]$"):
        corpus = ca.load_corpus(source)
    assert corpus["raw"].tolist() == ["2024", "7", "15"]


def test_columns_of_earlier_steps_in_a_corpus_frame(tmp_path):
    # a DataFrame with raw and a 'text' (or 'keywords', 'tokens') of the user's own: clean() or tokenize() would
    # replace it; a corpus those steps made keeps its columns
    raw = "要健全容错纠错机制，为担当者担当、为负责者负责，鼓励创新、宽容失败。"  # seeds/004_60d9a6d77e740d89.txt
    for column, made_with in [("text", "n_chars_clean"), ("keywords", "n_chars_clean"), ("tokens", "token_spans")]:
        frame = pd.DataFrame({"raw": [raw], column: ["容错纠错"]}, index=pd.Index(["a"], name="doc_id"))
        with pytest.raises(CorpusLoadError, match=rf"^'DataFrame source' has column\(s\) \['{column}'\] that the "
                                                  rf"pipeline creates itself \(load_corpus, clean, tokenize or "
                                                  rf"assign_themes would replace them without a word\) \(no "
                                                  rf"'{made_with}' column beside '{column}': not made by clean\(\) or "
                                                  rf"tokenize\(\)\); rename them, e.g. '{column}' → "
                                                  rf"'source_{column}'\.$"):
            ca.load_corpus(frame)
    tokenized = ca.tokenize(ca.clean(pd.DataFrame({"raw": [raw]}, index=pd.Index(["a"], name="doc_id"))))
    again = ca.load_corpus(tokenized)
    assert again.loc["a", "text"] == tokenized.loc["a", "text"] and again.loc["a", "tokens"] == tokenized.loc["a",
                                                                                                              "tokens"]


def test_dataframe_sources_load_and_run(tmp_path):
    import numpy as np

    frame = pd.DataFrame({"raw": ["加快形成新质生产力", np.nan, "NA"]}, index=pd.Index(["a", "b", "c"], name="doc_id"))
    before = frame.copy()
    # issue 16: NaN text crashed run_pipeline ("cannot convert float NaN to integer"); load_corpus(df) said "source
    # lists files that do not exist: ['text']"
    said = ["'DataFrame source': 1 document(s) in column 'raw' are only the word(s) ['NA'], which many programs write "
            "for a missing value; they are kept as text (only an empty cell is missing): ['c']",
            "1 empty or whitespace-only document(s) kept with empty=True: ['b']"]
    with pytest.warns(UserWarning) as caught:
        corpus = ca.load_corpus(frame)
    assert [str(w.message) for w in caught] == said
    assert corpus["raw"].tolist() == ["加快形成新质生产力", "", "NA"] and corpus["empty"].tolist() == [False, True, False]
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is untouched
    with pytest.warns(UserWarning) as caught:
        result = ca.run_pipeline(frame)
    assert [str(w.message) for w in caught] == said
    assert result.docs["n_tokens"].tolist()[1] == 0 and result.warnings == said
    with pytest.warns(TextColumnWarning, match="read from column 'Text'"):
        table = ca.load_corpus(pd.DataFrame({"Text": ["创新"], "year": [2024]}))
    assert table["raw"].tolist() == ["创新"] and table["year"].tolist() == [2024]


@pytest.mark.parametrize("column", ["text", "tokens", "n_tokens", "keywords", "theme", "raw"])
@pytest.mark.parametrize("where", ["table", "metadata", "frame"])
def test_columns_the_pipeline_creates_are_refused_at_load_time(tmp_path, column, where):
    # issue 16: a metadata 'text' was silently replaced by clean(), 'tokens'/'n_tokens' by tokenize()
    message = (rf"has column\(s\) \['{column}'\] that the pipeline creates itself \(load_corpus, clean, tokenize or "
               rf"assign_themes would replace them without a word\); rename them, e.g. '{column}' → 'source_{column}'")
    if where == "table":
        frame = pd.DataFrame({"body": ["创新"], column: ["x"]})
        frame.to_csv(tmp_path / "docs.csv", index=False)
        with pytest.raises(CorpusLoadError, match=message):
            ca.load_corpus(tmp_path / "docs.csv", text_column="body")
    elif where == "metadata":
        _write(tmp_path, "a.txt", "创新".encode())
        with pytest.raises(CorpusLoadError, match=message):
            ca.load_corpus(tmp_path, metadata=pd.DataFrame({"doc_id": ["a"], column: ["x"]}))
    else:
        with pytest.raises(CorpusLoadError, match=message):
            ca.load_corpus(pd.DataFrame({"body": ["创新"], column: ["x"]}), text_column="body")


def test_reserved_columns_cover_what_the_steps_create():
    import sys

    from corpusanalysis.io.sources import RESERVED_COLUMNS

    created = set(sys.modules["corpusanalysis.text.clean"]._PAGE_COLUMNS) | {"text", "tokens", "token_spans", "pos",
                                                                             "n_tokens", "theme", "theme_rule"}
    assert created <= set(RESERVED_COLUMNS)


# --- decoding short or cut files (issue 16) -----------------------------------------------------------

@pytest.mark.parametrize(("text", "codec", "shown"), [
    # issue 16: two to four characters of GB18030 (and four of Big5) loaded as the other encoding's gibberish
    ("政府", "gb18030", "as GB18030 '政府', as BIG5 '淉葬'"),
    ("政府", "big5", "as GB18030 '現┎', as BIG5 '政府'"),
    ("国务院", "gb18030", "as GB18030 '国务院', as BIG5 '弊昢埏'"),
    ("政府工作", "gb18030", "as GB18030 '政府工作', as BIG5 '淉葬馱釬'"),
    ("不斷完善", "big5", "as GB18030 'ぃ耞Ч到', as BIG5 '不斷完善'"),  # seeds/000_bf3418ef050fb5d6.txt
])
def test_short_non_utf8_files_are_not_guessed(tmp_path, text, codec, shown):
    data = text.encode(codec)
    path = _write(tmp_path, "short.txt", data)
    with pytest.raises(CorpusLoadError, match=rf"Cannot tell the encoding of '.*short.txt': its {len(data)} bytes are "
                                              rf"not UTF-8 and too few \(fewer than 32\) to choose between legacy "
                                              rf"encodings: {re.escape(shown)}\. Pass encoding= \('gb18030' or "
                                              rf"'big5'; --encoding on the command line\) to decide\."):
        ca.load_corpus(path)
    assert ca.load_corpus(path, encoding=codec)["raw"].item() == text


@pytest.mark.parametrize(("text", "shown"), [
    ("农业", "as UTF-8 'ũҵ', as GB18030 '农业', as BIG5 '觼珛'"),  # seeds/003_6ca6cb6ed127d059.txt
    ("芯片", "as UTF-8 'оƬ', as GB18030 '芯片', as BIG5 '郋え'"),  # seeds/002_105d27af3b6cb7bc.txt
])
def test_short_gb18030_that_is_also_valid_utf8_is_not_read_as_utf8(tmp_path, text, shown):
    # issue 16: the four GB18030 bytes of 农业 are valid UTF-8 ('ũҵ', Latin and Cyrillic): they loaded as that
    path = _write(tmp_path, "short.txt", text.encode("gb18030"))
    with pytest.raises(CorpusLoadError, match=rf"Cannot tell the encoding of '.*short.txt': its 4 bytes read as UTF-8 "
                                              rf"without a Chinese character but as Chinese in a legacy encoding, and "
                                              rf"are too few \(fewer than 32\) to choose: {re.escape(shown)}\. Pass "
                                              rf"encoding= \('utf-8' or 'gb18030' or 'big5'; --encoding on the "
                                              rf"command line\) to decide\."):
        ca.load_corpus(path)
    assert ca.load_corpus(path, encoding="gb18030")["raw"].item() == text
    # UTF-8 with a Chinese character, or of 32 bytes and more, is UTF-8
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")
    assert decode_bytes("ũҵ".encode() * 8) == ("ũҵ" * 8, "utf-8")


@pytest.mark.parametrize("text", [
    "方面，建立“科技贷”“专利贷”等",  # seeds/000_bf3418ef050fb5d6.txt, simplified: 32 bytes
    "理念，扎实做好“六稳”、“六保”工作，注",  # ../shared/corpora/gov-work-reports/txt/2022_政府工作报告.txt
])
def test_gb18030_with_chinese_quotes_is_not_read_as_big5(text):
    # read as Big5, ，and “” become bopomofo and ※ § (源醱ㄛ膘蕾※褪撮湃§); charset_normalizer chose Big5 for these
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")


@pytest.mark.parametrize("text", ["容错纠错", "電", "展項"])
def test_short_gb18030_with_one_plausible_reading_is_decoded(text):
    # Big5 reads these bytes as private-use or unassigned code points (or not at all); 電 (eb 8a) and 展項 end like
    # UTF-8 cut in a character, which dropped them with a warning before
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")


def test_a_valid_short_big5_file_is_not_called_invalid(tmp_path):
    text = "0.2%。國際收支基本平衡。—"  # 26 bytes of Big5; as GB18030 it would need private-use characters
    corpus = ca.load_corpus(_write(tmp_path, "b5.txt", text.encode("big5")))
    assert (corpus["raw"].item(), corpus["encoding"].item()) == (text, "big5")
    assert decode_bytes("創新型縣".encode("big5")) == ("創新型縣", "big5")  # 8 bytes, but as GB18030 not Chinese


def test_utf8_cut_in_a_character_keeps_the_text_and_says_so(tmp_path):
    data = "加快形成新质生产力".encode()[:-1]  # ten characters' worth, the last one cut
    with pytest.warns(UserWarning, match=r"'.*cut.txt': UTF-8 that ends in the middle of a character \(byte offset 24\); "
                                         r"the incomplete last character \(2 byte\(s\)\) was dropped"):
        corpus = ca.load_corpus(_write(tmp_path, "cut.txt", data))
    assert (corpus["raw"].item(), corpus["encoding"].item()) == ("加快形成新质生产", "utf-8")
