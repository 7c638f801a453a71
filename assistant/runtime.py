"""Assemble the retrieval stack from `Settings` (the only place that reads settings for retrieval)."""

from __future__ import annotations

from assistant.settings import Settings
from retrieval.corpus import CorpusLayers, corpus_files, local_corpus_dir
from retrieval.embeddings import Embedder, make_embedder
from retrieval.index import ChromaLocation, Manifest, build_index, ensure_index, open_index
from retrieval.lexicon import Lexicon, Tokenizer
from retrieval.search import CrossEncoderReranker, Retriever
from storage import KeyValue, open_database


def make_settings_embedder(settings: Settings) -> Embedder:
    """The embedding backend the settings name."""
    return make_embedder(settings.embedding_backend, settings.embedding_model,
                         settings.embedding_query_prompt)


def chroma_location(settings: Settings) -> ChromaLocation:
    """Embedded Chroma unless `PA_CHROMA_HOST` names a server."""
    return ChromaLocation(host=settings.chroma_host, port=settings.chroma_port)


DISABLED_DOCUMENTS_KEY = "disabled_documents"  # doc_ids an administrator disabled (the admin API sets it)


def corpus_layers(settings: Settings) -> CorpusLayers:
    """The shipped (or `PA_CORPUS_DIR`) corpus, with the local corpus of imported documents over it, less the
    documents an administrator disabled (neither searched nor cited)."""
    db = open_database(settings.database_url, settings.data_dir)
    db.migrate()
    dirs = (settings.corpus_dir, local_corpus_dir(settings.data_dir))
    layers = CorpusLayers(dirs, frozenset(KeyValue(db).get(DISABLED_DOCUMENTS_KEY) or ()))
    # With every document disabled there would be nothing to index (and the app could not start): none is.
    return layers if not layers.excluded or corpus_files(layers) else CorpusLayers(dirs)


def rebuild_index(settings: Settings, embedder: Embedder | None = None) -> Manifest:
    """Build a fresh index from the corpus and swap it in."""
    embedder = embedder or make_settings_embedder(settings)
    return build_index(corpus_layers(settings), settings.index_dir, embedder,
                       Tokenizer(Lexicon.load()), chroma_location(settings))


def load_retriever(settings: Settings, *, build_if_needed: bool = True,
                   embedder: Embedder | None = None) -> Retriever:
    """Open the index (building it when missing or stale, if allowed) and return a `Retriever`."""
    embedder = embedder or make_settings_embedder(settings)
    lexicon = Lexicon.load()
    tokenizer = Tokenizer(lexicon)
    location = chroma_location(settings)
    if build_if_needed:
        loaded = ensure_index(corpus_layers(settings), settings.index_dir, embedder, tokenizer, location)
    else:
        loaded = open_index(settings.index_dir, location)
    reranker = CrossEncoderReranker(settings.reranker_model) if settings.reranker_model else None
    return Retriever(index=loaded, embedder=embedder, tokenizer=tokenizer, lexicon=lexicon,
                     reranker=reranker, candidates=settings.candidates)
