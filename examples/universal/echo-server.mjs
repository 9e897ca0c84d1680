#!/usr/bin/env node
// A tiny HTTP echo backend for the examples and end-to-end tests: answers every request with a
// JSON body naming itself and echoing what it received. No dependencies.
//   node examples/universal/echo-server.mjs --name echo-a --port 8081 [--host 127.0.0.1]
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'echo' },
    port: { type: 'string', default: '8081' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({
      name: values.name,
      method: req.method,
      path: req.url,
      host: req.headers.host ?? '',
      headers: req.headers,
      bodyBytes: Buffer.concat(chunks).length,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'x-echo-name': values.name });
    res.end(body + '\n');
  });
});

server.listen(Number(values.port), values.host, () => {
  const address = server.address();
  process.stdout.write(`echo ${values.name} listening on ${address.address}:${address.port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
