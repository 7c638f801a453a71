"""`policy-assistant search "问题"`: ranked clauses with their citations."""

from __future__ import annotations

import argparse
import json

from assistant.runtime import load_retriever
from assistant.settings import Settings
from retrieval.corpus import CorpusError
from retrieval.index import IndexNotReady
from retrieval.search import QueryError
from ui.commands import report_error


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `search` sub-command."""
    parser = subparsers.add_parser("search", help="检索政策条文")
    parser.add_argument("query", help="问题或关键词")
    parser.add_argument("--k", type=int, default=None, help="返回条数（默认取 PA_SEARCH_K，即 5）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Search and print the results (JSON shape of DESIGN.md with --json)."""
    try:
        retriever = load_retriever(settings)
        hits = retriever.search(args.query, k=settings.search_k if args.k is None else args.k)
    except (QueryError, IndexNotReady, CorpusError) as exc:
        return report_error(exc, args.json, "无法检索")
    if args.json:
        payload = {"query": args.query, "results": [h.to_dict() for h in hits]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for rank, hit in enumerate(hits, start=1):
        status = "" if hit.doc.status == "official" else f"（{hit.doc.status_label}）"
        print(f"{rank}. {hit.citation.display}{status}  [{hit.score:.4f}]")
        print("   " + hit.clause.text.replace("\n", "\n   "))
    return 0
