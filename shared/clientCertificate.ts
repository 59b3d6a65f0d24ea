import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/** A certificate with its private key, as read from a setting or a file. */
export interface ParsedCertificate {
  readonly thumbprintSha256: string;
  readonly privateKeyPem: string;
  readonly certificatePem: string;
  readonly subject: string;
  readonly notAfter: Date;
}

export type CertificateReading = { readonly certificate: ParsedCertificate } | { readonly problem: string };

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_KEY =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** PEM as Key Vault serves a certificate of content type application/x-pem-file: key and certificates. */
function fromPem(
  text: string,
  password: string | undefined,
): { key: KeyObject; certificates: string[] } | string {
  const keyText = PEM_KEY.exec(text)?.[0];
  const certificates = [...text.matchAll(PEM_CERTIFICATE)].map((match) => match[0]);
  if (certificates.length === 0) return 'holds no certificate (-----BEGIN CERTIFICATE-----)';
  if (!keyText) return 'holds the certificate but not its private key: export it with the private key';
  try {
    return {
      key: createPrivateKey({ key: keyText, ...(password ? { passphrase: password } : {}) }),
      certificates,
    };
  } catch {
    return password
      ? 'has a private key that EXCHANGE_CLIENT_CERTIFICATE_PASSWORD does not open'
      : 'has an encrypted private key: set EXCHANGE_CLIENT_CERTIFICATE_PASSWORD';
  }
}

/** A PFX (PKCS#12), as Key Vault serves a certificate of content type application/x-pkcs12 (no password). */
function fromPfx(
  der: Buffer,
  password: string | undefined,
): { key: KeyObject; certificates: string[] } | string {
  let pfx: forge.pkcs12.Pkcs12Pfx | undefined;
  // Key Vault's PFX has an empty password; other tools write one without any (no MAC).
  for (const attempt of password ? [password] : ['', undefined]) {
    try {
      const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
      pfx =
        attempt === undefined
          ? forge.pkcs12.pkcs12FromAsn1(asn1)
          : forge.pkcs12.pkcs12FromAsn1(asn1, attempt);
      break;
    } catch {
      pfx = undefined;
    }
  }
  if (!pfx) {
    return password
      ? 'is a PFX that EXCHANGE_CLIENT_CERTIFICATE_PASSWORD does not open, or not a PFX at all'
      : 'is neither PEM nor a PFX without a password (set EXCHANGE_CLIENT_CERTIFICATE_PASSWORD for a protected PFX)';
  }
  const bags = (type: string) => pfx.getBags({ bagType: type })[type] ?? [];
  const keyBag = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag ?? ''), ...bags(forge.pki.oids.keyBag ?? '')][0];
  const certificates = bags(forge.pki.oids.certBag ?? '').flatMap((bag) =>
    bag.cert ? [forge.pki.certificateToPem(bag.cert)] : [],
  );
  if (certificates.length === 0) return 'is a PFX without a certificate';
  if (!keyBag?.key) return 'is a PFX without the private key: export it with the private key';
  return { key: createPrivateKey(forge.pki.privateKeyToPem(keyBag.key)), certificates };
}

/** The certificate whose public key belongs to the private key comes first: it is the one registered. */
function parse(raw: Buffer, password: string | undefined): CertificateReading {
  const text = raw.toString('utf8');
  const read = text.includes('-----BEGIN')
    ? fromPem(text, password)
    : fromPfx(BASE64.test(text) && !raw.includes(0) ? Buffer.from(text, 'base64') : raw, password);
  if (typeof read === 'string') return { problem: read };
  const parsed = read.certificates.map((pem) => new X509Certificate(pem));
  const leaf = parsed.find((certificate) => certificate.checkPrivateKey(read.key));
  if (!leaf) return { problem: 'has a private key that belongs to none of its certificates' };
  const chain = [leaf, ...parsed.filter((certificate) => certificate !== leaf)];
  return {
    certificate: {
      thumbprintSha256: leaf.fingerprint256.replace(/:/g, ''),
      privateKeyPem: read.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certificatePem: chain.map((certificate) => certificate.toString().trim()).join('\n'),
      subject: leaf.subject.replace(/\n/g, ', '),
      notAfter: new Date(leaf.validTo),
    },
  };
}

const parsedBefore = new Map<string, CertificateReading>();

/**
 * Reads a certificate and its private key from PEM text, a base64 PFX (what a Key Vault reference to
 * the certificate's secret yields) or a PFX file's bytes. Settings are read on every use, so results
 * are kept per content: a PFX takes milliseconds to decrypt.
 */
export function readClientCertificate(raw: Buffer, password: string | undefined): CertificateReading {
  const key = createHash('sha256')
    .update(raw)
    .update(`\n${password ?? ''}`)
    .digest('hex');
  let reading = parsedBefore.get(key);
  if (!reading) {
    reading = parse(raw, password);
    parsedBefore.set(key, reading);
  }
  return reading;
}
