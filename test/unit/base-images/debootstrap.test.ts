import { describe, expect, it } from 'vitest';
import { debianMirror } from '../../../src/core/base-images/debootstrap.js';

describe('debianMirror', () => {
  it('takes $LAYERFORGE_DEBIAN_MIRROR first', () => {
    expect(debianMirror({ LAYERFORGE_DEBIAN_MIRROR: 'http://mirror.invalid/debian' })).toBe(
      'http://mirror.invalid/debian',
    );
  });

  it('reads this machine’s apt configuration otherwise', () => {
    // The development and CI machines are Debian 12: apt has a mirror configured.
    const mirror = debianMirror({});
    expect(mirror).toMatch(/^https?:\/\/[^\s/]+/);
    expect(() => new URL(mirror)).not.toThrow();
  });

  it('ignores an empty override', () => {
    expect(debianMirror({ LAYERFORGE_DEBIAN_MIRROR: '' })).toBe(debianMirror({}));
  });
});
