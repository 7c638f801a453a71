"""The domain lexicon and the lexical tokenizer."""

from __future__ import annotations

from pathlib import Path

from retrieval.lexicon import LEXICON_PATH, Lexicon, Tokenizer
from retrieval.models import Corpus
from retrieval.text import fold


def test_domain_terms_stay_whole_and_noise_is_dropped(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokens("对租用智能算力的企业，给予最高1000万元资助！具身智能机器人；训力券")
    for term in ("智能算力", "1000", "万元", "具身智能机器人", "训力券"):
        assert term in tokens
    for noise in ("的", "，", "！", "；", "对"):
        assert noise not in tokens


def test_traditional_and_full_width_text_tokenizes_like_simplified(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokens("訓力券 ５０％") == tokenizer.tokens("训力券 50%")


def test_query_tokens_add_the_policy_words_for_users_words(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.query_tokens("房租补贴能拿多少")
    assert {"租金", "扶持", "资助"} <= set(tokens)
    assert "产业空间" in tokens or "产业空间租金扶持" in tokens
    assert tokenizer.tokens("房租补贴能拿多少") != tokens


def test_gloss_gives_english_clauses_chinese_terms(lexicon: Lexicon) -> None:
    terms = lexicon.gloss("30% of its computing power expenses, up to 6 million yuan to the maximum.")
    assert {"算力", "费用", "最高", "600万元"} <= set(terms)
    assert "250万元" in lexicon.gloss("2.5 million yuan")
    assert lexicon.gloss("the weather is nice") == []


def test_every_document_alias_names_a_held_document(lexicon: Lexicon, corpus: Corpus) -> None:
    """A typo in a doc_id of the lexicon would silently disable that alias."""
    for alias, doc_ids in lexicon.doc_aliases.items():
        assert doc_ids, alias
        for doc_id in doc_ids:
            assert doc_id in corpus.documents, f"lexicon alias {alias!r} names unknown document {doc_id!r}"


def test_lexicon_entries_are_folded(lexicon: Lexicon) -> None:
    assert all(term == fold(term) for term in lexicon.terms)
    assert all(key == fold(key) for key in lexicon.synonyms)
    assert "gpu" in lexicon.synonyms


def test_the_digest_identifies_the_lexicon_file(tmp_path: Path, lexicon: Lexicon) -> None:
    assert Lexicon.load().digest == lexicon.digest
    changed = tmp_path / "lexicon.yaml"
    changed.write_text(LEXICON_PATH.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert Lexicon.load(changed).digest != lexicon.digest
