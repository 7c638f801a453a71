"""Resolve a follow-up question against the conversation.

Only the user's own earlier turns are used: the corpus answer must not depend on how the assistant
happened to word its previous reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.calibration import CALIBRATION as CAL
from assistant.models import Turn

# Openings and endings that mark an elliptical follow-up ("那2026年呢？", "这个要什么条件").
_ELLIPTICAL_START = re.compile(r"^(那|那么|还有|另外|如果|要是|这个|那个|这些|那些|这项|该|它|其|上述|此外|同样)")
_ELLIPTICAL_END = re.compile(r"呢[？?。！!]*$")
# A connective opening what is asked after a stated fact ("…，那是多少"); not a demonstrative ("那个条例").
_CONNECTIVE = re.compile(r"^(?:那么?|如果|要是)(?![个些项])")
_ANAPHORA = re.compile(r"(这些|这个|这项|那个|那些|上述|该项|该条|该办法|该政策|它们?|其中|那时候?|当时)")
# The same in English: a question opening with a connective ("And if…", "What about…") or pointing back with a
# pronoun ("Does it…", "that subsidy") continues the conversation.
_ELLIPTICAL_START_EN = re.compile(r"^(and|so|then|also|but|if|what if|what about|how about)\b", re.IGNORECASE)
_ANAPHORA_EN = re.compile(r"\b(it|its|that|this|these|those|they|them|their)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ConversationContext:
    """What retrieval adds to a question from the conversation."""

    text: str
    weight: float
    is_followup: bool


def is_elliptical(question: str) -> bool:
    """True when a question leans on earlier turns for its subject: also when what it asks, after a fact it
    states first, opens like a follow-up ("刚确认了我们不算初创企业，那是多少")."""
    q = question.strip()
    asked = re.split(r"[，,；;]", q.rstrip("？?。！! "))[-1].strip()
    return (len(q) <= CAL.short_question or bool(_ELLIPTICAL_START.search(q)) or bool(_ELLIPTICAL_END.search(q))
            or bool(_CONNECTIVE.search(asked))
            or bool(_ANAPHORA.search(q)) or bool(_ELLIPTICAL_START_EN.search(q)) or bool(_ANAPHORA_EN.search(q)))


def conversation_context(question: str, history: list[Turn]) -> ConversationContext:
    """The earlier user turns to search with a question, and how much they should weigh."""
    earlier = [t.content.strip() for t in history if t.role == "user" and t.content.strip()]
    if not earlier:
        return ConversationContext("", 0.0, False)
    followup = is_elliptical(question)
    text = " ".join(earlier[-CAL.context_turns:])
    return ConversationContext(text, CAL.followup_weight if followup else CAL.topic_shift_weight, followup)
