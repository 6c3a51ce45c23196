"""Tests for corpusanalysis.dictionary and the bundled policy_terms.yaml."""

from __future__ import annotations

import copy
import hashlib
import pickle
import re
from importlib import resources
from pathlib import Path

import opencc
import pandas as pd
import pytest
import yaml

from corpusanalysis.errors import DictionaryError, DictionaryWarning
from corpusanalysis.text.dictionary import (
    CATEGORY_COLUMNS,
    FORM_COLUMNS,
    TERM_COLUMNS,
    PolicyDictionary,
    load_dictionary,
    read_quanteda_yaml,
    write_quanteda_yaml,
)

BUNDLED = resources.files("corpusanalysis") / "data" / "policy_terms.yaml"
THEMES = ("新质生产力", "创新型县", "容错纠错")
# Pinyin glosses after characters in the traditional seeds, e.g. 創(chuàng)新.
GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)")

T2S = opencc.OpenCC("t2s")
S2T = opencc.OpenCC("s2t")


@pytest.fixture(scope="module")
def d() -> PolicyDictionary:
    return load_dictionary()


# --------------------------------------------------------------------------- size and shape


def test_at_least_250_terms_in_at_least_10_categories(d):
    assert len(d) >= 250
    assert len(d) == len(d.terms)
    used = d.categories.query("n_terms > 0")
    assert len(used) >= 10
    assert d.categories["n_terms"].sum() == len(d)


def test_terms_table_columns_and_sort_order(d):
    terms = d.terms
    assert tuple(terms.columns) == TERM_COLUMNS
    keys = list(zip(terms["category"], terms["term"]))
    assert keys == sorted(keys)
    assert terms["term"].is_unique
    assert all(isinstance(t, tuple) for t in terms["themes"])
    assert all(isinstance(v, tuple) for v in terms["variants"])
    assert isinstance(terms.index, pd.RangeIndex)


def test_categories_table(d):
    cats = d.categories
    assert tuple(cats.columns) == CATEGORY_COLUMNS
    assert cats["category"].tolist() == sorted(cats["category"])
    row = cats.set_index("category").loc["county_innovation"]
    assert row["label"] == "创新型县与县域创新"
    assert set(d.terms["category"]) <= set(cats["category"])


def test_repr_and_name(d):
    assert re.fullmatch(
        r"PolicyDictionary\('科技创新政策术语词典', version='\d+\.\d+\.\d+\+[0-9a-f]{8}', \d+ terms, 17 categories\)",
        repr(d),
    )
    assert d.name == "科技创新政策术语词典"
    assert str(d.source).endswith("policy_terms.yaml")
    assert any("seed 002" in s for s in d.sources)


# --------------------------------------------------------------------------- content rules


def test_every_entry_has_a_note_and_a_valid_pos(d):
    assert d.terms["note"].notna().all()
    assert (d.terms["note"].str.len() > 0).all()
    assert d.terms["pos"].dropna().str.fullmatch(r"[a-z]{1,3}").all()


def test_canonical_terms_are_simplified(d):
    not_simplified = [t for t in d.terms["term"] if T2S.convert(t) != t]
    assert not_simplified == []


def test_traditional_spelling_of_every_term_maps_back(d):
    missing = [t for t in d.terms["term"] if d.lookup(S2T.convert(t)) != t]
    assert missing == []


def test_every_form_has_at_least_two_characters_and_is_unique(d):
    forms = d.forms()
    assert forms["form"].str.len().min() >= 2
    assert forms["form"].is_unique


def test_generic_words_are_not_terms(d):
    for word in ("创新", "发展", "科技", "改革", "企业", "人才", "产业"):
        assert word not in d


def test_terms_with_digits_latin_letters_and_quotes(d):
    assert d.lookup("5G") == "5G"
    assert d.lookup("R&D") == "R&D"
    assert d.lookup("R&D经费") == "研发经费"
    assert d.lookup("RCEP") == "RCEP"
    assert d.lookup("GDP") == "GDP"
    assert d.lookup("十四五") == "十四五"
    assert d.lookup("“十四五”规划") == "十四五规划"
    assert d.lookup('"十四五"规划') == "十四五规划"
    assert d.lookup("双碳") == "双碳"
    assert d.lookup("“赛马”制") == "赛马制"
    assert d.lookup("“5+3”行动计划") == "5+3行动计划"
    assert d.lookup("负面清单+包干制") == "负面清单+包干制"
    assert d.lookup("“专精特新”企业") == "专精特新中小企业"
    assert d.lookup("从“书架”走上“货架”") == "从书架到货架"


# --------------------------------------------------------------------------- themes


def test_three_mission_themes(d):
    themes = d.themes()
    assert sorted(themes) == sorted(THEMES)
    for theme in THEMES:
        assert theme in themes[theme], "each theme head term belongs to its own family"
        assert len(themes[theme]) >= 15


@pytest.mark.parametrize(
    ("theme", "members"),
    [
        (
            "新质生产力",
            ["新质生产力", "未来产业", "战略性新兴产业", "颠覆性技术", "原创性", "新型生产关系",
             "全要素生产率", "高质量发展", "前沿技术", "新型劳动者", "技术革命性突破", "现代化产业体系"],
        ),
        (
            "创新型县",
            ["创新型县", "县域创新", "县域经济", "科技特派员", "创新型城市", "国家创新型城市",
             "县域创新驱动发展", "乡村振兴", "农业科技园区"],
        ),
        (
            "容错纠错",
            ["容错纠错", "容错机制", "容错纠错机制", "宽容失败", "鼓励创新宽容失败", "担当作为",
             "三个区分开来", "尽职免责", "勤勉尽责", "先行先试", "澄清正名"],
        ),
    ],
)
def test_theme_families(d, theme, members):
    family = d.themes()[theme]
    assert [m for m in members if m not in family] == []


def test_theme_family_terms_are_ordered_like_terms_table(d):
    order = {t: i for i, t in enumerate(d.terms["term"])}
    for family in d.themes().values():
        assert [order[t] for t in family] == sorted(order[t] for t in family)


# --------------------------------------------------------------------------- forms and lookup


def test_forms_table(d):
    forms = d.forms()
    assert tuple(forms.columns) == FORM_COLUMNS
    assert forms["is_variant"].dtype == bool
    assert (~forms["is_variant"]).sum() == len(d)
    assert forms["is_variant"].sum() == sum(len(v) for v in d.terms["variants"])
    # every row agrees with lookup(), every variant maps to its canonical term
    assert all(d.lookup(f) == t for f, t in zip(forms["form"], forms["term"]))
    canon = forms[~forms["is_variant"]]
    assert (canon["form"] == canon["term"]).all()
    assert forms.loc[forms["term"] == "创新型县", "form"].tolist()[:4] == [
        "创新型县", "创新型县(市)", "创新型县（市）", "创新型县市"
    ]


@pytest.mark.parametrize(
    ("form", "term"),
    [
        ("創新型縣", "创新型县"),
        ("創新型縣(市)", "创新型县"),  # seed 000 spelling
        ("創新型縣市", "创新型县"),  # seed 000 spelling
        ("縣域經濟", "县域经济"),
        ("新質生產力", "新质生产力"),
        ("容錯糾錯", "容错纠错"),
        ("寬容失敗", "宽容失败"),
        ("揭榜掛帥", "揭榜挂帅"),
        ("“賽馬”制", "赛马制"),  # seed 003 spelling
        ("專精特新", "专精特新"),
        ("“小巨人”企業", "小巨人企业"),
        ("高新技術企業", "高新技术企业"),
        ("科技成果轉化", "科技成果转化"),
        ("粵港澳大灣區", "粤港澳大湾区"),
        ("產業集群", "产业集群"),  # seed 003 uses 群, OpenCC s2t gives 羣
        ("后補助", "后补助"),  # seed 000 keeps 后
        ("高企", "高新技术企业"),
        ("高新区", "高新技术产业开发区"),
        ("成果转化", "科技成果转化"),
        ("全生产要素生产率", "全要素生产率"),  # seed 002 spelling
        ("小巨人", "小巨人企业"),
    ],
)
def test_variants_map_to_canonical_terms(d, form, term):
    assert d.lookup(form) == term
    assert form in d


def test_lookup_unknown_and_bad_type(d):
    assert d.lookup("不存在的术语") is None
    assert 123 not in d
    with pytest.raises(TypeError, match=r"lookup\(\) expects a str form, got int 123"):
        d.lookup(123)


def test_immutable(d):
    with pytest.raises(AttributeError, match="PolicyDictionary is immutable; cannot set 'name'"):
        d.name = "x"
    with pytest.raises(AttributeError, match="immutable"):
        d._terms = None
    terms = d.terms
    terms.loc[0, "term"] = "被改掉"
    forms = d.forms()
    forms.loc[:, "form"] = "被改掉"
    assert d.terms.loc[0, "term"] != "被改掉"
    assert "被改掉" not in d
    assert len(d.forms()) > 0


def test_pickle_round_trip(d):
    back = pickle.loads(pickle.dumps(d))
    assert back == d
    assert back.version == d.version


# --------------------------------------------------------------------------- seed coverage

# Multi-character policy terms as they appear in the five seeds (traditional seeds 000 and 003
# given after removing pinyin glosses and converting to simplified).
SEED_TERMS = {
    "000_bf3418ef050fb5d6": [
        "创新型县(市)", "创新型县市", "县域经济", "县域科技创新", "县域创新", "高质量发展",
        "创新驱动发展战略", "科技创新驱动发展", "高新技术企业", "科技型中小企业", "高新技术产业开发区",
        "高新区", "产业转型升级", "自主创新", "新一轮科技革命和产业变革", "新发展格局", "党的十八大",
        "研发经费投入", "研发投入强度", "研发经费投入强度", "人工智能", "生物医药", "发展不平衡不充分",
        "传统产业升级", "规上工业企业", "智能化改造", "新能源", "新一代信息技术", "新兴产业",
        "农业科技园区", "农业高新技术企业", "农业科技创新", "创新生态", "“1+N”政策体系",
        "科技创新专项资金", "财政科技支出", "科技贷", "专利贷", "科技创新风险补偿资金", "融资担保",
        "科技人才公寓", "科技人才", "成果转化", "“一站式”服务", "知识产权保护", "知识产权",
        "技术合同成交额", "高层次人才", "技能型人才", "新时代中国特色社会主义思想", "重要论述",
        "创新链与产业链深度融合", "区域创新体系", "创新主体", "创新要素", "倍增计划", "专精特新",
        "“专精特新”企业", "“小巨人”企业", "研发费用加计扣除", "加计扣除", "后补助", "先行先试",
        "研发机构覆盖率", "重点实验室", "工程技术研究中心", "企业技术中心", "新能源汽车", "龙头企业",
        "创新联合体", "协同创新", "技术攻关", "微创新中心", "创新平台", "科技型企业",
        "创新是引领发展的第一动力", "科技是国之利器,国家赖之以强,企业赖之以赢,人民生活赖之以好",
        "以创新为主要引领和支撑的经济体系和发展模式", "创新在现代化建设全局中的核心地位", "培育库",
        "科技政策进企业", "提质增效", "总书记", "装备制造", "科技创新",
    ],
    "001_5f9d985e37db4bf6": [
        "务虚会", "十九届五中全会", "自主创新试验区", "国家技术创新工程", "“十三五”", "“十四五”",
        "科学发展观", "创新平台", "高新技术产业化", "传统产业高新化", "“十四五”科技发展规划", "政绩观",
        "与时俱进", "科技型企业", "民营科技企业", "民营科技企业培育工程", "科技创业", "技术转移",
        "成果转化", "新兴产业", "骨干企业", "经济结构战略性调整", "节能减排", "重大科技专项",
        "科技型中小企业", "农业科技成果转化资金", "国际科技合作", "科技计划", "产学研合作", "科研院所",
        "科研机构", "产业技术创新战略联盟", "科技孵化器", "高新技术创业服务中心", "留学生创业园",
        "创新载体", "公共服务平台", "工程技术研究中心", "经济(技术)开发区", "高新技术产业基地",
        "高新技术开发区", "高新区", "科技中介服务机构", "生产力促进中心", "科技评估", "知识产权代理",
        "招才引技", "经济主战场", "经济发展方式转变", "经济发展方式的转变", "跨越发展", "节能环保",
        "现实生产力", "高新技术产业", "经济技术开发区", "共性技术", "关键技术", "科技人员",
    ],
    "002_105d27af3b6cb7bc": [
        "四个善作善成", "习近平总书记", "先进制造研发基地", "新质生产力", "颠覆性技术", "前沿技术",
        "战略性新兴产业", "未来产业", "新发展理念", "新型劳动者", "新型生产要素", "新型生产工具",
        "原创性", "物联网", "区块链", "新材料", "全生产要素生产率", "共同富裕",
        "发展为了人民、发展依靠人民、发展成果由人民共享", "绿色发展", "绿色生产力", "绿色科技创新",
        "绿色技术", "绿色低碳", "循环经济", "技术革命性突破", "生产要素创新性配置", "产业深度转型升级",
        "制度创新", "创新策源能力", "高水平科技自立自强", "创新型城市", "全球创新指数",
        "战略科技力量", "全国重点实验室", "海河实验室", "“双一流”", "关键核心技术", "科技重大专项",
        "信创", "“卡脖子”难题", "国家重大需求", "集成电路", "车联网", "航空航天", "高端装备",
        "科技服务业", "未来信息", "未来制造", "未来材料", "产业集群", "科技金融", "市场化技术转移体系",
        "投早、投小、投硬科技", "科技体制改革", "深化科技体制改革", "科技评价", "揭榜挂帅",
        "里程碑管理", "负面清单+包干制", "自主立项", "科技成果权属改革", "税收优惠",
        "不敢转、不愿转、不会转", "新型生产关系", "从0到1", "合成生物", "细胞与基因治疗", "脑机交互",
        "“双碳”", "国家重点实验室", "国家实验室体系", "世界科技前沿", "国之重器", "供给侧结构性改革",
        "关键一招", "职务科技成果", "概念验证", "小试中试", "科技服务机构", "从“书架”走上“货架”",
        "大中小企业融通发展", "京津冀", "国家技术创新中心", "产学研", "天开高教科创园", "天开园",
        "应用场景", "场景创新", "一核两翼多点", "中国信创谷", "细胞谷", "中关村", "顶层设计",
        "“海河英才”行动计划", "人才高地", "天使母基金", "创业投资", "天使投资", "股权投资", "产业投资",
        "科技信贷", "新动能", "新产业、新模式、新动能", "科技强国", "研发投入强度", "科技领军企业",
        "研究型大学", "自然指数", "综合科技创新水平指数", "教育、科技、人才的良性循环", "对标对表",
        "靶向施策", "高校院所", "超级计算机", "原始创新", "雄安", "重要讲话精神", "“有中生新”",
        "先进生产力质态", "新质生产资料", "硬科技", "科创平台",
    ],
    "003_6ca6cb6ed127d059": [
        "“开局即加速”", "“科技引领”工程", "国家创新型城市", "高新技术企业", "科技型中小企业",
        "科技型小微企业", "研发机构覆盖率", "规上工业企业研发机构覆盖率", "党代会", "党代会报告",
        "粤港澳大湾区", "国际科技创新中心", "“5+3”行动计划", "创新链与产业链深度融合",
        "全过程创新生态链", "基础研究+技术攻关+成果产业转化+科技金融+人才支撑", "科技强市",
        "平台筑基", "重点实验室", "战略科技力量", "重大科创平台", "科技强链", "重点产业集群",
        "揭榜挂帅", "“赛马”制", "“赛马”机制", "关键核心技术", "创新赋能", "创新标兵", "高企",
        "科技金融", "首贷风险补偿", "科技企业孵化器", "加速器", "科技型种子企业", "聚力提升",
        "研发经费", "研发经费占GDP比重", "财政科技投入", "港澳", "粤港澳", "粤港澳联合实验室",
        "粤澳联合基金", "RCEP", "区域协同创新", "科技园区", "国家高新区", "省级高新区",
        "科技成果转化", "中国侨都", "人才高地", "科技特派员", "博聚五邑", "产学研合作",
        "外国人来华工作许可", "零跑动", "创新创业", "创新创业大赛", "科学技术奖", "全民科学素质",
        "科普", "“十二五”", "“十三五”", "“十四五”", "火炬中心", "树标提质", "领航计划", "双百工程",
        "金种子", "勇于创新、鼓励成功、宽容失败", "宽容失败", "科技自立自强", "科技管理体制改革",
        "打破论资排辈", "领军人才", "重大科技项目", "重大科技计划项目", "发榜方", "揭榜方",
        "创新联合体", "创新主体", "骨干企业", "科研院所", "科研人员", "产业转型升级", "提质增效",
        "争先进位", "侨都", "基础研究", "技术攻关", "产业技术研究院", "党的十八大",
    ],
    "004_60d9a6d77e740d89": [
        "创新创业", "高质量发展", "科技金融", "创新驱动发展战略", "创新生态", "创新主体",
        "高新技术企业", "科技型中小企业", "技术合同成交额", "原始创新", "研发投入强度",
        "科技成果转化", "最后一公里", "现实生产力", "技术转移服务机构", "科技经纪人", "孵化器",
        "众创空间", "创新链", "金融链", "人才链", "服务链", "创业投资", "股权投资", "鼓励创新、宽容失败",
        "怕担责、怕出错", "系统观念", "研发费用加计扣除", "税收优惠", "普惠性政策", "拨投贷", "创新券",
        "龙头企业", "链主企业", "高校院所", "创新联合体", "重点实验室", "技术创新中心", "产业研究院",
        "高能级平台", "高能级创新平台", "企业技术中心", "工程研究中心", "产业链与创新链深度融合",
        "标志性产业链", "产业链图谱", "应用场景", "大中小企业融通创新", "产学研", "产学研合作",
        "产业技术创新战略联盟", "两图谱三平台", "复合型人才", "职务科技成果赋权改革", "尽职免责",
        "负面清单", "勤勉尽责", "松绑减负", "大水漫灌", "创新集聚区", "新一代信息技术", "高端装备制造",
        "高新区", "新材料", "生物医药", "产业集群跃升计划", "价值链", "激励容错机制", "鼓励创新宽容失败",
        "敢闯敢试", "撑腰鼓劲", "容错纠错机制", "激励干部担当作为", "担当作为", "三个区分开来",
        "先行先试", "探索性试验", "失误错误", "容错", "不予容错", "干事创业", "容错纠错", "澄清正名",
        "为担当者担当、为负责者负责", "鼓励探索、支持创新、宽容失败", "政府投资基金", "子基金",
        "最先一公里", "人才贷", "科创贷", "高精尖缺", "牵头抓总", "狠抓落实", "问题导向",
        "坐不住、等不起、慢不得", "动真碰硬", "靶向精准施策", "技术转移人才培育专项行动", "技术转移",
        "科研人员", "科研机构", "创新集群", "研发投入",
    ],
}


@pytest.fixture(scope="module")
def seed_texts(root) -> dict[str, str]:
    texts = {}
    for stem in SEED_TERMS:
        raw = (root / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
        texts[stem] = T2S.convert(GLOSS.sub("", raw))
    return texts


@pytest.mark.parametrize("stem", sorted(SEED_TERMS))
def test_seed_terms_occur_in_the_seed_and_are_forms(d, seed_texts, stem):
    terms = SEED_TERMS[stem]
    assert [t for t in terms if t not in seed_texts[stem]] == [], "the list must be real seed text"
    assert [t for t in terms if t not in d] == []


def test_key_seed_terms_are_canonical(d):
    for term in ("创新型县", "新质生产力", "容错纠错", "揭榜挂帅", "赛马制", "科技成果转化", "专精特新",
                 "高新技术企业", "科技型中小企业", "创新联合体", "海河英才", "四个善作善成", "三个区分开来",
                 "宽容失败", "科技特派员", "县域经济", "粤港澳大湾区"):
        assert d.lookup(term) == term


def test_traditional_seed_excerpts_are_covered(d):
    # seeds/000_bf3418ef050fb5d6.txt (raw, with pinyin glosses)
    excerpt_000 = (
        "國(guó)家正在加快實(shí)施創(chuàng)新驅(qū)動(dòng)發(fā)展戰(zhàn)略,將縣域科技創(chuàng)新作為重要內(nèi)容,"
        "科技部先后部署兩批創(chuàng)新型縣(市)建設(shè)"
    )
    # seeds/003_6ca6cb6ed127d059.txt (raw, with pinyin glosses)
    excerpt_003 = (
        "聚焦江門市重點(diǎn)產(chǎn)業(yè)集群,以“揭榜掛帥”“賽馬”制加強(qiáng)關(guān)鍵核心技術(shù)攻關(guān)"
    )
    text_000 = GLOSS.sub("", excerpt_000)
    text_003 = GLOSS.sub("", excerpt_003)
    assert text_000 == "國家正在加快實施創新驅動發展戰略,將縣域科技創新作為重要內容,科技部先后部署兩批創新型縣(市)建設"
    for form, term in [("創新驅動發展戰略", "创新驱动发展战略"), ("縣域科技創新", "县域科技创新"),
                       ("創新型縣(市)", "创新型县")]:
        assert form in text_000 and d.lookup(form) == term
    for form, term in [("重點產業集群", "产业集群"), ("揭榜掛帥", "揭榜挂帅"), ("“賽馬”制", "赛马制"),
                       ("關鍵核心技術攻關", "关键核心技术")]:
        assert form in text_003 and d.lookup(form) == term


# --------------------------------------------------------------------------- version


def file_version(data: bytes) -> str:
    return re.search(rb'^version: "([0-9.]+)"', data, re.MULTILINE).group(1).decode()


def test_version_is_semver_plus_file_hash(d):
    data = BUNDLED.read_bytes()
    assert re.fullmatch(r"\d+\.\d+\.\d+", file_version(data))
    assert d.version == file_version(data) + "+" + hashlib.sha256(data).hexdigest()[:8]


def test_version_changes_when_file_bytes_change(d, tmp_path):
    data = BUNDLED.read_bytes()
    same = tmp_path / "same.yaml"
    same.write_bytes(data)
    assert load_dictionary(same).version == d.version
    assert load_dictionary(same) == d

    edited = tmp_path / "edited.yaml"
    edited.write_bytes(data + b"# a harmless comment\n")
    d2 = load_dictionary(edited)
    assert d2.version != d.version
    assert d2.version.split("+")[0] == file_version(data)
    assert d2 == d  # same content, different bytes

    bumped = tmp_path / "bumped.yaml"
    bumped.write_bytes(re.sub(rb'^version: "[0-9.]+"', b'version: "9.9.9"', data, count=1, flags=re.MULTILINE))
    assert load_dictionary(bumped).version.startswith("9.9.9+")


# --------------------------------------------------------------------------- native round trip


def test_to_yaml_round_trip(d, tmp_path):
    p = tmp_path / "copy.yaml"
    text = d.to_yaml(p)
    assert p.read_text(encoding="utf-8") == text
    back = load_dictionary(p)
    assert back == d
    rebuilt = PolicyDictionary.from_dict(d.to_dict())
    assert rebuilt == d
    assert rebuilt.version == back.version  # hash of the canonical YAML
    assert d.to_yaml() == back.to_yaml()


# --------------------------------------------------------------------------- validation errors


def _minimal() -> dict:
    return {
        "name": "测试词典",
        "version": "0.1.0",
        "description": "tiny",
        "sources": ["seed 004"],
        "categories": {
            "fault_tolerance": {"label": "容错纠错", "description": "theme"},
            "talent": {"label": "人才", "description": ""},
        },
        "terms": [
            {"term": "容错纠错", "category": "fault_tolerance", "themes": ["容错纠错"],
             "variants": ["容錯糾錯"], "pos": "nz", "note": "seed 004"},
            {"term": "宽容失败", "category": "fault_tolerance", "themes": ["容错纠错"], "note": "seed 004"},
            {"term": "海河英才", "category": "talent", "variants": ["海河英才行动计划"]},
        ],
    }


def _write(tmp_path: Path, doc) -> Path:
    p = tmp_path / "terms.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def test_minimal_file_loads(tmp_path):
    d = load_dictionary(_write(tmp_path, _minimal()))
    assert len(d) == 3
    # sorted by category, then term in code-point order (容 U+5BB9 < 宽 U+5BBD)
    assert d.themes() == {"容错纠错": ("容错纠错", "宽容失败")}
    assert d.terms["term"].tolist() == ["容错纠错", "宽容失败", "海河英才"]
    assert d.terms["pos"].isna().tolist() == [False, True, True]
    assert d.forms()["form"].tolist() == ["容错纠错", "容錯糾錯", "宽容失败", "海河英才", "海河英才行动计划"]
    assert d.version.startswith("0.1.0+")


def _set(path, value):
    def edit(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return edit


_DELETE = object()

VALIDATION_CASES = [
    ("top_list", lambda doc: [doc], r"terms\.yaml: expected a YAML mapping with top-level keys name, version, categories, terms, got list"),
    ("missing_terms", _set(["terms"], _DELETE), r"terms\.yaml: missing required top-level key\(s\) 'terms'"),
    ("unknown_top", _set(["termz"], []), r"unknown top-level key\(s\) 'termz'; allowed keys are name, version, description, sources, categories, terms"),
    ("empty_name", _set(["name"], ""), r"'name' must be a non-empty string, got str ''"),
    ("version_float", _set(["version"], 1.0), r"'version' must be a semantic-version string such as '1\.0\.0', got float 1\.0\. Quote it"),
    ("version_short", _set(["version"], "1.0"), r"'version' must be a semantic-version string such as '1\.0\.0', got str '1\.0'"),
    ("sources_str", _set(["sources"], "seed 004"), r"'sources' must be a list of strings, got str 'seed 004'"),
    ("categories_empty", _set(["categories"], {}), r"'categories' must be a non-empty mapping of category id"),
    ("category_no_label", _set(["categories", "talent"], {"description": "x"}), r"category 'talent': 'label' must be a non-empty string, got NoneType None"),
    ("category_bad_key", _set(["categories", "talent", "lable"], "人才"), r"category 'talent' has unknown key\(s\) 'lable'"),
    ("terms_empty", _set(["terms"], []), r"'terms' must be a non-empty list of term entries, got list \[\]"),
    ("entry_not_mapping", _set(["terms", 1], "宽容失败"), r"terms\[1\]: expected a mapping with keys term, category"),
    ("missing_category", _set(["terms", 2, "category"], _DELETE), r"terms\[2\] \(term '海河英才'\): missing required key\(s\) 'category'"),
    ("missing_term", _set(["terms", 2, "term"], _DELETE), r"terms\[2\]: missing required key\(s\) 'term'"),
    ("unknown_entry_key", _set(["terms", 2, "varients"], ["x"]), r"terms\[2\] \(term '海河英才'\): unknown key\(s\) 'varients'"),
    ("unknown_category", _set(["terms", 2, "category"], "talents"), r"terms\[2\] \(term '海河英才'\): unknown category 'talents'; expected one of the ids declared under 'categories': fault_tolerance, talent"),
    ("empty_term", _set(["terms", 2, "term"], ""), r"terms\[2\]: term is empty; expected a term of at least 2 characters"),
    ("one_char_term", _set(["terms", 2, "term"], "县"), r"terms\[2\] \(term '县'\): term '县' has 1 character; expected at least 2"),
    ("whitespace_term", _set(["terms", 2, "term"], "海河英才 "), r"term '海河英才 ' has leading or trailing whitespace; expected '海河英才'"),
    ("int_term", _set(["terms", 2, "term"], 2035), r"terms\[2\]: term must be a string, got int 2035\. Quote numbers"),
    ("variants_str", _set(["terms", 2, "variants"], "海河英才计划"), r"terms\[2\] \(term '海河英才'\): 'variants' must be a list of strings, got str '海河英才计划'\. Write it as a YAML list: variants: \[海河英才计划\]"),
    ("variant_not_str", _set(["terms", 2, "variants"], [5]), r"terms\[2\] \(term '海河英才'\): variant must be a string, got int 5"),
    ("duplicate_term", _set(["terms", 2, "term"], "宽容失败"), r"terms\[2\] \(term '宽容失败'\): duplicate term '宽容失败': it is already the canonical term of terms\[1\] \(term '宽容失败'\)"),
    ("duplicate_variant", _set(["terms", 2, "variants"], ["容錯糾錯"]), r"terms\[2\] \(term '海河英才'\): duplicate variant '容錯糾錯': it is already a variant of terms\[0\] \(term '容错纠错'\)"),
    ("variant_is_other_term", _set(["terms", 2, "variants"], ["宽容失败"]), r"terms\[2\] \(term '海河英才'\): duplicate variant '宽容失败': it is already the canonical term of terms\[1\] \(term '宽容失败'\)"),
    ("variant_repeats_own_term", _set(["terms", 2, "variants"], ["海河英才"]), r"terms\[2\] \(term '海河英才'\): variant '海河英才' is listed twice in this entry"),
    ("themes_str", _set(["terms", 1, "themes"], "容错纠错"), r"terms\[1\] \(term '宽容失败'\): 'themes' must be a list of strings, got str '容错纠错'"),
    ("theme_unknown", _set(["terms", 1, "themes"], ["容错"]), r"terms\[1\] \(term '宽容失败'\): theme '容错' is not a term in this dictionary; every theme must be the canonical 'term'"),
    ("theme_is_variant", _set(["terms", 1, "themes"], ["容錯糾錯"]), r"theme '容錯糾錯' is not a term in this dictionary \('容錯糾錯' is a variant of '容错纠错'; use the canonical term\)"),
    ("pos_bad", _set(["terms", 0, "pos"], "n z"), r"terms\[0\] \(term '容错纠错'\): 'pos' must be a jieba part-of-speech tag such as 'nz', 'n' or 'l', got str 'n z'"),
    ("note_not_str", _set(["terms", 0, "note"], ["seed 004"]), r"terms\[0\] \(term '容错纠错'\): 'note' must be a string, got list"),
]


@pytest.mark.parametrize(("edit", "match"), [c[1:] for c in VALIDATION_CASES], ids=[c[0] for c in VALIDATION_CASES])
def test_validation_errors(tmp_path, edit, match):
    doc = copy.deepcopy(_minimal())
    result = edit(doc)
    if result is not None:
        doc = result
    p = _write(tmp_path, doc)
    with pytest.raises(DictionaryError, match=match) as info:
        load_dictionary(p)
    assert str(info.value).startswith(str(p)), "the message names the file"


def test_validation_errors_from_dict_name_the_source():
    doc = _minimal()
    doc["terms"][2]["category"] = "nope"
    with pytest.raises(DictionaryError, match=r"^<dict>: terms\[2\] \(term '海河英才'\): unknown category 'nope'"):
        PolicyDictionary.from_dict(doc)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("name: a\nname: b\n", r"not valid YAML: .*found duplicate key 'name' \(first defined at line 1\)"),
        ("name: [unclosed\n", r"terms\.yaml: not valid YAML"),
        ("", r"terms\.yaml: the file is empty; expected a YAML mapping"),
        ("# only a comment\n", r"the file is empty"),
    ],
)
def test_yaml_level_errors(tmp_path, text, match):
    p = tmp_path / "terms.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError, match=match):
        load_dictionary(p)


def test_duplicate_key_inside_an_entry(tmp_path):
    text = _write(tmp_path, _minimal()).read_text(encoding="utf-8")
    text = text.replace("- term: 海河英才\n", "- term: 海河英才\n  term: 海河英才计划\n")
    p = tmp_path / "dup.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"dup\.yaml: not valid YAML: .*found duplicate key 'term'"):
        load_dictionary(p)


def test_not_utf8(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes("name: 词典\n".encode("gbk"))
    with pytest.raises(DictionaryError, match=r"gbk\.yaml: expected a UTF-8 encoded YAML file, but byte 6 is not valid UTF-8"):
        load_dictionary(p)


def test_missing_file_and_bad_path_type(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.yaml: dictionary file not found \(missing\)"):
        load_dictionary(tmp_path / "nope.yaml")
    with pytest.raises(FileNotFoundError, match=r"dictionary file not found \(a directory\)"):
        load_dictionary(tmp_path)
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike \(or None for the bundled file\), got int"):
        load_dictionary(3)


# --------------------------------------------------------------------------- quanteda


def test_quanteda_round_trip_keeps_forms_per_category(d, tmp_path):
    p = write_quanteda_yaml(d, tmp_path / "policy.yml")
    assert p == tmp_path / "policy.yml"
    back = read_quanteda_yaml(p)
    before = d.forms().groupby("category")["form"].apply(set).to_dict()
    after = back.forms().groupby("category")["form"].apply(set).to_dict()
    assert after == before
    assert back.name == "policy"
    assert back.version.startswith("0.0.0+")
    assert not back.forms()["is_variant"].any()


def test_quanteda_export_is_deterministic_and_exact(tmp_path):
    d = PolicyDictionary.from_dict(_minimal())
    p1 = write_quanteda_yaml(d, tmp_path / "a.yml")
    p2 = write_quanteda_yaml(PolicyDictionary.from_dict(_minimal()), tmp_path / "b.yml")
    assert p1.read_bytes() == p2.read_bytes()
    assert p1.read_text(encoding="utf-8") == (
        f"# quanteda dictionary exported from 测试词典 ({d.version})\n"
        "# category: canonical term followed by its variants; labels are in the comments.\n"
        "# 容错纠错\n"
        "fault_tolerance:\n"
        "  - 容错纠错\n"
        "  - 容錯糾錯\n"
        "  - 宽容失败\n"
        "# 人才\n"
        "talent:\n"
        "  - 海河英才\n"
        "  - 海河英才行动计划\n"
    )


def test_quanteda_import_nested_keys_and_scalars(tmp_path):
    p = tmp_path / "lex.yml"
    p.write_text(
        "改革:\n"
        "  项目:\n"
        "    - 揭榜挂帅\n"
        "    - 赛马制\n"
        "  评价: 破四唯\n"
        "人才: [海河英才, 科技特派员]\n"
        "空类: []\n",
        encoding="utf-8",
    )
    d = read_quanteda_yaml(p, name="我的词典")
    assert d.name == "我的词典"
    assert d.terms[["term", "category"]].values.tolist() == [
        ["海河英才", "人才"], ["科技特派员", "人才"], ["破四唯", "改革.评价"], ["揭榜挂帅", "改革.项目"],
        ["赛马制", "改革.项目"],
    ]
    cats = d.categories.set_index("category")
    assert cats.loc["改革.项目", "label"] == "项目"
    assert cats.loc["空类", "n_terms"] == 0
    assert d.terms["note"].str.startswith("imported from quanteda dictionary lex.yml").all()


def test_quanteda_glob_patterns_warn_and_are_kept(tmp_path):
    p = tmp_path / "globs.yml"
    p.write_text("科技:\n  - 科技*\n  - 创新?\n  - 揭榜挂帅\n", encoding="utf-8")
    with pytest.warns(
        DictionaryWarning,
        match=r"globs\.yml: 2 quanteda glob pattern\(s\) cannot be matched exactly and are kept as literal "
        r"terms with a note: '科技\*' \(科技\), '创新\?' \(科技\)",
    ):
        d = read_quanteda_yaml(p)
    assert d.lookup("科技*") == "科技*"
    notes = d.terms.set_index("term")["note"]
    assert notes["科技*"].startswith("quanteda glob pattern kept as-is; it is not matched exactly")
    assert notes["揭榜挂帅"].startswith("imported from quanteda")


def test_quanteda_value_under_two_keys_warns_and_first_key_keeps_it(tmp_path):
    p = tmp_path / "dup.yml"
    p.write_text("甲类:\n  - 揭榜挂帅\n  - 揭榜挂帅\n乙类:\n  - 揭榜挂帅\n  - 赛马制\n", encoding="utf-8")
    with pytest.warns(DictionaryWarning, match=r"1 value\(s\) are listed under several keys; .*'揭榜挂帅' \(甲类, 乙类\)"):
        d = read_quanteda_yaml(p)
    assert d.terms.set_index("term")["category"].to_dict() == {"揭榜挂帅": "甲类", "赛马制": "乙类"}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("- 揭榜挂帅\n", r"lex\.yml: expected a quanteda YAML dictionary \(a mapping of keys to lists of values\), got list"),
        ("科技:\n  - 2035\n", r"lex\.yml: key '科技': values must be strings, got int 2035\. Quote numbers"),
        ("科技: 5\n", r"key '科技': expected a list of strings or nested keys, got int 5"),
        ("2024:\n  - 揭榜挂帅\n", r"key 2024 under '<top level>' must be a non-empty string"),
        ("科技: []\n", r"the dictionary has keys but no values"),
        ("科技:\n  - 县\n", r"lex\.yml: key '科技': value '县' has 1 character; expected at least 2"),
    ],
)
def test_quanteda_import_errors(tmp_path, text, match):
    p = tmp_path / "lex.yml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError, match=match):
        read_quanteda_yaml(p)


def test_write_quanteda_rejects_non_dictionary(tmp_path):
    with pytest.raises(TypeError, match="write_quanteda_yaml\\(\\) expects a PolicyDictionary, got dict"):
        write_quanteda_yaml({}, tmp_path / "x.yml")


# --------------------------------------------------------------------------- add_terms / merge


def test_add_terms_returns_new_dictionary(d):
    d2 = d.add_terms(
        [{"term": "科技小院", "category": "rural", "themes": ["创新型县"], "note": "user"}],
        categories={"rural": {"label": "乡村科技", "description": "user category"}},
    )
    assert len(d2) == len(d) + 1
    assert "科技小院" in d2 and "科技小院" not in d
    assert set(d2.themes()["创新型县"]) == set(d.themes()["创新型县"]) | {"科技小院"}
    assert d2.version != d.version and d2.version.startswith(d.version.split("+")[0] + "+")
    assert d2.name == d.name


def test_add_terms_errors(d):
    with pytest.raises(DictionaryError, match=r"duplicate term '揭榜挂帅': it is already the canonical term of terms\[\d+\] \(term '揭榜挂帅'\)"):
        d.add_terms([{"term": "揭榜挂帅", "category": "talent"}])
    with pytest.raises(DictionaryError, match=r"add_terms: category 'talent' already exists with label '科技人才', got label '人才'"):
        d.add_terms([], categories={"talent": {"label": "人才"}})


def test_merge_with_user_lexicon(d, tmp_path):
    p = tmp_path / "mine.yml"
    p.write_text("地方:\n  - 科技小院\n  - 科创飞地2\n", encoding="utf-8")
    mine = read_quanteda_yaml(p)
    merged = d.merge(mine, name="合并词典")
    assert merged.name == "合并词典"
    assert len(merged) == len(d) + 2
    assert merged.lookup("科技小院") == "科技小院"
    assert merged.lookup("創新型縣") == "创新型县"
    assert str(p) in merged.sources
    assert len(d) == len(load_dictionary())  # d unchanged


def test_merge_conflict_names_both_dictionaries(d, tmp_path):
    p = tmp_path / "clash.yml"
    p.write_text("地方:\n  - 高企\n", encoding="utf-8")
    with pytest.raises(
        DictionaryError,
        match=r"merge: form '高企' of term '高企' in 'clash' is already a form of term '高新技术企业' in '科技创新政策术语词典'",
    ):
        d.merge(read_quanteda_yaml(p))
    with pytest.raises(TypeError, match="merge\\(\\) expects a PolicyDictionary, got list"):
        d.merge([])


def test_to_yaml_keeps_awkward_strings(tmp_path):
    doc = _minimal()
    doc["description"] = "第一行\n第二行: with 'quotes' and \"double\" # not a comment"
    doc["terms"][2]["variants"] = ['"海河英才"计划', "海河英才[2018]", "&海河英才", "*海河英才"]
    doc["terms"][2]["note"] = "multi\nline"
    d = PolicyDictionary.from_dict(doc)
    back = load_dictionary(Path(d.to_yaml(tmp_path / "x.yaml") and tmp_path / "x.yaml"))
    assert back == d
    assert back.description == doc["description"]
    assert back.terms.set_index("term").loc["海河英才", "variants"] == tuple(doc["terms"][2]["variants"])
    assert back.terms.set_index("term").loc["海河英才", "note"] == "multi\nline"


# --------------------------------------------------------------------------- one resolver for dictionary=
def test_resolve_dictionary_accepts_every_documented_value(d, tmp_path):
    from corpusanalysis.text.dictionary import resolve_dictionary

    assert resolve_dictionary(None).version == d.version
    assert resolve_dictionary(False) is None
    assert resolve_dictionary(d) is d
    native = tmp_path / "native.yaml"
    native.write_bytes(resources_bytes())
    assert resolve_dictionary(native).version == d.version
    assert resolve_dictionary(str(native)).lookup("創新型縣") == "创新型县"
    quanteda = write_quanteda_yaml(d, tmp_path / "policy.yml")
    from_quanteda = resolve_dictionary(quanteda)
    assert set(from_quanteda.forms()["form"]) == set(d.forms()["form"])
    with pytest.raises(TypeError, match=r"dictionary must be None, False, a path or a PolicyDictionary; got int"):
        resolve_dictionary(42)
    with pytest.raises(ValueError, match=r"theme_term_rates\(\): needs a dictionary \(dictionary=False has no terms\)"):
        resolve_dictionary(False, required=True, where="theme_term_rates()")


def resources_bytes() -> bytes:
    from importlib import resources

    return (resources.files("corpusanalysis") / "data" / "policy_terms.yaml").read_bytes()


def test_every_dictionary_argument_takes_a_quanteda_file(tmp_path):
    import corpusanalysis as ca

    small = tmp_path / "small.yml"
    small.write_text("创新:\n  - 科技创新\n  - 新质生产力\n", encoding="utf-8")
    docs = ca.tokenize(ca.clean(ca.load_seeds().iloc[2:3]), dictionary=small)
    assert "新质生产力" in docs["tokens"].iloc[0]
    found = ca.discover_terms(docs, dictionary=str(small), n=3)  # discover refused a path before 0.2
    assert len(found) == 3
    assert ca.suggest_terms("科技", small)["term"].tolist() == ["科技创新"]


def test_plot_functions_use_the_dictionary_they_are_given(tmp_path):
    import corpusanalysis as ca

    own = tmp_path / "own.yml"
    own.write_text("name: own\nversion: 1.0.0\ncategories:\n  c: {label: c, description: d}\n"
                   "terms:\n  - {term: 科技创新, category: c, themes: [科技创新]}\n  - {term: 干部担当, category: c, "
                   "themes: [干部担当]}\n", encoding="utf-8")
    rows = [["科技创新", "干部担当", "未来产业"]] * 3 + [["干部担当", "容错"]] * 3
    table = ca.cooccurrence(rows, window="document", min_count=1)
    fig = ca.plot_association_heatmap(table, dictionary=own)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0].startswith("干部担当") and any(t.startswith("科技创新") for t in labels)
    bundled = ca.plot_association_heatmap(table)  # blocks of the bundled themes: other terms, another order
    assert [t.get_text() for t in bundled.axes[0].get_xticklabels()] != labels
