/**
 * The WinRM test server as a process of its own, e.g. inside a network namespace
 * (`ip netns exec NS node --import tsx winrm-server-cli.ts ADDRESS`): listens on ADDRESS, prints
 * `{"port":N}` on one line once it does, and stops on SIGTERM or when stdin closes.
 */
import { startWinrmServer } from './winrm-server/index.ts';

const server = await startWinrmServer({ host: process.argv[2] ?? '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
