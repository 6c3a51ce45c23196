"""Real excerpts of the seeds (clean text), one per mission theme, shared by several test modules."""

from __future__ import annotations

import pandas as pd

# Clean text of seeds/002_105d27af3b6cb7bc.txt (党课, 新质生产力), a heading line added after "跃升。"
# where the page runs the heading "(一)高科技性。" into the paragraph.
XZ = ("一、提高认识，深刻把握发展新质生产力的关键特征习近平总书记指出：“科技创新能够催生新产业、新模式、新动能，"
      "是发展新质生产力的核心要素。”新质生产力的“新”，是以科技创新为核心要素的生产力，通过关键技术、前沿技术、"
      "颠覆性技术等“新技术”的突破，为重点产业、战略性新兴产业、未来产业发展提供坚实着力点和新的增长点。"
      "新质生产力的“质”，是符合新发展理念的先进生产力质态，通过新型劳动者、新型生产要素、新型生产工具及其优化组合，"
      "推动科技创新赋能生产力向更高水平跃升。\n(一)高科技性。科技创新是发展新质生产力的核心要素，原创性、颠覆性、"
      "关键性核心技术对产业的全球竞争力至关重要，在产业技术生态体系中居于核心地位，影响着一个时代相关领域科技创新整体走势。")
# Clean text of seeds/000_bf3418ef050fb5d6.txt (全市科技创新驱动发展推进会议讲话), one paragraph.
CX = ("当前和今后一个时期，我市科技创新工作的总体思路是：以□新时代中国特色社会主义思想为指导，深入贯彻□总书记关于"
      "科技创新的重要论述，坚持创新在现代化建设全局中的核心地位，以创新型县(市)建设为抓手，以科技支撑产业发展为主线，"
      "强化创新主体培育、平台建设、成果转化、生态优化，推动创新链与产业链深度融合，加快形成以创新为主要引领和支撑的"
      "经济体系和发展模式，为全市高质量发展提供坚实科技支撑。重点抓好以下几方面工作：")
# Clean text of seeds/004_60d9a6d77e740d89.txt (在市创新创业工作现场推进会上的讲话), one paragraph.
RC = ("二要发挥典型案例的“风向标”作用。制度的生命力在于执行。纪检监察机关、组织部门要主动作为，及时发现、甄别和运用"
      "容错纠错的案例。对于符合容错条件的，要大胆地为干部澄清正名、卸下包袱。要像宜昌、广州等地一样，定期筛选并公开"
      "发布一批容错纠错的典型案例旗帜鲜明地为担当者担当、为负责者负责。通过这些鲜活的案例，向全社会释放出“鼓励探索、"
      "支持创新、宽容失败”的强烈信号。")
THEMES = {"xz": "新质生产力", "cx": "创新型县", "rc": "容错纠错"}


def three_theme_corpus() -> pd.DataFrame:
    """The three excerpts as a corpus with a ``theme`` column (index doc_id: xz, cx, rc)."""
    return pd.DataFrame({"text": [XZ, CX, RC], "theme": [THEMES[k] for k in ("xz", "cx", "rc")]},
                        index=pd.Index(["xz", "cx", "rc"], name="doc_id"))
