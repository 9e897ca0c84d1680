#!/usr/bin/env bash
# Regenerates the admission-server test certificates (100-year validity): a CA, and two server
# certificates it signs for 127.0.0.1 / localhost / the in-cluster Service name (two, so a test can
# check that reloadTls switches the served certificate). Run from this folder.
set -euo pipefail
days=36500
san="subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:portico-control-plane.portico-system.svc"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key.pem -out ca.cert.pem \
  -days "$days" -subj "/CN=portico-webhook-test-ca" 2>/dev/null
for leaf in server-a server-b; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$leaf.key.pem" -out "$leaf.csr" \
    -subj "/CN=$leaf" 2>/dev/null
  openssl x509 -req -in "$leaf.csr" -CA ca.cert.pem -CAkey ca.key.pem -CAcreateserial -out "$leaf.cert.pem" \
    -days "$days" -extfile <(printf '%s\nextendedKeyUsage=serverAuth\n' "$san") 2>/dev/null
  rm "$leaf.csr"
done
rm -f ca.key.pem ca.cert.srl
