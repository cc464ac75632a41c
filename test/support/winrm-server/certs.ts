/** A throw-away CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI. */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertificatePaths {
  /** Path of the CA certificate (PEM), for a client's trust store (pywinrm ca_trust_path). */
  readonly caCertPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** PEM contents, for startWinrmServer({ tls }) and Node clients. */
  readonly caCert: string;
  readonly cert: string;
  readonly key: string;
}

/** `ips`: more addresses the server certificate is valid for (e.g. one inside a network namespace). */
export async function makeTestCertificates(
  dir: string,
  ips: readonly string[] = [],
): Promise<CertificatePaths> {
  const p = (name: string) => join(dir, name);
  const days = ['-days', '2'];
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.crt'),
    '-subj',
    '/CN=orca WinRM test CA',
    ...days,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
    '-subj',
    '/CN=wintest',
  ]);
  await writeFile(
    p('server.ext'),
    `subjectAltName=${['127.0.0.1', ...ips].map((ip) => `IP:${ip}`).join(',')},DNS:localhost,DNS:wintest\n` +
      'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.crt'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('server.crt'),
    '-extfile',
    p('server.ext'),
    ...days,
  ]);
  const [caCert, cert, key] = await Promise.all(
    [p('ca.crt'), p('server.crt'), p('server.key')].map((f) => readFile(f, 'utf8')),
  );
  return {
    caCertPath: p('ca.crt'),
    certPath: p('server.crt'),
    keyPath: p('server.key'),
    caCert: caCert as string,
    cert: cert as string,
    key: key as string,
  };
}
