"""The command line: subcommands on the seeds and on a small temporary corpus, exit codes, messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from corpusanalysis.cli import main

pytestmark = pytest.mark.slow  # starts processes, the command line, clusters or notebooks

# seeds/002_105d27af3b6cb7bc.txt (excerpt)
XZ = "新质生产力是创新起主导作用，摆脱传统经济增长方式、生产力发展路径，具有高科技、高效能、高质量特征，符合新发展理念的先进生产力质态。"
# seeds/004_60d9a6d77e740d89.txt (excerpt)
RC = "要健全容错纠错机制，为担当者担当、为负责者负责，鼓励创新、宽容失败。"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "corpusanalysis", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


@pytest.fixture()
def small(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(XZ * 3, encoding="utf-8")
    (folder / "b.txt").write_bytes((RC * 3).encode("gb18030"))
    (folder / "c.txt").write_text(XZ + RC, encoding="utf-8")
    pd.DataFrame({"doc_id": ["a", "b", "c"], "year": [2024, 2016, 2025]}).to_csv(folder / "metadata.csv", index=False)
    return folder


def test_report_on_seeds_subprocess(root, tmp_path):
    out = tmp_path / "r"
    proc = run("report", str(root / "seeds"), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= 6
    assert "<img src=\"figures/" not in page  # self-contained
    for name in ("documents", "term_frequencies", "keyness_theme", "theme_scores", "trends"):
        assert (out / "tables" / f"{name}.csv").is_file() and (out / "tables" / f"{name}.parquet").is_file()
    assert (out / "network" / "cooccurrence.gexf").is_file()
    docs = pd.read_parquet(out / "tables" / "documents.parquet")
    assert docs.loc["002_105d27af3b6cb7bc", "theme"] == "新质生产力"
    assert int(docs["n_tokens"].sum()) == 6085


def test_main_clean_tokenize_small(small, tmp_path, capsys):
    assert main(["clean", str(small), "--out", str(tmp_path / "c"), "--quiet"]) == 0
    cleaned = pd.read_parquet(tmp_path / "c" / "clean.parquet")
    assert cleaned.loc["b", "text"] == RC * 3
    assert (tmp_path / "c" / "cleaning_report.csv").is_file()
    assert main(["tokenize", str(small), "--out", str(tmp_path / "t"), "--quiet"]) == 0
    tokens = pd.read_parquet(tmp_path / "t" / "tokens.parquet")
    assert list(tokens.loc["b", "tokens"])[:3] == ["要", "健全", "容错纠错机制"]
    assert tokens.loc["a", "year"] == 2024
    counts = pd.read_parquet(tmp_path / "t" / "doc_term_counts.parquet")
    assert int(counts.loc[(counts["doc_id"] == "a") & (counts["term"] == "新质生产力"), "count"].iloc[0]) == 3
    assert capsys.readouterr().err == ""


def test_report_small_trends_and_cache(small, tmp_path):
    cache = tmp_path / "cache"
    args = ["report", str(small), "--out", str(tmp_path / "r"), "--quiet", "--cache", str(cache)]
    assert main(args) == 0
    assert main(args) == 0  # cached re-run
    assert any(cache.glob("chunk-*-docs.parquet"))
    trend = pd.read_csv(tmp_path / "r" / "tables" / "trends.csv")
    row = trend[(trend["name"] == "新质生产力") & (trend["kind"] == "term") & (trend["period"] == 2024)].iloc[0]
    assert row["count"] == 3
    first = pd.read_csv(tmp_path / "r" / "tables" / "first_use.csv")
    assert first.set_index(["kind", "name"]).loc[("term", "新质生产力"), "first"] == 2024


def test_missing_source_is_usage_error(tmp_path):
    proc = run("report", str(tmp_path / "nope"), "--out", str(tmp_path / "r"))
    assert proc.returncode == 2
    assert "SOURCE" in proc.stderr and "nope" in proc.stderr and "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_usage_exit_2(tmp_path, capsys):
    assert main(["report", "seeds"]) == 2  # --out missing
    assert "--out" in capsys.readouterr().err
    assert main(["report", "seeds", "--out", str(tmp_path), "--workers", "0"]) == 2
    assert "expected a positive integer, got '0'" in capsys.readouterr().err
    file = tmp_path / "f.txt"
    file.write_text("x")
    assert main(["report", "seeds", "--out", str(file)]) == 2
    assert "is a file" in capsys.readouterr().err
    assert main(["report", "seeds", "--out", str(tmp_path / "r"), "--dictionary", str(tmp_path / "no.yaml")]) == 2
    assert "--dictionary" in capsys.readouterr().err


def test_binary_file_is_input_error_naming_file(small, tmp_path):
    (small / "scan.txt").write_bytes(b"%PDF-1.4 binary")
    proc = run("tokenize", str(small), "--out", str(tmp_path / "t"), "--quiet")
    assert proc.returncode == 1
    assert "scan.txt" in proc.stderr and "binary file (PDF document" in proc.stderr
    assert "Traceback" not in proc.stderr and "--debug" in proc.stderr


def test_bad_dictionary_is_input_error(small, tmp_path, capsys):
    bad = tmp_path / "dict.yaml"
    bad.write_text("terms: [\n", encoding="utf-8")
    assert main(["report", str(small), "--out", str(tmp_path / "r"), "--dictionary", str(bad), "--quiet"]) == 1
    assert "dict.yaml" in capsys.readouterr().err


def test_debug_shows_traceback(tmp_path):
    proc = run("report", str(tmp_path / "nope"), "--out", str(tmp_path / "r"), "--debug")
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_empty_documents_warn_on_stderr(small, tmp_path, capsys):
    (small / "d.txt").write_text("  \n", encoding="utf-8")
    assert main(["tokenize", str(small), "--out", str(tmp_path / "t")]) == 0
    err = capsys.readouterr().err
    assert "warning: 1 empty or whitespace-only document(s)" in err and "metadata.csv" in err  # d has no metadata


def test_report_low_memory_equals_default(small, tmp_path):
    assert main(["report", str(small), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["report", str(small), "--out", str(tmp_path / "b"), "--quiet", "--low-memory",
                 "--chunk-chars", "100"]) == 0
    assert any((tmp_path / "b" / "tokens").glob("tokens-*.parquet"))
    for name in ("term_frequencies", "theme_scores", "trends", "cooccurrence"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "tables" / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / "b" / "tables" / f"{name}.parquet"))


def test_report_keeps_tokens_on_disk_above_the_size_limit(small, tmp_path, monkeypatch, capsys):
    import corpusanalysis.cli as cli

    monkeypatch.setattr(cli, "LOW_MEMORY_BYTES", 100)  # the small corpus is ~1 KB
    assert main(["report", str(small), "--out", str(tmp_path / "r")]) == 0
    err = capsys.readouterr().err
    assert "tokens are kept on disk in" in err and "(as with --low-memory)" in err
    assert sorted(p.name for p in (tmp_path / "r" / "tokens").glob("tokens-*.parquet")) == ["tokens-00000.parquet"]
    monkeypatch.setattr(cli, "LOW_MEMORY_BYTES", 10**9)
    assert main(["report", str(small), "--out", str(tmp_path / "s"), "--quiet"]) == 0
    assert not (tmp_path / "s" / "tokens").exists()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r" / "tables" / "cooccurrence.parquet"),
                                  pd.read_parquet(tmp_path / "s" / "tables" / "cooccurrence.parquet"))


def test_csv_outputs_neutralise_spreadsheet_formulas(tmp_path):
    # issue 16: doc ids, metadata values and texts beginning with = + - @ were written as they are into files meant
    # for Excel; every CSV now gets a leading apostrophe on such text cells (OWASP), Parquet keeps the values
    import pandas as pd

    evil = {"=HYPERLINK(\"http://x\",\"点击\")": "+cmd|' /C calc'!A0", "@SUM(1+1)": "-2+3"}
    titles = ["=HYPERLINK(\"http://x\",\"党课\")", "@容错纠错"]
    texts = ["=1+1 加快形成新质生产力，培育壮大新兴产业。" * 3 + "\n发布评论",  # furniture: rows in the audit trail
             "要健全容错纠错机制，鼓励创新、宽容失败。" * 3 + "\n发布评论"]
    pd.DataFrame({"doc_id": list(evil), "genre": list(evil.values()), "title": titles, "text": texts}).to_csv(
        tmp_path / "d.csv", index=False)
    assert main(["report", str(tmp_path / "d.csv"), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    assert main(["clean", str(tmp_path / "d.csv"), "--out", str(tmp_path / "c"), "--quiet"]) == 0
    documents = pd.read_csv(tmp_path / "r" / "tables" / "documents.csv", encoding="utf-8-sig")
    assert sorted(documents["doc_id"]) == sorted("'" + k for k in evil)
    assert sorted(documents["genre"]) == sorted("'" + v for v in evil.values())
    # titles reach documents.csv in the labels (id, genre, title), which start with the formula-leading id
    assert sorted(documents["label"]) == ["'=HYPERLINK(\"http://x\",\"点击\") +cmd|' /C c…", "'@SUM(1+1) -2+3 @容错纠错"]
    scores = pd.read_csv(tmp_path / "r" / "tables" / "theme_scores.csv", encoding="utf-8-sig")
    assert set(scores.iloc[:, 0]) == {"'" + k for k in evil}
    for name in ("cleaning_summary.csv", "cleaning_report.csv"):
        table = pd.read_csv(tmp_path / "c" / name, encoding="utf-8-sig", keep_default_na=False)
        cells = [v for col in table.columns for v in table[col].astype(str)]
        assert not any(c[:1] and c[:1] in "=+@" for c in cells), name
        assert {"'" + k for k in evil} <= set(cells), name
    # the Parquet tables keep the values as they are
    parquet = pd.read_parquet(tmp_path / "r" / "tables" / "documents.parquet")
    assert sorted(parquet.index) == sorted(evil)


def test_source_named_with_a_leading_dash_gets_advice(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-speeches.csv").write_text("text\n加快形成新质生产力。\n", encoding="utf-8")
    assert main(["report", "-speeches.csv", "--out", "r"]) == 2
    err = capsys.readouterr().err
    assert "the following arguments are required: SOURCE" in err
    assert ("note: '-speeches.csv' starts with '-', so it was read as an option; put SOURCE after '--' "
            "(e.g. corpusanalysis report --out DIR -- -speeches.csv) or write it as ./-speeches.csv") in err
    assert main(["report", "--out", "r", "--quiet", "--", "-speeches.csv"]) == 0  # the advice works


def test_out_folder_is_replaced_whole_locked_and_never_half_written(small, tmp_path, capsys, monkeypatch):
    # issue 16: a second run left the first run's files beside its own; an interrupted run left complete-looking
    # output; two runs could write into one folder
    out = tmp_path / "r"
    assert main(["report", str(small), "--out", str(out), "--quiet"]) == 0
    assert (out / "tables" / "trends.csv").is_file() and any((out / "network").glob("*.gexf"))
    assert main(["tokenize", str(small), "--out", str(out), "--quiet"]) == 0
    assert not (out / "tables").exists() and not (out / "network").exists() and not (out / "report.html").exists()
    (out / "stale.csv").write_text("from an earlier run", encoding="utf-8")
    assert main(["clean", str(small), "--out", str(out), "--quiet"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert "stale.csv" not in names and "tokens.parquet" not in names and "clean.parquet" in names
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".r.")]  # no staging, lock or old folder left

    # a run that fails (here: a cleaning-rules file that does not exist) leaves the earlier output untouched
    before = sorted(p.name for p in out.iterdir())
    assert main(["clean", str(small), "--out", str(out), "--quiet", "--cleaning-rules", "nope.yaml"]) == 2
    assert sorted(p.name for p in out.iterdir()) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".r.")]

    # an interrupted run: nothing half-written appears under the --out name, the earlier output stays
    import corpusanalysis.cli as cli

    def interrupted(args):
        (Path(args.out) / "report.html").write_text("<html>half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setitem(cli._COMMANDS, "report", interrupted)
    assert main(["report", str(small), "--out", str(out), "--quiet"]) == 130
    assert sorted(p.name for p in out.iterdir()) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".r.")]

    # a second run while one holds the lock is refused
    (tmp_path / ".r.lock").write_text("pid 1, started 2026-12-03 10:00:00\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["clean", str(small), "--out", str(out), "--quiet"]) == 2
    assert "another run is writing into --out" in capsys.readouterr().err
    (tmp_path / ".r.lock").unlink()

    # a folder of the user's own files is never replaced
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes", encoding="utf-8")
    assert main(["clean", str(small), "--out", str(mine), "--quiet"]) == 2
    assert "holds files that corpusanalysis did not write" in capsys.readouterr().err
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "my notes"


# seeds/002_105d27af3b6cb7bc.txt, lines 1, 4 and 5: a page of the document site's header and footer only
SITE_FURNITURE = ("您好,欢迎访问三七文档\n本文标题:党课坚持科技创新引领发展加快形成新质生产力\n"
                  "链接地址:https://www.777doc.com/doc-12864340 .html")


def test_quiet_never_hides_what_was_kept_converted_or_emptied(tmp_path, capsys):
    # issue 16: with --quiet, documents that are only the word NA, empty documents, documents cleaned to nothing and
    # numbers converted to text were not said at all (CSV sources are read lazily, while the pipeline runs)
    import html

    pd.DataFrame({"doc_id": ["a", "b", "c", "d", "e"], "text": [XZ * 3, RC * 3, "NA", "", SITE_FURNITURE]}).to_csv(
        tmp_path / "q.csv", index=False)
    said = [f"'{tmp_path / 'q.csv'}': 1 document(s) in column 'text' are only the word(s) ['NA'], which many "
            "programs write for a missing value; they are kept as text (only an empty cell is missing): ['c']",
            "1 empty or whitespace-only document(s) kept with empty=True: ['d']",
            "1 document(s) have no text left after cleaning: ['e']; their text was removed by the rule(s) "
            "['link_address_footer', 'this_title_footer', 'welcome_header']. They are kept with an empty text; "
            "cleaning_report() shows what was removed, skip= switches off a rule that matched too much."]
    assert main(["report", str(tmp_path / "q.csv"), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    assert capsys.readouterr().err.splitlines() == [f"corpusanalysis: warning: {m}" for m in said]
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert all(html.escape(m) in page for m in said)
    # the same without --quiet: each said once, as a warning line
    assert main(["clean", str(tmp_path / "q.csv"), "--out", str(tmp_path / "c")]) == 0
    err = capsys.readouterr().err
    assert all(err.count(f"corpusanalysis: warning: {m}\n") == 1 for m in said) and "UserWarning" not in err

    (tmp_path / "n.jsonl").write_text(f'{{"doc_id": "a", "text": "{XZ}"}}\n{{"doc_id": "b", "text": 2024}}\n',
                                      encoding="utf-8")
    assert main(["tokenize", str(tmp_path / "n.jsonl"), "--out", str(tmp_path / "t"), "--quiet"]) == 0
    assert capsys.readouterr().err == (f"corpusanalysis: warning: '{tmp_path / 'n.jsonl'}': 1 document(s) had a number "
                                       "instead of text in column 'text' and were converted with str(): ['b']\n")


def test_clean_command_refuses_a_metadata_column_it_would_replace(small, tmp_path, capsys):
    # issue 16: the clean command failed with "cannot insert text, already exists" on a metadata 'text' column
    meta = pd.read_csv(small / "metadata.csv").assign(text=["摘要一", "摘要二", "摘要三"])
    meta.to_csv(small / "metadata.csv", index=False)
    assert main(["clean", str(small), "--out", str(tmp_path / "c"), "--quiet"]) == 1
    assert capsys.readouterr().err == (
        f"corpusanalysis clean: error: '{small / 'metadata.csv'}' has column(s) ['text'] that the pipeline creates "
        "itself (load_corpus, clean, tokenize or assign_themes would replace them without a word); rename them, e.g. "
        "'text' → 'source_text'.\ncorpusanalysis: run again with --debug for the traceback.\n")
    assert not (tmp_path / "c").exists()
