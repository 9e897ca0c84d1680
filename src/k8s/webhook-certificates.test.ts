import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  checkWebhookCertificates,
  generateWebhookCertificates,
  WEBHOOK_CA_COMMON_NAME,
  webhookDnsNames,
  type WebhookCertificates,
} from './webhook-certificates.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const SERVICE_HOST = 'portico-control-plane.portico-system.svc';
const certs = generateWebhookCertificates({ namespace: 'portico-system', serviceName: 'portico-control-plane', now: NOW });
const other = generateWebhookCertificates({ namespace: 'portico-system', serviceName: 'portico-control-plane', now: NOW });

/** Completes a TLS handshake against a server using `certs`, verifying it as the API server would. */
async function handshake(served: WebhookCertificates, servername: string): Promise<{ authorized: boolean; error?: string }> {
  const server = tls.createServer({ cert: served.certPem, key: served.keyPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername, ca: served.caPem, rejectUnauthorized: false }, () => {
        const authorized = socket.authorized;
        let error = socket.authorizationError ? String(socket.authorizationError) : undefined;
        // rejectUnauthorized: false skips the host name check; run it as the verifying client does.
        const hostError = tls.checkServerIdentity(servername, socket.getPeerCertificate());
        if (hostError) error = hostError.message;
        socket.destroy();
        resolve({ authorized: authorized && !hostError, ...(error ? { error } : {}) });
      });
      socket.on('error', (err) => resolve({ authorized: false, error: err.message }));
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('generateWebhookCertificates', () => {
  const ca = new X509Certificate(certs.caPem);
  const serving = new X509Certificate(certs.certPem);

  it('makes a self-signed CA and a serving certificate it signed', () => {
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe(`CN=${WEBHOOK_CA_COMMON_NAME}`);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(serving.ca).toBe(false);
    expect(serving.issuer).toBe(ca.subject);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.checkIssued(ca)).toBe(true);
    expect(serving.checkPrivateKey(createPrivateKey(certs.keyPem))).toBe(true);
    expect(serving.checkPrivateKey(createPrivateKey(other.keyPem))).toBe(false);
  });

  it('gives the serving certificate an ECDSA P-256 key (signed per handshake) and the CA an RSA one', () => {
    const key = createPrivateKey(certs.keyPem);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(serving.publicKey.asymmetricKeyType).toBe('ec');
    expect(ca.publicKey.asymmetricKeyType).toBe('rsa');
  });

  it('names the Service in every form the API server may use, as SANs, for server authentication', () => {
    expect(webhookDnsNames('portico-system', 'portico-control-plane')).toEqual([
      SERVICE_HOST,
      'portico-control-plane.portico-system.svc.cluster.local',
      'portico-control-plane',
    ]);
    expect(serving.subjectAltName).toBe(
      'DNS:portico-control-plane.portico-system.svc, DNS:portico-control-plane.portico-system.svc.cluster.local, DNS:portico-control-plane',
    );
    expect(serving.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('starts an hour early for clock skew and lasts ten years; serials are positive and distinct', () => {
    expect(new Date(serving.validFrom).getTime()).toBe(NOW.getTime() - 3_600_000);
    expect(new Date(serving.validTo).getTime()).toBe(NOW.getTime() + 3650 * 86_400_000);
    for (const cert of [ca, serving]) expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(serving.serialNumber).not.toBe(ca.serialNumber);
  });

  it('gives a PKCS#8 key with LF line ends', () => {
    expect(certs.keyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    for (const pem of Object.values(certs)) expect(pem).not.toContain('\r');
  });

  it('passes a real TLS handshake verified against the CA for the Service host name', async () => {
    expect(await handshake(certs, SERVICE_HOST)).toEqual({ authorized: true });
    const wrongHost = await handshake(certs, 'portico-control-plane.other.svc');
    expect(wrongHost.authorized).toBe(false);
    expect(wrongHost.error).toMatch(/portico-control-plane\.other\.svc/);
  });
});

describe('checkWebhookCertificates', () => {
  it('accepts generated certificates', () => {
    expect(checkWebhookCertificates(certs, SERVICE_HOST, NOW)).toEqual([]);
  });

  it('reports every mismatch at once', () => {
    const mixed = { caPem: other.caPem, certPem: certs.certPem, keyPem: other.keyPem };
    expect(checkWebhookCertificates(mixed, 'portico-control-plane.other.svc', NOW)).toEqual([
      'the webhook serving key does not belong to the serving certificate',
      'the webhook serving certificate is not signed by the webhook CA',
      'the webhook serving certificate is not valid for portico-control-plane.other.svc',
    ]);
  });

  it('reports unreadable PEM and expiry', () => {
    expect(checkWebhookCertificates({ caPem: 'nope', certPem: 'nope', keyPem: 'nope' }, SERVICE_HOST, NOW)).toEqual([
      'the webhook CA is not a PEM certificate',
      'the webhook serving certificate is not a PEM certificate',
      'the webhook serving key is not a PEM private key',
    ]);
    const later = new Date(NOW.getTime() + 3651 * 86_400_000);
    expect(checkWebhookCertificates(certs, SERVICE_HOST, later)).toEqual([
      `the webhook serving certificate expired on ${new X509Certificate(certs.certPem).validTo}`,
    ]);
  });
});
