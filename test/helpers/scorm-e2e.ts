// The SCORM 1.2 / web end-to-end setup shared by the browser tests of those targets: the
// example course built for them, every package served by the test LMS (lms-server.ts,
// each under its target id) and Chromium, started and stopped together.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TargetId } from '../../src/package/targets.ts';
import { launchChromium } from './browser.ts';
import { buildExample, type BuiltExample } from './example-course.ts';
import { startTestLms, type LaunchOptions, type TestLms } from './lms-server.ts';

/** A launch of the module by the test LMS; the package defaults to the first target's. */
export type ModuleLaunch = Omit<LaunchOptions, 'pkg' | 'href'> & { pkg?: string };

export interface ScormE2e {
  built: BuiltExample;
  lms: TestLms;
  browser: Browser;
  /** Uncaught errors in the pages newPage() and launch() opened: the test files assert after each test that there were none. */
  pageErrors: string[];
  /** A new page (in `where`, default the browser) whose uncaught errors go to pageErrors. */
  newPage(where?: Browser | BrowserContext): Promise<Page>;
  /** A new page showing the test LMS launching the module. */
  launch(opts?: ModuleLaunch, where?: Browser | BrowserContext): Promise<Page>;
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
    const pageErrors: string[] = [];
    const newPage = async (where: Browser | BrowserContext = browser): Promise<Page> => {
      const page = await where.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      return page;
    };
    return {
      built,
      lms,
      browser,
      pageErrors,
      newPage,
      async launch(opts = {}, where) {
        const page = await newPage(where);
        await page.goto(started.launchUrl({ pkg: o.targets[0]!, href: built.href, ...opts }));
        return page;
      },
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
