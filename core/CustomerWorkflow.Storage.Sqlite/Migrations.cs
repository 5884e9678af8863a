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

        // 3: fewer pages per commit. The open proposal moves into its customer's row (so a write while it is open
        // changes one row, and one open proposal per customer holds by construction). Closed proposals are
        // appended (their bodies are too big to cluster by customer without overflow pages and splits), with one
        // small index; history, the per-user list and the due list are clustered by their key (WITHOUT ROWID), so
        // a commit touches one page in each and no secondary index. The due list follows the customer row's
        // open_due by trigger, so it cannot drift from the proposal it indexes.
        """
        ALTER TABLE customers ADD COLUMN open_body TEXT NULL;
        ALTER TABLE customers ADD COLUMN open_updated_at TEXT NULL;
        ALTER TABLE customers ADD COLUMN open_due TEXT NULL;
        UPDATE customers SET
            open_body = (SELECT p.body FROM proposals p WHERE p.id = customers.open_proposal_id AND p.is_open = 1),
            open_updated_at = (SELECT p.updated_at FROM proposals p WHERE p.id = customers.open_proposal_id AND p.is_open = 1),
            open_due = (SELECT CASE WHEN count(*) > 0 THEN json_group_array(d.user_id) END
                        FROM proposal_due d WHERE d.proposal_id = customers.open_proposal_id)
        WHERE open_proposal_id IS NOT NULL;
        UPDATE customers SET open_proposal_id = NULL, open_due = NULL WHERE open_body IS NULL;

        CREATE TABLE closed_proposals (
            seq         INTEGER NOT NULL PRIMARY KEY,
            customer_id TEXT    NOT NULL,
            id          TEXT    NOT NULL,
            number      INTEGER NOT NULL,
            updated_at  TEXT    NOT NULL,
            body        TEXT    NOT NULL
        );
        CREATE UNIQUE INDEX closed_proposals_by_customer ON closed_proposals (customer_id, id);
        INSERT INTO closed_proposals (customer_id, id, number, updated_at, body)
            SELECT customer_id, id, number, updated_at, body FROM proposals WHERE is_open = 0;

        CREATE TABLE proposal_users (
            user_id     TEXT NOT NULL COLLATE NOCASE,
            proposal_id TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            PRIMARY KEY (user_id, proposal_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO proposal_users (user_id, proposal_id, customer_id)
            SELECT created_by, id, customer_id FROM proposals
            UNION ALL SELECT submitted_by, id, customer_id FROM proposals WHERE submitted_by IS NOT NULL;

        CREATE TABLE awaiting (
            user_id     TEXT NOT NULL COLLATE NOCASE,
            proposal_id TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            PRIMARY KEY (user_id, proposal_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO awaiting (user_id, proposal_id, customer_id)
            SELECT j.value, c.open_proposal_id, c.id FROM customers c, json_each(c.open_due) j WHERE c.open_due IS NOT NULL;
        CREATE TRIGGER customers_awaiting_on_insert AFTER INSERT ON customers
            WHEN new.open_due IS NOT NULL AND new.open_proposal_id IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO awaiting (user_id, proposal_id, customer_id)
                SELECT value, new.open_proposal_id, new.id FROM json_each(new.open_due);
        END;
        CREATE TRIGGER customers_awaiting_on_update AFTER UPDATE OF open_proposal_id, open_due ON customers
            WHEN old.open_due IS NOT new.open_due OR old.open_proposal_id IS NOT new.open_proposal_id
        BEGIN
            DELETE FROM awaiting
                WHERE proposal_id = old.open_proposal_id
                  AND user_id IN (SELECT value FROM json_each(coalesce(old.open_due, '[]')))
                  AND (old.open_proposal_id IS NOT new.open_proposal_id
                       OR user_id NOT IN (SELECT value FROM json_each(coalesce(new.open_due, '[]'))));
            INSERT OR IGNORE INTO awaiting (user_id, proposal_id, customer_id)
                SELECT value, new.open_proposal_id, new.id FROM json_each(coalesce(new.open_due, '[]'))
                WHERE new.open_proposal_id IS NOT NULL;
        END;

        CREATE TABLE history_clustered (
            customer_id TEXT    NOT NULL,
            number      INTEGER NOT NULL,
            seq         INTEGER NOT NULL,
            proposal_id TEXT    NOT NULL,
            at          TEXT    NOT NULL,
            actor_id    TEXT    NOT NULL,
            actor_name  TEXT    NOT NULL,
            action      TEXT    NOT NULL,
            step        INTEGER NULL,
            comment     TEXT    NULL,
            detail      TEXT    NULL,
            PRIMARY KEY (customer_id, number, seq)
        ) WITHOUT ROWID;
        INSERT INTO history_clustered (customer_id, number, seq, proposal_id, at, actor_id, actor_name, action, step, comment, detail)
            SELECT h.customer_id, p.number, h.seq, h.proposal_id, h.at, h.actor_id, h.actor_name, h.action, h.step, h.comment, h.detail
            FROM history h JOIN proposals p ON p.id = h.proposal_id;
        DROP TABLE history;
        ALTER TABLE history_clustered RENAME TO history;
        CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
            BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
        CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
            BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;

        DROP TABLE proposal_due;
        DROP TABLE proposals;
        """,

        // 4: the people the bot has met (roles, how to reach them) and idempotency claims shared by every instance.
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

        // 5: where the bot's cards about each proposal are (to update them for everyone), and the notices that failed.
        """
        CREATE TABLE sent_cards (
            proposal_id TEXT NOT NULL,
            activity_id TEXT NOT NULL,
            user_id     TEXT NOT NULL,
            address     TEXT NOT NULL,
            at          TEXT NOT NULL,
            PRIMARY KEY (proposal_id, activity_id)
        ) WITHOUT ROWID;
        CREATE TABLE notices (
            seq         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            customer_id TEXT    NOT NULL,
            proposal_id TEXT    NOT NULL,
            at          TEXT    NOT NULL,
            user_id     TEXT    NOT NULL,
            delivered   INTEGER NOT NULL,
            detail      TEXT    NOT NULL
        );
        CREATE INDEX notices_by_customer ON notices (customer_id, seq);
        CREATE TRIGGER notices_are_append_only BEFORE UPDATE ON notices
            BEGIN SELECT RAISE(ABORT, 'notices are append-only'); END;
        """,

        // 6: the import log: one row per import (who, when, entry point, counts; the record as JSON), unique by the
        // caller's idempotency key, and its row results in pages clustered by import.
        """
        CREATE TABLE imports (
            id              TEXT NOT NULL PRIMARY KEY,
            at              TEXT NOT NULL,
            entry_point     TEXT NOT NULL,
            actor_id        TEXT NOT NULL,
            idempotency_key TEXT NULL UNIQUE,
            body            TEXT NOT NULL
        );
        CREATE INDEX imports_by_time ON imports (at);
        CREATE TRIGGER imports_are_recorded_once BEFORE UPDATE ON imports
            BEGIN SELECT RAISE(ABORT, 'an import is recorded once'); END;
        CREATE TABLE import_rows (
            import_id TEXT    NOT NULL,
            page      INTEGER NOT NULL,
            body      TEXT    NOT NULL,
            PRIMARY KEY (import_id, page)
        ) WITHOUT ROWID;
        """,

        // 7: workflows. Each version is stored once and never changed; the head row holds the state, the current version
        // and the revision that guards concurrent saves. A customer row names the workflow its open proposal runs under
        // (open_workflow, set with the proposal in the same write), so "is anything running under it" is one index probe.
        // People get a manager and an approval limit for the manager, chain and first-qualified approver types.
        """
        CREATE TABLE workflows (
            code       TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
            state      TEXT    NOT NULL,
            version    INTEGER NOT NULL,
            revision   INTEGER NOT NULL,
            updated_at TEXT    NOT NULL,
            updated_by TEXT    NOT NULL
        );
        CREATE TABLE workflow_versions (
            code    TEXT    NOT NULL COLLATE NOCASE,
            version INTEGER NOT NULL,
            body    TEXT    NOT NULL,
            PRIMARY KEY (code, version)
        ) WITHOUT ROWID;
        CREATE TRIGGER workflow_versions_are_immutable BEFORE UPDATE ON workflow_versions
            BEGIN SELECT RAISE(ABORT, 'workflow versions are immutable'); END;
        ALTER TABLE customers ADD COLUMN open_workflow TEXT NULL COLLATE NOCASE;
        CREATE INDEX customers_by_open_workflow ON customers (open_workflow) WHERE open_workflow IS NOT NULL;
        ALTER TABLE users ADD COLUMN manager_id TEXT NULL;
        ALTER TABLE users ADD COLUMN approval_limit TEXT NULL;
        """,

        // 8: the scheduler's due items (claimed with a lease, so several instances share them), the digest entries held
        // for people who chose a daily digest, and the workflow users' substitute, away-until and notification setting.
        """
        CREATE TABLE due_items (
            id          TEXT    NOT NULL PRIMARY KEY,
            kind        TEXT    NOT NULL,
            subject     TEXT    NOT NULL,
            step        INTEGER NOT NULL,
            due_at      INTEGER NOT NULL,
            owner       TEXT    NULL,
            lease_until INTEGER NULL,
            token       TEXT    NULL
        ) WITHOUT ROWID;
        CREATE INDEX due_items_by_due ON due_items (due_at);
        CREATE TABLE digest_entries (
            user_id     TEXT NOT NULL COLLATE NOCASE,
            id          TEXT NOT NULL,
            at          TEXT NOT NULL,
            kind        TEXT NOT NULL,
            proposal_id TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            text        TEXT NOT NULL,
            PRIMARY KEY (user_id, id)
        ) WITHOUT ROWID;
        ALTER TABLE users ADD COLUMN substitute_id TEXT NULL COLLATE NOCASE;
        ALTER TABLE users ADD COLUMN away_until TEXT NULL;
        ALTER TABLE users ADD COLUMN notify TEXT NULL;
        """,

        // 9: fewer pages per commit, again. A proposal's history is kept with the proposal: in its customer's row while
        // it is open (open_history), and in its closed_proposals row once closed, so an approve that applies writes the
        // customer row and appends one closed row, instead of also splitting the pages of a history table clustered by
        // customer (3 to 4 pages per approve). Closed proposals are found through the list of their rows in the customer
        // row (closed_seqs) rather than through an index that every close inserted into at a random page. The awaiting
        // list gains entries in the write that makes someone due, as before, but a write that makes someone no longer
        // due leaves the entry: readers check each entry against the row's due approvers, and the store deletes such
        // entries later, in batches of their own (see SqliteWorkflowStore.Awaiting). The triggers that kept the list
        // exact are dropped with it; history stays append-only, checked on the text that holds it.
        """
        ALTER TABLE customers ADD COLUMN open_history TEXT NULL;
        ALTER TABLE customers ADD COLUMN closed_seqs TEXT NULL;
        ALTER TABLE closed_proposals ADD COLUMN history TEXT NOT NULL DEFAULT '[]';

        UPDATE customers SET open_history = (
            SELECT json_group_array(json(entry)) FROM (
                SELECT json_object('s', h.seq, 't', h.at, 'u', h.actor_id, 'n', h.actor_name, 'a', h.action,
                                   'p', h.step, 'c', h.comment, 'd', h.detail) AS entry
                FROM history h WHERE h.customer_id = customers.id AND h.proposal_id = customers.open_proposal_id
                ORDER BY h.seq))
        WHERE open_proposal_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM history h WHERE h.customer_id = customers.id AND h.proposal_id = customers.open_proposal_id);
        UPDATE closed_proposals SET history = (
            SELECT json_group_array(json(entry)) FROM (
                SELECT json_object('s', h.seq, 't', h.at, 'u', h.actor_id, 'n', h.actor_name, 'a', h.action,
                                   'p', h.step, 'c', h.comment, 'd', h.detail) AS entry
                FROM history h WHERE h.customer_id = closed_proposals.customer_id AND h.proposal_id = closed_proposals.id
                ORDER BY h.seq))
        WHERE EXISTS (SELECT 1 FROM history h WHERE h.customer_id = closed_proposals.customer_id AND h.proposal_id = closed_proposals.id);
        UPDATE customers SET closed_seqs = (
            SELECT json_group_array(seq) FROM (SELECT p.seq FROM closed_proposals p WHERE p.customer_id = customers.id ORDER BY p.number))
        WHERE EXISTS (SELECT 1 FROM closed_proposals p WHERE p.customer_id = customers.id);

        DROP TABLE history;
        DROP INDEX closed_proposals_by_customer;
        DROP TRIGGER customers_awaiting_on_insert;
        DROP TRIGGER customers_awaiting_on_update;

        CREATE TRIGGER open_history_is_append_only BEFORE UPDATE OF open_history ON customers
            WHEN old.open_history IS NOT NULL AND new.open_proposal_id IS old.open_proposal_id
             AND (new.open_history IS NULL
                  OR substr(new.open_history, 1, length(old.open_history) - 1) IS NOT substr(old.open_history, 1, length(old.open_history) - 1))
            BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
        CREATE TRIGGER closed_history_is_append_only BEFORE UPDATE OF history ON closed_proposals
            WHEN substr(new.history, 1, length(old.history) - 1) IS NOT substr(old.history, 1, length(old.history) - 1)
            BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
        CREATE TRIGGER closed_proposals_are_kept BEFORE DELETE ON closed_proposals
            BEGIN SELECT RAISE(ABORT, 'closed proposals and their history are kept'); END;
        """,
    ];
}
