-- The knowledge base itself, shared by every shard: each version's files, which version is in
-- service, and the moderators' change log. A version is named by the hash of its files
-- (knowledge.VersionOf), so the same files are the same version on every machine.
CREATE TABLE kb_versions (
    version    text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE kb_files (
    version text  NOT NULL REFERENCES kb_versions (version),
    name    text  NOT NULL,
    content bytea NOT NULL,
    PRIMARY KEY (version, name)
);

-- One row: the version in service. A change locks it (SELECT ... FOR UPDATE) to check that it
-- still starts from the version it was made from.
CREATE TABLE kb_current (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version    text        NOT NULL REFERENCES kb_versions (version),
    changed_at timestamptz NOT NULL
);

-- The change log. user_id is a moderator's Discord id (or "terminal"): the one place user ids are
-- kept as they are, because a moderator's change must be traceable to the moderator.
CREATE TABLE kb_changes (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL,
    user_id      text        NOT NULL,
    action       text        NOT NULL,
    entry        text        NOT NULL DEFAULT '',
    question     text        NOT NULL DEFAULT '',
    file         text        NOT NULL DEFAULT '',
    line         integer     NOT NULL DEFAULT 0,
    from_version text        NOT NULL DEFAULT '',
    version      text        NOT NULL
);
