"""The register's schema, as forward migrations numbered by ``PRAGMA user_version``.

A migration is never edited once released: a new schema is a new step at the end. Opening a
register applies the steps it lacks, each in the same transaction as its version bump.
"""

from __future__ import annotations

#: Step n (1-based) takes a database from user_version n-1 to n.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: one append-only table of records, hash-chained in seq order
    (
        """CREATE TABLE records (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            meeting TEXT,
            provider TEXT,
            subject TEXT,
            corrects INTEGER REFERENCES records(seq),
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            body TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        )""",
        "CREATE INDEX records_by_meeting ON records(meeting, seq)",
    ),
    # 2: standings and coverage read decisions per provider in one indexed query; the
    # schema's own history is kept beside the records
    (
        "CREATE INDEX records_by_kind_provider ON records(kind, provider, seq)",
        """CREATE TABLE schema_history (
            version INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL
        )""",
    ),
    # 3: with QSG_AUDIT_KEY set, each record's hash is authenticated (HMAC-SHA256 under the
    # key) beside it: the chain cannot be recomputed after an edit without the key
    (
        """CREATE TABLE record_macs (
            seq INTEGER PRIMARY KEY REFERENCES records(seq),
            mac TEXT NOT NULL
        )""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
