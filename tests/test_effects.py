"""effects() and effect_curve(): against statsmodels on synthetic corpora with known effects (issue 18)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import corpusanalysis as ca
from corpusanalysis.analysis.effects import CURVE_COLUMNS, EFFECT_COLUMNS

smf = pytest.importorskip("statsmodels.formula.api")

# the truth of the synthetic corpus: 创新 per 10,000 tokens = 40 + 3·(year − 2010) + 25 in county documents
TRUE = {"Intercept": 40.0, "I(year - 2010)": 3.0, "C(level)[T.县]": 25.0}


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    rng = np.random.default_rng(18)
    n = 150
    year = rng.integers(2000, 2025, n)
    level = rng.choice(["县", "省"], n)
    rate = TRUE["Intercept"] + TRUE["I(year - 2010)"] * (year - 2010) + np.where(level == "县", 25.0, 0.0)
    n_tok = rng.integers(1500, 3000, n)
    hits = rng.poisson(np.clip(rate, 1, None) * n_tok / 10_000)
    # each document split into three paragraphs (units with a doc_id): the analysis must work per document
    rows, ids = [], []
    for i in range(n):
        toks = ["创新"] * int(hits[i]) + ["发展"] * int(n_tok[i] - hits[i])
        rng.shuffle(toks)
        for p, part in enumerate(np.array_split(np.array(toks, dtype=object), 3)):
            rows.append({"doc_id": f"d{i:03d}", "tokens": tuple(part), "year": int(year[i]), "level": level[i]})
            ids.append(f"d{i:03d}/p{p}")
    return pd.DataFrame(rows, index=pd.Index(ids, name="unit_id"))


def _documents(units: pd.DataFrame) -> pd.DataFrame:
    per_doc = units.groupby("doc_id").agg(year=("year", "first"), level=("level", "first"),
                                          hits=("tokens", lambda s: sum(t.count("创新") for t in s)),
                                          n=("tokens", lambda s: sum(len(t) for t in s)))
    return per_doc.assign(rate=per_doc["hits"] / per_doc["n"] * 10_000)


FORMULA = "~ I(year - 2010) + C(level, Treatment('省'))"


def test_effects_equal_statsmodels_ols_and_recover_the_known_effects(synthetic):
    table = ca.effects(synthetic, FORMULA, terms=["创新"], n_boot=400)
    assert tuple(table.columns) == EFFECT_COLUMNS
    docs = _documents(synthetic)
    ref = smf.ols(f"rate {FORMULA}", docs).fit(cov_type="HC1")
    assert table["coefficient"].tolist() == list(ref.params.index)
    assert np.allclose(table["estimate"], ref.params.to_numpy(), rtol=1e-10, atol=1e-9)
    # the document bootstrap's standard errors agree with the robust (HC1) ones
    assert np.allclose(table["std_error"], ref.bse.to_numpy(), rtol=0.2)
    truth = [40.0, 25.0, 3.0]  # statsmodels orders the factor before the slope
    assert (table["ci_low"].to_numpy() <= truth).all() and (truth <= table["ci_high"].to_numpy()).all()
    assert (table["n_docs"] == 150).all() and table["n_tokens"].iloc[0] == docs["n"].sum()
    assert table.attrs["level"] == "document" and table.attrs["dropped"] == []
    assert table.attrs["outcomes"] == "rate" and table.attrs["per"] == 10_000
    again = ca.effects(synthetic, FORMULA, terms=["创新"], n_boot=400)
    assert again.equals(table)


def test_effects_weighted_by_tokens_equal_statsmodels_wls(synthetic):
    table = ca.effects(synthetic, FORMULA, terms={"创新词": ["创新", "科技创新"]}, weight="tokens", n_boot=50)
    docs = _documents(synthetic)
    ref = smf.wls(f"rate {FORMULA}", docs, weights=docs["n"]).fit()
    assert table["outcome"].unique().tolist() == ["创新词"]
    assert np.allclose(table["estimate"], ref.params.to_numpy(), rtol=1e-10, atol=1e-9)


def test_effects_of_topics_follow_the_planted_trend():
    # two vocabularies; the share of the "innovation" one rises with the year, documents of 40 paragraphs
    rng = np.random.default_rng(5)
    a = ["科技创新", "新质生产力", "研发", "人工智能", "科技成果"]
    b = ["干部", "群众", "党建", "作风", "纪律"]
    rows, ids = [], []
    for d in range(24):
        year = 2001 + d
        share = 0.1 + 0.8 * d / 23
        for p in range(6):
            k = rng.binomial(30, share)
            rows.append({"doc_id": f"r{year}", "year": year,
                         "tokens": tuple(rng.choice(a, k)) + tuple(rng.choice(b, 30 - k))})
            ids.append(f"r{year}/p{p}")
    units = pd.DataFrame(rows, index=pd.Index(ids, name="unit_id"))
    model = ca.TopicModel(2, unit=None, backend="tomotopy", random_state=0, min_df=1).fit(units)
    table = ca.effects(model, "~ year", n_boot=200)
    slopes = table[table["coefficient"] == "year"].set_index("outcome")["estimate"]
    innovation = next(label for label in model.labels_ if any(t in label for t in a))
    assert slopes[innovation] == pytest.approx(0.8 / 23, abs=0.01)
    assert slopes.sum() == pytest.approx(0.0, abs=1e-9)  # the shares of a document sum to 1
    # point estimates: OLS of each document's token-weighted topic share, as topic_prevalence computes it
    prev = ca.topic_prevalence(model, "doc_id", n_boot=2, cluster=None)
    share = prev[prev["label"] == innovation].set_index("group")["share"]
    ref = smf.ols("share ~ year", pd.DataFrame({"share": share, "year": [int(g[1:]) for g in share.index]})).fit()
    assert slopes[innovation] == pytest.approx(ref.params["year"], rel=1e-9)
    row = table[(table["coefficient"] == "year") & (table["outcome"] == innovation)].iloc[0]
    assert row["ci_low"] < row["estimate"] < row["ci_high"] and row["p"] < 1e-6
    assert table.attrs["outcomes"] == "topic"


def test_effect_curve_is_the_fitted_line_with_intervals(synthetic):
    curve = ca.effect_curve(synthetic, "~ year + C(level)", "year", values=[2000, 2010, 2024], terms=["创新"],
                            n_boot=200)
    assert tuple(curve.columns) == CURVE_COLUMNS
    coef = ca.effects(synthetic, "~ year + C(level)", terms=["创新"], n_boot=200).set_index("coefficient")["estimate"]
    # level held at its most frequent value, recorded
    held = curve.attrs["held"]["level"]
    shift = coef["C(level)[T.省]"] if held == "省" else 0.0  # 县 is the reference level
    expected = coef["Intercept"] + coef["year"] * np.array([2000, 2010, 2024]) + shift
    assert np.allclose(curve["estimate"], expected)
    assert (curve["ci_low"] < curve["estimate"]).all() and (curve["estimate"] < curve["ci_high"]).all()
    default = ca.effect_curve(synthetic, "~ year", "year", terms=["创新"], n_boot=20)
    assert len(default) == 50 and default["value"].iloc[0] == synthetic["year"].min()
    levels = ca.effect_curve(synthetic, "~ C(level)", "level", terms=["创新"], n_boot=20)
    assert levels["value"].tolist() == ["县", "省"]
    assert levels["estimate"].iloc[0] - levels["estimate"].iloc[1] == pytest.approx(25.0, abs=8.0)


def test_effects_leave_out_documents_without_covariates_with_a_warning(synthetic):
    undated = synthetic.copy()
    undated["year"] = undated["year"].astype("float")
    undated.loc[undated["doc_id"].isin(["d000", "d001"]), "year"] = np.nan
    with pytest.warns(UserWarning, match=r"effects\(\): 2 document\(s\) have no value of \['year'\] and are left "
                                         r"out \(e.g. \['d000', 'd001'\]\)"):
        table = ca.effects(undated, "~ year", terms=["创新"], n_boot=20)
    assert table.attrs["dropped"] == ["d000", "d001"] and (table["n_docs"] == 148).all()


def test_effects_errors_name_the_argument(synthetic):
    with pytest.raises(ValueError, match=r"the formula has a left-hand side \('rate'\); the outcomes are the topics "
                                         r"or terms="):
        ca.effects(synthetic, "rate ~ year", terms=["创新"])
    with pytest.raises(ValueError, match=r"the formula '~ genre' names no column of the documents' metadata"):
        ca.effects(synthetic, "~ genre", terms=["创新"])
    with pytest.raises(ValueError, match=r"a corpus needs terms="):
        ca.effects(synthetic, "~ year")
    with pytest.raises(TypeError, match=r"terms= takes a list of terms .* got the string '创新' — write \['创新'\]"):
        ca.effects(synthetic, "~ year", terms="创新")
    with pytest.raises(TypeError, match=r"formula must be a string such as '~ year'"):
        ca.effects(synthetic, None, terms=["创新"])  # type: ignore[arg-type]
    varying = synthetic.assign(year=np.arange(len(synthetic)))
    with pytest.raises(ValueError, match=r"'year' varies inside 150 document\(s\) \(e.g. \['d000', 'd001', 'd002'\]\)"):
        ca.effects(varying, "~ year", terms=["创新"])
    two = synthetic[synthetic["doc_id"].isin(["d000", "d001"])]
    with pytest.raises(ValueError, match=r"2 document\(s\) with covariates; a regression needs at least 3"):
        ca.effects(two, "~ year", terms=["创新"])
    with pytest.raises(ValueError, match=r"covariate='level' is not a column the formula '~ year' uses"):
        ca.effect_curve(synthetic, "~ year", "level", terms=["创新"])
    with pytest.raises(TypeError, match=r"expects a fitted TopicModel or a tokenized corpus DataFrame; got list"):
        ca.effects([1, 2], "~ year")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"n_boot"):
        ca.effects(synthetic, "~ year", terms=["创新"], n_boot=1)
