// How a channel's messages are declared (after GitLens's webview protocol, in our own terms): each message is
// a named schema; commands and notifications go one way and are never answered; a request carries a
// `requestId` and is answered by its response, which carries the same id. A table of them parses whatever
// arrives on the channel: the message typed, or a problem that names the field at fault.
import * as v from 'valibot';
import { count, describeValue, type Parsed, parseWith, text } from './schemaParts';

type Entries = v.ObjectEntries;
type MessageSchema<T extends string, E extends Entries> = v.ObjectSchema<{ type: v.LiteralSchema<T, undefined> } & E, undefined>;

/** One kind of message: its `type`, its schema, and a type guard for a message its table has parsed. */
export interface MessageType<T extends string = string, E extends Entries = Entries> {
  readonly type: T;
  readonly schema: MessageSchema<T, E>;
  is<M extends { type: string }>(message: M): message is Extract<M, { type: T }>;
}

/** The message type `M` describes. */
export type MessageOf<M extends MessageType> = v.InferOutput<M['schema']>;

function messageType<const T extends string, const E extends Entries>(type: T, entries: E): MessageType<T, E> {
  const schema = v.object({ type: v.literal(type), ...entries }) as unknown as MessageSchema<T, E>;
  return { type, schema, is: <M extends { type: string }>(message: M): message is Extract<M, { type: T }> => message.type === type };
}

/** A message that asks for nothing back. */
export const command = messageType;
/** A message that tells the other side something has happened; nothing comes back. */
export const notification = messageType;

const requestId = { requestId: count };

/** A request and the response that answers it (matched by `requestId`). */
export function request<const T extends string, const P extends Entries, const R extends string, const A extends Entries>(
  type: T,
  params: P,
  responseType: R,
  response: A,
): { request: MessageType<T, typeof requestId & P>; response: MessageType<R, typeof requestId & A> } {
  return { request: messageType(type, { ...requestId, ...params }), response: messageType(responseType, { ...requestId, ...response }) };
}

/** All the messages one side of a channel receives. */
export interface MessageTable<M extends MessageType, Envelope extends Entries = Record<never, never>> {
  readonly messages: readonly M[];
  /** The message typed, or why it was refused (which field, what was expected); never throws. */
  parse(raw: unknown): Parsed<MessageOf<M> & v.InferOutput<v.ObjectSchema<Envelope, undefined>>>;
}

/** A table of `messages`, each also carrying the `envelope`'s fields (e.g. a protocol version). */
export function messageTable<const M extends MessageType, const Envelope extends Entries = Record<never, never>>(
  messages: readonly M[],
  envelope: Envelope = {} as Envelope,
): MessageTable<M, Envelope> {
  const byType = new Map<string, v.GenericSchema>(messages.map((m) => [m.type, v.object({ ...m.schema.entries, ...envelope })]));
  const head = v.object({ ...envelope, type: text(100) });
  return {
    messages,
    parse(raw) {
      const shaped = parseWith(head, raw);
      if (!shaped.ok) return { ok: false, problem: `not a message: ${shaped.problem} in ${describeValue(raw, 120)}` };
      const type = (shaped.value as { type: string }).type;
      const schema = byType.get(type);
      if (!schema) return { ok: false, problem: `unknown message type ${describeValue(type, 60)}` };
      const parsed = parseWith(schema, raw);
      return parsed.ok ? (parsed as Parsed<MessageOf<M> & v.InferOutput<v.ObjectSchema<Envelope, undefined>>>) : { ok: false, problem: `malformed '${type}' message: ${parsed.problem}` };
    },
  };
}
