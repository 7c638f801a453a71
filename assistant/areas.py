"""The areas (provinces, cities, districts) a text names and the held documents are of.

"东莞的算力补贴" asks about an area no held document is about; "深圳…规模要达到多少" asks for a figure of an
area, which a province's document does not state. Areas are jieba's place words that name an administrative
area, and the 省/市/区 an issuer's name gives.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba
import jieba.posseg
from pypinyin import lazy_pinyin

from assistant.understanding.facts import LOCATION_FIELDS
from assistant.understanding.intent import ENGLISH_PLACES, OTHER_PLACES
from assistant.understanding.query import Query
from retrieval.models import Corpus, DocumentMeta
from retrieval.text import fold

# What makes a place word an area's name: 东莞市, 南山区; 香港特别行政区; 美国政府 (a country).
_AREA_SUFFIXES = ("市", "区", "省", "县", "特别行政区", "政府")
# The nation is no area: national documents are of every area.
_NATION = frozenset({"中国", "中华人民共和国", "我国", "全国"})
_GOVERNMENT = re.compile(r"(?:人民)?政府$")
_ADMIN_SUFFIX = re.compile(r"(?<=..)[省市区县]$")
_JURISDICTION = re.compile(r"[\u4e00-\u9fff]{2}[省市区]")


@lru_cache(maxsize=1)
def _place_tagger() -> jieba.posseg.POSTokenizer:
    jieba.setLogLevel(logging.WARNING)
    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    tagger.tokenizer.check_initialized()  # its dictionary (FREQ) is loaded on first use, replacing the empty one
    # Districts jieba does not know as places ("坪山区" would be cut 坪|山区, a mountain area).
    for name in OTHER_PLACES:
        for word in (name, f"{name}区"):
            tagger.tokenizer.add_word(word, 20000, "ns")
            tagger.word_tag_tab[word] = "ns"
    return tagger


@lru_cache(maxsize=4096)
def places_named(text: str) -> frozenset[str]:
    """The administrative areas a text names ("东莞", "南山区" → 南山), without their 省/市/区/县.

    A place word of jieba's dictionary counts when it is, or with 省/市/区/县 (特别行政区, 政府) added makes, an
    area's name: place-like words that name no area (鹏城, a project's name) are left out.
    """
    tagger = _place_tagger()
    freq = tagger.tokenizer.FREQ
    folded = fold(text)
    out = {zh for en, zh in ENGLISH_PLACES.items() if re.search(rf"\b{en}\b", folded)}
    for word, flag in tagger.cut(folded):
        if flag == "nt" and word.endswith("政府"):  # "新加坡政府", "深圳市人民政府": the area it governs
            word = _GOVERNMENT.sub("", word)
            flag = tagger.word_tag_tab.get(_ADMIN_SUFFIX.sub("", word), "")
        if flag != "ns" or len(word) < 2 or word in _NATION:
            continue
        if _ADMIN_SUFFIX.search(word) or any(freq.get(word + s) for s in _AREA_SUFFIXES) or word in OTHER_PLACES:
            out.add(_ADMIN_SUFFIX.sub("", word))
    return frozenset(out)


def _areas(issuer: str, title: str) -> frozenset[str]:
    # An issuer's own area ("深圳市龙岗区…局") is named by its 省/市/区 even where jieba knows no such place.
    issuers = {_ADMIN_SUFFIX.sub("", m) for m in _JURISDICTION.findall(fold(issuer))}
    return places_named(f"{issuer} {title}") | issuers


@lru_cache(maxsize=8)
def _held_places(fingerprint: str, headers: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return frozenset().union(*(_areas(issuer, title) for issuer, title in headers))


def held_places(corpus: Corpus) -> frozenset[str]:
    """The areas the held documents are about: those their issuers and titles name."""
    return _held_places(corpus.fingerprint, tuple((d.issuer, d.title) for d in corpus.documents.values()))


def names_area(corpus: Corpus, word: str) -> bool:
    """True when a word names an area: one jieba knows, or one a held document is of ("龙岗区", which jieba
    tags as a noun)."""
    return bool(places_named(word)) or _ADMIN_SUFFIX.sub("", word) in held_places(corpus)


def unheld_places(corpus: Corpus, query: Query) -> list[str]:
    """Areas the person's turns name when none of them names an area a held document is about.

    "东莞的算力补贴" asks about Dongguan's policy, which no held document is; "注册在龙岗、纳税在南山"
    names a held area too and asks about that area's rules.
    """
    text = " ".join([query.text, *(t.content for t in query.history if t.role == "user")])
    held = held_places(corpus)
    # A follow-up moving the question to another area ("那在广州…罚多少" after a Shenzhen question) asks about
    # that area, unless it states where the person's own company is ("那纳税在南山呢").
    own = fold(query.text)
    moved = sorted(places_named(query.text) - held) if not query.documents and not any(p in own for p in held) \
        and not set(LOCATION_FIELDS) & query.facts.profile.keys() else []
    if moved and query.history:
        return moved
    # "上海的算力券补多少？跟深圳比哪个高": a held area set against one no held document is about is no comparison
    # the held texts can make.
    compared = sorted(places_named(query.text) - held) if "compare" in {t.name for t in query.asks} else []
    if compared and any(p in own for p in held):
        return compared
    if query.documents or any(p in fold(text) for p in held):
        return []
    return sorted(places_named(text) - held)


def heard_as_held(corpus: Corpus, text: str) -> dict[str, str]:
    """Areas a text names that no held document is about but that sound exactly like one that is: the
    pinyin input method's slip ("龙港区企业买算力" for 龙岗). A person asking this assistant about a place that
    sounds like its own district means that district; a place of another sound is another area's policy."""
    held = held_places(corpus)
    unheld = sorted(places_named(text) - held)
    if not unheld:
        return {}  # most messages: no other place, nothing to sound out
    sounds = {tuple(lazy_pinyin(h)): h for h in sorted(held)}
    heard = {p: sounds.get(tuple(lazy_pinyin(p))) for p in unheld}
    return {p: h for p, h in heard.items() if h is not None}


def document_areas(doc: DocumentMeta) -> frozenset[str]:
    """The areas a document is of: those its issuer ("深圳市龙岗区…局": 深圳, 龙岗) and title name."""
    return _areas(doc.issuer, doc.title)


# What a document's `level` is called when the answer says whose policy a clause is.
LEVEL_NAMES = {"district": "区级", "municipal": "市级", "provincial": "省级", "national": "国家级"}


def other_level_note(corpus: Corpus, text: str, doc: DocumentMeta) -> str:
    """Whose policy a quoted clause is, when the question names a held area the clause's document is not of
    ("训力券龙岗这边补多少" answered from the city's measures): a city voucher read out as the district's own
    misleads, though the district's enterprises may apply for it. "" when the document is of an area named, or
    of none (a national law binds every area)."""
    folded = fold(text)
    asked = {p for p in held_places(corpus) if p in folded} | places_named(text)
    areas = document_areas(doc)
    if not asked or not areas or asked & areas or doc.level not in LEVEL_NAMES:
        return ""
    names = "、".join(sorted(asked))
    return (f"所引《{doc.short_title}》是{LEVEL_NAMES[doc.level]}政策文件"
            f"（发布机关：{doc.issuer}），不是{names}出台的文件。")


def out_of_area_note(places: list[str]) -> str:
    names = "、".join(places)
    return (f"抱歉，所存政策文件中没有关于{names}的政策。“政策通”只收录龙岗区人工智能产业扶持及相关的深圳市、"
            f"广东省和国家政策文件，{names}的政策请咨询当地主管部门。")
