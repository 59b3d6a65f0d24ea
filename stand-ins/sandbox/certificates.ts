import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import forge from 'node-forge';

export interface CertificateAuthority {
  readonly caCertPath: string;
  readonly caKeyPath: string;
  /** ca.pem plus the CA file NODE_EXTRA_CA_CERTS named before (a corporate proxy's CA, say). */
  readonly bundlePath: string;
}

export interface ServerCertificate {
  readonly key: string;
  readonly cert: string;
}

const CA_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
const BUNDLE_FILE = 'bundle.pem';
const SERVER_FILE = 'server.pem';
const CA_VALIDITY_YEARS = 10;
const LEAF_VALIDITY_DAYS = 90;
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

function repositoryRoot(): string {
  let directory = __dirname;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return process.cwd();
    directory = parent;
  }
  return directory;
}

function defaultCertificateDirectory(): string {
  return join(repositoryRoot(), '.local', 'sandbox-ca');
}

/** forge writes CRLF line ends; the files and the bundle use LF throughout. */
export function certificatePem(cert: forge.pki.Certificate): string {
  return `${forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n').trimEnd()}\n`;
}

function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

function serialNumber(): string {
  // A positive DER integer: clear the top bit.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function createCaFiles(directory: string): void {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + CA_VALIDITY_YEARS * 365 * 24 * 3600_000);
  const subject = [
    { name: 'commonName', value: 'Exchange connector sandbox CA' },
    { name: 'organizationName', value: 'Exchange connector (local only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  writeFileSync(join(directory, CA_FILE), certificatePem(cert));
  writeFileSync(join(directory, CA_KEY_FILE), keys.privateKeyPem, { mode: 0o600 });
}

function caIsUsable(directory: string): boolean {
  const certPath = join(directory, CA_FILE);
  if (!existsSync(certPath) || !existsSync(join(directory, CA_KEY_FILE))) return false;
  const validTo = Date.parse(new X509Certificate(readFileSync(certPath)).validTo);
  return validTo - Date.now() > RENEW_BEFORE_MS;
}

/**
 * Writes the CA into a private directory first and renames it into place, so two processes
 * creating it at once (the test setup and `npm start`, say) never mix one's key with the other's
 * certificate: the loser of the race uses the winner's CA.
 */
function createCa(directory: string): void {
  const staging = `${directory}.${process.pid}.${randomBytes(4).toString('hex')}`;
  mkdirSync(staging, { recursive: true });
  createCaFiles(staging);
  try {
    if (existsSync(directory) && !caIsUsable(directory)) rmSync(directory, { recursive: true, force: true });
    renameSync(staging, directory);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!caIsUsable(directory)) throw error;
  }
}

function writeIfChanged(path: string, content: string, mode = 0o644): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  const staging = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(staging, content, { mode });
  renameSync(staging, path);
}

function writeBundle(caPem: string, bundlePath: string, created: boolean): void {
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  // In processes started with the bundle already trusted, the bundle is the file to keep.
  if (previous && resolve(previous) === resolve(bundlePath) && !created && existsSync(bundlePath)) return;
  const others =
    previous && resolve(previous) !== resolve(bundlePath) && existsSync(previous)
      ? readFileSync(previous, 'utf8')
      : '';
  writeIfChanged(bundlePath, `${caPem.trimEnd()}\n${others ? `${others.trimEnd()}\n` : ''}`);
}

/**
 * Creates (or reuses, if present and valid for another week) a CA in `dir` (default
 * `<repo>/.local/sandbox-ca`): ca.pem, ca-key.pem, plus bundle.pem = ca.pem + the contents of any
 * NODE_EXTRA_CA_CERTS file the user already had, so both stay trusted.
 */
export async function ensureCertificateAuthority(dir?: string): Promise<CertificateAuthority> {
  const directory = resolve(dir ?? defaultCertificateDirectory());
  mkdirSync(dirname(directory), { recursive: true });
  const created = !caIsUsable(directory);
  if (created) createCa(directory);
  const caCertPath = join(directory, CA_FILE);
  const bundlePath = join(directory, BUNDLE_FILE);
  writeBundle(readFileSync(caCertPath, 'utf8'), bundlePath, created);
  return { caCertPath, caKeyPath: join(directory, CA_KEY_FILE), bundlePath };
}

/** A leaf certificate with a fresh RSA key and a serial number, for the CA to fill in and sign. */
export function newLeaf(ca: CertificateAuthority): {
  cert: forge.pki.Certificate;
  caCert: forge.pki.Certificate;
  caKey: forge.pki.rsa.PrivateKey;
  privateKeyPem: string;
} {
  const caCert = forge.pki.certificateFromPem(readFileSync(ca.caCertPath, 'utf8'));
  const caKey = forge.pki.privateKeyFromPem(readFileSync(ca.caKeyPath, 'utf8'));
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.setIssuer(caCert.subject.attributes);
  return { cert, caCert, caKey, privateKeyPem: keys.privateKeyPem };
}

/** A fresh key and certificate for `localhost` and `127.0.0.1`, signed by the CA. */
function issueServerCertificate(ca: CertificateAuthority): ServerCertificate {
  const { cert, caCert, caKey, privateKeyPem } = newLeaf(ca);
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + LEAF_VALIDITY_DAYS * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { key: privateKeyPem, cert: certificatePem(cert) };
}

function reusableServerCertificate(ca: CertificateAuthority, path: string): ServerCertificate | undefined {
  if (!existsSync(path)) return undefined;
  const pem = readFileSync(path, 'utf8');
  const key = /-----BEGIN RSA PRIVATE KEY-----[\s\S]+?-----END RSA PRIVATE KEY-----\n/.exec(pem)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(pem)?.[0];
  if (!key || !cert) return undefined;
  const certificate = new X509Certificate(cert);
  const caCertificate = new X509Certificate(readFileSync(ca.caCertPath));
  const fresh = Date.parse(certificate.validTo) - Date.now() > RENEW_BEFORE_MS;
  return fresh && certificate.verify(caCertificate.publicKey) ? { key, cert } : undefined;
}

/**
 * The servers' key and certificate, kept beside the CA (server.pem) and reused while the CA that
 * signed it is current: an RSA key takes a few hundred milliseconds to generate on a slow machine.
 */
export function serverCertificate(ca: CertificateAuthority): ServerCertificate {
  const path = join(dirname(ca.caCertPath), SERVER_FILE);
  const reusable = reusableServerCertificate(ca, path);
  if (reusable) return reusable;
  const issued = issueServerCertificate(ca);
  writeIfChanged(path, `${issued.key}${issued.cert}`, 0o600);
  return issued;
}
