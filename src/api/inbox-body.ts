import { LiftedListReader } from './lifted-list.js';
import { type InboxMessage, describeIssues, inboxMessageSchema } from './schemas.js';

const MESSAGES_PATH = ['response', 'orders', 'order'] as const;

/**
 * Reads a get-inbox body message by message. An inbox has no paging and its texts may be long
 * (tens of kilobytes each), so the body is never held whole beside its parse tree: each message
 * is parsed and checked on its own as its last byte arrives and handed to `keep`, and only what
 * `keep` returns stays, so a long text dies young. A lone message sent as an object, not a list,
 * stays in the rest of the body for the schema.
 */
export class InboxReader<T> extends LiftedListReader {
  readonly messages: T[];

  constructor(keep: (message: InboxMessage) => T) {
    const messages: T[] = [];
    super(MESSAGES_PATH, (value, where) => {
      const parsed = inboxMessageSchema.safeParse(value);
      if (!parsed.success) return describeIssues(parsed.error, where());
      messages.push(keep(parsed.data));
      return undefined;
    });
    this.messages = messages;
  }
}
