namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// The numbered schema migrations. The database's <c>user_version</c> says how many have run; new ones are
/// appended, never edited, and each runs once in the same transaction that bumps the number.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<string> All { get; } =
    [
        // 1: customers with their open proposal, proposals, due approvers, append-only history, settings.
        """
        CREATE TABLE customers (
            id               TEXT    NOT NULL PRIMARY KEY,
            search           TEXT    NOT NULL,
            fields           TEXT    NOT NULL,
            proposal_seq     INTEGER NOT NULL,
            open_proposal_id TEXT    NULL,
            version          INTEGER NOT NULL
        );
        CREATE TABLE proposals (
            id           TEXT    NOT NULL PRIMARY KEY,
            customer_id  TEXT    NOT NULL REFERENCES customers (id),
            number       INTEGER NOT NULL,
            status       TEXT    NOT NULL,
            is_open      INTEGER NOT NULL,
            created_by   TEXT    NOT NULL COLLATE NOCASE,
            submitted_by TEXT    NULL COLLATE NOCASE,
            updated_at   TEXT    NOT NULL,
            version      INTEGER NOT NULL,
            body         TEXT    NOT NULL
        );
        CREATE UNIQUE INDEX proposals_one_open_per_customer ON proposals (customer_id) WHERE is_open = 1;
        CREATE INDEX proposals_by_customer ON proposals (customer_id, number);
        CREATE INDEX proposals_by_creator ON proposals (created_by, updated_at);
        CREATE INDEX proposals_by_submitter ON proposals (submitted_by, updated_at);
        CREATE TABLE proposal_due (
            user_id     TEXT NOT NULL COLLATE NOCASE,
            proposal_id TEXT NOT NULL,
            PRIMARY KEY (user_id, proposal_id)
        ) WITHOUT ROWID;
        CREATE INDEX proposal_due_by_proposal ON proposal_due (proposal_id);
        CREATE TABLE history (
            proposal_id TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            customer_id TEXT    NOT NULL,
            at          TEXT    NOT NULL,
            actor_id    TEXT    NOT NULL,
            actor_name  TEXT    NOT NULL,
            action      TEXT    NOT NULL,
            step        INTEGER NULL,
            comment     TEXT    NULL,
            detail      TEXT    NULL,
            PRIMARY KEY (proposal_id, seq)
        );
        CREATE INDEX history_by_customer ON history (customer_id);
        CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
            BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
        CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
            BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
        CREATE TABLE settings (
            id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            body    TEXT    NOT NULL,
            version INTEGER NOT NULL
        );
        CREATE TABLE settings_changes (
            seq        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            at         TEXT    NOT NULL,
            actor_id   TEXT    NOT NULL,
            actor_name TEXT    NOT NULL,
            setting    TEXT    NOT NULL,
            before     TEXT    NOT NULL,
            after      TEXT    NOT NULL
        );
        CREATE TRIGGER settings_changes_are_append_only BEFORE UPDATE ON settings_changes
            BEGIN SELECT RAISE(ABORT, 'settings changes are append-only'); END;
        """,

        // 2: the per-user indexes without updated_at, so a proposal write touches them only when the user changes.
        """
        DROP INDEX proposals_by_creator;
        DROP INDEX proposals_by_submitter;
        CREATE INDEX proposals_by_creator ON proposals (created_by);
        CREATE INDEX proposals_by_submitter ON proposals (submitted_by);
        """,

        // 3: the people the bot has met (roles, how to reach them) and idempotency claims shared by every instance.
        """
        CREATE TABLE users (
            id              TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
            name            TEXT    NOT NULL COLLATE NOCASE,
            upn             TEXT    NULL COLLATE NOCASE,
            email           TEXT    NULL COLLATE NOCASE,
            channel_user_id TEXT    NULL COLLATE NOCASE,
            roles           INTEGER NOT NULL,
            address         TEXT    NULL,
            version         INTEGER NOT NULL
        );
        CREATE INDEX users_by_upn ON users (upn) WHERE upn IS NOT NULL;
        CREATE INDEX users_by_email ON users (email) WHERE email IS NOT NULL;
        CREATE INDEX users_by_channel_id ON users (channel_user_id) WHERE channel_user_id IS NOT NULL;
        CREATE INDEX users_by_name ON users (name);
        CREATE TABLE claims (
            key TEXT NOT NULL PRIMARY KEY,
            at  TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX claims_by_age ON claims (at);
        """,
    ];
}
