"""A reproducible corpus of Chinese clean-government documents for the benchmarks.

Sentences come from the bureau's implementation measures (``../shared/seed`` when present) and
from the built-in templates' example and default texts, recombined with varied units, people,
projects, sums and dates, so that the vocabulary is wide enough for selective queries and
common enough for hard ones. The same seed gives the same corpus.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "建国明华晓东海涛文斌立新红静洋敏伟芳娜秀英军杰强磊勇艳丽平刚桂兰玉梅志宏春燕辉鹏飞超丹波宁凯浩然"
PLACES = ["东城", "西城", "南湖", "北关", "新华", "和平", "城关", "开发", "高新", "临河", "青山", "白沙", "金水", "二七",
          "中原", "惠济", "上街", "巩义", "荥阳", "新密", "新郑", "登封", "中牟"]  # fmt: skip
DEPARTMENTS = ["办公室", "预算科", "国库科", "综合科", "经济建设科", "农业农村科", "社会保障科", "行政政法科", "教科文科",
               "政府采购监督管理科", "财政监督检查局", "国库支付中心", "财政投资评审中心", "会计核算中心", "非税收入管理局"]  # fmt: skip
PROJECTS = ["农田水利", "乡村振兴", "老旧小区改造", "义务教育", "公共卫生", "养老服务", "就业补助", "污水处理", "道路建设",
            "产业扶持", "生态环境保护", "住房保障", "科技创新", "文化惠民"]  # fmt: skip
KINDS = ["通知", "报告", "通报", "告知书", "责任书", "函", "纪要"]


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    body: str
    kind: str
    year: int
    unit: str
    doc_number: str


def sentences() -> list[str]:
    texts: list[str] = []
    if SEED_DIR.is_dir():
        texts.extend(p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt")))
    from lianzheng_docs import Catalog

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for template in Catalog.default():
        walk(template.example())
        for spec in template.manifest.fields:
            walk(spec.default)
    parts = [s.strip() for text in texts for s in re.split(r"(?<=[。；！？])", text)]
    return sorted({s for s in parts if 8 <= len(s) <= 160})


def documents(count: int, seed: int = 20260101) -> Iterator[Document]:
    rng = random.Random(seed)
    pool = sentences()

    def person() -> str:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    def fill(sentence: str) -> str:
        sentence = sentence.replace("××县", rng.choice(PLACES) + "县").replace("××市", "郑东市")
        if rng.random() < 0.5:
            sentence = f"{rng.choice(PLACES)}区{rng.choice(PROJECTS)}项目" + sentence
        if rng.random() < 0.3:
            sentence += f"涉及资金{rng.randint(3, 9800)}万元，由{rng.choice(DEPARTMENTS)}{person()}负责。"
        if rng.random() < 0.2:
            sentence += f"{rng.randint(2019, 2026)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日前完成整改。"
        return sentence

    for number in range(1, count + 1):
        kind = rng.choice(KINDS)
        year = rng.randint(2019, 2026)
        unit = rng.choice(DEPARTMENTS)
        topic = rng.choice(PROJECTS)
        title = f"关于{rng.choice(PLACES)}区{topic}资金管理情况的{kind}"
        body = "".join(fill(rng.choice(pool)) for _ in range(rng.randint(3, 12)))
        doc_number = f"X财{rng.choice('党廉纪监办')}〔{year}〕{rng.randint(1, 300)}号"
        yield Document(number, title, body, kind, year, unit, doc_number)


QUERIES = [
    "专项资金", "主体责任", "监督责任", "一案双究", "责任倒查", "廉政风险", "廉政风险告知书", "党风廉政建设",
    "生态环境", "生态环境保护", "问责", "追责问责", "八项规定", "四风", "述责述廉", "廉政谈话", "约谈",
    "组织生活会", "签字背书", "局党组", "驻局纪检组", "第一责任人", "一岗双责", "三严三实", "国库支付中心",
    "财政投资评审中心", "乡村振兴项目", "老旧小区改造", "涉及资金", "万元", "整改", "纪", "廉", "县财政局",
    "预算公开", "内部控制制度", "X财党", "〔2025〕", "王建国", "资金管理情况的通报",
]  # fmt: skip
