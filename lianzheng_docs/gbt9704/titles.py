"""Titles (标题, 7.3.1): where a long title may break, and how its lines are arranged.

GB/T 9704 7.3.1: the title is 2号小标宋 (22 pt), centred; when it runs over a line it breaks
between words (词意完整), its lines are symmetrical and of sensible lengths (排列对称，长短适宜),
arranged as a 梯形 or 菱形. Left to the renderer, 7 of 9 built-in titles broke inside a word
("主体责/任", "第一责/任人"), so the lines are decided here and written into the .docx as explicit
line breaks.

Where a title may break (:func:`break_positions`) comes from three sources:

1. word boundaries from jieba (``rjieba``), on a private ``rjieba.Jieba`` that knows
   :data:`DOMAIN_WORDS` (the global one is never changed);
2. spans never split whatever jieba says: every occurrence of a :data:`DOMAIN_WORDS` entry, a year
   with 年 (2026年, 2026年度, 2026年上半年), a number with its unit (1200万元), a 文号, a name such as
   张某某, a short bracketed group (（××县财政局）, 《…》 up to 14 characters);
3. the line-breaking rules of Chinese text and of titles: no line starts with closing punctuation
   or ends with opening punctuation; the particle 的 stays with both neighbours (…情况的报告,
   …问题的通报); a one-character suffix (科, 局, 书, 县 …) stays with the word before it, a
   one-character preposition, conjunction or prefix (对, 并, 原, 副 …) and a surname (赵|立新) with
   the word after it.

Widths are counted in characters of the title's size: :func:`title_width`.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Final

from . import figures as G

if TYPE_CHECKING:
    import rjieba

# --- widths -------------------------------------------------------------------------------------

#: The title's size in twips (2号, 22 pt).
TITLE_SIZE_TWIPS: Final = G.pt(G.FONT_SIZES_PT["二号"])  # 440
#: What the 156 mm text area holds at 22 pt: 8845 / 440 = 20.1, so 20 characters. Measured in
#: LibreOffice 7.4 with the templates' title style (no character spacing): 20 Han characters fit
#: one line (155.3 mm), 21 wrap.
LINE_CAPACITY: Final = G.TEXT_WIDTH // TITLE_SIZE_TWIPS  # 20
#: The widest line :func:`arrange_title` makes: one character below the capacity, a margin for
#: what the width count does not see exactly (Latin digits are 0.594 em wide in the stand-in
#: font, not 0.5; a different 小标宋 on the reader's machine).
MAX_LINE_WIDTH: Final = LINE_CAPACITY - 1  # 19

#: Extra width on each side where a run of ASCII characters meets a Han character: LibreOffice and
#: Word put a gap there (measured 4.4 pt = 0.2 em at 22 pt, "关于 2026 年"), counted as 0.25.
LATIN_GAP: Final = 0.25


def char_width(char: str) -> float:
    """One character's width in characters of the title's size: 0.5 for ASCII, 1 for anything else
    (Han characters, full-width punctuation, ×)."""
    return 0.5 if char < "\x80" else 1.0


def title_width(text: str) -> float:
    """The width of ``text`` on a title line, in characters of the title's size.

    A Han character or a full-width mark counts 1, an ASCII character 0.5, and each side of a run
    of ASCII characters that touches a non-ASCII character :data:`LATIN_GAP` more (the gap the
    renderer puts between Han and Latin text). "关于2026年" is 2 + 2 + 0.5 + 1 = 5.5.
    """
    width = sum(char_width(c) for c in text)
    for a, b in itertools.pairwise(text):
        if (a < "\x80") != (b < "\x80"):
            width += LATIN_GAP
    return width


# --- where a title may break --------------------------------------------------------------------

#: Words and names of this domain that a title never splits. Longer entries win where they
#: overlap (党风廉政建设 over 党风廉政); every occurrence in a title is kept whole.
DOMAIN_WORDS: Final[tuple[str, ...]] = (
    # the two responsibilities and their systems (实施办法 一至七)
    "党风廉政建设", "党风廉政", "反腐倡廉", "反腐败", "廉洁从政", "廉洁自律", "廉洁履职", "廉政建设",
    "两个责任", "主体责任", "监督责任", "领导责任", "第一责任人", "主体责任人", "监督责任人", "责任人",
    "一岗双责", "一案双究", "责任倒查", "倒查追究", "述责述廉", "述职述廉", "廉政风险", "风险防控",
    "廉政风险防控", "风险点", "责任追究", "追究问责", "问责建议", "责任制", "党风廉政建设责任制",
    "责任清单", "任务清单", "主体责任清单", "工作台账", "签字背书", "双报告", "年度双报告",
    "组织生活会", "民主生活会", "廉政谈话", "提醒谈话", "诫勉谈话", "约谈", "函询", "通报曝光",
    "专项检查", "专项资金", "财政资金", "资金拨付", "资金管理", "监督检查", "检查考核", "考核评价",
    "执纪监督", "执纪问责", "警示教育", "廉政教育", "廉政党课", "廉政文化", "整改情况", "整改落实",
    "整改措施", "问题整改", "巡察整改", "自查自纠", "履职尽责", "惩防体系", "惩治和预防腐败体系",
    "中央八项规定", "八项规定", "四风", "三严三实", "四个着力", "民主集中制", "选拔任用",
    "政府采购", "预算管理", "预算编制", "预算执行", "国库集中支付", "内部控制", "内控制度",
    "财经纪律", "政治纪律", "组织纪律", "违纪违法", "违规违纪", "违法违纪", "问题线索",
    "纪律处分", "党纪处分", "政务处分", "组织处理", "党内警告", "党内严重警告", "撤销党内职务",
    "留党察看", "开除党籍", "中国共产党纪律处分条例", "收受购物卡", "购物卡", "礼品礼金",
    "公务接待", "公务用车", "实施办法", "实施意见", "实施方案", "工作方案", "工作要点", "工作计划",
    "工作总结", "工作建议", "工作报告", "情况报告", "情况的报告", "情况的通报", "问题的通报",
    # documents of the domain
    "责任书", "告知书", "通知书", "建议书", "决定书", "承诺书", "廉洁承诺书", "廉洁从政承诺书",
    "回执", "反馈单", "登记表", "情况表", "报表",
    # organs, units, posts
    "党组", "局党组", "党组书记", "党组成员", "党组会议", "纪检组", "驻局纪检组", "纪检组长",
    "纪检监察组", "纪检监察员", "监察室", "纪检组（监察室）", "机关党委", "局机关党委", "机关纪委",
    "市委", "市纪委", "市纪委监委", "市委考核组", "考核组", "市财政局", "县财政局", "区财政局",
    "财政局", "财政部门", "县（市）区", "二级机构", "副县级", "副县级二级机构", "科室（单位）",
    "局机关", "办公室", "预算科", "国库科", "综合科", "税政科", "经济建设科", "行政政法科",
    "教科文科", "社会保障科", "农业科", "资产管理科", "会计科", "监督检查科", "法规科", "人事科",
    "人事教育科", "债务管理科", "政府采购管理科", "绩效管理科", "国库支付中心", "国库集中支付中心",
    "财政投资评审中心", "非税收入管理中心", "政府采购中心", "财政信息中心", "会计核算中心",
    "票据管理中心", "主要负责人", "班子成员", "领导班子", "党员干部", "领导干部",
    "局长", "副局长", "科长", "副科长", "主任", "副主任", "原副主任", "组长", "副组长",
    # periods
    "上半年", "下半年", "全年", "年度", "年初", "年底", "年终", "第一季度", "第二季度", "第三季度",
    "第四季度", "一季度", "二季度", "三季度", "四季度", "前三季度",
)  # fmt: skip

_NUMBER_UNITS = "万元|亿元|元|%|％|个|项|件|人次|次|名|人|家|份|条|批|笔|户|起|天|日|年|月|号|期|届|轮|篇|场"
#: Spans a title never splits (besides DOMAIN_WORDS).
PROTECTED_PATTERNS: Final[tuple[re.Pattern[str], ...]] = (
    # a year with 年: 2026年, 2026年度, 2026年上半年, 2026年6月30日, 2025—2026年度
    re.compile(
        r"\d{4}(?:[—\-－至~～]\d{4})?年(?:度|[上下]半年|前三季度|第?[一二三四]季度|\d{1,2}月(?:份|\d{1,2}日)?)?"
    ),
    re.compile(r"\d{1,2}(?:[—\-－至~～]\d{1,2})?月(?:份|\d{1,2}日)?"),
    # a 文号 with its 机关代字: X财党〔2026〕12号
    re.compile(r"[A-Za-z]*[\u4e00-\u9fff]{0,3}〔\d{4}〕\d+号"),
    # a number with its unit: 1200万元, 3个, 1.2万元
    re.compile(rf"\d+(?:\.\d+)?(?:{_NUMBER_UNITS})?"),
    re.compile(r"[A-Za-z0-9]+"),
    # 第一, 第十八 ... with the measure word after it
    re.compile(r"第[一二三四五六七八九十百零〇\d]+[次批期届轮号条章节款项季]?"),
    # placeholders and masked names: ××县, ×××, 张某某, 王某
    re.compile(r"[×Ｘ]+[\u4e00-\u9fff]?"),
    re.compile(r"[\u4e00-\u9fff]某某?"),
    # short bracketed groups: （××县财政局）, 《……办法》, “两个责任”
    re.compile(r"（[^（）]{1,10}）"),
    re.compile(r"\([^()]{1,10}\)"),
    re.compile(r"《[^《》]{1,14}》"),
    re.compile(r"“[^“”]{1,10}”"),
    re.compile(r"〈[^〈〉]{1,10}〉"),
)

#: No line starts with these (closing punctuation, pauses).
NO_LINE_START: Final = frozenset("，。、；：？！）》」』】〕〉”’…—·%％,.;:?!)]}")
#: No line ends with these (opening punctuation).
NO_LINE_END: Final = frozenset("（《「『【〔〈“‘([{")
#: One-character words that stay with the word before them (suffixes of units, documents, posts).
SUFFIXES: Final = frozenset("科股室局处所站队组委办部厅院县市区省镇乡村书函表单卡费款级者员长们等")
#: Words that stay with the word after them: one-character prepositions, conjunctions, prefixes.
PREFIXES: Final = frozenset(
    {"对", "在", "与", "和", "及", "向", "给", "为", "将", "把", "由", "按", "从", "于", "并", "暨", "或", "原",
     "副", "原副", "前", "各", "该", "本", "全"}
)  # fmt: skip
#: Words that stay with the word before them.
FOLLOWERS: Final = frozenset({"同志", "等"})
#: The structural particle: stays with both neighbours (…情况的报告, 《…》的通知).
PARTICLE: Final = "的"

_jieba: rjieba.Jieba | None = None
_jieba_lock = threading.Lock()


def _segmenter() -> rjieba.Jieba:
    """This module's own jieba, knowing DOMAIN_WORDS: built once on first use, then only read.

    rjieba is imported here, not with the module: its import builds a global dictionary
    (0.07 s), and our own instance another 0.07 s, which commands that render no title skip.
    """
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import rjieba

                segmenter = rjieba.Jieba()
                for word in DOMAIN_WORDS:
                    segmenter.add_word(word, None, "n")
                _jieba = segmenter
    return _jieba


def words(text: str) -> list[str]:
    """``text`` cut into words by jieba, with the domain words in its dictionary."""
    return [token for token, _ in _segmenter().tag(text)]


def _protected(text: str) -> set[int]:
    """Positions (between text[p-1] and text[p]) that fall inside a word or span never split."""
    inside: set[int] = set()

    def keep(start: int, end: int) -> None:
        inside.update(range(start + 1, end))

    for word in DOMAIN_WORDS:
        start = text.find(word)
        while start >= 0:
            keep(start, start + len(word))
            start = text.find(word, start + 1)
    for pattern in PROTECTED_PATTERNS:
        for match in pattern.finditer(text):
            keep(match.start(), match.end())
    return inside


def _word_boundaries(text: str) -> list[int]:
    """Positions between two jieba words, minus those the gluing rules forbid."""
    tagged = _segmenter().tag(text)
    boundaries = []
    offset = 0
    for index, (token, tag) in enumerate(tagged[:-1]):
        offset += len(token)
        after = tagged[index + 1][0]
        if token == PARTICLE or after == PARTICLE:
            continue
        if token in PREFIXES or (len(token) == 1 and tag == "nr"):
            continue
        if after in FOLLOWERS or (len(after) == 1 and after in SUFFIXES):
            continue
        boundaries.append(offset)
    return boundaries


def _punctuation_allows(text: str, position: int) -> bool:
    return text[position] not in NO_LINE_START and text[position - 1] not in NO_LINE_END


def break_positions(text: str) -> list[int]:
    """Where a line of the title ``text`` may end: the positions ``p`` (0 < p < len(text)) such
    that ``text[:p]`` / ``text[p:]`` splits no word, no domain word or protected span, and breaks
    no rule of line-start and line-end punctuation. Ascending."""
    inside = _protected(text)
    return [p for p in _word_boundaries(text) if p not in inside and _punctuation_allows(text, p)]


def _positions(text: str, level: int) -> list[int]:
    """Break positions, strictest first: 0 words and spans, 1 jieba's words only, 2 any character
    where punctuation allows (Latin runs kept), 3 anywhere."""
    if level == 0:
        return break_positions(text)
    if level == 1:
        ends = itertools.accumulate(len(word) for word in words(text))
        return [p for p in ends if 0 < p < len(text) and _punctuation_allows(text, p)]
    if level == 2:
        return [
            p
            for p in range(1, len(text))
            if _punctuation_allows(text, p) and not (text[p - 1] < "\x80" and text[p] < "\x80")
        ]
    return list(range(1, len(text)))


# --- arrangement --------------------------------------------------------------------------------

#: A line of fewer characters than this never stands alone in a title of several lines.
MIN_LINE_CHARS: Final = 3
#: Two lines' widths differ "visibly" when by at least one character.
_STEP: Final = 1.0
#: Layouts compared at most, in a fixed order so the choice stays deterministic (a real title has
#: a handful: at most 8 in the tests' corpus; a pathological 240-character one, millions).
_SEARCH_LIMIT: Final = 10_000


def _shape(widths: Sequence[float]) -> int:
    """0 倒梯形 (each line at least one character shorter than the one above), 1 菱形 (longer to
    a middle line, then shorter), 2 正梯形 (each line longer), 3 other without a waist, 4 沙漏形
    (a middle line shorter than both ends)."""
    steps = [b - a for a, b in itertools.pairwise(widths)]
    if all(s <= -_STEP for s in steps):
        return 0
    if len(widths) >= 3:
        peak = widths.index(max(widths))
        if (
            0 < peak < len(widths) - 1
            and all(s >= _STEP for s in steps[:peak])
            and all(s <= -_STEP for s in steps[peak:])
        ):
            return 1
    if all(s >= _STEP for s in steps):
        return 2
    if len(widths) >= 3 and min(widths[1:-1]) < min(widths[0], widths[-1]):
        return 4
    return 3


class _Layouts:
    """The ways to cut ``text`` into lines at ``cuts``: each line fits ``max_width`` and holds at
    least ``min_chars`` characters."""

    def __init__(self, text: str, cuts: Sequence[int], max_width: float, min_chars: int) -> None:
        self.text = text
        self.bounds = [0, *cuts, len(text)]
        last = len(self.bounds) - 1
        #: next_ends[i]: the bound indices j at which a line starting at bounds[i] may end.
        self.next_ends: list[list[int]] = [[] for _ in self.bounds]
        #: counts[i]: the numbers of lines text[bounds[i]:] can be laid out in.
        self.counts: list[set[int]] = [set() for _ in self.bounds]
        self.counts[last] = {0}
        for i in range(last - 1, -1, -1):
            for j in range(i + 1, last + 1):
                a, b = self.bounds[i], self.bounds[j]
                if title_width(text[a:b]) > max_width:
                    break  # widths only grow with the line
                if b - a >= min_chars and self.counts[j]:
                    self.next_ends[i].append(j)
                    self.counts[i].update(c + 1 for c in self.counts[j])

    def fewest_lines(self) -> int | None:
        """The fewest lines the text can be laid out in, or None when it cannot be."""
        return min(self.counts[0], default=None)

    def all(self, lines: int) -> Iterator[tuple[int, ...]]:
        """Every layout in exactly ``lines`` lines, as the positions where lines end; in order."""

        def extend(i: int, left: int, chosen: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
            for j in self.next_ends[i]:
                if left - 1 not in self.counts[j]:
                    continue
                if left == 1:
                    yield chosen
                else:
                    yield from extend(j, left - 1, (*chosen, self.bounds[j]))

        return extend(0, lines, ())


def _split(text: str, ends: Sequence[int]) -> list[str]:
    bounds = [0, *ends, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def _best(text: str, layouts: Iterable[tuple[int, ...]]) -> list[str]:
    """The layout the arrangement rule of :func:`arrange_title` prefers."""
    best: tuple[object, ...] | None = None
    chosen: tuple[int, ...] = ()
    for ends in itertools.islice(layouts, _SEARCH_LIMIT):
        widths = [title_width(line) for line in _split(text, ends)]
        steps = [b - a for a, b in itertools.pairwise(widths)]
        key = (_shape(widths), max(widths), sum(s * s for s in steps), ends)
        if best is None or key < best:
            best, chosen = key, ends
    return _split(text, chosen)


def arrange_title(text: str, *, max_width: float = MAX_LINE_WIDTH) -> list[str]:
    """The lines of the title ``text`` as it should be printed (7.3.1); ``"".join`` of them is ``text``.

    One line when the title fits (:func:`title_width` ≤ ``max_width``, by default
    :data:`MAX_LINE_WIDTH`, 19 characters of 22 pt). Otherwise the fewest lines that break only
    at :func:`break_positions`, fit the width, and have at least :data:`MIN_LINE_CHARS` characters
    each; among those, the arrangement is chosen by this rule, in order:

    1. shape: 倒梯形 first (each line at least one character shorter than the one above), then 菱形
       (three or more lines, longest in the middle), then 正梯形 (each line longer), then lines
       without a waist, and a 沙漏形 last. 倒梯形 is the common practice for 公文 titles: the
       subject comes first and the title ends with a short "……的通知/报告/通报", so the natural
       breaks make each line shorter, and the shape reads top-down like the text;
    2. balance: the shortest longest line (长短适宜: no full line over a stub);
    3. even steps: the smallest sum of squared differences between neighbouring lines;
    4. the earliest line ends, so the choice is deterministic.

    When no such arrangement exists (a word or span wider than a line, or breaks that leave a
    line of one or two characters), the same rule is tried with looser break positions in turn:
    jieba's words without the domain rules, then any character where punctuation allows (Latin
    runs kept whole), then any character with lines of any length. Never raises.
    """
    if title_width(text) <= max_width:
        return [text]
    for level in range(4):
        layouts = _Layouts(text, _positions(text, level), max_width, MIN_LINE_CHARS if level < 3 else 1)
        lines = layouts.fewest_lines()
        if lines is not None:
            return _best(text, layouts.all(lines))
    return [text]  # only when max_width is narrower than one character


def bad_breaks(lines: Sequence[str]) -> list[int]:
    """For a title as laid out on a page (one string per printed line), the indices ``i`` where
    the line break after ``lines[i]`` falls inside a word, or ``lines[i]`` is too short.

    Whitespace is ignored (removed from every line first: PDF text extraction puts spaces around
    Latin text). The lines are joined and :func:`break_positions` of the whole title decides:
    index ``i`` (``i < len(lines) - 1``) is returned when the break after ``lines[i]`` is not one
    of them (it splits a word, a domain word, a protected span, or breaks a punctuation rule).
    In a title of more than one line, index ``i`` is also returned when ``lines[i]`` has one or
    two characters (after removing whitespace). A one-line title has no bad breaks. Ascending,
    each index once.
    """
    cleaned = ["".join(line.split()) for line in lines]
    if len(cleaned) < 2:
        return []
    joined = "".join(cleaned)
    allowed = set(break_positions(joined))
    bad = []
    position = 0
    for index, line in enumerate(cleaned):
        position += len(line)
        inside = 0 < position < len(joined) and index < len(cleaned) - 1 and position not in allowed
        if inside or 0 < len(line) < MIN_LINE_CHARS:
            bad.append(index)
    return bad
