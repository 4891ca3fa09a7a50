// CLI dispatcher: the only place (with the files beside it) that prints or sets the
// exit code. Exit codes: 0 success, 1 content/validation error, 2 bad usage.
const USAGE = `coursepack — turn authored e-learning modules into LMS packages

Usage:
  coursepack build [course-dir] [--target scorm12|web|all] [--out output] [--json]
  coursepack validate <course-dir | package.zip> [--json]
  coursepack preview [course-dir] [--target scorm12] [--port N] [--no-open]
  coursepack lrs [--db path|postgres://…] [--host 127.0.0.1] [--port 8420]
  coursepack lrs key create|list|revoke …
  coursepack report --lrs <endpoint> --key <key:secret> | --from statements.ndjson [--course IRI | course-dir] [--since …] [--until …] [--out output/report]
  coursepack help

Run 'coursepack <command> --help' for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'build':
      return (await import('./build.ts')).runBuild(rest);
    case 'validate':
      return (await import('./validate.ts')).runValidate(rest);
    case 'lrs':
      return (await import('./lrs.ts')).runLrs(rest);
    case 'preview': return (await import('./preview.ts')).runPreview(rest);
    case 'report': return (await import('./report.ts')).runReport(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    case '--version':
    case '-v': {
      const { readFileSync } = await import('node:fs');
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
      console.log(pkg.version);
      return 0;
    }
    default:
      console.error(`coursepack: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}
