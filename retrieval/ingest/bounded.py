"""Run a file reader in a separate process with a time limit and a memory ceiling.

A malformed or hostile file (a PDF whose object graph never ends, a decompression bomb) can make a
parser loop or allocate without bound. The reader runs in a freshly spawned interpreter (not a fork of a
process that may hold a model in memory) with `RLIMIT_AS` set; past the time limit it is killed. Either
way the caller gets an `IngestError` and nothing was written.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from pathlib import Path

from retrieval.ingest.blocks import Extracted
from retrieval.ingest.errors import IngestError

TIMEOUT_S = 120.0
MEMORY_BYTES = 2 * 1024 ** 3


def _reader(name: str) -> Callable[[Path], Extracted]:
    if name == "pdf":
        from retrieval.ingest.pdf import read_pdf
        return read_pdf
    if name == "docx":
        from retrieval.ingest.word import read_docx
        return read_docx
    if name == "html":
        from retrieval.ingest.web import read_html
        return read_html
    raise ValueError(name)


def _worker(name: str, path: str, memory_bytes: int, conn: multiprocessing.connection.Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        conn.send(("ok", _reader(name)(Path(path))))
    except IngestError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("error", "读取该文件所需内存超出上限，已停止（文件可能已损坏或经过恶意构造）"))
    except Exception as exc:  # any parser failure is a file we cannot read, never a crash of the caller
        conn.send(("error", f"无法读取该文件（文件损坏或格式不符）：{type(exc).__name__}"))
    finally:
        conn.close()


def read_bounded(name: str, path: Path, timeout_s: float = TIMEOUT_S,
                 memory_bytes: int = MEMORY_BYTES) -> Extracted:
    """Run reader `name` ("pdf", "docx", "html") on `path` within the limits."""
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(name, str(path), memory_bytes, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise IngestError(f"读取该文件超过 {timeout_s:.0f} 秒仍未完成，已停止（文件过大、已损坏或经过恶意构造）")
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            raise IngestError("读取该文件时解析进程异常退出（可能超出内存上限；文件可能已损坏或经过恶意构造）") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(10)
    if status != "ok":
        raise IngestError(payload)
    return payload
