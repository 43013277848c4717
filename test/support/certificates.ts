/** Self-signed X.509 certificates made in the test, for TLS servers and mTLS clients. */
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto'
import forge from 'node-forge'

export interface TestCertificate {
  /** PEM certificate and key, as node:tls takes them. */
  cert: string
  key: string
  /** `x5t#S256`: base64url SHA-256 of the DER certificate (RFC 8705 §3.1). */
  thumbprint: string
}

/**
 * A self-signed certificate for `commonName` (node:crypto makes the key; node-forge the
 * certificate), valid for a day, with 127.0.0.1 as subject alternative name.
 */
export function selfSignedCertificate(commonName: string): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }) as string,
  )
  cert.serialNumber = `01${createHash('sha1').update(commonName).digest('hex').slice(0, 16)}`
  cert.validity.notBefore = new Date(Date.now() - 60_000)
  cert.validity.notAfter = new Date(Date.now() + 86_400_000)
  const attrs = [{ name: 'commonName', value: commonName }]
  cert.setSubject(attrs)
  cert.setIssuer(attrs)
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }])
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create())
  const pem = forge.pki.certificateToPem(cert)
  const der = new X509Certificate(pem).raw
  return {
    cert: pem,
    key: keyPem,
    thumbprint: createHash('sha256').update(der).digest('base64url'),
  }
}
