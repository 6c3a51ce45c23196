"""Tests for corpusanalysis.segment: sentences, paragraphs, heading paths and offsets.

Fixtures are real excerpts of seeds/ made to look like clean() output (see the comments
above each literal): full-width Chinese punctuation, ASCII parentheses, placeholders kept.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
import pytest

from corpusanalysis.text.segment import MAX_HEADING_CHARS, UNIT_COLUMNS, segment, split_sentences

# seeds/004_60d9a6d77e740d89.txt: the title line, then every paragraph from "同志们:" on, each cut
# after its first two sentences; the furniture line 2, the repeated title of line 3 and "下一篇:返回列表" left out.
# ASCII , : ? ! became full-width, ASCII "…" pairs became “…”, the mojibake "禀?" became "禀〓".
TEXT_004 = "\n".join(
    [
        "在市创新创业工作现场推进会上的讲话",
        "同志们：",
        "今天，我们在这里召开全市创新创业工作现场推进会，主要任务是深入分析当前我市创新创业工作面临的新形势、新挑战，全面审视工作中存在的短板与不足，研究部署下一阶段的重点任务。刚才，相关区县和部门的负责同志作了汇报，也交流了工作中的思考，讲得都很好，点出了问题，也提出了思路。",
        "但同时，我们必须清醒地认识到，对标先进城市，对表高质量发展的内在要求，我市的创新创业工作仍然存在不小的差距。标兵渐行渐远，追兵越来越近，我们面临的竞争压力前所未有。",
        "一、肯定成绩更要正视差距，在深刻把握大势中找准定位",
        "近年来，市委、市政府始终把创新驱动发展战略摆在全局工作的核心位置，以前所未有的力度推动创新创业。全市的创新生态持续优化，创新主体日益壮大，创新成果不断涌现，为经济社会高质量发展注入了强劲动力。",
        "然而，成绩是用来鼓舞士气的，问题才是我们前进的磨刀石。我们必须跳出〔...〕看〔...〕，放眼全国乃至全球的创新版图，清醒地认识到自身存在的差距和不足。",
        "第一，企业创新主体地位还不够牢固。虽然我们的企业数量在增加，但真正具备核心技术、能够引领产业变革的“参天大树”还不多，不少企业仍然习惯于跟随模仿，原始创新能力和意愿不强。",
        "第二，科技成果转化链条还不够顺畅。高校、科研院所的“书架”与企业的“货架”之间还存在“最后一公里”的壁垒。",
        "第三，创新创业生态系统还不够完善。从现场调研的情况看，我们在孵化器、众创空间等物理载体建设上投入了很大精力，硬件条件有了很大改善。",
        "这些问题，既有共性因素，也有我们自身工作不到位的原因，是影响和制约我市创新创业水平提升的关键所在。我们必须拿出壮士断腕的勇气，敢于动真碰硬，一个一个加以破解。",
        "二、聚焦关键靶向精准施策，以重点突破带动整体跃升",
        "做好下一阶段的创新创业工作，必须坚持系统观念，聚焦核心环节，实施靶向治疗。要紧紧围绕“企业主体、成果转化、产业集群、生态营造”这四个关键点，集中发力，务求实效。",
        "(一)突出企业核心地位，培育创新驱动的强大引擎",
        "企业是创新的主体，是技术创新决策、研发投入、科研组织和成果转化的主导力量。推动创新创业，根本上要靠企业。",
        "一要激励企业加大研发投入。要不折不扣地落实好研发费用加计扣除、高新技术企业税收优惠等普惠性政策，确保政策红利直达企业。",
        "二要支持企业建设高能级创新平台。要鼓励和引导龙头企业、链主企业牵头，联合上下游企业和高校院所，组建创新联合体，共建重点实验室、技术创新中心、产业研究院等高能级平台。",
        "三要推动产业链与创新链深度融合。围绕我市重点发展的六大标志性产业链，绘制产业链图谱和技术创新路线图。",
        "(二)畅通成果转化渠道，加速科技创新与产业发展深度融合",
        "科技成果只有走出实验室、走向生产线，才能真正实现其价值。必须下大力气破除体制机制障碍，构建起以市场为导向、产学研深度绑定的成果转化体系。",
        "一要搭建高效协同的转化平台。要加快推进“〔...〕市产业技术创新战略联盟”和“〔...〕科技成果转化平台”的建设与运营，使其真正成为技术需求发布的“总入口”和科技成果汇交的“总枢纽”。",
        "二要壮大专业化的技术转移队伍。成果转化是一项高度专业化的工作，离不开一支高素质的“科技经纪人”队伍。",
        "三要完善利益共享的合作机制。要指导和鼓励高校、科研院所和企业，在签订产学研合作协议时，事先明确约定科技成果的权属和转化后的利益分配方式。",
        "(三)立足自身资源禀赋，打造特色鲜明的创新创业集聚区",
        "创新不能搞“大水漫灌”，必须立足自身的产业基础和资源禀〓，走特色化、差异化的发展道路，打造具有核心竞争力的创新创业高地。",
        "一要高标准规划建设创新集聚区。要学习借鉴先进城市的经验做法，结合我市的城市空间布局和产业发展规划，集中优势资源，重点打造若干个创新要素高度集聚、创新服务功能完善、创新创业氛围浓厚的创新核心承载区。",
        "二要围绕特色产业培育创新集群。要聚焦我市具有比较优势的新材料、生物医药等领域，实施“产业集群跃升计划”。",
        "三要强化创新载体的专业化服务能力。要对现有的各类孵化器、众创空间进行全面的绩效评估，引导其从提供物理空间的“二房东”模式，向提供创业辅导、投融资对接、市场推广等深度服务的专业孵化模式转型。",
        "(四)健全激励容错机制，营造鼓励创新宽容失败的良好生态",
        "创新本质上是探索性的活动，必然伴随着不确定性和失败的风险。一个地方的创新活力，很大程度上取决于其对失败的包容度。",
        "一要让容错纠错机制真正“长出牙齿”。市委、市政府近期将正式印发《〔...〕市关于健全完善容错纠错机制进一步激励干部担当作为的实施意见》。",
        "二要发挥典型案例的“风向标”作用。制度的生命力在于执行。",
        "三要构建全方位的创新服务体系。除了制度保障，还要在金融、人才等方面为创新创业者提供“阳光雨露”。",
        "三、强化组织领导狠抓落实，汇聚推动创新创业的磅礴合力",
        "蓝图已经绘就，关键在于落实。推动创新创业是一项复杂的系统工程，必须加强党的领导，健全工作机制，压实各方责任，确保各项决策部署落地生根、开花结果。",
        "一要压紧压实工作责任。市创新驱动发展领导小组要发挥好牵头抓总作用，定期调度工作进展，协调解决重大问题。",
        "二要密切协同形成合力。创新创业工作涉及面广，不是哪一个部门的“独角戏”，而是需要各方参与的“大合唱”。",
        "三要强化督查考核问效。要将创新创业工作的成效，特别是高新技术企业培育、研发投入增长、技术合同成交额等核心指标，纳入对各区县、各部门高质量发展的综合考核体系，加大考核权重。",
        "同志们，创新决胜未来，创业成就梦想。推动创新创业，使命光荣，责任重大。",
        "谢谢大家。",
    ]
)

# seeds/002_105d27af3b6cb7bc.txt, line 3: the whole speech is ONE line without any "\n". Its sentences 1-21
# and 48-56, concatenated (as in the file, no separators); ASCII , : ; became full-width, "××" became "□".
TEXT_002 = (
    "党课：坚持科技创新引领发展加快形成新质生产力同志们：习近平总书记亲临我省视察指导工作，对我省工作提出“四个善作善成”重要要求。"
    "全市科技系统要认真贯彻落实习近平总书记关于“我省作为全国先进制造研发基地，要发挥科教资源丰富等优势，在发展新质生产力上勇争先、善作为”的重要讲话精神，深刻把握发展新质生产力核心要素的本质内涵和关键特征，深刻认识基础条件，找准抓实着力点，积极培育发展新质生产力的新动能，谱写“科技之为”新篇章。"
    "一、提高认识，深刻把握发展新质生产力的关键特征习近平总书记指出：“科技创新能够催生新产业、新模式、新动能，是发展新质生产力的核心要素。”"
    "新质生产力的“新”，是以科技创新为核心要素的生产力，通过关键技术、前沿技术、颠覆性技术等“新技术”的突破，为重点产业、战略性新兴产业、未来产业发展提供坚实着力点和新的增长点。"
    "新质生产力的“质”，是符合新发展理念的先进生产力质态，通过新型劳动者、新型生产要素、新型生产工具及其优化组合，推动科技创新赋能生产力向更高水平跃升。"
    "(一)高科技性。"
    "科技创新是发展新质生产力的核心要素，原创性、颠覆性、关键性核心技术对产业的全球竞争力至关重要，在产业技术生态体系中居于核心地位，影响着一个时代相关领域科技创新整体走势。"
    "谁拥有先进技术、前沿技术，谁就拥有创造更先进生产力的能力和基础。"
    "(二)高效性。"
    "新质生产力重点体现在新的生产要素以及新的要素配置方式，人工智能、物联网、区块链、新材料等新质生产力的核心支撑技术具有很强的通用属性，同时具有创新链长、应用范围广、技术改进可持续性强等特征。"
    "结合高端人才、资金、数据、知识等全生产要素生产率的提升，建立不同主体、行业和产业间形成更高效的生产网络，推动生产效率的提升，加速战略性新兴产业及未来产业的培育发展。"
    "(三)人民性。"
    "新质生产力符合未来科技和产业的发展趋势，在未来经济社会发展中发挥着关键的支撑作用和导向作用，要旗帜鲜明地确立发展为了人民、发展依靠人民、发展成果由人民共享的新质生产力发展宗旨，坚持以共同富裕作为基本导向，坚持发展成果更多更公平惠及全体人民，充分发挥人民群众在推动新质生产力发展中的主体作用。"
    "(四)生态友好性。"
    "科技创新驱动的新质生产力通过知识、技术、管理、数据等新型生产要素替代自然资源、能源等传统生产要素，形成经济增长与生态环境改善的和谐并进。"
    "绿色发展是高质量发展的底色，新质生产力本身就是绿色生产力。"
    "通过加快绿色科技创新和先进绿色技术推广应用，构建绿色低碳循环经济体系。"
    "对标对表习近平总书记视察□重要讲话精神，新质生产力的形成路径主要包括三个方面：一是推动技术革命性突破，为发展新质生产力提供引领性技术支撑；二是促进生产要素创新性配置，特别是发挥好知识、技术、信息、数据等要素关键作用；三是推动产业深度转型升级，依靠科技创新、制度创新，加快已有重点产业发展质量提升、战略性新兴产业规模发展、未来产业加快培育。"
    "二、肯定成绩，准确认识□发展新质生产力的基础条件近年来，□大力实施创新驱动发展战略，持续提升创新策源能力、成果转化能力和科创服务能力，加快实现高水平科技自立自强，初步具备了发展新质生产力的基础。"
    "(一)科技创新持续强化，为发展新质生产力奠定资源基础。"
    "科技创新是发展新质生产力的核心要素，□具有科教资源丰富的优势，全社会研发投入强度2022年达□%，近五年持续保持全国前三，□综合科技创新水平指数处于全国前列，创新型城市建设处于全国第一方阵。"
    # … sentences 22-47 left out …
    "三、靶向施策，找准抓实科技支撑新质生产力的着力点面向未来，□将推动科技创新“关键变量”转化为新质生产力“最大增量”，探索一条以前沿技术策源为牵引、以科技成果转化为抓手、以科创平台载体为支撑、以创新要素优化配置为突破、以新型生产关系构建为动力的□特色创新之路，培育发展新质生产力的新动能。"
    "(一)聚焦科技创新策源功能，加强原创性、颠覆性技术攻关。"
    "充分发挥前沿技术的“增量器”“放大器”作用，以高水平科技自立自强为新质生产力发展提供强大支撑。"
    "一是前瞻性打造前沿技术策源地。"
    "围绕合成生物、细胞与基因治疗、石墨烯半导体、脑机交互等前沿领域，超前部署一批前沿技术项目，开展“从0到1”的前瞻性研究，努力形成一批原创性、颠覆性技术成果。"
    "强化关键核心技术攻关，实施一批重大科技专项，推动感算一体智能芯片、先进电子材料等产业链“卡脖子”技术突破，为科技强国提供“□方案”。"
    "加快绿色科技创新和先进绿色技术推广应用，实施科技支撑“双碳”重大专项，打造一批科技支撑“双碳”亮点示范工程。"
    "二是体系化构建战略科技力量。"
    "加快打造一批引领性战略科技力量，支持推动大型地震工程模拟研究设施、新一代超级计算机尽快形成承接国家重大任务能力，积极争建元素有机化学、化学工程等国家重点实验室。"
)

# seeds/001_5f9d985e37db4bf6.txt, line 1 and the first sentences of line 2 (ASCII , became full-width,
# the redaction "x" of "x月x日" became "□" as clean() marks redactions).
TEXT_001 = (
    "在全市科技工作务虚会上的讲话\n"
    "今天的务虚会虽然时间不长，但内容很实，会议传达了市科技局党组贯彻党的十九届五中全会精神的意见，"
    "传达了□月□日省政府在□召开的“□自主创新试验区暨国家技术创新工程试点省建设现场会”精神，"
    "市科技局及各县(市、区)科技局分别总结了“十三五”科技工作，研讨了“十四五”科技发展。"
    "大家会前准备充分，交流材料齐备；会中畅所欲言，形式生动活泼。"
)

S1_004 = "一、肯定成绩更要正视差距，在深刻把握大势中找准定位"
S2_004 = "二、聚焦关键靶向精准施策，以重点突破带动整体跃升"
S21_004 = "(一)突出企业核心地位，培育创新驱动的强大引擎"
S22_004 = "(二)畅通成果转化渠道，加速科技创新与产业发展深度融合"
S3_004 = "三、强化组织领导狠抓落实，汇聚推动创新创业的磅礴合力"


def make_corpus(texts: dict[str, str], **meta) -> pd.DataFrame:
    frame = pd.DataFrame({"raw": list(texts.values()), "text": list(texts.values()), **meta})
    frame.index = pd.Index(list(texts), name="doc_id")
    return frame


@pytest.fixture
def corpus() -> pd.DataFrame:
    """Three seed documents with load_seeds()-like metadata (incl. the colliding ``level`` and ``n_chars``)."""
    frame = make_corpus(
        {
            "001_5f9d985e37db4bf6": TEXT_001,
            "002_105d27af3b6cb7bc": TEXT_002,
            "004_60d9a6d77e740d89": TEXT_004,
        },
        title=pd.array(
            ["在全市科技工作务虚会上的讲话", "党课:坚持科技创新引领发展加快形成新质生产力", "在市创新创业工作现场推进会上的讲话"],
            dtype="str",
        ),
        genre=pd.array(["讲话", "党课", "讲话"], dtype="str"),
        level=pd.array(["市", "市", "市"], dtype="str"),
        year=pd.array([pd.NA, 2024, pd.NA], dtype="Int64"),
        n_chars=np.array([9734, 14623, 13879], dtype=np.int64),
        tokens=[["在", "全市"], ["党课"], ["在", "市"]],
    )
    return frame


def texts_of(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# ---------------------------------------------------------------- split_sentences


def test_split_sentences_end_marks_quotes_and_ellipsis():
    # seeds/002: the quotation stays whole with its closing ” ; seeds/004: 《…》 inside a sentence.
    text = (
        "习近平总书记指出：“科技创新能够催生新产业、新模式、新动能，是发展新质生产力的核心要素。”"
        "新质生产力的“新”，是以科技创新为核心要素的生产力。"
        "市委、市政府近期将正式印发《□市关于健全完善容错纠错机制进一步激励干部担当作为的实施意见》。"
    )
    assert texts_of(text) == [
        "习近平总书记指出：“科技创新能够催生新产业、新模式、新动能，是发展新质生产力的核心要素。”",
        "新质生产力的“新”，是以科技创新为核心要素的生产力。",
        "市委、市政府近期将正式印发《□市关于健全完善容错纠错机制进一步激励干部担当作为的实施意见》。",
    ]
    assert split_sentences(text) == [(0, 45), (45, 71), (71, 117)]


def test_split_sentences_semicolon_colon_and_ellipsis_do_not_split():
    # seeds/002: one enumerated sentence "：一是……；二是……；三是……。"
    text = (
        "新质生产力的形成路径主要包括三个方面：一是推动技术革命性突破，为发展新质生产力提供引领性技术支撑；"
        "二是促进生产要素创新性配置；三是推动产业深度转型升级。"
    )
    assert split_sentences(text) == [(0, len(text))]
    assert texts_of("同志们：习近平总书记……。当前……") == ["同志们：习近平总书记……。", "当前……"]


def test_split_sentences_exclamation_question_runs_and_ascii():
    assert texts_of("好！？真的吗?是的!完成。。下一句") == ["好！？", "真的吗?", "是的!", "完成。。", "下一句"]
    # closing brackets and nested quotes after the end mark stay with the sentence
    assert texts_of("(见附件。)他说：“要‘敢转’！”然后") == ["(见附件。)", "他说：“要‘敢转’！”", "然后"]


def test_split_sentences_ascii_quotes_close_only_an_open_quote():
    # seeds/004 uses ASCII quotes: 以"坐不住、等不起、慢不得"的紧迫感
    assert texts_of('他说："要抓紧。"然后散会。') == ['他说："要抓紧。"', "然后散会。"]
    assert texts_of('工作完成。"十四五"开局良好。') == ["工作完成。", '"十四五"开局良好。']


def test_split_sentences_newlines_whitespace_and_empty():
    text = "  第一句。  \n\n\u3000第二句\n \n第三句！ "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["第一句。", "第二句", "第三句！"]
    assert spans == [(2, 6), (11, 14), (17, 21)]
    assert split_sentences("") == []
    assert split_sentences(" \n\u3000 ") == []


def test_split_sentences_placeholders_are_ordinary_characters():
    assert texts_of("会议传达了□月□日省政府精神。资源禀〓，走特色化道路。") == [
        "会议传达了□月□日省政府精神。",
        "资源禀〓，走特色化道路。",
    ]


def test_split_sentences_covers_every_non_space_character_once():
    for text in (TEXT_001, TEXT_002, TEXT_004):
        spans = split_sentences(text)
        assert all(e > s for s, e in spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
        assert "".join(text[s:e] for s, e in spans) == "".join(text.split())
        assert all(text[s:e] == text[s:e].strip() for s, e in spans)
    assert len(split_sentences(TEXT_002)) == 30


def test_split_sentences_rejects_non_strings():
    with pytest.raises(TypeError, match=r"split_sentences\(\) expects text as a str, got list"):
        split_sentences(["一句。"])


# ---------------------------------------------------------------- segment: shape


def test_columns_index_and_dtypes(corpus):
    units = segment(corpus)
    assert list(units.columns) == [*UNIT_COLUMNS, "title", "genre", "level", "year", "doc_n_chars"]
    assert list(UNIT_COLUMNS) == [
        "doc_id", "para_id", "sent_id", "unit_type", "heading", "section",
        "heading_level", "start", "end", "text", "n_chars",
    ]  # fmt: skip
    assert units.index.name == "unit_id"
    assert units.index.is_unique
    assert str(units["text"].dtype) == "str"
    assert units["heading_level"].dtype == "Int64"
    assert units["para_id"].dtype == np.int64 and units["start"].dtype == np.int64
    assert units["year"].dtype == "Int64"


def test_unit_ids_are_unique_and_readable(corpus):
    units = segment(corpus)
    assert units.index.is_unique
    assert units.index[0] == "001_5f9d985e37db4bf6/p0000/s000"
    expected = [f"{d}/p{p:04d}/s{s:03d}" for d, p, s in zip(units["doc_id"], units["para_id"], units["sent_id"])]
    assert list(units.index) == expected
    paragraphs = segment(corpus, level="paragraph")
    assert paragraphs.index.is_unique
    assert "002_105d27af3b6cb7bc/p0003" in paragraphs.index
    assert (paragraphs["sent_id"] == 0).all()


@pytest.mark.parametrize("level", ["sentence", "paragraph"])
def test_offsets_point_into_the_document_text(corpus, level):
    units = segment(corpus, level=level)
    for row in units.itertuples():
        doc_text = corpus.at[row.doc_id, "text"]
        assert doc_text[row.start : row.end] == row.text
        assert row.text == row.text.strip() and row.text != ""
        assert row.n_chars == len(row.text) == row.end - row.start


@pytest.mark.parametrize("level", ["sentence", "paragraph"])
def test_deterministic_document_order(corpus, level):
    units = segment(corpus, level=level)
    assert list(units["doc_id"].unique()) == list(corpus.index)
    for _, group in units.groupby("doc_id", sort=False):
        assert group["start"].is_monotonic_increasing
        assert (group["start"].to_numpy()[1:] >= group["end"].to_numpy()[:-1]).all()
        assert list(zip(group["para_id"], group["sent_id"])) == sorted(zip(group["para_id"], group["sent_id"]))
    pd.testing.assert_frame_equal(units, segment(corpus, level=level))


def test_sentences_tile_their_paragraphs(corpus):
    sentences = segment(corpus)
    paragraphs = segment(corpus, level="paragraph")
    spans = sentences.groupby(["doc_id", "para_id"], sort=False).agg(start=("start", "min"), end=("end", "max"))
    assert spans["start"].tolist() == paragraphs["start"].tolist()
    assert spans["end"].tolist() == paragraphs["end"].tolist()


# ---------------------------------------------------------------- segment: headings (seeds/004)


def test_headings_and_sections_of_004_paragraphs():
    units = segment(make_corpus({"004": TEXT_004}), level="paragraph")
    assert len(units) == 40
    assert units["unit_type"].value_counts().to_dict() == {"paragraph": 32, "heading": 7, "title": 1}
    heads = units[units["unit_type"] == "heading"]
    assert heads["text"].tolist() == [
        S1_004,
        S2_004,
        S21_004,
        S22_004,
        "(三)立足自身资源禀赋，打造特色鲜明的创新创业集聚区",
        "(四)健全激励容错机制，营造鼓励创新宽容失败的良好生态",
        S3_004,
    ]
    assert heads["heading"].tolist() == heads["text"].tolist()
    assert heads["heading_level"].tolist() == [1, 1, 2, 2, 2, 2, 1]
    assert heads["para_id"].tolist() == [4, 11, 13, 18, 23, 28, 33]
    by_para = units.set_index("para_id")
    assert by_para.at[0, "unit_type"] == "title"
    assert by_para.at[0, "text"] == "在市创新创业工作现场推进会上的讲话"
    assert by_para.at[0, "section"] == ""
    assert by_para.at[1, "text"] == "同志们：" and by_para.at[1, "unit_type"] == "paragraph"
    assert by_para.at[3, "section"] == ""
    assert by_para.at[4, "section"] == S1_004
    assert by_para.at[13, "section"] == f"{S2_004} > {S21_004}"
    # level 4 "一要……。" opens a content paragraph: its lead sentence is the heading
    assert by_para.at[15, "unit_type"] == "paragraph"
    assert by_para.at[15, "heading"] == "一要激励企业加大研发投入。"
    assert by_para.at[15, "heading_level"] == 4
    assert by_para.at[15, "section"] == f"{S2_004} > {S21_004} > 一要激励企业加大研发投入。"
    # a new level-2 heading clears the level-4 one and replaces the level-2 one
    assert by_para.at[19, "section"] == f"{S2_004} > {S22_004}"
    assert by_para.at[20, "section"] == f"{S2_004} > {S22_004} > 一要搭建高效协同的转化平台。"
    # a new level-1 heading clears levels 2-4
    assert by_para.at[34, "section"] == S3_004
    # "第一，" is level 4 and covers its own paragraph only
    assert by_para.at[7, "section"] == f"{S1_004} > 第一，企业创新主体地位还不够牢固。"
    assert by_para.at[10, "section"] == S1_004
    assert by_para.at[39, "text"] == "谢谢大家。"
    assert by_para.at[39, "section"] == S3_004


def test_headings_and_sections_of_004_sentences():
    units = segment(make_corpus({"004": TEXT_004}))
    row = units.loc["004/p0015/s000"]
    assert row["text"] == "一要激励企业加大研发投入。"
    assert row["unit_type"] == "sentence"
    assert row["heading"] == "一要激励企业加大研发投入。"
    assert row["heading_level"] == 4
    nxt = units.loc["004/p0015/s001"]
    assert nxt["text"] == "要不折不扣地落实好研发费用加计扣除、高新技术企业税收优惠等普惠性政策，确保政策红利直达企业。"
    assert nxt["heading"] == "" and pd.isna(nxt["heading_level"])
    assert nxt["section"] == f"{S2_004} > {S21_004} > 一要激励企业加大研发投入。"
    assert units.loc["004/p0013/s000", "unit_type"] == "heading"
    assert units.loc["004/p0013/s000", "text"] == S21_004
    assert units.loc["004/p0024/s000", "text"] == (
        "创新不能搞“大水漫灌”，必须立足自身的产业基础和资源禀〓，走特色化、差异化的发展道路，打造具有核心竞争力的创新创业高地。"
    )
    assert units.loc["004/p0030/s000", "text"] == "一要让容错纠错机制真正“长出牙齿”。"
    assert (units["unit_type"] == "heading").sum() == 7
    assert units.loc[units["heading"] != "", "heading_level"].notna().all()
    assert units.loc[units["heading"] == "", "heading_level"].isna().all()


# ---------------------------------------------------------------- segment: one long line (seeds/002)


def test_one_line_document_is_split_at_headings():
    assert "\n" not in TEXT_002
    units = segment(make_corpus({"002": TEXT_002}), level="paragraph")
    assert units["heading_level"].tolist() == [pd.NA, 1, 2, 2, 2, 2, 1, 2, 1, 2, 4, 4]
    assert units["heading"].tolist()[2:6] == ["(一)高科技性。", "(二)高效性。", "(三)人民性。", "(四)生态友好性。"]
    assert units["heading"].tolist()[10:] == ["一是前瞻性打造前沿技术策源地。", "二是体系化构建战略科技力量。"]
    assert (units["unit_type"] == "paragraph").all()  # every heading here opens a long paragraph
    assert units["text"].iloc[0].startswith("党课：坚持科技创新引领发展加快形成新质生产力同志们：")
    assert units["text"].iloc[0].endswith("谱写“科技之为”新篇章。")
    # Without a break after "一、……关键特征", the level-1 heading is the whole first sentence.
    h1 = "一、提高认识，深刻把握发展新质生产力的关键特征习近平总书记指出：“科技创新能够催生新产业、新模式、新动能，是发展新质生产力的核心要素。”"
    assert units["heading"].iloc[1] == h1
    assert units["section"].iloc[3] == f"{h1} > (二)高效性。"
    # "：一是……；二是……" inside a sentence does not start paragraphs
    assert units["text"].iloc[5].endswith("未来产业加快培育。")
    assert units["section"].iloc[7].endswith(" > (一)科技创新持续强化，为发展新质生产力奠定资源基础。")
    assert units["section"].iloc[11].endswith(
        "培育发展新质生产力的新动能。 > (一)聚焦科技创新策源功能，加强原创性、颠覆性技术攻关。 > 二是体系化构建战略科技力量。"
    )


def test_one_line_document_sentences():
    units = segment(make_corpus({"002": TEXT_002}))
    assert len(units) == 30
    assert units.loc["002/p0002/s000", "text"] == "(一)高科技性。"
    assert units.loc["002/p0002/s000", "heading_level"] == 2
    assert units.loc["002/p0002/s002", "text"] == "谁拥有先进技术、前沿技术，谁就拥有创造更先进生产力的能力和基础。"
    assert units.loc["002/p0010/s000", "text"] == "一是前瞻性打造前沿技术策源地。"
    assert units.loc["002/p0010/s003", "text"].startswith("加快绿色科技创新")
    assert units["para_id"].max() == 11


def test_heading_ended_by_whitespace_inside_a_long_line():
    # the shape of a one-line seeds/002 document after clean() put a line break after the title
    text = (
        "党课：坚持科技创新引领发展加快形成新质生产力\n"
        "同志们：习近平总书记亲临我省视察指导工作。一、深刻认识发展新质生产力的重大意义 当前，新一轮科技革命加速演进……。"
        "(一)科技创新是发展新质生产力的核心要素。第一批项目已经落地，一是mid句。1.5万家企业参与。"
    )
    units = segment(make_corpus({"d": text}), level="paragraph")
    assert units["unit_type"].tolist() == ["title", "paragraph", "heading", "paragraph", "paragraph"]
    assert units["text"].tolist() == [
        "党课：坚持科技创新引领发展加快形成新质生产力",
        "同志们：习近平总书记亲临我省视察指导工作。",
        "一、深刻认识发展新质生产力的重大意义",
        "当前，新一轮科技革命加速演进……。",
        "(一)科技创新是发展新质生产力的核心要素。第一批项目已经落地，一是mid句。1.5万家企业参与。",
    ]
    assert units["section"].tolist() == [
        "",
        "",
        "一、深刻认识发展新质生产力的重大意义",
        "一、深刻认识发展新质生产力的重大意义",
        "一、深刻认识发展新质生产力的重大意义 > (一)科技创新是发展新质生产力的核心要素。",
    ]


@pytest.mark.slow
def test_long_single_line_is_linear_time():
    big = (TEXT_002 * (1_000_000 // len(TEXT_002) + 1))[:1_000_000]
    pathological = '"。' * 100_000 + "。" * 100_000 + "”" * 100_000 + "……" * 100_000 + "科" * 200_000
    for text in (big, pathological, "(一)" * 250_000, "一、" + " " * 999_998):
        t0 = time.perf_counter()
        spans = split_sentences(text)
        units = segment(make_corpus({"big": text}))
        elapsed = time.perf_counter() - t0
        assert elapsed < 20, f"segmenting 1 MB took {elapsed:.1f}s"
        assert len(units) >= 1 and len(spans) >= 1
        assert units["n_chars"].sum() == sum(e - s for s, e in spans)
    assert len(segment(make_corpus({"big": big}), level="paragraph")) > 1000


# ---------------------------------------------------------------- segment: markers


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("十二、强化组织保障", 1),
        ("（一）突出企业核心地位", 2),
        ("(三)立足自身资源禀赋", 2),
        ("1.加强领导", 3),
        ("2、密切协同", 3),
        ("（1）压实责任", 3),
        ("(10)强化督查", 3),
        ("一是前瞻性打造前沿技术策源地", 4),
        ("三要强化督查考核问效", 4),
        ("第二，科技成果转化链条还不够顺畅", 4),
        ("首先，要统一思想", 4),
        ("其次，要压实责任", 4),
    ],
)
def test_heading_markers(line, level):
    units = segment(make_corpus({"d": f"同志们：\n{line}\n正文。"}), level="paragraph")
    assert units["unit_type"].tolist() == ["paragraph", "heading", "paragraph"]
    assert units["heading_level"].iloc[1] == level
    assert units["section"].iloc[2] == line  # a standalone heading line scopes forward, level 4 too


@pytest.mark.parametrize(
    "line",
    [
        "第一批创新型县市建设单位",
        "2023年，全市技术合同达到15107项",
        "1.5万家企业参与",
        "一批重大科技成果",
        "十分重要的工作",
        "要发挥好牵头抓总作用，一是统筹",
        "首先在人才和金融要素配置上下功夫",
    ],
)
def test_numbers_in_text_are_not_headings(line):
    units = segment(make_corpus({"d": f"同志们：\n{line}。"}), level="paragraph")
    assert units["heading"].tolist() == ["", ""]
    assert units["heading_level"].isna().all()


def test_level4_lead_sentence_covers_its_paragraph_only_a_level4_line_scopes_forward():
    # seeds/004 (二) section: "一要……。" lead sentences, then an unmarked paragraph
    text = "\n".join(
        [
            S22_004,
            "一要搭建高效协同的转化平台。要加快推进平台的建设与运营。",
            "成果转化是一项高度专业化的工作。",
            "二要壮大专业化的技术转移队伍",
            "成果转化是一项高度专业化的工作。",
            "1.加强领导",
            "科技部门要当好“主攻手”。",
        ]
    )
    units = segment(make_corpus({"d": text}), level="paragraph")
    assert units["unit_type"].tolist() == ["heading", "paragraph", "paragraph", "heading", "paragraph", "heading", "paragraph"]
    assert units["section"].tolist() == [
        S22_004,
        f"{S22_004} > 一要搭建高效协同的转化平台。",
        S22_004,
        f"{S22_004} > 二要壮大专业化的技术转移队伍",
        f"{S22_004} > 二要壮大专业化的技术转移队伍",
        f"{S22_004} > 1.加强领导",
        f"{S22_004} > 1.加强领导",
    ]


def test_short_marked_line_with_a_sentence_end_inside_is_not_standalone():
    # a truncated seeds/002 passage: "(一)高科技性。" then the cut-off start of its paragraph
    units = segment(make_corpus({"d": "同志们：\n(一)高科技性。科技创新是发展新质生产力的核心要素"}))
    assert units["unit_type"].tolist() == ["sentence", "sentence", "sentence"]
    assert units["heading"].tolist() == ["", "(一)高科技性。", ""]
    assert units["section"].tolist() == ["", "(一)高科技性。", "(一)高科技性。"]


def test_lead_phrase_ends_at_a_double_dash():
    # seeds/001_5f9d985e37db4bf6.txt lines 5-6 (first three sentences of line 6), ASCII , became full-width
    text = (
        "一、致力于创新思维方式，拓展工作思路、强化创新举措\n"
        "创新思维方式是实施技术创新工程的前提。因此，全市科技部门要争当创新思维方式的先锋。"
        "一要用科学发展观武装头脑——以更加宽阔的视野、更加广阔的胸怀，抢抓创新机遇，顺应发展趋势，"
        "牢牢把握工作的主动权，提高工作的预见性和创造性。"
        "二要打破传统思维定势、树立科学思维方式——以确立正确的发展思路，推出有效的工作措施。"
    )
    h1 = "一、致力于创新思维方式，拓展工作思路、强化创新举措"
    units = segment(make_corpus({"001": text}))
    assert units["para_id"].tolist() == [0, 1, 1, 2, 3]
    assert units["heading"].tolist() == [h1, "", "", "一要用科学发展观武装头脑", "二要打破传统思维定势、树立科学思维方式"]
    assert units["unit_type"].tolist() == ["heading", "sentence", "sentence", "sentence", "sentence"]
    assert units["section"].tolist()[3:] == [
        f"{h1} > 一要用科学发展观武装头脑",
        f"{h1} > 二要打破传统思维定势、树立科学思维方式",
    ]
    assert units["text"].iloc[4] == "二要打破传统思维定势、树立科学思维方式——以确立正确的发展思路，推出有效的工作措施。"
    # a single em dash ("科技—产业—金融", seeds/002) does not cut
    single = segment(make_corpus({"d": "同志们：\n一是打通“科技—产业—金融”链条。构建金融服务体系。"}))
    assert single["heading"].iloc[1] == "一是打通“科技—产业—金融”链条。"


def test_long_marked_paragraph_without_final_punctuation_is_content():
    body = "围绕合成生物、细胞与基因治疗、石墨烯半导体、脑机交互等前沿领域，超前部署一批前沿技术项目，开展“从0到1”的前瞻性研究"
    line = "一是前瞻性打造前沿技术策源地，" + body
    assert len(line) > MAX_HEADING_CHARS
    units = segment(make_corpus({"d": f"同志们：\n{line}"}), level="paragraph")
    assert units["unit_type"].tolist() == ["paragraph", "paragraph"]
    assert units["heading"].iloc[1] == line


def test_blank_lines_are_one_break_and_whitespace_is_stripped():
    text = "\n\n  在全市科技工作务虚会上的讲话 \n\n\n\u3000\u3000今天的务虚会虽然时间不长，但内容很实。\n \n"
    units = segment(make_corpus({"d": text}))
    assert units["text"].tolist() == ["在全市科技工作务虚会上的讲话", "今天的务虚会虽然时间不长，但内容很实。"]
    assert units["para_id"].tolist() == [0, 1]
    assert units["start"].tolist() == [4, 24]
    assert units["unit_type"].tolist() == ["title", "sentence"]


def test_001_title_and_sentences():
    units = segment(make_corpus({"001": TEXT_001}))
    assert units["unit_type"].tolist() == ["title", "sentence", "sentence"]
    assert units["text"].iloc[2] == "大家会前准备充分，交流材料齐备；会中畅所欲言，形式生动活泼。"
    assert (units["section"] == "").all()


# ---------------------------------------------------------------- segment: metadata, input, errors


def test_metadata_is_copied_onto_every_unit(corpus):
    units = segment(corpus)
    assert "raw" not in units.columns and "tokens" not in units.columns
    doc = units[units["doc_id"] == "002_105d27af3b6cb7bc"]
    assert (doc["genre"] == "党课").all()
    assert (doc["year"] == 2024).all()
    assert (doc["level"] == "市").all()
    assert (doc["doc_n_chars"] == 14623).all()
    assert units.loc[units["doc_id"] == "004_60d9a6d77e740d89", "year"].isna().all()
    assert units.loc["004_60d9a6d77e740d89/p0000/s000", "title"] == "在市创新创业工作现场推进会上的讲话"


def test_list_columns_are_not_copied():
    frame = make_corpus({"a": "第一句。"})
    frame["tokens_other"] = pd.Series([np.array(["第一", "句"])], index=frame.index, dtype=object)
    frame["place"] = pd.array(["天津"], dtype="str")
    units = segment(frame)
    assert list(units.columns) == [*UNIT_COLUMNS, "place"]


def test_input_is_not_mutated(corpus):
    before = corpus.copy(deep=True)
    segment(corpus)
    segment(corpus, level="paragraph")
    pd.testing.assert_frame_equal(corpus, before)


def test_other_text_column():
    frame = pd.DataFrame({"clean_text": ["第一句。第二句！"]}, index=pd.Index(["a"], name="doc_id"))
    units = segment(frame, text_column="clean_text")
    assert units["text"].tolist() == ["第一句。", "第二句！"]
    assert list(units.columns) == list(UNIT_COLUMNS)


def test_empty_and_missing_text_warn_and_give_no_units():
    frame = pd.DataFrame(
        {"text": pd.array(["第一句。", "", None, " \n "], dtype="str")},
        index=pd.Index(["a", "b", "c", "d"], name="doc_id"),
    )
    with pytest.warns(UserWarning, match=r"3 document\(s\) have empty or missing 'text'.*\['b', 'c', 'd'\]"):
        units = segment(frame)
    assert units.index.tolist() == ["a/p0000/s000"]


def test_empty_corpus_keeps_columns_and_dtypes():
    frame = pd.DataFrame({"text": pd.array([], dtype="str"), "genre": pd.array([], dtype="str")})
    frame.index = pd.Index([], dtype="str", name="doc_id")
    units = segment(frame)
    assert len(units) == 0
    assert list(units.columns) == [*UNIT_COLUMNS, "genre"]
    assert units["heading_level"].dtype == "Int64"
    assert units.index.name == "unit_id"


def test_missing_text_column_says_clean_first():
    raw_only = pd.DataFrame({"raw": ["标题"]}, index=pd.Index(["a"], name="doc_id"))
    with pytest.raises(ValueError, match=r"text_column='text' is not a column of corpus.*run clean\(\) first"):
        segment(raw_only)
    with pytest.raises(ValueError, match=r"text_column='clean'"):
        segment(make_corpus({"a": "一句。"}), text_column="clean")


def test_unknown_level():
    with pytest.raises(ValueError, match=r"level must be one of \['sentence', 'paragraph'\], got level='word'"):
        segment(make_corpus({"a": "一句。"}), level="word")


def test_bad_corpus_and_text_values():
    with pytest.raises(TypeError, match=r"corpus must be a pandas DataFrame.*got list"):
        segment(["一句。"])
    dupes = pd.DataFrame({"text": ["一。", "二。"]}, index=pd.Index(["a", "a"], name="doc_id"))
    with pytest.raises(ValueError, match=r"corpus index \(doc_id\) must be unique; duplicated: \['a'\]"):
        segment(dupes)
    numbers = pd.DataFrame({"text": [1, 2]}, index=pd.Index(["a", "b"], name="doc_id"))
    with pytest.raises(ValueError, match=r"text_column='text' must hold strings.*\['a', 'b'\]"):
        segment(numbers)


def test_metadata_clash_with_a_unit_column():
    frame = make_corpus({"a": "一句。"}, start=[1])
    assert list(segment(frame).columns) == [*UNIT_COLUMNS, "doc_start"]
    frame["doc_start"] = [2]
    with pytest.raises(ValueError, match=r"corpus column 'start' clashes with a unit column.*'doc_start' is taken"):
        segment(frame)


# ----------------------------------------------------------------------------- units of tokenized documents
def test_unit_level_is_one_rule():
    from corpusanalysis.text.segment import unit_level

    docs = pd.DataFrame({"text": ["一、总体要求\n发展新质生产力。建设创新型县。"]}, index=pd.Index(["d"], name="doc_id"))
    assert unit_level(docs) == "document"
    assert unit_level(segment(docs, level="paragraph")) == "paragraph"
    sentences = segment(docs, level="sentence")
    assert unit_level(sentences) == "sentence"
    assert unit_level(sentences[sentences["unit_type"] == "heading"]) == "paragraph"  # headings only


def test_locate_tokens_edges():
    from corpusanalysis.text.segment import locate_tokens

    # units [0, 4) and [5, 9) of row 0, [0, 3) of row 2; row 1 has none
    got = locate_tokens(np.array([0, 0, 2]), np.array([0, 5, 0]), np.array([4, 9, 3]),
                        np.array([0, 0, 0, 1, 2, 2]), np.array([0, 4, 8, 0, 2, 3]))
    assert got.tolist() == [0, -1, 1, -1, 2, -1]
    assert locate_tokens(np.array([], dtype=int), np.array([], dtype=int), np.array([], dtype=int),
                         np.array([0]), np.array([0])).tolist() == [-1]


def test_tokens_to_units_keeps_every_token_and_its_offsets():
    import corpusanalysis as ca
    from corpusanalysis.text.segment import tokens_to_units

    docs = ca.tokenize(ca.clean(ca.load_seeds()))
    for level in ("paragraph", "sentence"):
        units = tokens_to_units(docs, level)
        assert int(units["n_tokens"].sum()) == int(docs["n_tokens"].sum())
        for text, toks, spans in zip(units["text"], units["tokens"], units["token_spans"]):
            assert len(toks) == len(spans)
            assert all(0 <= s < e <= len(text) for s, e in spans)
        # a dictionary term is the same token in the unit as in the document
        joined = [t for d in docs.index for t in units.loc[units["doc_id"] == d, "tokens"].sum()]
        assert joined == [t for toks in docs["tokens"] for t in toks]


def test_tokens_to_units_refuses_units_and_untokenized_frames():
    import corpusanalysis as ca
    from corpusanalysis.text.segment import tokens_to_units

    cleaned = ca.clean(ca.load_seeds().iloc[:1])
    with pytest.raises(ValueError, match=r"needs the \['tokens', 'token_spans'\] column\(s\)"):
        tokens_to_units(cleaned, "paragraph")
    units = ca.tokenize(segment(cleaned, level="paragraph"))
    with pytest.raises(ValueError, match=r"the frame holds paragraph units, not documents"):
        tokens_to_units(units, "sentence")
