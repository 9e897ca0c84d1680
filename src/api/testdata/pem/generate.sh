#!/bin/sh
# Regenerates the PEM fixtures of pem.test.ts (run from this directory). Certificates are valid
# for 100 years so the fixtures never expire under the tests; keys are throwaway test keys.
set -eu
days=36500
subj() { printf '/CN=%s' "$1"; }

# A CA that signs the server certificates, so bundles can carry a chain.
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days "$days" -subj "$(subj 'Portico Test CA')" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null

# sign KEY CERT CN: a server certificate for KEY signed by the CA.
sign() {
  openssl req -new -key "$1" -subj "$(subj "$3")" -out tmp.csr
  printf 'subjectAltName=DNS:%s\n' "$3" > tmp.ext
  openssl x509 -req -in tmp.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -extfile tmp.ext -out "$2" 2>/dev/null
  rm -f tmp.csr tmp.ext ca.srl
}

openssl genrsa -traditional -out rsa.key 2048 2>/dev/null            # RSA PRIVATE KEY (PKCS#1)
openssl pkcs8 -topk8 -nocrypt -in rsa.key -out rsa-pkcs8.key         # the same key as PRIVATE KEY (PKCS#8)
sign rsa.key rsa.crt example.com
openssl genrsa -traditional -out rsa-other.key 2048 2>/dev/null      # matches no certificate here

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec-pkcs8.key
openssl ec -in ec-pkcs8.key -out ec.key 2>/dev/null                  # EC PRIVATE KEY (SEC1)
sign ec.key ec.crt example.com

openssl genpkey -algorithm ED25519 -out ed25519.key                  # a key type Envoy cannot serve
openssl req -x509 -key ed25519.key -out ed25519.crt -days "$days" -subj "$(subj example.com)"

openssl genrsa -traditional -out rsa-1024.key 1024 2>/dev/null       # below Envoy's 2048-bit minimum
sign rsa-1024.key rsa-1024.crt example.com

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out secp256k1.key   # a curve Envoy refuses
sign secp256k1.key secp256k1.crt example.com

openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:portico -in rsa.key -out encrypted.key   # ENCRYPTED PRIVATE KEY
