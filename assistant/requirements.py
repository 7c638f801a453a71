"""Whether the clauses answering a yes/no question about a requirement mention what it asks to be required.

"训力券是不是要求在深圳注册并纳税满一年": the voucher's clause says who may apply (企业、高等院校和科研机构) and
never speaks of registration or tax; read out, it would seem to answer a question it is silent on. A
requirement asked about is stated only by a clause that mentions it (or a policy word the user's word stands
for); otherwise the held texts do not say, and the answer says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.areas import names_area
from retrieval.search import Retriever
from retrieval.text import fold

# "是不是要求X", "是否需要X", "要不要X", "必须X吗": X, up to the question's end.
_REQUIRED = re.compile(r"(?:(?:是不是|是否)(?:要求|需要|得|要|必须)|需不需要|要不要|必须|一定要|得不得)(?:要求|先)?"
                       r"(?P<x>[^，。？?；;]{2,24}?)(?:才(?:能|可以|行)[^，。？?]{0,8})?(?:吗|么|呢|[？?]|$)"
                       # "对产品销售额有什么门槛": a threshold or requirement on a thing
                       r"|对(?P<on>[^，。？?；;]{2,16}?)有(?:什么|哪些|没有)(?:门槛|要求|限制)")
# Words of asking and of the applicant, which say nothing of what is required.
_GENERIC = frozenset("企业 公司 单位 机构 我们 我司 申请 申报 补贴 资助 扶持 条件 要求 需要 必须 规定 这个 那个 "
                     "可以 能够 才能 是否 是不是 有没有 进行 提供 相关 类型 种类 性质 主体 资格 身份 组织 方面".split())


def asked_requirement(text: str) -> str:
    """What a yes/no question asks to be required ("在深圳注册并纳税满一年"), or ""."""
    match = _REQUIRED.search(fold(text))
    return (match.group("x") or match.group("on")) if match else ""


def unstated_requirement(retriever: Retriever, text: str, clause_texts: Sequence[str]) -> tuple[str, ...]:
    """The words of the requirement a question asks about that none of `clause_texts` mentions, nor any policy
    word they stand for; () when it asks about none or the clauses mention all of it."""
    required = asked_requirement(text)
    if not required:
        return ()
    said = fold(" ".join(clause_texts))
    words = [w for w in retriever.tokenizer.tokens(required)
             if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w) and w not in _GENERIC
             and not names_area(retriever.corpus, w)]
    return tuple(w for w in dict.fromkeys(words)
                 if w not in said and not any(e in said for e in retriever.lexicon.expansions(w)))
