// API discovery per the SCORM 1.2 RTE: up to 7 parents, then the opener's chain,
// skipping frames that cannot be read (another origin).
import { describe, expect, it } from 'vitest';
import { findApi, type Scorm12Api } from '../../../src/runtime/scorm12.ts';

const api = { LMSInitialize: () => 'true' } as unknown as Scorm12Api;

type FakeWindow = { parent: FakeWindow; API?: unknown; opener?: FakeWindow | null };

/** A chain of `depth` frames below a top window; the API sits at level `apiAt` counted from the SCO (0 = the SCO itself). */
function chain(depth: number, apiAt: number | null): FakeWindow {
  const top: FakeWindow = {} as FakeWindow;
  top.parent = top;
  let w = top;
  const frames: FakeWindow[] = [top];
  for (let i = 0; i < depth; i++) {
    w = { parent: w };
    frames.unshift(w);
  }
  if (apiAt !== null) frames[apiAt].API = api;
  return frames[0];
}

const find = (w: FakeWindow) => findApi(w as unknown as Window);

describe('findApi', () => {
  it('finds the API on the SCO window or up to 7 parents up', () => {
    expect(find(chain(0, 0))).toBe(api);
    expect(find(chain(3, 3))).toBe(api);
    expect(find(chain(7, 7))).toBe(api);
  });

  it('stops after 7 parents', () => {
    expect(find(chain(8, 8))).toBeNull();
  });

  it('falls back to the opener and its parents (a pop-up launched from an LMS frame)', () => {
    const sco = chain(0, null);
    sco.opener = chain(2, 2);
    expect(find(sco)).toBe(api);
  });

  it('skips frames of another origin instead of failing', () => {
    const sco = chain(2, 2);
    Object.defineProperty(sco.parent, 'API', {
      get() {
        throw new Error('SecurityError: cross-origin');
      },
    });
    expect(find(sco)).toBe(api);
  });

  it('ignores an API object without the SCORM 1.2 functions', () => {
    const sco = chain(1, null);
    sco.parent.API = { Initialize: () => 'true' };
    expect(find(sco)).toBeNull();
  });
});
