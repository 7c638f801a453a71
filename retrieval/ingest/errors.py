"""The one error type of importing; its message is for users (Chinese)."""


class IngestError(ValueError):
    """A file that cannot be imported: unsupported, unreadable, scanned, garbled, too large or hostile."""
