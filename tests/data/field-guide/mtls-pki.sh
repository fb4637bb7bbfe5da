# Creates a local CA, signs a broker certificate and a client certificate for mTLS testing
set -euo pipefail
mkdir -p ~/mqtt-mtls-demo && cd ~/mqtt-mtls-demo

# 1) CA key and cert
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -nodes -key ca.key -sha256 -days 3650 \
  -subj "/CN=IoTSnacks Demo CA" -out ca.crt

# 2) Broker key and CSR
openssl ecparam -name prime256v1 -genkey -noout -out broker.key
openssl req -new -key broker.key -subj "/CN=localhost" -out broker.csr

# 3) Broker cert with SAN=localhost,127.0.0.1
cat > broker.ext << 'EOF'
subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth
keyUsage=digitalSignature,keyEncipherment
EOF

openssl x509 -req -in broker.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
  -out broker.crt -days 825 -sha256 -extfile broker.ext

# 4) Client key and CSR
openssl ecparam -name prime256v1 -genkey -noout -out client.key
openssl req -new -key client.key -subj "/CN=device-001" -out client.csr

# 5) Client cert
cat > client.ext << 'EOF'
extendedKeyUsage=clientAuth
keyUsage=digitalSignature
EOF

openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
  -out client.crt -days 825 -sha256 -extfile client.ext

echo "Generated: ca.crt, broker.crt/key, client.crt/key"
