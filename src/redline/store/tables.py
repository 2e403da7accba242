"""The store's tables, as SQLAlchemy Core metadata shared by SQLite and PostgreSQL.

Entity bodies are content-addressed (``entity_blobs``): a snapshot lists which entity
versions it holds, so that a daily update which changes fifty entities stores fifty new
bodies, not fifteen thousand.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False, index=True),
    # loading → active | held | inactive; a killed load never commits, so 'loading' rows
    # are never seen by other connections.
    Column("status", String(16), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("files", Text, nullable=False),  # JSON: [{name, sha256, size}]
    Column("published_at", String(32)),
    Column("fetched_at", String(32)),
    Column("loaded_at", String(32), nullable=False),
    Column("activated_at", String(32)),
    Column("entity_count", Integer, nullable=False, default=0),
    Column("relation_count", Integer, nullable=False, default=0),
    Column("skipped_count", Integer, nullable=False, default=0),
    Column("skipped", Text, nullable=False, default="[]"),  # JSON: first RecordErrors
    Column("schema_counts", Text, nullable=False, default="{}"),  # JSON: {schema: n}
    Column("sample", Boolean, nullable=False, default=False),
    Column("forced", Boolean, nullable=False, default=False),
    Column("origin", Text),  # where the files came from: paths or URLs
)

entity_blobs = Table(
    "entity_blobs",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("data", Text, nullable=False),  # FtM JSON
)

snapshot_entities = Table(
    "snapshot_entities",
    metadata,
    Column(
        "snapshot_id",
        Integer,
        ForeignKey("snapshots.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("entity_id", String(128), primary_key=True),
    Column("schema", String(32), nullable=False),
    Column("caption", Text, nullable=False),
    Column("hash", String(64), ForeignKey("entity_blobs.hash"), nullable=False),
    Index("ix_snapshot_entities_entity", "entity_id"),
)

active = Table(
    "active",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("activated_at", String(32), nullable=False),
)

# -- the screening record: portfolio, runs, alerts, decisions, audit log -------------------

customers = Table(
    "customers",
    metadata,
    # The customer's own id, as the institution knows it, so that alerts and exports
    # speak the same language as its core systems.
    Column("id", String(128), primary_key=True),
    Column("schema", String(32), nullable=False),
    Column("caption", Text, nullable=False),
    Column("data", Text, nullable=False),  # FtM JSON of the customer as imported
    Column("hash", String(64), nullable=False),  # content hash: did the record change?
    Column("screened_hash", String(64), nullable=False),  # hash of what matching reads
    # The import that last added or changed the record; a run remembers the highest
    # revision it saw, so the next run knows which customers changed since.
    Column("revision", Integer, nullable=False, index=True),
    Column("imported_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("origin", Text),
)

screening_runs = Table(
    "screening_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # rescreen
    Column("status", String(16), nullable=False),  # running | done | failed
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("customer_revision", Integer, nullable=False),
    Column("snapshots", Text, nullable=False),  # JSON: {source: {id, content_hash}}
    Column("params", Text, nullable=False),  # JSON: algorithm, threshold, limits
    Column("counts", Text, nullable=False, default="{}"),  # JSON
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("screening_runs.id"), nullable=False),
    Column("customer_id", String(128), ForeignKey("customers.id"), nullable=False),
    Column("entity_id", String(128), nullable=False),
    Column("source", String(64), nullable=False),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("schema", String(32), nullable=False),
    Column("caption", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("algorithm", String(32), nullable=False),
    Column("explanation", Text, nullable=False),  # JSON: names compared, features
    # What the alert was raised on. The screened hashes decide whether a decided alert
    # may speak again; the versions let a later alert show what changed.
    Column("customer_hash", String(64), nullable=False),
    Column("entity_hash", String(64), nullable=False),
    Column("entity_version", String(64), ForeignKey("entity_blobs.hash"), nullable=False),
    Column("customer_data", Text, nullable=False),  # FtM JSON of the customer then
    # open | true_match | false_positive | escalated | auto_discounted | delisted
    Column("status", String(20), nullable=False, index=True),
    Column("reason", Text),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("previous_id", Integer, ForeignKey("alerts.id")),
    Column("superseded_by", Integer, ForeignKey("alerts.id")),
    Column("changes", Text),  # JSON: property diff against the previous alert
    Index("ix_alerts_pair", "customer_id", "entity_id"),
)

decisions = Table(
    "decisions",
    metadata,
    # Append-only: a decision is never edited; a newer one for the same alert wins.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False, index=True),
    Column("decision", String(20), nullable=False),  # true_match | false_positive | escalated
    Column("reason", Text, nullable=False),
    Column("user", String(128), nullable=False),
    Column("decided_at", String(32), nullable=False),
    Column("previous_status", String(20), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    # Append-only and hash-chained: hash = sha256(prev_hash + canonical JSON of the
    # record), so editing, inserting or deleting a record breaks the chain after it.
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("time", String(32), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    # The last record's seq and hash, written with it: cutting records off the end of
    # the chain leaves a head that points past it.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    # Only the key's SHA-256 digest is stored; ``prefix`` (the key's first characters,
    # not secret) lets a user tell keys apart in listings and logs.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False),
    Column("role", String(16), nullable=False),  # viewer | analyst | admin
    Column("prefix", String(16), nullable=False, unique=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("revoked_at", String(32)),
)

# -- adverse media: articles grouped into stories of copies (migration 0004) ---------------

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text),  # where the text was read from
    Column("canonical_url", Text),  # the publisher's own address, canonicalised
    Column("title", Text),
    Column("outlet", String(256)),
    Column("author", Text),
    Column("published", String(32)),  # ISO date as the page gives it
    Column("language", String(8)),  # ISO 639-1
    Column("text", Text, nullable=False),  # body without page furniture
    # sha256 of the normalised text: the same text found twice is stored once.
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("origin", Text, nullable=False),  # what the user gave: path, URL, feed#item
    Column("fetched_at", String(32), nullable=False),
    Column("attributions", Text, nullable=False),  # JSON: [{outlet, start, end}]
    # MinHash of the word 4-gram shingles with the parameters it was computed with.
    Column("minhash", LargeBinary, nullable=False),
    Column("minhash_perm", Integer, nullable=False),
    Column("minhash_seed", BigInteger, nullable=False),
    # The group of copies (named by its first stored member) and its earliest copy.
    Column("story_id", Integer, ForeignKey("articles.id"), index=True),
    Column("original_id", Integer, ForeignKey("articles.id")),
    Column("added_at", String(32), nullable=False),
)

article_buckets = Table(
    "article_buckets",
    metadata,
    # LSH bands of each article's MinHash: articles sharing a bucket are candidate copies.
    Column("bucket", String(24), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)

# -- adverse media: mentions of listed parties and customers (migration 0005) --------------

media_mentions = Table(
    "media_mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("party_kind", String(16), nullable=False),  # entity | customer
    Column("party_id", String(128), nullable=False),
    Column("party_caption", Text, nullable=False),
    Column("schema", String(32), nullable=False),
    Column("source", String(64), nullable=False),  # list source, or "portfolio"
    Column("start", Integer, nullable=False),  # text[start:end] is the mention
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("name", Text, nullable=False),  # the party's name it matched
    Column("score", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("linked_at", String(32), nullable=False),
    Index("ix_media_mentions_article", "article_id"),
    Index("ix_media_mentions_party", "party_kind", "party_id"),
)

media_linked = Table(
    "media_linked",
    metadata,
    # Which gazetteer (active list snapshots + portfolio revision) an article was last
    # linked with: a list update changes the key and makes the article due again.
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("gazetteer", String(32), nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("linked_at", String(32), nullable=False),
)
