-- What moderators need to improve the knowledge base (package feedback): declined questions,
-- votes on answers and answers marked not helpful, from every shard. No user ids are kept:
-- askers and voters are salted hashes (feedback.Hash) under the one salt in feedback_meta, so
-- that every shard hashes a person alike.

CREATE TABLE feedback_meta (
    key   text  PRIMARY KEY,
    value bytea NOT NULL
);

-- Declined questions, grouped by feedback.Normalize(question), the key. id is
-- feedback.DeclinedID(key), what a Discord custom_id carries, so that a moderator's click finds
-- its question by the primary key.
CREATE TABLE feedback_declined (
    id           text        PRIMARY KEY,
    question_key text        NOT NULL,
    question     text        NOT NULL, -- as first asked
    count        integer     NOT NULL,
    askers       text[]      NOT NULL, -- distinct asker hashes, at most feedback.MaxAskersKept
    first_at     timestamptz NOT NULL,
    last_at      timestamptz NOT NULL,
    resolution   text        NOT NULL DEFAULT '' -- '', 'out-of-scope' or 'taught:ENTRY_ID'
);
-- A full table (feedback.MaxDeclinedKept) drops its least asked, oldest question: found here.
CREATE INDEX feedback_declined_least_asked ON feedback_declined (count, last_at);

-- Answers marked not helpful, by question and entry. id is
-- feedback.DeclinedID(feedback.UnhelpfulKey(question, entry_id)).
CREATE TABLE feedback_unhelpful (
    id         text        PRIMARY KEY,
    question   text        NOT NULL, -- as first asked
    entry_id   text        NOT NULL,
    count      integer     NOT NULL,
    last_at    timestamptz NOT NULL,
    resolution text        NOT NULL DEFAULT '' -- '', 'confirmed' or 'taught:ENTRY_ID'
);

-- Votes on answers, by entry.
CREATE TABLE feedback_votes (
    entry_id    text        PRIMARY KEY,
    helpful     integer     NOT NULL,
    not_helpful integer     NOT NULL,
    last_at     timestamptz NOT NULL
);

-- Who voted on which answer, as feedback.Hash(salt, "vote", answer, user), remembered for
-- feedback.VoterMemory to ignore a second vote; older rows are deleted, oldest first, by index.
CREATE TABLE feedback_voters (
    voter    text        PRIMARY KEY,
    voted_at timestamptz NOT NULL
);
CREATE INDEX feedback_voters_voted_at ON feedback_voters (voted_at);
