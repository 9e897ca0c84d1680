// Node's HTTP/2 keeps only the first value of headers it treats as single-valued — `authorization`
// among them — and silently drops the others; grpc-js builds call metadata from what is left. A
// request with two `authorization` values would then look like one carrying the first, and
// docs/xds-server.md §17 requires it to be refused ("exactly 1"). The raw header list of the stream
// still has every value, so this puts the repeated ones back before grpc-js reads the headers.
//
// grpc-js does not expose the HTTP/2 server behind a connection injector; it is found in the
// server's private `http2Servers` map (grpc-js is pinned). If that ever changes, the control plane
// refuses to start rather than serve with a check that can be bypassed.
import type http2 from 'node:http2';
import type * as grpc from '@grpc/grpc-js';

/** Like `grpcServer.createConnectionInjector`, with repeated `authorization` values kept. */
export function createCheckedConnectionInjector(grpcServer: grpc.Server, credentials: grpc.ServerCredentials): ReturnType<grpc.Server['createConnectionInjector']> {
  const servers = (grpcServer as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) throw new Error('cannot reach the HTTP/2 server of grpc-js (internals changed): repeated authorization headers would go unseen');
  const before = new Set(servers.keys());
  const injector = grpcServer.createConnectionInjector(credentials);
  const created = [...servers.keys()].filter((s) => !before.has(s)) as http2.Http2Server[];
  if (created.length !== 1 || typeof created[0]?.prependListener !== 'function') {
    injector.destroy();
    throw new Error('cannot find the HTTP/2 server of the grpc-js connection injector (internals changed)');
  }
  keepRepeatedAuthorization(created[0]);
  return injector;
}

/** Before any other listener sees a stream's headers, turns a repeated `authorization` back into a list. */
export function keepRepeatedAuthorization(server: http2.Http2Server): void {
  server.prependListener('stream', (_stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
    const values: string[] = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i] === 'authorization') values.push(rawHeaders[i + 1] ?? '');
    if (values.length > 1) (headers as Record<string, string | string[] | undefined>)['authorization'] = values;
  });
}
