"""The calibrated constants of answering, in one object (tuned on the dev set; change them only with the
eval figures before and after)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    """Thresholds, weights and sizes of retrieval for answering, evidence scoring and quoting."""

    # Retrieval for an answer
    retrieve_k: int = 8  # clauses retrieved to answer from
    llm_clauses: int = 6  # clauses supplied to the generation model
    # Conversation: how much earlier user turns weigh in retrieval
    followup_weight: float = 1.0  # the question is elliptical: the conversation supplies its topic
    topic_shift_weight: float = 0.3  # a complete question: earlier turns only break ties
    context_turns: int = 2
    short_question: int = 12  # a question this short leans on earlier turns
    # Subject words: rarity in general Chinese (jieba's dictionary) between which an unseen word goes from
    # filler to subject, and the least share of the rarest weight it keeps
    everyday_idf: float = 9.0
    rare_idf: float = 14.0
    min_unknown_share: float = 0.05
    context_weight: float = 0.4  # weight of a follow-up's earlier turns relative to its own words
    single_char_weight: float = 0.5  # a lone Chinese character of a question weighs this share of its IDF
    synonym_weight: float = 0.7  # colloquial questions reach the policy words only through synonyms
    # Support: below both thresholds no held clause answers the question
    support_threshold: float = 0.22  # coverage
    # How much more of the question a sentence broken off by a gap must cover than the best complete one stating
    # the kind of fact asked, to be taken as where the answer is (a shared false friend, "原则上", is not more).
    cut_off_margin: float = 0.05
    score_threshold: float = 0.30  # score
    # … and never when the sentence and its clause share none of the question's subject but its jurisdiction
    subject_threshold: float = 0.0
    # Evidence scoring
    sentence_weight: float = 0.5
    sentence_place_share: float = 0.5  # a jurisdiction word's share of its weight in picking the sentence
    clause_weight: float = 0.35
    rank_weight: float = 0.15
    named_doc_bonus: float = 0.1  # the question names the clause's document
    definition_bonus: float = 0.3  # the sentence defines the term a "what does X mean" question asks about
    # Sentence selection by what the question asks (area: selection)
    qualification_bonus: float = 0.3  # a sentence stating what an applicant must be, asked the conditions
    form_bonus: float = 0.1  # the sentence states the fact in the form asked (who acts; a period's two dates)
    ordinal_row_bonus: float = 0.3  # a table row whose number the question gives ("第二个项目": 序号 2)
    phrase_weight: float = 0.1  # the longest run of the question's own wording a sentence repeats …
    phrase_chars: int = 8  # … counts in full from this many characters
    target_penalty: float = 0.3  # a question about the present: a sentence that sets a target for later
    tier_weight: float = 0.2  # a sentence stating the threshold a question states, on its side (or the other)
    asking_share: float = 0.5  # a question word inside the words that ask ("谁负责") weighs this share
    # A thing a support measure is named after that more clauses than this IDF says mention (人工智能, 企业,
    # 项目) names no particular measure
    measure_min_idf: float = 2.5
    applied_words: int = 4  # words after 申请 to the question's end that may name the thing applied for
    listed_name_chars: int = 6  # a list item the question writes out whole, at least this long, is what it asks about
    described_extra_chars: int = 4  # a list item this much longer than the name it quotes says more of it
    quoted_name_chars: int = 8  # a quoted phrase this short is a name: none held means nothing held is about it
    claim_hits: int = 3  # top hits whose documents and figures a reported version or figure is checked against
    quote_coverage: float = 0.75  # share of a quoted phrase's words a clause must have to be what it quotes
    title_min_chars: int = 5  # a run of words ending in a kind of document this long is a title ("数据安全法")
    title_pair_share: float = 0.5  # share of a written title's character pairs a held title has when it names it
    title_char_share: float = 0.7  # … or of its characters (a title shortened: "工信资金办法")
    title_words_chars: int = 4  # a run of a title's characters this long tells apart documents a shared name names
    title_coverage: float = 0.75  # share of a title's character pairs a question spelling it out without years has
    short_sentence: int = 25  # a line shorter than this is read with the lines before it …
    window_back: int = 2  # … up to this many
    # Quoting
    short_clause: int = 180  # a clause this short is quoted whole
    long_quote: int = 600  # the most quoted for a question that asks for a list or several facts
    # Lead: a part of the answering sentence longer than this is said as its fact alone ("最高1000万元")
    lead_part_max: int = 40
    lead_next_sentences: int = 2  # sentences after the answering one, quoted with it, a lead may draw on
    lead_restated_max: int = 70  # a sentence restated as the lead is cut to its parts nearest the question
    # What a heading the question matched goes on to say ("（三）申报条件。项目单位是…"), or the sentence defining
    # the term asked, is its whole answer, up to this long.
    lead_whole_answer_max: int = 110


CALIBRATION = Calibration()
