// The tail every bare baseline server (bench/support/*-baseline-process.ts) shares: listen on PORT,
// say "ready" for BaselineProcess, and on SIGTERM or SIGINT close the server and the pool, then exit.
import { Server } from 'node:http';
import { Pool } from 'pg';

export function listenUntilStopped(server: Server, pool: Pool): void {
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void pool.end().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
