#!/bin/sh
# Regenerates the PEM bundles of the gateway golden cases (run from this directory). Each bundle
# is a throwaway private key followed by its self-signed certificate, valid for 100 years so the
# fixtures never expire under the tests.
set -eu
days=36500

# bundle NAME KEYALG CN SANS: NAME.pem holding a PKCS#8 key and a certificate for CN and SANS.
bundle() {
  openssl req -x509 -newkey "$2" -nodes -keyout tmp.key -out tmp.crt -days "$days" -subj "/CN=$3" \
    -addext "subjectAltName=$4" 2>/dev/null
  cat tmp.key tmp.crt > "$1.pem"
  rm -f tmp.key tmp.crt
}

bundle example-rsa rsa:2048 example.com 'DNS:example.com,DNS:*.example.com'
openssl ecparam -name prime256v1 -out ecparam.tmp
bundle example-ecdsa ec:ecparam.tmp example.com 'DNS:example.com,DNS:*.example.com'
bundle shop-rsa rsa:2048 shop.example.com 'DNS:shop.example.com'
rm -f ecparam.tmp

# The shop certificate alone: a bundle without a private key.
openssl x509 -in shop-rsa.pem -out shop-rsa.crt

# Mesh CAs of the mTLS cases, as the builtin CA makes them (docs/mesh-mtls.md §1.3): CA, keyCertSign and
# cRLSign, URI SAN spiffe://<mesh>. The key and the certificate are separate files, as the two
# builtin CA Secrets hold them.
mesh_ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "mesh-ca-$1.key" -out "mesh-ca-$1.crt" -days "$days" \
    -subj "/O=Kuma/OU=Mesh/CN=$1" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectAltName=URI:spiffe://$1" 2>/dev/null
}
mesh_ca default
mesh_ca other
