// The xAPI/cmi5 end-to-end setup shared by the Tin Can, cmi5 and report tests: the example
// course built for one target, the embedded LRS (SQLite in the temp folder), the test
// launcher serving the package (cmi5-launcher.ts) and Chromium, started and stopped together.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createLrs, type Lrs } from '../../src/lrs/server.ts';
import { launchChromium } from './browser.ts';
import { startCmi5Lms, type TestCmi5Lms } from './cmi5-launcher.ts';
import { buildExample, type BuiltExample } from './example-course.ts';

export interface LrsE2e {
  built: BuiltExample;
  /** The LRS running now (restartLrs starts a new one). */
  readonly lrs: Lrs;
  /**
   * The running LRS seen with the first start's admin key (a restart on the same database
   * makes none): what the launcher talks to, and what statementsOf can read after a restart.
   */
  live: Lrs;
  lms: TestCmi5Lms;
  browser: Browser;
  /** Stops the LRS, as a server going away; the launcher and the package stay up. */
  stopLrs(): Promise<void>;
  /** Starts the LRS again on the same port and database file. */
  restartLrs(): Promise<Lrs>;
  close(): Promise<void>;
}

export async function startLrsE2e(o: { prefix: string; target: 'xapi' | 'cmi5'; yaml?: (yaml: string) => string }): Promise<LrsE2e> {
  const built = await buildExample({ prefix: o.prefix, targets: [o.target], yaml: o.yaml });
  const stops: (() => Promise<void>)[] = [built.remove];
  const stopAll = async (): Promise<void> => {
    for (const stop of [...stops].reverse()) await stop();
  };
  try {
    const db = join(built.dir, 'lrs.sqlite');
    let lrs = await createLrs({ db, port: 0 });
    let running = true;
    stops.push(async () => {
      if (running) await lrs.close();
    });
    const adminKey = lrs.adminKey;
    // The launcher reads endpoint and storage at each launch, so it follows a restarted LRS
    // as a real LMS reconnects to one.
    const live = {
      get url() {
        return lrs.url;
      },
      get endpoint() {
        return lrs.endpoint;
      },
      get storage() {
        return lrs.storage;
      },
      adminKey,
    } as unknown as Lrs;
    const lms = await startCmi5Lms(live, built.files);
    stops.push(lms.close);
    const browser = await launchChromium();
    stops.push(() => browser.close());
    return {
      built,
      get lrs() {
        return lrs;
      },
      live,
      lms,
      browser,
      async stopLrs() {
        running = false;
        await lrs.close();
      },
      async restartLrs() {
        lrs = await createLrs({ db, port: Number(new URL(lrs.url).port) });
        running = true;
        return lrs;
      },
      close: stopAll,
    };
  } catch (e) {
    await stopAll().catch(() => {});
    throw e;
  }
}
