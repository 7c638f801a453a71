"""`policy-assistant index`: build or rebuild the search index from the corpus."""

from __future__ import annotations

import argparse
import sys

from assistant.runtime import rebuild_index
from assistant.settings import Settings
from retrieval.corpus import CorpusError
from retrieval.index import Manifest


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `index` sub-command."""
    parser = subparsers.add_parser("index", help="从政策语料（corpus/policies/ 及导入的文件）构建或重建检索索引")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Build the index; a malformed corpus file stops the build and leaves the old index in service."""
    try:
        manifest = rebuild_index(settings)
    except CorpusError as exc:
        print(f"索引构建失败，原索引保持不变：{exc}", file=sys.stderr)
        return 2
    print(f"索引已构建：{manifest.clauses} 个条款，{manifest.chunks} 个向量片段{_embedded_text(manifest)}，"
          f"向量模型 {manifest.embedder}，用时 {manifest.build_seconds:.1f} 秒")
    return 0


def _embedded_text(manifest: Manifest) -> str:
    """How many chunks this build embedded and how many came from the vector cache (empty when unknown)."""
    if manifest.embedded < 0:
        return ""
    return f"（新计算 {manifest.embedded} 个，复用缓存 {manifest.chunks - manifest.embedded} 个）"
