"""Storage tests run on SQLite and on the session's temporary PostgreSQL cluster (`pg_cluster`, tests/conftest.py)."""
