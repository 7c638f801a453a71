"""Importing files as governments hold them (PDF, Word, HTML, text) into the corpus format."""

from retrieval.ingest.errors import IngestError
from retrieval.ingest.importer import ImportOptions, ImportResult, import_file, prepare

__all__ = ["ImportOptions", "ImportResult", "IngestError", "import_file", "prepare"]
