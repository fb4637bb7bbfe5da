/* A wolfSSL device on TLS 1.3 PSK: identity and key from the header `mqauth export --format
 * c-header` wrote (credentials.h). Connects to 127.0.0.1:MQAUTH_BROKER_PORT, sends an MQTT
 * CONNECT and prints the CONNACK. Exit 0 only if the broker accepted the connection. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include "credentials.h"
#include "mqtt_connect.h"

static unsigned int psk_cb(WOLFSSL *ssl, const char *hint, char *identity, unsigned int id_max,
                           unsigned char *key, unsigned int key_max) {
    (void)ssl;
    (void)hint;
    if (strlen(MQAUTH_PSK_IDENTITY) >= id_max || mqauth_psk_len > key_max) return 0;
    strcpy(identity, MQAUTH_PSK_IDENTITY);
    memcpy(key, mqauth_psk, mqauth_psk_len);
    return (unsigned int)mqauth_psk_len;
}

int main(void) {
    wolfSSL_Init();
    WOLFSSL_CTX *ctx = wolfSSL_CTX_new(wolfTLSv1_3_client_method());
    if (!ctx) return 1;
    wolfSSL_CTX_set_psk_client_callback(ctx, psk_cb);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(MQAUTH_BROKER_PORT);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        printf("connect failed\n");
        return 1;
    }
    WOLFSSL *ssl = wolfSSL_new(ctx);
    wolfSSL_set_fd(ssl, fd);
    if (wolfSSL_connect(ssl) != WOLFSSL_SUCCESS) {
        printf("handshake failed: %d\n", wolfSSL_get_error(ssl, 0));
        return 1;
    }
    printf("handshake ok: %s %s\n", wolfSSL_get_version(ssl), wolfSSL_get_cipher(ssl));
    unsigned char pkt[256];
    size_t n = mqtt_connect(pkt, MQAUTH_DEVICE_ID);
    if (wolfSSL_write(ssl, pkt, (int)n) != (int)n) return 1;
    unsigned char ack[4];
    int got = 0;
    while (got < 4) {
        int r = wolfSSL_read(ssl, ack + got, 4 - got);
        if (r <= 0) {
            printf("read failed: %d\n", wolfSSL_get_error(ssl, r));
            return 1;
        }
        got += r;
    }
    printf("connack %d\n", ack[3]);
    return ack[0] == 0x20 && ack[3] == 0 ? 0 : 1;
}
