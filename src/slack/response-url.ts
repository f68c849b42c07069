import { keepAliveFetch } from './keep-alive-fetch.js';

/**
 * Says `text` to the person alone at a response_url (Slack takes up to 5 posts within 30 minutes,
 * FACTS), without replacing the message the click came from. Bolt's respond() does the same through
 * axios; this goes through keepAliveFetch, which works on any thread and costs a fraction of the
 * CPU. Throws when Slack does not answer 200 (an expired or used URL).
 */
export async function sayEphemeral(responseUrl: string, text: string): Promise<void> {
  const response = await keepAliveFetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
  });
  if (!response.ok)
    throw new Error(`the response_url answered HTTP ${response.status}: ${await response.text()}`);
}
