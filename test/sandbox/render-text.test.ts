import { describe, expect, it } from 'vitest';
import { renderBlocksAsText } from '../../src/sandbox/render-text.js';

const DIGEST = [
  { type: 'header', text: { type: 'plain_text', text: 'Fraud ML: handmaid' } },
  { type: 'section', text: { type: 'mrkdwn', text: '*Ratio* 3:6 engineers to data scientists' } },
  {
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: '*Productive share*\n55%' },
      { type: 'mrkdwn', text: '*Waiting*\n25% ↑' },
      { type: 'mrkdwn', text: '*Responses*\n6 of 9' },
    ],
  },
  { type: 'divider' },
  { type: 'context', elements: [{ type: 'mrkdwn', text: 'Round closed <!date^1717171717^{date}|1 Jun>' }] },
  {
    type: 'actions',
    elements: [
      { type: 'button', text: { type: 'plain_text', text: 'Answer (1 min)' }, action_id: 'a' },
      { type: 'static_select', placeholder: { type: 'plain_text', text: 'Pick a team' }, action_id: 'b' },
    ],
  },
  { type: 'image', image_url: 'https://example.com/c.png', alt_text: 'ratio chart' },
  { type: 'video_thing', text: 'A future block type' },
  { type: 'mystery' },
];

describe('renderBlocksAsText', () => {
  it('renders a digest as plain readable text, never JSON', () => {
    expect(renderBlocksAsText(DIGEST)).toBe(
      [
        'Fraud ML: handmaid',
        '══════════════════',
        '*Ratio* 3:6 engineers to data scientists',
        `${'*Productive share*'.padEnd(36)}*Waiting*`,
        `${'55%'.padEnd(36)}25% ↑`,
        '*Responses*',
        '6 of 9',
        '─'.repeat(48),
        '  Round closed 1 Jun',
        '[Answer (1 min)]  [Pick a team ▾]',
        '[image: ratio chart]',
        'A future block type',
      ].join('\n'),
    );
  });

  it('makes mentions, links and escapes readable', () => {
    const blocks = [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '<@U0ALICE|alice> in <#C0FRAUD|fraud-ml>: see <https://x.test/a|the docs> &amp; more',
        },
        accessory: { type: 'button', text: { type: 'plain_text', text: 'Open' }, action_id: 'o' },
      },
    ];
    expect(renderBlocksAsText(blocks)).toBe(
      '@alice in #fraud-ml: see the docs (https://x.test/a) & more\n  [Open]',
    );
  });

  it('uses ANSI bold, underline and dim on a terminal', () => {
    const text = renderBlocksAsText(DIGEST.slice(0, 5), undefined, { ansi: true });
    expect(text).toContain('\u001b[1m\u001b[4mFraud ML: handmaid');
    expect(text).toContain('\u001b[1mRatio\u001b[22m 3:6');
    expect(text).toContain('\u001b[2m  Round closed 1 Jun\u001b[22m');
  });

  it('falls back to the text when there are no blocks', () => {
    expect(renderBlocksAsText(undefined, 'Thanks, recorded')).toBe('Thanks, recorded');
    expect(renderBlocksAsText([], 'Thanks')).toBe('Thanks');
    expect(renderBlocksAsText(undefined)).toBe('');
  });

  it('renders modal inputs and rich text', () => {
    const blocks = [
      {
        type: 'input',
        label: { type: 'plain_text', text: 'Waiting on engineers' },
        element: { type: 'static_select', placeholder: { type: 'plain_text', text: 'Pick one' } },
        hint: { type: 'plain_text', text: 'Since the last round' },
      },
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'Hello ' },
              { type: 'user', user_id: 'U1' },
            ],
          },
        ],
      },
    ];
    expect(renderBlocksAsText(blocks)).toBe(
      'Waiting on engineers\n  [Pick one ▾]\n  Since the last round\nHello @U1',
    );
  });
});
