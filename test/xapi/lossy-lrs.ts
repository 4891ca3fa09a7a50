// A stand-in LRS for the outbox's 409 handling: it answers 409 to a batch holding an id
// it already stored (as some LRSs do for any known id, where the embedded LRS answers 200
// to an identical resend) and loses the response to the first POST after storing it, as a
// dropped connection would. The embedded LRS cannot be made to do either.
import { createServer } from 'node:http';

export interface LossyLrs {
  /** The statements resource's base, e.g. http://127.0.0.1:PORT/xapi/ */
  endpoint: string;
  /** Ids stored. */
  held: Set<string>;
  /** POSTs received so far. */
  posts(): number;
  close(): Promise<void>;
}

export async function startLossyLrs(): Promise<LossyLrs> {
  const held = new Set<string>();
  let posts = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posts++;
      const list = JSON.parse(body) as Array<{ id: string }>;
      if (list.some((x) => held.has(x.id))) {
        res.writeHead(409, { 'Content-Type': 'application/json' }).end('{"error":"statement id already exists"}');
        return;
      }
      list.forEach((x) => held.add(x.id));
      if (posts === 1) return void req.socket.destroy();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(list.map((x) => x.id)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}/xapi/`,
    held,
    posts: () => posts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
