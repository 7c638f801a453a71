"""Extract an enterprise's facts from what a person writes, without an LLM.

"我们在龙岗注册，去年买算力花了3百万" -> registered_in_longgang=True, compute_expense_wan=300. Only what
the text states is extracted; anything else stays unknown and is asked back, never assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from prechecks.numbers import read_amounts, read_scaled_figures
from retrieval.text import fold

# Which profile field an amount belongs to, from the words around it (checked in this order).
_TRAINING = re.compile(r"训练|训力券|训模型|训大模型|\btrain(?:ing)?\b")
_COMPUTE = re.compile(r"算力|gpu|显卡|智算|服务器租|租卡|云算力|计算资源|\bcomput(?:e|ing)\b")
_CORPUS = re.compile(r"语料|数据集|数据交易|买数据|购买数据|语料券|\bcorpus|\bcorpora\b|\bdata ?sets?\b")

# The profile fields that say where the applicant is.
LOCATION_FIELDS = ("registered_in_longgang", "tax_in_longgang", "stats_in_longgang")
_PLACES = ("龙岗", "南山", "福田", "罗湖", "宝安", "龙华", "坪山", "光明", "盐田", "大鹏", "前海", "深汕",
           "广州", "东莞", "惠州", "外地", "市外", "区外")
_PLACE = "|".join(_PLACES)
# Where something is: keyword, then (negation) place on its right, or a place (+注册) on its left.
_REGISTER = re.compile(r"注册|登记|营业执照|执照")
# The verb may follow ("税交在福田", "税也缴到龙岗"), as people say it.
_TAX = re.compile(r"(?:纳|交|报|缴)?税(?:务)?(?:(?:也|都|还|是)?(?:交|缴|报|纳)(?=在|到|于))?")
_STATS = re.compile(r"统计")
_NEGATIONS = ("不在", "没在", "并不在", "未在", "不是在", "不是")
# The firm itself moved somewhere ("我们去年已经迁到龙岗了", "公司迁入龙岗"): where it is registered now.
_RELOCATED = re.compile(rf"(?:我们|我司|公司|企业|单位)[^，。,；;？?]{{0,6}}(?:迁到|迁至|迁往|迁入|搬到|搬至|落户到?)\s*({_PLACE})")
# Keywords listed with one place after them ("注册、纳税、统计都在龙岗") share it.
_LISTED = r"(?:(?:、|和|及|与|/)?\s*(?:注册|登记|纳税|交税|缴税|报税|税务|统计)(?:地|关系)?)*"  # also side by side: "纳税统计都在"
# Moving it somewhere states where it will be ("注册地迁到龙岗", "把税务关系转至龙岗").
_MOVED = r"(?:迁到|迁至|迁往|搬到|搬至|转到|转至|转入|落到|改到|放到|放在|设在|落户到?)"
_RIGHT = re.compile(rf"^(?:地|关系)?{_LISTED}(?:也|都|还|均)?(?:一直|目前|现在|现|一向)?"
                    rf"(不在|没在|并不在|未在|不是在|不是|是在|在|于|是|为|{_MOVED}|到)?\s*({_PLACE})")
# "纳税和统计也迁过来": to the place the text named last.
_HITHER = re.compile(rf"^(?:地|关系)?{_LISTED}(?:也|都|还)?(?:一起|一并|同时)?(?:迁|搬|转|放|落|弄)过来")
_LEFT = re.compile(rf"(不在|没在|未在)?({_PLACE})(?:区)?(?:注册|登记)?(?:和|、|及|并)?$")
# An amount stated as the subsidy itself ("告诉我补贴是1亿") is a claim about the answer, not a fact about
# the applicant's spending: it is never taken as an expense (a prompt-injection shape, too). Nor is a policy's
# own figure asked about (a cap, a budget, a year's column: "最高1000万吗", "2025年安排了12000万吗",
# "上限涨到2000万了？").
_POLICY_FIGURE = re.compile(r"(补贴|资助|补助|奖励|扶持资金)(金额|额度|资金)?(就|应该|应当|一律)?(是|为|有|达到?)?\s*$"
                            r"|(预算|安排了?|测算|上限|最高|封顶|总额|总计|合计|发放|\d{4}年度?)"
                            r"(?:已经?|现在|都|也|每家|单家|每年|每家每年)*(补|资助|补贴)?(涨到|提高到|提升到|增加到|调整为|调整到|"
                            r"调到|降到|降为|提到|提至|提高至|上调到|上调至|改成|改为|改到|变成|变为|给到|补到|可达|能给|给)?了?"
                            r"(是|为|有|达到?)?\s*$"
                            # A figure a policy's support was changed to ("算力补贴提到每家每年2000万了", "听说改成2000万"),
                            # not the person's spending changed ("投入从1000万提高到2000万", "改成650万呢").
                            r"|^(?!.*(?:花|投入|支出|买|采购|合同|营收|收入))\D*?(?:补贴|补助|资助|奖励|上限|封顶|标准|额度|"
                            r"听说|据说|有人说)\D*?(?:涨到|提高到|提升到|调整为|调整到|调到|提到|提至|提高至|上调到|上调至|改成|"
                            r"改为|改到|变成|变为)(?:每家|单家|每年|每家每年|最高|了)*\s*$")
# Whom a corpus was bought from: a party related to the buyer ("卖方是我们自己的子公司", "从母公司买的"), or not.
_RELATED = r"(?<!非)(?:子公司|母公司|关联公司|关联方|关联企业|兄弟公司|控股公司|集团内)"
_SELLER = r"(?:卖方|卖家|供应商|供货方|提供方|出售方|对方)"
_RELATED_SELLER = re.compile(rf"{_SELLER}[^，。,；;？?]{{0,8}}?(?:是|为|属于)[^，。,；;？?]{{0,6}}?{_RELATED}"
                             rf"|(?:从|向|跟|找)[^，。,；;？?]{{0,6}}?{_RELATED}[^，。,；;？?]{{0,4}}?(?:买|购买|采购|购入)")
_UNRELATED_SELLER = re.compile(r"非关联(?:方|公司|企业)|不是关联方|不属于关联方|无关联关系|没有关联关系"
                               rf"|{_SELLER}[^，。,；;？?]{{0,8}}?(?:不是|并非|不属于)[^，。,；;？?]{{0,6}}?{_RELATED}")
_STARTUP = re.compile(r"初创|刚成立|新成立|刚注册|创业公司|初创期|成立不久|成立不到|\bstart-?ups?\b")
# Said of oneself in any of the ways people deny it, also as a correction ("其实不算初创企业", "已经不是初创了").
_NOT_STARTUP = re.compile(r"(?:不是|不算|并非|并不是|不属于|算不上|称不上|不再是|非)(?:一家|一个|个|什么)?初创"
                          r"|(?:not|no longer|isn't|aren't)\s+(?:really\s+|actually\s+)?(?:an?\s+)?start-?ups?")

_ORG_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private_non_enterprise", re.compile(r"民办非企业|民非")),
    ("social_organization", re.compile(r"协会|商会|学会|联合会|社会团体|社团|促进会|研究会")),
    ("university", re.compile(r"大学|高校|学院|高等院校")),
    ("research_institute", re.compile(r"研究院|研究所|科研机构|实验室|研究中心")),
    ("individual", re.compile(r"我个人|个人申请|个体户|自然人|个人开发者|(?:我|就)是个人|以个人名义|"
                              r"没(?:有)?注册公司|未注册公司|没(?:有)?成立公司|还没开公司")),
    ("enterprise", re.compile(r"公司|企业|集团|厂|我们是做|创业团队|\b(?:company|firm|enterprise|business)\b")),
)


@dataclass(frozen=True)
class Amount:
    """One amount found in text, converted to 万元, with where it was found."""

    wan: float
    start: int
    end: int


@dataclass(frozen=True)
class ExtractedFacts:
    """Profile fields a person stated, and the amounts that could not be attributed to a field."""

    profile: dict[str, Any] = field(default_factory=dict)
    unattributed: tuple[Amount, ...] = ()
    # The fields the latest attributed amount went to: what a bare amount later in the conversation
    # ("如果是1亿呢") replaces.
    amount_fields: tuple[str, ...] = ()

    @property
    def negative_amounts(self) -> tuple[str, ...]:
        """Amounts stated as negative ("-100万"): no expense is below zero, so they are asked back."""
        amounts = [*(v for k, v in self.profile.items() if k.endswith("_wan")), *(a.wan for a in self.unattributed)]
        return tuple(f"{a:g}万元" for a in amounts if isinstance(a, (int, float)) and a < 0)

    @property
    def has_amount(self) -> bool:
        """True when the person gave at least one amount."""
        return any(k.endswith("_wan") for k in self.profile) or bool(self.unattributed)

    def merged_over(self, earlier: ExtractedFacts) -> ExtractedFacts:
        """These facts, completed by facts stated earlier in the conversation."""
        return ExtractedFacts({**earlier.profile, **self.profile},
                              self.unattributed or earlier.unattributed,
                              self.amount_fields or earlier.amount_fields)


# A conversation about spending or support, whose kind of spending a bare amount later in it belongs to; not
# one about what a law fines ("违法数据交易罚款多少" then "那交易金额不到一万块的呢" is no corpus purchase).
_SPENDING_TOPIC = re.compile(r"花|买|购|投入|支出|合同|租|补|券|资助|扶持|奖励|申请|申报"
                             r"|spen[dt]|buy|bought|purchas|contract|rent|subsid|grant|voucher|support")


def find_amounts(text: str) -> list[Amount]:
    """Every amount with a money unit in a text, converted to 万元 (positions in the folded text); in English,
    also a figure in millions or billions with the currency unsaid (`read_scaled_figures`)."""
    found = [Amount(round(float(a.wan), 6), a.start, a.end) for a in read_amounts(text)]
    bare = [Amount(round(float(a.wan), 6), a.start, a.end) for a in read_scaled_figures(text)
            if not any(f.start < a.end and a.start < f.end for f in found)]
    return sorted([*found, *bare], key=lambda a: a.start)


def _field_for(folded: str, amount: Amount) -> list[str]:
    """The profile fields an amount belongs to, judged from the clause it sits in."""
    left = max(folded.rfind(p, 0, amount.start) for p in "，。；,;！？!?")
    right_candidates = [folded.find(p, amount.end) for p in "，。；,;！？!?"]
    right = min([r for r in right_candidates if r != -1] or [len(folded)])
    return _fields_named(folded[max(0, left - 12): right])  # the clause, plus a little before


def _fields_named(window: str) -> list[str]:
    """The amount fields a (folded) text is about: corpus purchase, compute, training compute."""
    fields: list[str] = []
    if _CORPUS.search(window):
        fields.append("corpus_contract_wan")
        if not _COMPUTE.search(window):
            return fields  # buying corpus to train a model is not a compute expense
    if _COMPUTE.search(window) or _TRAINING.search(window):
        fields.append("compute_expense_wan")
        if _TRAINING.search(window) or "租" in window:
            fields.append("training_compute_contract_wan")
    return fields


# A branch or office of a company, which has no legal personality of its own, or the lack said outright.
_NO_LEGAL_PERSON = re.compile(r"分公司|分支机构|办事处|代表处|(?:非|不是|没有|无|不具有?|不具备)独立法人|不具(?:有|备)?法人资格")


def _place_flag(keyword: re.Pattern[str], folded: str) -> bool | None:
    """True/False when the text says where (in Longgang or elsewhere); None when it does not say."""
    for match in keyword.finditer(folded):
        located = _RIGHT.match(folded[match.end(): match.end() + 24]) or \
            _LEFT.search(folded[max(0, match.start() - 10): match.start()])
        if located:
            negated = located.group(1) in _NEGATIONS
            in_longgang = located.group(2) == "龙岗"
            return (not in_longgang) if negated else in_longgang
        if _HITHER.match(folded[match.end(): match.end() + 24]):
            before = re.findall(_PLACE, folded[:match.start()])
            if before:
                return before[-1] == "龙岗"
    return None


def extract_facts(text: str, topic: str = "", established: tuple[str, ...] = ()) -> ExtractedFacts:
    """The profile fields a message states (see module docstring).

    An amount the message does not attribute ("那如果是1亿呢？") replaces the amount the conversation
    established (`established`: its fields), or else belongs to the spending the conversation was about
    (`topic`: the earlier user turns).
    """
    folded = fold(text)
    profile: dict[str, Any] = {}
    unattributed: list[Amount] = []
    amount_fields: tuple[str, ...] = ()
    policy_figures: set[float] = set()
    for amount in find_amounts(text):
        # A policy's figure ("上限改成2000万") is no fact of the person's, nor is it when said again ("按2000万算").
        if amount.wan in policy_figures or _POLICY_FIGURE.search(folded[max(0, amount.start - 10): amount.start]):
            policy_figures.add(amount.wan)
            continue
        fields = _field_for(folded, amount) or list(established) or \
            (_fields_named(fold(topic)) if _SPENDING_TOPIC.search(fold(topic)) else [])
        if not fields:
            unattributed.append(amount)
            continue
        amount_fields = tuple(fields)
        for name in fields:
            profile.setdefault(name, amount.wan)
    for name, pattern in zip(LOCATION_FIELDS, (_REGISTER, _TAX, _STATS), strict=True):
        flag = _place_flag(pattern, folded)
        if flag is not None:
            profile[name] = flag
    relocated = _RELOCATED.search(folded)
    if relocated and "registered_in_longgang" not in profile:
        profile["registered_in_longgang"] = relocated.group(1) == "龙岗"
    if _UNRELATED_SELLER.search(folded):
        profile["corpus_from_related_party"] = False
    elif _RELATED_SELLER.search(folded):
        profile["corpus_from_related_party"] = True
    if _NOT_STARTUP.search(folded):
        profile["is_startup"] = False
    elif _STARTUP.search(folded):
        profile["is_startup"] = True
    for org_type, pattern in _ORG_TYPES:
        if pattern.search(folded):
            profile["org_type"] = org_type
            break
    if profile.get("org_type") in ("enterprise", "social_organization", "private_non_enterprise",
                                   "university", "research_institute") \
            and re.search(r"独立法人|法人资格|有限公司|股份公司|法人企业", folded):
        profile["independent_legal_person"] = True
    if _NO_LEGAL_PERSON.search(folded):
        profile["independent_legal_person"] = False  # a branch has no legal personality of its own
    return ExtractedFacts(profile, tuple(unattributed), amount_fields)
