// Slack's Block Kit limits that the views promise to stay inside.
import { expect } from 'vitest';

interface Text {
  type: string;
  text: string;
}
interface Block {
  type: string;
  text?: Text;
  fields?: Text[];
  elements?: Array<Text | { type: string; text?: Text; value?: string }>;
  accessory?: { type: string; text?: Text; value?: string };
}

/** Every text a person reads in these blocks, in order. */
export function textsOf(blocks: readonly unknown[]): string[] {
  return (blocks as Block[]).flatMap((b) => [
    ...(b.text ? [b.text.text] : []),
    ...(b.fields ?? []).map((f) => f.text),
    ...(b.elements ?? []).flatMap((e) =>
      typeof e.text === 'string' ? [e.text] : e.text ? [e.text.text] : [],
    ),
    ...(b.accessory?.text ? [b.accessory.text.text] : []),
  ]);
}

export function expectWithinSlackLimits(blocks: readonly unknown[], maxBlocks: number): void {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const b of blocks as Block[]) {
    if (b.type === 'header') expect(b.text?.text.length).toBeLessThanOrEqual(150);
    if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
    if (b.type === 'context') {
      expect((b.elements ?? []).length).toBeLessThanOrEqual(10);
      for (const e of b.elements ?? []) expect(String(e.text).length).toBeLessThanOrEqual(3000);
    }
    if (b.accessory?.type === 'button') {
      expect(b.accessory.text?.text.length).toBeLessThanOrEqual(75);
      expect(String(b.accessory.value).length).toBeLessThanOrEqual(2000);
    }
  }
}
