"""Small shared values keyed by name (the index build in service, …), visible to every replica."""

from __future__ import annotations

import json
import time
from contextlib import closing
from typing import Any

from storage.db import Database


class KeyValue:
    """JSON values by key in the ``shared_state`` table. Errors are the driver's (`storage.StorageError`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str, default: Any = None) -> Any:
        with closing(self.db.connect()) as conn:
            row = conn.execute(self.db.sql("SELECT value FROM shared_state WHERE key = ?"), (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def get_with_time(self, key: str) -> tuple[Any, float] | None:
        """(value, updated_at) or None when the key was never set."""
        with closing(self.db.connect()) as conn:
            row = conn.execute(self.db.sql("SELECT value, updated_at FROM shared_state WHERE key = ?"),
                               (key,)).fetchone()
        return (json.loads(row[0]), float(row[1])) if row else None

    def set(self, key: str, value: Any) -> None:
        """Insert or replace, committed before returning."""
        with closing(self.db.connect()) as conn:
            conn.execute(self.db.sql(
                "INSERT INTO shared_state (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"),
                (key, json.dumps(value, ensure_ascii=False), time.time()))
            conn.commit()

    def compare_and_set(self, key: str, expected: Any, value: Any) -> bool:
        """Set `value` only if the current value equals `expected` (None: the key is absent). Atomic."""
        with closing(self.db.connect()) as conn:
            encoded = json.dumps(value, ensure_ascii=False)
            if expected is None:
                cursor = conn.execute(self.db.sql(
                    "INSERT INTO shared_state (key, value, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (key) DO NOTHING"), (key, encoded, time.time()))
            else:
                cursor = conn.execute(self.db.sql(
                    "UPDATE shared_state SET value = ?, updated_at = ? WHERE key = ? AND value = ?"),
                    (encoded, time.time(), key, json.dumps(expected, ensure_ascii=False)))
            conn.commit()
            return cursor.rowcount == 1

    def delete(self, key: str) -> bool:
        with closing(self.db.connect()) as conn:
            cursor = conn.execute(self.db.sql("DELETE FROM shared_state WHERE key = ?"), (key,))
            conn.commit()
            return cursor.rowcount > 0
