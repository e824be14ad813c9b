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
    # 4: the register's state as the fold of its records gives it (meetings open or agreed,
    # what was recorded at each, actions, summits, planned and cancelled meetings), kept in
    # the same transaction as each record (``qsgrules.register.materialised``), so that reads
    # and writes cost the same with two years of meetings as with one; built from the
    # records when the step is applied. The records and their chain are not touched.
    (
        """CREATE TABLE state_meta (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE state_meetings (
            id TEXT PRIMARY KEY,
            date TEXT NOT NULL,
            seq INTEGER NOT NULL,
            head TEXT NOT NULL,
            detail TEXT NOT NULL
        )""",
        """CREATE TABLE state_meeting_names (
            what TEXT NOT NULL,
            name TEXT NOT NULL,
            meeting TEXT NOT NULL,
            PRIMARY KEY (what, name, meeting)
        )""",
        """CREATE TABLE state_attendance (
            meeting TEXT NOT NULL,
            member TEXT NOT NULL,
            seq INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (meeting, member)
        )""",
        """CREATE TABLE state_positions (
            meeting TEXT NOT NULL,
            provider TEXT NOT NULL,
            member TEXT NOT NULL,
            seq INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (meeting, provider, member)
        )""",
        """CREATE TABLE state_decisions (
            meeting TEXT NOT NULL,
            provider TEXT NOT NULL,
            meeting_date TEXT NOT NULL,
            meeting_seq INTEGER NOT NULL,
            decided_on TEXT NOT NULL,
            seq INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (meeting, provider)
        )""",
        "CREATE INDEX state_decisions_by_provider ON state_decisions(provider, decided_on, seq)",
        """CREATE TABLE state_amendments (
            meeting TEXT NOT NULL,
            seq INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (meeting, seq)
        )""",
        """CREATE TABLE state_discussed (
            provider TEXT NOT NULL,
            meeting TEXT NOT NULL,
            date TEXT NOT NULL,
            meeting_seq INTEGER NOT NULL,
            PRIMARY KEY (provider, meeting)
        )""",
        "CREATE INDEX state_discussed_by_date ON state_discussed(provider, date, meeting_seq)",
        "CREATE TABLE state_providers (code TEXT PRIMARY KEY)",
        """CREATE TABLE state_items (
            collection TEXT NOT NULL,
            key TEXT NOT NULL,
            seq INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (collection, key)
        )""",
        # records are never changed or removed by qsgrules: if they are, by hand, the state
        # no longer says what they say, and is read again from the records until rebuilt
        """CREATE TRIGGER records_changed AFTER UPDATE ON records BEGIN
            INSERT OR REPLACE INTO state_meta VALUES ('stale', 'a record was changed');
        END""",
        """CREATE TRIGGER records_removed AFTER DELETE ON records BEGIN
            INSERT OR REPLACE INTO state_meta VALUES ('stale', 'a record was removed');
        END""",
    ),
)

#: The step that makes the materialised state (built from the records when applied).
STATE_SINCE = 4

SCHEMA_VERSION = len(MIGRATIONS)
