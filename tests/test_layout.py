"""The package's layers: io → text → features → analysis → viz → pipeline → cli.

Each module may import only from its own sub-package and the layers below it; private helpers at the
bottom (``errors``, ``_checks``, ``_cache``, ``_parallel``, ``_version``) import nothing above them.
The graph is read from the source (``ast``), so a violation fails here before it can become a circle.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import corpusanalysis as ca

PACKAGE = Path(ca.__file__).resolve().parent
#: Layer of every top-level part of the package; a module may import from its own layer or lower ones.
LAYERS = {
    "errors": 0, "_checks": 0, "_version": 0, "_cache": 0, "_parallel": 0, "_labels": 0, "_csv": 0, "_notebooks": 0,
    "io": 1, "text": 2, "features": 3, "analysis": 4, "viz": 5, "pipeline": 6, "cli": 7,
    "_compat": 8, "__init__": 8, "__main__": 9,
}
#: Every public name of corpusanalysis 0.1 (before the layered layout): all must still work as ``ca.<name>``.
PUBLIC_0_1 = [
    "CorpusLoadError", "DictionaryError", "DictionaryWarning", "DocTermMatrix", "ExploreView", "Explorer",
    "KINDS", "MOJIBAKE_MARKER", "PipelineResult", "PolicyDictionary", "REDACTION_PLACEHOLDER", "Tokenizer",
    "TopicModel", "WeightedMatrix", "align_topics", "assign_themes", "associates", "choose_k", "cjk_font_path",
    "clean", "clean_text", "cleaning_diff", "cleaning_report", "cleaning_rules", "cleaning_summary",
    "cooccurrence", "cooccurrence_network", "corpus_summary", "decode_bytes", "dictionary_audit",
    "discover_terms", "doc_term_matrix", "doc_topics", "explore", "explore_view", "export_ldavis",
    "export_network", "export_view", "figure_dir", "first_use", "keyness", "kwic", "load_corpus",
    "load_dictionary", "load_seeds", "load_stopwords", "new_figure", "plot_association_heatmap",
    "plot_cleaning_removals", "plot_document_lengths", "plot_ego_networks", "plot_k_selection", "plot_keyness",
    "plot_network", "plot_style", "plot_tfidf_heatmap", "plot_theme_heatmap", "plot_theme_term_frequencies",
    "plot_topic_prevalence", "plot_topics", "plot_trends", "read_quanteda_yaml", "run_pipeline", "save_figure",
    "segment", "select_k", "split_sentences", "suggest_terms", "term_associates", "term_concordance",
    "term_frequency", "tfidf", "theme_scores", "theme_term_rates", "tokenize", "tokens_table", "top_terms",
    "topic_coherence", "topic_prevalence", "topic_terms", "trends", "write_quanteda_yaml", "write_report",
]


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        yield path, parts


def _name(parts) -> str:
    return ".".join(p for p in ("corpusanalysis", *parts) if p != "__init__")


def _imports(path: Path, parts):
    """(imported module, imported names, line, at top level) for every import of the package's own modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    package = ["corpusanalysis", *parts[:-1]]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "corpusanalysis" or target.startswith("corpusanalysis."):
                names = [a.name for a in node.names]
                if node.module is None:  # from . import x: the names are modules
                    for n in names:
                        yield f"{target}.{n}", [], node.lineno, id(node) in top_level
                else:
                    yield target, names, node.lineno, id(node) in top_level
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("corpusanalysis"):
                    yield alias.name, [], node.lineno, id(node) in top_level


def _layer(module: str) -> tuple[int, str]:
    parts = module.split(".")[1:] or ["__init__"]
    return LAYERS[parts[0]], parts[0]


def test_every_part_of_the_package_has_a_layer():
    for _, parts in _modules():
        assert parts[0] in LAYERS, f"{'/'.join(parts)}: add its top-level part to LAYERS (and to CONVENTIONS.md)"


def test_no_upward_import_and_no_import_inside_functions():
    problems = []
    for path, parts in _modules():
        own_layer, own_part = _layer(_name(parts)) if parts != ("__init__",) else (LAYERS["__init__"], "__init__")
        for target, _, line, top in _imports(path, parts):
            layer, part = _layer(target)
            where = f"{'/'.join(parts)}.py:{line}"
            if layer > own_layer:
                problems.append(f"{where} imports {target} (layer {part} is above {own_part})")
            if not top:
                problems.append(f"{where} imports {target} inside a function (import it at the top of the module)")
    assert not problems, "\n".join(problems)


def test_no_private_name_imported_across_subpackages():
    problems = []
    for path, parts in _modules():
        own = _layer(_name(parts))[1] if parts != ("__init__",) else "__init__"
        for target, names, line, _ in _imports(path, parts):
            part = _layer(target)[1]
            if part == own:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                problems.append(f"{'/'.join(parts)}.py:{line} imports private {private} from {target}")
    assert not problems, "\n".join(problems)


def test_module_graph_has_no_cycle():
    graph: dict[str, set[str]] = {}
    for path, parts in _modules():
        me = _name(parts)
        deps = graph.setdefault(me, set())
        for target, names, _, _ in _imports(path, parts):
            # from .x import y, where y is a module, depends on that module
            candidates = [f"{target}.{n}" for n in names]
            hit = [c for c in candidates if (PACKAGE / Path(*c.split(".")[1:])).with_suffix(".py").is_file()]
            deps.update(hit or [target])
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if dep == node or dep not in graph:
                continue
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep):], dep]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state and not node.endswith("__init__"):
            visit(node)


def test_every_public_name_of_0_1_still_works_flat():
    missing = [name for name in PUBLIC_0_1 if not hasattr(ca, name)]
    assert not missing
    assert set(PUBLIC_0_1) <= set(ca.__all__)
    assert all(hasattr(ca, name) for name in ca.__all__)


@pytest.mark.parametrize("old, name, new", [
    ("topics", "TopicModel", "corpusanalysis.analysis.topics"),
    ("plots", "plot_network", "corpusanalysis.viz.network"),
    ("stream", "run_pipeline", "corpusanalysis.pipeline.chunked"),
    ("load", "decode_bytes", "corpusanalysis.io.decode"),
    ("report", "plot_trends", "corpusanalysis.viz.corpus"),
])
def test_old_module_paths_work_with_a_future_warning(old, name, new):
    module = __import__(f"corpusanalysis.{old}", fromlist=[name])
    with pytest.warns(FutureWarning, match=rf"corpusanalysis\.{old}\.{name} has moved to {new}\.{name}"):
        value = getattr(module, name)
    assert value is getattr(ca, name)


def test_old_module_path_unknown_name_is_an_attribute_error():
    import corpusanalysis.topics as old

    with pytest.raises(AttributeError, match=r"has no attribute 'nope' \(moved in corpusanalysis 0.2"):
        old.nope


@pytest.mark.slow
def test_the_flat_api_never_warns():
    code = "import warnings; warnings.simplefilter('error'); import corpusanalysis as ca; ca.TopicModel; ca.clean"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_function_names_are_not_shadowed_by_old_module_paths():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert callable(ca.clean) and callable(ca.tokenize) and callable(ca.segment) and callable(ca.keyness)
        assert callable(ca.cooccurrence) and callable(ca.explore)


def _unannotated(obj, qualname: str) -> list[str]:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    missing = [f"{qualname}({p.name})" for p in sig.parameters.values()
               if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty and not qualname.endswith("__init__"):
        missing.append(f"{qualname} -> ?")
    return missing


def test_public_api_is_fully_annotated():
    missing = []
    for name in ca.__all__:
        obj = getattr(ca, name)
        if inspect.isclass(obj):
            if issubclass(obj, BaseException):
                continue
            for attr, member in vars(obj).items():
                if attr == "__init__" or (not attr.startswith("_") and callable(member)):
                    missing += _unannotated(member, f"{name}.{attr}")
        elif callable(obj):
            missing += _unannotated(obj, name)
    assert not missing, f"{len(missing)} unannotated: " + ", ".join(missing)
