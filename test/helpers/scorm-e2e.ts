// The SCORM 1.2 / web end-to-end setup shared by the browser tests of those targets: the
// example course built for them, every package served by the test LMS (lms-server.ts,
// each under its target id) and Chromium, started and stopped together.
import type { Browser } from 'playwright-core';
import type { TargetId } from '../../src/package/targets.ts';
import { launchChromium } from './browser.ts';
import { buildExample, type BuiltExample } from './example-course.ts';
import { startTestLms, type TestLms } from './lms-server.ts';

export interface ScormE2e {
  built: BuiltExample;
  lms: TestLms;
  browser: Browser;
  close(): Promise<void>;
}

export async function startScormE2e(o: { prefix: string; targets: TargetId[]; yaml?: (yaml: string) => string }): Promise<ScormE2e> {
  const built = await buildExample(o);
  let lms: TestLms | undefined;
  try {
    lms = await startTestLms();
    for (const [target, files] of Object.entries(built.packages)) lms.addPackage(target, files);
    const browser = await launchChromium();
    const started = lms;
    return {
      built,
      lms,
      browser,
      async close() {
        await browser.close();
        await started.close();
        await built.remove();
      },
    };
  } catch (e) {
    await lms?.close();
    await built.remove();
    throw e;
  }
}
