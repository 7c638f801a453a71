"""Caveats on the currency of what an answer cites: a draft, a superseded, expired or not yet effective
text, or one whose newer version is reported but not held (`retrieval.currency` decides; this writes).

The answer still quotes and computes from the held text; the caveat says what stands beside it, naming a
reported revision by its title, dates and address only — never a figure from its record.
"""

from __future__ import annotations

from datetime import date

from assistant.composers.draft import Draft
from retrieval.currency import KnownDocuments, currency_notes
from retrieval.models import Corpus


def cited_currency_notes(draft: Draft, corpus: Corpus, today: date | None = None,
                         known: KnownDocuments | None = None) -> list[tuple[str, str]]:
    """(doc_id, caveat) for every cited document that is not current or has a newer version reported."""
    titles = {d.doc_id: d.short_title for d in corpus.documents.values()}
    return [(doc_id, note) for doc_id in dict.fromkeys(c.doc_id for c in draft.citations)
            if doc_id in corpus.documents
            for note in currency_notes(corpus.documents[doc_id], today, held=corpus.documents, titles=titles,
                                       known=known)]


def add_currency_notes(draft: Draft, corpus: Corpus, today: date | None = None,
                       known: KnownDocuments | None = None) -> None:
    """One caveat (in the answer's closing list) per caveat of the cited documents that the draft does not already say (a
    pre-check's hints carry the same caveat; a quoted draft is flagged where it is quoted).

    The caveats' dates and addresses are document metadata: grounded text for the guard.
    """
    for doc_id, note in cited_currency_notes(draft, corpus, today, known):
        doc = corpus.documents[doc_id]
        said = "\n".join([draft.text, *draft.caveats])
        flagged = doc.status == "draft-for-comment" and f"《{doc.short_title}》" in said and "征求意见稿" in said
        if note not in said and not (flagged and note.startswith(f"《{doc.short_title}》")):
            draft.caveats.append(note)
        draft.calculations.append(note)
