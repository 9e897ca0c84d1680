// A TCP forwarder standing where a Service or load balancer stands in front of control-plane
// replicas: each new connection goes to the first backend of its list that accepts it, so a client
// whose replica died reconnects to the next one. Bytes are piped untouched (TLS passes through).
import net from 'node:net';

/** A running forwarder; `close()` stops listening and cuts every open connection. */
export interface FailoverForwarder {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (an OS-chosen port) and forwards to `backends` in order of preference. */
export async function startFailoverForwarder(backends: readonly number[]): Promise<FailoverForwarder> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = net.createServer((client) => {
    track(client);
    client.pause();
    const attempt = (i: number): void => {
      if (i >= backends.length || client.destroyed) return void client.destroy();
      const upstream = net.connect({ host: '127.0.0.1', port: backends[i]! });
      upstream.once('error', () => attempt(i + 1));
      upstream.once('connect', () => {
        track(upstream);
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
