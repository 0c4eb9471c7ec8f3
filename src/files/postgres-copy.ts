// Reading bytea through COPY … TO STDOUT (FORMAT binary), for PostgresFileStore. node-postgres reads
// every result in text format, where bytea arrives as hex (twice the bytes, built into a string, then
// decoded), and its `binary: true` decodes the row as UTF-8 text, spoiling the bytes. COPY's binary
// format sends the bytes as they are, and node-postgres hands a COPY's data over as Buffers: on this
// machine a chunk read this way cost a third of the CPU of the hex SELECT. node-postgres runs any
// object with `submit` as a query (what pg-copy-streams builds on); CopyOut is the little of it
// needed here, collecting one small result whole.
import type { ClientBase } from 'pg';

/** COPY's binary header: the signature, a flags field and the length of an extension area. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8;

/** The messages node-postgres gives a submitted query (the ones a COPY TO can receive). */
interface Connection {
  query(text: string): void;
}

class CopyOut {
  readonly values: (Buffer | null)[] = [];
  private headerRead = false;
  private settled = false;
  private resolve!: (values: (Buffer | null)[]) => void;
  private reject!: (error: Error) => void;
  readonly done = new Promise<(Buffer | null)[]>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor(readonly text: string) {}

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  /** The server sends each row in a message of its own, the first also carrying the header. */
  handleCopyData(message: { chunk: Buffer }): void {
    let row = message.chunk;
    if (!this.headerRead) {
      if (row.length < HEADER_BYTES || !row.subarray(0, SIGNATURE.length).equals(SIGNATURE)) return this.fail(new Error('COPY sent no binary header'));
      row = row.subarray(HEADER_BYTES + row.readUInt32BE(SIGNATURE.length + 4));
      this.headerRead = true;
    }
    if (row.length < 2) return;
    const fields = row.readInt16BE(0);
    if (fields === -1) return;
    if (fields !== 1) return this.fail(new Error(`COPY sent ${fields} fields, expected 1`));
    const length = row.readInt32BE(2);
    // Copied: the message lies in node-postgres's read buffer, which it reuses for later messages.
    this.values.push(length < 0 ? null : Buffer.from(row.subarray(6, 6 + length)));
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyInResponse(): void {}

  handleError(error: Error): void {
    this.fail(error);
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.values);
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

/**
 * The one column of each row `select` gives, in order, in binary (bytea as its bytes). `select` is
 * put inside COPY as it is: COPY takes no parameters, so every value in it must be checked or a number.
 */
export function copyColumn(client: ClientBase, select: string): Promise<(Buffer | null)[]> {
  const copy = new CopyOut(`COPY (${select}) TO STDOUT (FORMAT binary)`);
  (client as unknown as { query(submittable: CopyOut): void }).query(copy);
  return copy.done;
}
