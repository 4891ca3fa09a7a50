// The one interface both LRS stores implement (SQLite for one machine, PostgreSQL for
// several LRS processes on one database). The HTTP layer prepares every row (ids,
// stored time, filter index, hashes) so the stores only keep and find data.

/** A statement ready to store, prepared by src/lrs/statements.ts. */
export interface StatementRow {
  id: string;
  storedMs: number;
  /** Full statement JSON as it will be returned in the `exact` format. */
  json: string;
  /** Hash of the statement as received, minus the fields the LRS fills in; same content ⇒ same hash. */
  hash: string;
  /** Id of the statement this one voids, when it is a voiding statement. */
  voidTarget?: string;
  /** Filter index: (kind, value) pairs, see statements.ts for kinds (including those inherited through a StatementRef). */
  index: Array<[string, string]>;
}

export interface ActivityRow {
  id: string;
  definition: string;
  /** Replace an existing canonical definition (key has the define scope) or only add a new one. */
  overwrite: boolean;
}

export interface AttachmentRow {
  /** Hex SHA-2 of the content, as in the statement's attachment `sha2`. */
  sha2: string;
  contentType: string;
  content: Buffer;
}

export interface StatementFilter {
  /** [kind, value] pairs that must all match. */
  match: Array<[string, string]>;
  sinceMs?: number;
  untilMs?: number;
  ascending: boolean;
  limit: number;
  /** Highest seq visible to this query (fixed by the first page so `more` pages stay stable). */
  upperSeq?: number;
  /** Last seq already returned. */
  afterSeq?: number;
}

export interface StatementHit {
  seq: number;
  json: string;
  storedMs: number;
}

export interface DocKey {
  kind: 'state' | 'activity_profile' | 'agent_profile';
  activityId: string;
  agent: string;
  registration: string;
  docId: string;
}

export type DocScope = Omit<DocKey, 'docId' | 'registration'> & { registration: string | null };

export interface Doc {
  contentType: string;
  content: Buffer;
  etag: string;
  updatedMs: number;
}

/** What a document mutation decided to do, after looking at the current version. */
export type DocDecision<R> = { write: Doc; result: R } | { remove: true; result: R } | { result: R };

export interface KeyRow {
  id: string;
  name: string;
  scopes: string[];
  activityPrefix: string | null;
  writeOnly: boolean;
  secretHash: string;
  createdMs: number;
  revokedMs: number | null;
  /** Requests per minute; null = server default. */
  rateLimit: number | null;
}

export class ConflictError extends Error {
  constructor(readonly statementId: string) {
    super(`statement ${statementId} already exists with different content`);
  }
}

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  /** All-or-nothing. Rows whose id exists with the same hash are skipped; a different hash throws ConflictError. */
  insertStatements(rows: StatementRow[], activities: ActivityRow[], attachments?: AttachmentRow[]): Promise<void>;
  getAttachments(sha2s: string[]): Promise<AttachmentRow[]>;
  getStatement(id: string): Promise<{ json: string; voided: boolean; storedMs: number } | undefined>;
  queryStatements(f: StatementFilter): Promise<StatementHit[]>;
  maxSeq(): Promise<number>;
  getActivity(id: string): Promise<string | undefined>;

  getDocument(key: DocKey): Promise<Doc | undefined>;
  /** Ids of documents; `registration: null` means any registration. */
  listDocumentIds(key: DocScope, sinceMs?: number): Promise<Array<{ id: string; updatedMs: number }>>;
  /** Read the current version and write/delete in one transaction (ETag checks stay atomic). */
  mutateDocument<R>(key: DocKey, decide: (current: Doc | undefined) => DocDecision<R>): Promise<R>;
  /** Delete every state document for an activity+agent (`registration: null`: in every registration). */
  deleteDocuments(key: DocScope): Promise<void>;

  createKey(k: KeyRow): Promise<void>;
  /** Stores the key only if there is no key at all (atomically, even across processes); true if stored. */
  createFirstKey(k: KeyRow): Promise<boolean>;
  getKey(id: string): Promise<KeyRow | undefined>;
  listKeys(): Promise<KeyRow[]>;
  revokeKey(id: string, atMs: number): Promise<boolean>;
  countKeys(): Promise<number>;

  close(): Promise<void>;
}
