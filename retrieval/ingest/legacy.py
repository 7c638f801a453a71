"""Old Word (.doc) and WPS (.wps) files, converted to .docx by LibreOffice headless."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from retrieval.ingest.errors import IngestError

CONVERT_TIMEOUT_S = 180
MISSING = ("导入 .doc/.wps 文件需要 LibreOffice，但本机未安装：请安装 LibreOffice"
           "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），或先用 Word/WPS 另存为 .docx 再导入")


def soffice() -> str | None:
    """The LibreOffice executable, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, workdir: Path) -> Path:
    """Convert `path` with `soffice --headless --convert-to docx` into `workdir`; return the new file."""
    exe = soffice()
    if exe is None:
        raise IngestError(MISSING)
    # A private profile: a user's running LibreOffice (or another conversion) holds the default one.
    with tempfile.TemporaryDirectory(prefix="pa-lo-profile-") as profile:
        try:
            subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                            "--convert-to", "docx", "--outdir", str(workdir), str(path)],
                           capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise IngestError(f"LibreOffice 转换超过 {CONVERT_TIMEOUT_S} 秒仍未完成，已停止") from None
    out = workdir / f"{path.stem}.docx"
    if not out.is_file():
        raise IngestError("LibreOffice 无法转换该文件（文件可能已损坏，或不是 Word/WPS 文档）")
    return out
