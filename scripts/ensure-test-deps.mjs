// Installs what the test suite needs outside npm when it is missing: Debian's
// chromium (browser tests, driven by playwright-core, never a downloaded browser)
// and libxml2-utils (xmllint, the second-opinion XSD validator). Mirrors .ci/run so
// `npm ci && npm test` works on a fresh Debian machine.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const needed = [];
if (!existsSync('/usr/bin/chromium')) needed.push('chromium');
if (!existsSync('/usr/bin/xmllint')) needed.push('libxml2-utils');
if (needed.length > 0) {
  const sudo = process.getuid && process.getuid() === 0 ? '' : 'sudo ';
  console.log(`[coursepack] installing Debian packages for the tests: ${needed.join(' ')}`);
  execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${needed.join(' ')}`, {
    stdio: 'inherit',
  });
}
