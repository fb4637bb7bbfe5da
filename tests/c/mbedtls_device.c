/* A device as firmware would be: the credentials come from the header `mqauth export
 * --format c-header` wrote (included as credentials.h), the TLS stack is mbedTLS. It connects
 * to MQAUTH_BROKER_HOST:MQAUTH_BROKER_PORT on 127.0.0.1, checks the broker's public-key pin,
 * sends an MQTT CONNECT and one PUBLISH, and prints what happened. Exit 0 only if the broker
 * accepted the connection. Written for mbedTLS 2.28 (Debian's libmbedtls-dev). */
#include <stdio.h>
#include <string.h>
#include "credentials.h"
#include "mqtt_connect.h"
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

static int fail(const char *what, int ret) {
    char buf[128];
    mbedtls_strerror(ret, buf, sizeof buf);
    printf("%s failed: -0x%04x %s\n", what, (unsigned)-ret, buf);
    return 1;
}

static int send_all(mbedtls_ssl_context *ssl, const unsigned char *p, size_t n) {
    while (n > 0) {
        int ret = mbedtls_ssl_write(ssl, p, n);
        if (ret < 0) return ret;
        p += ret;
        n -= (size_t)ret;
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *topic = argc > 1 ? argv[1] : "devices/test";
    char port[8];
    snprintf(port, sizeof port, "%d", MQAUTH_BROKER_PORT);
    mbedtls_net_context net;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_net_init(&net);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    int ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0);
    if (ret != 0) return fail("seed", ret);
    ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) return fail("config", ret);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
#ifdef MQAUTH_PSK_IDENTITY
    ret = mbedtls_ssl_conf_psk(&conf, mqauth_psk, mqauth_psk_len,
                               (const unsigned char *)MQAUTH_PSK_IDENTITY, strlen(MQAUTH_PSK_IDENTITY));
    if (ret != 0) return fail("psk", ret);
    printf("psk %u bytes loaded\n", (unsigned)mqauth_psk_len);
#else
    mbedtls_x509_crt ca, pem_ca, cert;
    mbedtls_pk_context key;
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&pem_ca);
    mbedtls_x509_crt_init(&cert);
    mbedtls_pk_init(&key);
    if ((ret = mbedtls_x509_crt_parse_der(&ca, mqauth_ca_der, mqauth_ca_der_len)) != 0)
        return fail("parse ca der", ret);
    if ((ret = mbedtls_x509_crt_parse(&pem_ca, (const unsigned char *)mqauth_ca_pem, mqauth_ca_pem_len)) != 0)
        return fail("parse ca pem", ret);
    if ((ret = mbedtls_x509_crt_parse_der(&cert, mqauth_cert_der, mqauth_cert_der_len)) != 0)
        return fail("parse certificate", ret);
    if ((ret = mbedtls_pk_parse_key(&key, mqauth_key_der, mqauth_key_der_len, NULL, 0)) != 0)
        return fail("parse key", ret);
    printf("credentials parsed\n");
    mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    if ((ret = mbedtls_ssl_conf_own_cert(&conf, &cert, &key)) != 0) return fail("own cert", ret);
#endif
    if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) return fail("setup", ret);
    if ((ret = mbedtls_ssl_set_hostname(&ssl, MQAUTH_BROKER_HOST)) != 0) return fail("hostname", ret);
    if ((ret = mbedtls_net_connect(&net, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP)) != 0)
        return fail("connect", ret);
    mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, mbedtls_net_recv, NULL);
    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            uint32_t flags = mbedtls_ssl_get_verify_result(&ssl);
            if (flags != 0 && flags != (uint32_t)-1) {
                char vrfy[256];
                mbedtls_x509_crt_verify_info(vrfy, sizeof vrfy, "", flags);
                printf("verify: %s", vrfy);
            }
            return fail("handshake", ret);
        }
    }
    printf("handshake ok: %s\n", mbedtls_ssl_get_ciphersuite(&ssl));
#ifdef MQAUTH_BROKER_PIN_SHA256_B64
    {
        const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&ssl);
        unsigned char spki[1024], digest[32];
        int len = peer ? mbedtls_pk_write_pubkey_der((mbedtls_pk_context *)&peer->pk, spki, sizeof spki) : -1;
        if (len > 0) {
            mbedtls_sha256_ret(spki + sizeof spki - len, (size_t)len, digest, 0);
            printf(memcmp(digest, mqauth_broker_pin_sha256, 32) == 0 ? "pin ok\n" : "pin MISMATCH\n");
        } else {
            printf("pin not checked\n");
        }
    }
#endif
    /* MQTT 3.1.1 CONNECT, clean session, keepalive 60, client id = the device id. */
    unsigned char pkt[512];
    size_t n = mqtt_connect(pkt, MQAUTH_DEVICE_ID);
    if ((ret = send_all(&ssl, pkt, n)) != 0) return fail("send connect", ret);
    unsigned char ack[4];
    size_t got = 0;
    while (got < 4) {
        ret = mbedtls_ssl_read(&ssl, ack + got, 4 - got);
        if (ret <= 0) return fail("read connack", ret == 0 ? -1 : ret);
        got += (size_t)ret;
    }
    printf("connack %d\n", ack[3]);
    if (ack[0] != 0x20 || ack[3] != 0) return 1;
    /* PUBLISH QoS 0 */
    size_t t_len = strlen(topic);
    const char *msg = "hello from mbedtls";
    n = 0;
    pkt[n++] = 0x30;
    pkt[n++] = (unsigned char)(2 + t_len + strlen(msg));
    pkt[n++] = 0;
    pkt[n++] = (unsigned char)t_len;
    memcpy(pkt + n, topic, t_len);
    n += t_len;
    memcpy(pkt + n, msg, strlen(msg));
    n += strlen(msg);
    pkt[n++] = 0xe0;
    pkt[n++] = 0x00;
    if ((ret = send_all(&ssl, pkt, n)) != 0) return fail("send publish", ret);
    printf("published\n");
    mbedtls_ssl_close_notify(&ssl);
    mbedtls_net_free(&net);
    return 0;
}
