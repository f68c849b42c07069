// Block Kit as Slack checks it: the limits from FACTS.md ("Block Kit limits") expressed as zod
// schemas, and errors reported the way Slack reports them, one
// `[ERROR] <what> [json-pointer:/path]` line each in response_metadata.messages.
import { type ZodType, z } from 'zod';
import { newBlockId } from './ids.js';

type Issue = z.core.$ZodIssue;

function describe(issue: Issue): string {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'array'
        ? `no more than ${issue.maximum} items allowed`
        : `must be less than ${Number(issue.maximum) + 1} characters`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must provide at least ${issue.minimum} items`
        : `must be more than ${Number(issue.minimum) - 1} characters`;
    case 'invalid_type':
      return issue.input === undefined ? 'missing required field' : `expected ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

function pointer(path: readonly PropertyKey[]): string {
  return `/${path.map(String).join('/')}`;
}

/** Slack's line for one issue: `[ERROR] must be less than 25 characters [json-pointer:/view/title/text]`. */
export function errorLine(issue: Issue, prefix: readonly PropertyKey[]): string {
  return `[ERROR] ${describe(issue)} [json-pointer:${pointer([...prefix, ...issue.path])}]`;
}

/**
 * A schema chosen by the value's `type` field. Unknown types only need a string `type`, so Block
 * Kit additions Slack makes later do not fail here. Nested issues keep Slack's wording.
 */
function byType(schemas: Record<string, ZodType>, fallback: ZodType): ZodType {
  return z.unknown().superRefine((value, ctx) => {
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    const schema = typeof type === 'string' ? (schemas[type] ?? fallback) : fallback;
    const result = schema.safeParse(value);
    if (result.success) return;
    for (const issue of result.error.issues) {
      ctx.addIssue({
        code: 'custom',
        message: issue.code === 'custom' ? issue.message : describe(issue),
        path: issue.path,
      });
    }
  });
}

const plainText = (max: number) =>
  z.object({
    type: z.literal('plain_text'),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  });
const anyText = (max: number) =>
  z.object({ type: z.enum(['plain_text', 'mrkdwn']), text: z.string().min(1).max(max) });

const actionId = z.string().min(1).max(255).optional();
const blockId = z.string().min(1).max(255).optional();

// Option limits: text 75 characters, value 150 (Slack's option object reference).
const option = z.object({
  text: anyText(75),
  value: z.string().min(1).max(150),
  description: anyText(75).optional(),
});
const optionGroup = z.object({ label: plainText(75), options: z.array(option).min(1).max(100) });

const elementSchemas: Record<string, ZodType> = {
  button: z.object({
    type: z.literal('button'),
    text: plainText(75),
    action_id: actionId,
    value: z.string().max(2000).optional(),
    url: z.string().max(3000).optional(),
    style: z.enum(['primary', 'danger']).optional(),
  }),
  static_select: z.object({
    action_id: actionId,
    placeholder: plainText(150).optional(),
    options: z.array(option).min(1).max(100).optional(),
    option_groups: z.array(optionGroup).min(1).max(100).optional(),
  }),
  multi_static_select: z.object({
    action_id: actionId,
    options: z.array(option).min(1).max(100).optional(),
    option_groups: z.array(optionGroup).min(1).max(100).optional(),
  }),
  radio_buttons: z.object({ action_id: actionId, options: z.array(option).min(1).max(10) }),
  checkboxes: z.object({ action_id: actionId, options: z.array(option).min(1).max(10) }),
  overflow: z.object({ action_id: actionId, options: z.array(option).min(1).max(5) }),
  plain_text_input: z.object({
    action_id: actionId,
    placeholder: plainText(150).optional(),
    max_length: z.number().int().min(1).max(3000).optional(),
  }),
  // FACTS.md: is_decimal_allowed is required; min, max and initial values travel as strings.
  number_input: z.object({
    action_id: actionId,
    is_decimal_allowed: z.boolean(),
    min_value: z.string().optional(),
    max_value: z.string().optional(),
    initial_value: z.string().optional(),
  }),
};
const element = byType(elementSchemas, z.object({ type: z.string(), action_id: actionId }));

const contextElement = byType(
  { plain_text: anyText(3000), mrkdwn: anyText(3000), image: z.object({ alt_text: z.string().max(2000) }) },
  z.object({ type: z.string() }),
);

const blockSchemas: Record<string, ZodType> = {
  section: z
    .object({
      block_id: blockId,
      text: anyText(3000).optional(),
      fields: z.array(anyText(2000)).min(1).max(10).optional(),
      accessory: element.optional(),
    })
    .refine((s) => s.text !== undefined || s.fields !== undefined, {
      message: 'must provide either text or fields',
    }),
  header: z.object({ block_id: blockId, text: plainText(150) }),
  divider: z.object({ block_id: blockId }),
  context: z.object({ block_id: blockId, elements: z.array(contextElement).min(1).max(10) }),
  actions: z.object({ block_id: blockId, elements: z.array(element).min(1).max(25) }),
  image: z.object({
    block_id: blockId,
    alt_text: z.string().min(1).max(2000),
    title: plainText(2000).optional(),
  }),
  input: z.object({
    block_id: blockId,
    label: plainText(2000),
    element,
    hint: plainText(2000).optional(),
    optional: z.boolean().optional(),
  }),
};
const block = byType(blockSchemas, z.object({ type: z.string(), block_id: blockId }));

const messageBlocks = z.array(block).max(50);

const modal = z
  .object({
    type: z.literal('modal'),
    title: plainText(24),
    submit: plainText(24).optional(),
    close: plainText(24).optional(),
    blocks: z.array(block).max(100),
    private_metadata: z.string().max(3000).optional(),
    callback_id: z.string().max(255).optional(),
    external_id: z.string().max(255).optional(),
  })
  .refine((v) => v.submit !== undefined || !v.blocks.some(isInputBlock), {
    message: 'must provide submit when the view has input blocks',
    path: ['submit'],
  });

const home = z.object({
  type: z.literal('home'),
  blocks: z.array(block).max(100),
  private_metadata: z.string().max(3000).optional(),
  callback_id: z.string().max(255).optional(),
  external_id: z.string().max(255).optional(),
});

function isInputBlock(b: unknown): boolean {
  return typeof b === 'object' && b !== null && (b as { type?: unknown }).type === 'input';
}

/** Slack rejects two blocks with the same block_id in one message or view. */
function duplicateBlockIds(blocks: readonly unknown[], prefix: readonly PropertyKey[]): string[] {
  const seen = new Set<string>();
  const messages: string[] = [];
  blocks.forEach((b, i) => {
    const id = typeof b === 'object' && b !== null ? (b as { block_id?: unknown }).block_id : undefined;
    if (typeof id !== 'string') return;
    if (seen.has(id))
      messages.push(
        `[ERROR] duplicate block_id "${id}" [json-pointer:${pointer([...prefix, i, 'block_id'])}]`,
      );
    seen.add(id);
  });
  return messages;
}

function check(schema: ZodType, value: unknown, prefix: readonly PropertyKey[]): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => errorLine(issue, prefix));
}

/** Problems with a message's blocks (at most 50); an empty list means Slack would accept them. */
export function messageBlockErrors(blocks: unknown): string[] {
  const problems = check(messageBlocks, blocks, ['blocks']);
  return problems.length > 0 || !Array.isArray(blocks) ? problems : duplicateBlockIds(blocks, ['blocks']);
}

/** Problems with a view: a modal (title, submit, close at most 24 characters; 100 blocks) or a Home tab. */
export function viewErrors(view: unknown, expected: 'modal' | 'home'): string[] {
  const problems = check(expected === 'modal' ? modal : home, view, ['view']);
  if (problems.length > 0) return problems;
  const blocks = (view as { blocks: unknown[] }).blocks;
  return duplicateBlockIds(blocks, ['view', 'blocks']);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withActionId(el: unknown): unknown {
  if (!isObject(el) || typeof el.type !== 'string' || el.action_id !== undefined) return el;
  if (['plain_text', 'mrkdwn', 'image'].includes(el.type)) return el;
  return { ...el, action_id: newBlockId() };
}

/**
 * The blocks as Slack stores them: a block without block_id gets a generated one, and so does an
 * interactive element without action_id (FACTS.md: code that reads state must set its own).
 */
export function withGeneratedIds(blocks: readonly unknown[]): unknown[] {
  return blocks.map((b) => {
    if (!isObject(b)) return b;
    const out: Json = { ...b, block_id: typeof b.block_id === 'string' ? b.block_id : newBlockId() };
    if (Array.isArray(b.elements) && b.type === 'actions') out.elements = b.elements.map(withActionId);
    if (b.accessory !== undefined) out.accessory = withActionId(b.accessory);
    if (b.element !== undefined) out.element = withActionId(b.element);
    return out;
  });
}
