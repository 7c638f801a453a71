"""What a question asks about documents themselves, beyond an answer type: which version of a document it
means (its draft for comment, the text as issued), whether a time it asks is a consultation's, and which
contact details it wants. Pure functions over the question (and, for a follow-up, its earlier turns).
"""

from __future__ import annotations

import re

from assistant.understanding.asks import ask_types, asked
from retrieval.text import fold

# A public consultation on a draft: asked about by these words; its period is a fact about the draft.
# ("征求意见稿" names a version, not the consultation.)
_CONSULTATION = re.compile(r"(?:征求|征询|征集)\S{0,4}?意见(?!稿)|意见(?:征集|反馈|征求)|反馈意见|提(?:交)?意见"
                           r"|反馈(?:的)?(?:截止|期限|时间|日期)|意见(?!稿)[^，。？?]{0,6}(?:截止|期限)"
                           r"|意见(?!稿).{0,4}(?:提|交|发|寄)"
                           r"|public comments?|comment period|consultation"
                           r"|\b(?:send|submit|give|make|provide|file)\w*\s+(?:\w+\s+)?(?:comments?|feedback)\b"
                           r"|\b(?:comments?|feedback) (?:on|about)\b")
# "征求意见的通知", "8月征求意见的那版": the consultation names a notice or a version, not a time asked.
_NOTICE_NAME = re.compile(r"(?:征求|征询|征集)[^，。？?]{0,12}?意见的?(?:通知|那一?版|版本)")
_TIME_KINDS = frozenset({"date", "day", "deadline", "period", "duration"})  # "给了多长时间提意见": its period
# Which version of a document a question means: its draft for comment, or the text as issued.
_DRAFT_WORDS = re.compile(r"征求意见稿|意见稿|草案|草稿|送审稿|\bdraft\b")
_FINAL_WORDS = re.compile(r"正式(?:稿|版|文本|文件|印发|发布|出台|办法|措施|细则|的)|定稿|\bfinal (?:version|text)\b"
                          r"|\bofficial (?:version|text)\b|as issued")


def asks_comment_period(question: str, earlier: str = "") -> bool:
    """True when a question asks when a public consultation runs or closes: a time asked about a
    consultation that it (or, for a follow-up, the turns before it: `earlier`) names."""
    folded = fold(question)
    names = {t.name for t in asked(question)}
    # "正式版什么时候发的" after a question about the consultation asks when a text was issued, not the period.
    # Nor does "征求意见的通知落款是哪天": the consultation names the notice whose date is asked.
    if "issued" in names and not _CONSULTATION.search(_NOTICE_NAME.sub(" ", folded)):
        return False
    # A draft has no closing date of its own: "征求意见稿什么时候截止" asks when its consultation closes.
    closing_draft = "deadline" in names and _DRAFT_WORDS.search(folded) is not None
    return bool(ask_types(question) & _TIME_KINDS or "period" in names) and (
        bool(_CONSULTATION.search(folded)) or closing_draft or bool(earlier and _CONSULTATION.search(fold(earlier))))


# How something is sent in: "怎么交", "如何提交", "通过什么方式反馈", "how do we submit".
_HOW_SENT = re.compile(r"(?:怎么|如何|怎样|咋|通过什么|以什么|用什么|什么)(?:方式|渠道|途径)?(?:提交|交|反馈|提|发|寄|报送|递交)"
                       r"|(?:寄|发|交|反馈|报送|提交|递交)给谁"  # to whom; "寄到哪" asks an address (a contact)
                       r"|how (?:do|can|should|to) (?:i |we |you )?(?:submit|send|give|make|provide)")


def asks_comment_channel(question: str, earlier: str = "") -> bool:
    """True when a question asks how to send comments on a consultation that it (or, for a follow-up, the turns
    before it: `earlier`) names: "意见怎么交", "How do I submit comments"."""
    folded = fold(question)
    return bool(_HOW_SENT.search(folded)) and (bool(_CONSULTATION.search(folded) or re.search(r"\bcomments?\b", folded))
                                                or bool(earlier and _CONSULTATION.search(fold(earlier))))


def contact_kinds(question: str) -> frozenset[str]:
    """Which contact details a question asks for: "email", "post" (a postal address), "phone"; all three
    for "联系方式" or "how to contact"."""
    folded = fold(question)
    # "电子邮件反馈地址" is an e-mail address, not a postal one.
    posted = re.sub(r"(?:电子邮件|邮件|邮箱|e-?mail)\S{0,4}?地址", " ", folded)
    kinds = {k for k, p, text in (("email", r"邮箱|电子邮件|e-?mail", folded),
                                  ("post", r"地址|寄(?:到|至|往)|寄(?:到)?哪|postal|mailing", posted),
                                  ("phone", r"电话|phone", folded)) if re.search(p, text)}
    return frozenset(kinds or {"email", "post", "phone"})


def mentioned_versions(question: str) -> frozenset[str]:
    """The versions of a document a question mentions anywhere ("征求意见稿", "正式稿")."""
    folded = fold(question)
    return frozenset({v for v, pattern in (("draft", _DRAFT_WORDS), ("final", _FINAL_WORDS)) if pattern.search(folded)})


def asked_versions(question: str) -> frozenset[str]:
    """The versions of a document a question asks about: "draft" (征求意见稿), "final" (正式稿), both, or none.
    Versions named in a part that asks nothing ("有征求意见稿也有正式稿，正式稿是哪天印发的") only set the scene."""
    parts = [p for p in re.split(r"[，,。？?！!；;]", fold(question)) if p.strip()]
    asking = [p for p in parts if any(not t.status_line for t in asked(p))] or parts
    return frozenset({v for v, pattern in (("draft", _DRAFT_WORDS), ("final", _FINAL_WORDS))
                      if any(pattern.search(p) for p in asking)})
