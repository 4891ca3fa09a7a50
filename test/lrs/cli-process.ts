// Starts `coursepack lrs` as a real child process (as a user would) and reads what it
// prints: the endpoint, the admin key on first run, and the JSON request log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/coursepack.js', import.meta.url));

export interface LrsProcess {
  child: ChildProcess;
  endpoint: string;
  adminKey?: { key: string; secret: string };
  stdout(): string;
  startedMs: number;
  exited: Promise<number | null>;
}

export async function startLrsProcess(args: string[]): Promise<LrsProcess> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, 'lrs', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`LRS did not start: ${out}${err}`)), 20_000);
    const check = () => {
      const m = /endpoint: (\S+)/.exec(out);
      if (m && (!/admin key/.test(out) || /secret: \S+\n/.test(out))) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`LRS exited: ${out}${err}`));
    });
  });
  const key = /key:\s+(cpk_\w+)/.exec(out)?.[1];
  const secret = /secret: (\S+)/.exec(out)?.[1];
  return {
    child,
    endpoint,
    adminKey: key && secret ? { key, secret } : undefined,
    stdout: () => out,
    startedMs: Date.now() - t0,
    exited,
  };
}
