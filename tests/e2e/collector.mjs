// A Segment-compatible collector for the export specs: an HTTP server on 127.0.0.1 and its own
// random port, so a different origin from the shop, as a site's collector usually is (the
// browser sends a CORS preflight, which it answers). It records every POST and can be scripted:
//
//   const c = await startCollector();       // c.url: the batch endpoint (http://127.0.0.1:N/v1/batch)
//   c.script(503, 503, {status: 429, headers: {'Retry-After': '1'}}, 200);  // next answers, in order (then 200)
//   c.down(); c.up();                       // down: connections are dropped (a network error)
//   c.accepted()                            // events of the batches answered 2xx, in arrival order
//   c.posts                                 // [{at, status, events}] every POST, whatever the answer

import { createServer } from 'node:http';

export async function startCollector() {
  const posts = [];
  const scripted = [];
  let isDown = false;
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'POST',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': '600',
  };
  const server = createServer((req, res) => {
    if (isDown) return req.socket.destroy();
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      return res.end();
    }
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (isDown) return req.socket.destroy();
      let events = [];
      try {
        events = JSON.parse(body).batch || [];
      } catch {
        events = null; // not JSON
      }
      const next = scripted.length ? scripted.shift() : 200;
      const { status, headers } = typeof next === 'number' ? { status: next, headers: {} } : next;
      posts.push({ at: Date.now(), status, events, type: req.headers['content-type'], path: req.url });
      res.writeHead(status, { ...cors, 'Access-Control-Expose-Headers': 'Retry-After', 'Content-Type': 'application/json', ...headers });
      res.end('{}');
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/v1/batch`,
    posts,
    script(...answers) {
      scripted.push(...answers);
    },
    down() {
      isDown = true;
      server.closeAllConnections?.();
    },
    up() {
      isDown = false;
    },
    /** Events of the batches the collector accepted (2xx). */
    accepted() {
      return posts.filter((p) => p.status >= 200 && p.status < 300).flatMap((p) => p.events || []);
    },
    reset() {
      posts.length = 0;
      scripted.length = 0;
      isDown = false;
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
