"""Durable state shared by every process and replica: feedback records and small key/value entries.

Low in the house: `ui` and `assistant` import it; it imports none of the project's packages. SQLite
under the data directory is the embedded default; ``PA_DATABASE_URL=postgresql://…`` selects
PostgreSQL (psycopg 3), which several replicas on several machines share.
"""

from storage.db import Database, StorageError, open_database
from storage.feedback import FeedbackRecord, FeedbackRow, FeedbackTable
from storage.kv import KeyValue

__all__ = ["Database", "FeedbackRecord", "FeedbackRow", "FeedbackTable", "KeyValue", "StorageError",
           "open_database"]
