"""`policy-assistant import FILE`: a PDF, Word, HTML or text file into the local corpus."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.settings import Settings
from retrieval.corpus import local_corpus_dir
from retrieval.ingest import ImportOptions, IngestError, import_file
from ui.commands import report_error


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `import` sub-command."""
    parser = subparsers.add_parser("import", help="导入 PDF/Word/网页/文本文件到本地语料（数据目录下的 corpus/）")
    parser.add_argument("file", type=Path, help="要导入的文件（.pdf .docx .doc .wps .html .txt .md）")
    parser.add_argument("--doc-id", help="文件编号（小写字母、数字、连字符）；默认由文件名生成")
    parser.add_argument("--title", help="文件标题；默认自动识别")
    parser.add_argument("--doc-number", help="文号，例如 深龙府规〔2024〕4号；默认自动识别")
    parser.add_argument("--status", choices=("official", "draft-for-comment", "expired"), help="文件状态")
    parser.add_argument("--published", help="发布日期，例如 2024-08-02 或 2024-08")
    parser.add_argument("--source", help="文本来源（网址或获得途径）")
    parser.add_argument("--dry-run", action="store_true", help="只检查和预览，不写入")
    parser.add_argument("--replace", action="store_true", help="替换已有的同名文件")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Import the file and print what was found (clauses, metadata, warnings)."""
    options = ImportOptions(doc_id=args.doc_id, title=args.title, doc_number=args.doc_number, status=args.status,
                            published=args.published, source=args.source, replace=args.replace,
                            dry_run=args.dry_run)
    try:
        result = import_file(args.file, local_corpus_dir(settings.data_dir), options, shipped_dir=settings.corpus_dir)
    except (IngestError, OSError) as exc:
        return report_error(exc, args.json, "导入失败")
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    meta = result.meta
    print(f"{'预览（未写入）' if args.dry_run else '已导入'}：{meta.get('title')}（{result.doc_id}）")
    print(f"文号：{meta.get('doc_number') or '未识别'}　发布：{meta.get('published') or '未识别'}　"
          f"状态：{meta.get('status')}　条款：{len(result.clauses)} 条")
    for clause in result.clauses:
        print(f"  {clause.label}：{clause.text[:60]}{'…' if len(clause.text) > 60 else ''}")
    for warning in result.warnings:
        print(f"提示：{warning}")
    if result.written:
        print(f"文件：{result.path}；运行 `policy-assistant index` 后生效")
    return 0
