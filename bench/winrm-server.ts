/** The WinRM test server in a process of its own, so the benchmark measures clients apart from it. */
import { startWinrmServer } from '../test/support/winrm-server/index.ts';

const server = await startWinrmServer({ receiveWaitCapMs: 20_000 });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
