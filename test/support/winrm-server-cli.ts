/**
 * The WinRM test server as a process of its own, e.g. inside a network namespace
 * (`ip netns exec NS node --import tsx winrm-server-cli.ts ADDRESS [CERT KEY]`): listens on ADDRESS
 * (HTTPS with the PEM files CERT and KEY when given), prints
 * `{"port":N}` on one line once it does, and stops on SIGTERM or when stdin closes.
 */
import { readFileSync } from 'node:fs';
import { startWinrmServer } from './winrm-server/index.ts';

const [, , host = '127.0.0.1', certPath, keyPath] = process.argv;
const tls =
  certPath && keyPath
    ? { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') }
    : undefined;
const server = await startWinrmServer({ host, ...(tls && { tls }) });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
