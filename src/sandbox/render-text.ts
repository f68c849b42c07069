// Block Kit as a person would read it in a terminal: for the sandbox CLI and the demo's output.
// Never raw JSON: every block becomes text, or nothing when it has none.

export interface RenderOptions {
  /** Bold headers and *bold* text, dimmed context, via ANSI escapes (for a TTY). Default false. */
  ansi?: boolean;
}

type Json = Record<string, unknown>;

const RULE = '─'.repeat(48);
const COLUMN_WIDTH = 36;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

class Style {
  constructor(readonly ansi: boolean) {}
  bold = (s: string) => (this.ansi ? `\u001b[1m${s}\u001b[22m` : s);
  underline = (s: string) => (this.ansi ? `\u001b[4m${s}\u001b[24m` : s);
  dim = (s: string) => (this.ansi ? `\u001b[2m${s}\u001b[22m` : s);
  /** mrkdwn *bold* becomes bold on a TTY and stays `*bold*` (still readable) in plain text. */
  strong = (s: string) =>
    this.ansi ? s.replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s.,;:!?)])/g, `$1${this.bold('$2')}`) : s;
}

/** Slack's mrkdwn escapes and angle-bracket references made readable. */
/** Slack's emoji shortcodes the app uses, as the characters a terminal can show. */
const EMOJI: Record<string, string> = {
  warning: '⚠️',
  white_check_mark: '✅',
  rotating_light: '🚨',
  grey_question: '❔',
  arrows_counterclockwise: '🔄',
  bulb: '💡',
  hourglass: '⌛',
};

function readable(text: string): string {
  return text
    .replace(/:([a-z_]+):/g, (code: string, name: string) => EMOJI[name] ?? code)
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]+))?>/g, (_m, id: string, name?: string) => `@${name ?? id}`)
    .replace(/<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `#${name || id}`)
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<!date\^\d+\^[^|>]*\|([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return readable(value);
  if (isObject(value) && typeof value.text === 'string') return readable(value.text);
  return undefined;
}

/** Plain text out of rich_text blocks and their nested elements. */
function richText(value: unknown): string {
  if (Array.isArray(value)) return value.map(richText).join('');
  if (!isObject(value)) return '';
  if (typeof value.text === 'string') return value.text;
  if (value.type === 'user' && typeof value.user_id === 'string') return `@${value.user_id}`;
  if (value.type === 'channel' && typeof value.channel_id === 'string') return `#${value.channel_id}`;
  if (value.type === 'link' && typeof value.url === 'string') return value.url;
  const inner = richText(value.elements);
  return value.type === 'rich_text_section' || value.type === 'rich_text_list' ? `${inner}\n` : inner;
}

/** An element as a control label: `[Answer (1 min)]`, `[Pick one ▾]`, `[image: chart]`. */
function control(element: unknown): string {
  if (!isObject(element)) return '';
  const label = textOf(element.text) ?? textOf(element.placeholder);
  switch (element.type) {
    case 'button':
      return `[${label ?? 'Button'}]`;
    case 'image':
      return `[image: ${str(element.alt_text) ?? ''}]`;
    case 'overflow':
      return '[⋯]';
    case 'checkboxes':
    case 'radio_buttons': {
      const options = Array.isArray(element.options) ? element.options : [];
      return options.map((o) => `( ) ${isObject(o) ? (textOf(o.text) ?? '') : ''}`).join('  ');
    }
    default: {
      const type = str(element.type) ?? 'element';
      return type.includes('select') ? `[${label ?? 'Select'} ▾]` : `[${label ?? type}]`;
    }
  }
}

function twoColumns(fields: string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const left = (fields[i] ?? '').split('\n');
    const right = (fields[i + 1] ?? '').split('\n');
    const width = Math.max(COLUMN_WIDTH, ...left.map((l) => l.length + 2));
    for (let row = 0; row < Math.max(left.length, right.length); row++) {
      lines.push(`${(left[row] ?? '').padEnd(width)}${right[row] ?? ''}`.trimEnd());
    }
  }
  return lines;
}

function renderBlock(block: unknown, style: Style): string[] {
  if (!isObject(block)) return [];
  switch (block.type) {
    case 'header': {
      const text = textOf(block.text) ?? '';
      return style.ansi ? [style.bold(style.underline(text))] : [text, '═'.repeat(Math.max(3, text.length))];
    }
    case 'section': {
      const lines: string[] = [];
      const text = textOf(block.text);
      if (text !== undefined) lines.push(...style.strong(text).split('\n'));
      if (Array.isArray(block.fields)) {
        lines.push(...twoColumns(block.fields.map((f) => style.strong(textOf(f) ?? ''))));
      }
      const accessory = control(block.accessory);
      if (accessory !== '') lines.push(`  ${accessory}`);
      return lines;
    }
    case 'context': {
      const parts = Array.isArray(block.elements) ? block.elements.map((e) => textOf(e) ?? control(e)) : [];
      return [style.dim(`  ${parts.filter((p) => p !== '').join(' · ')}`)];
    }
    case 'divider':
      return [style.dim(RULE)];
    case 'actions': {
      const controls = Array.isArray(block.elements) ? block.elements.map(control) : [];
      return [controls.filter((c) => c !== '').join('  ')];
    }
    case 'image': {
      const title = textOf(block.title);
      return [`[image: ${str(block.alt_text) ?? ''}]${title === undefined ? '' : ` ${title}`}`];
    }
    case 'input': {
      const label = textOf(block.label) ?? '';
      const hint = textOf(block.hint);
      return [
        `${style.bold(label)}${block.optional === true ? ' (optional)' : ''}`,
        `  ${control(block.element)}`,
      ].concat(hint === undefined ? [] : [style.dim(`  ${hint}`)]);
    }
    case 'rich_text':
      return richText(block.elements).replace(/\n$/, '').split('\n');
    default: {
      const text = textOf(block.text) ?? str(block.text);
      return text === undefined ? [] : style.strong(text).split('\n');
    }
  }
}

/**
 * Block Kit rendered as readable terminal text: headers underlined, section fields in two columns,
 * context dimmed and indented, dividers as a rule, buttons as `[Label]`, images as `[image: alt]`.
 * Without blocks, the fallback text is shown.
 */
export function renderBlocksAsText(
  blocks: unknown[] | undefined,
  fallbackText?: string,
  options: RenderOptions = {},
): string {
  const style = new Style(options.ansi ?? false);
  const lines = (blocks ?? []).flatMap((b) => renderBlock(b, style));
  if (lines.length === 0) return fallbackText === undefined ? '' : style.strong(readable(fallbackText));
  return lines.join('\n');
}
