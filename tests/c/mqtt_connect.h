/* The MQTT 3.1.1 CONNECT packet the test devices send: clean session, keepalive 60, the client
 * id given. Returns its length. */
#ifndef MQTT_CONNECT_H
#define MQTT_CONNECT_H
#include <string.h>

static size_t mqtt_connect(unsigned char *pkt, const char *client_id) {
    size_t id_len = strlen(client_id), n = 0;
    pkt[n++] = 0x10;
    pkt[n++] = (unsigned char)(10 + 2 + id_len);
    memcpy(pkt + n, "\x00\x04MQTT\x04\x02\x00\x3c", 10);
    n += 10;
    pkt[n++] = 0;
    pkt[n++] = (unsigned char)id_len;
    memcpy(pkt + n, client_id, id_len);
    return n + id_len;
}
#endif
