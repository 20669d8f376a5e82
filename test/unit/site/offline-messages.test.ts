import { describe, expect, it } from 'vitest';
import { isOfflineMessage } from '../../../src/site/offline/messages';

describe('what a page may say to the service worker', () => {
  it('accepts keep, status and claim, each in its own shape', () => {
    expect(isOfflineMessage({ type: 'keep', urls: ['https://example.org/a.html'], fromHttpCache: true })).toBe(true);
    expect(isOfflineMessage({ type: 'status' })).toBe(true);
    expect(isOfflineMessage({ type: 'claim' })).toBe(true);
  });

  it('refuses anything else, so other messages to the worker are left alone', () => {
    for (const data of [null, 'claim', 42, {}, { type: 'SKIP_WAITING' }, { type: 'keep', urls: 'a.html', fromHttpCache: true }, { type: 'keep', urls: [1], fromHttpCache: false }, { type: 'keep', urls: [] }]) {
      expect(isOfflineMessage(data)).toBe(false);
    }
  });
});
