// Certificates are written by the shared x509 module (agents issue serving certificates too).
export * from '../api/x509/certificate.js';
