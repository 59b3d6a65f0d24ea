import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { type CertificateAuthority, certificatePem, newLeaf } from './certificates';

/** A client certificate of an app registration, in every form the connector reads. */
export interface ClientCertificateFiles {
  readonly subject: string;
  /** SHA-256 thumbprint, hex upper case, as the portal's thumbprints are written. */
  readonly thumbprintSha256: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** Key and certificate in one PEM, as Key Vault serves a certificate of content type application/x-pem-file. */
  readonly pem: string;
  /** A PFX without password, base64: what a Key Vault reference to a PKCS#12 certificate's secret yields. */
  readonly pfxBase64: string;
  /** The same PFX protected by a password. */
  pfxWithPassword(password: string): Buffer;
}

export interface ClientCertificateOptions {
  /** Common name of the subject (default "exchange-connector"). */
  readonly commonName?: string;
  /** Days from now until it expires (default 365; negative: already expired). */
  readonly validDays?: number;
}

const DAY_MS = 86_400_000;

/** A certificate for client assertions, issued by the sandbox CA (so subject name and issuer authentication can trust it). */
export function issueClientCertificate(
  ca: CertificateAuthority,
  options: ClientCertificateOptions = {},
): ClientCertificateFiles {
  const { cert, caKey, privateKeyPem } = newLeaf(ca);
  const validDays = options.validDays ?? 365;
  cert.validity.notBefore = new Date(Date.now() - Math.max(1, -validDays + 1) * DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + validDays * DAY_MS);
  const commonName = options.commonName ?? 'exchange-connector';
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const certificate = certificatePem(cert);
  const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem);
  const pfx = (password: string) =>
    Buffer.from(
      forge.asn1
        .toDer(forge.pkcs12.toPkcs12Asn1(forgeKey, [cert], password, { algorithm: '3des' }))
        .getBytes(),
      'binary',
    );
  return {
    subject: `CN=${commonName}`,
    thumbprintSha256: new X509Certificate(certificate).fingerprint256.replace(/:/g, ''),
    certificatePem: certificate,
    privateKeyPem: privateKeyPem,
    pem: `${privateKeyPem.trim()}\n${certificate}`,
    pfxBase64: pfx('').toString('base64'),
    pfxWithPassword: (password) => pfx(password),
  };
}
