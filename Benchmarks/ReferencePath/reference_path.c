// The tick-to-order work written the shortest way in C, as a floor for `tick-to-order`:
// what one function with no framework, no plugin boundary and no allocation pays on this
// machine for the same book update, checksum, signed order and socket write. Everything but
// SHA-256's compression function (the host's signer's own, `CSwiftletSHA256`) is
// hand-written here (HMAC, CRC-32, number formatting), so nothing but this code and the
// kernel's runs on the path; it is a measuring stick, not code the bot uses.
#define _GNU_SOURCE
#include "reference_path.h"
#include "CSwiftletSHA256.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

// MARK: SHA-256 and HMAC (FIPS 180-4, RFC 2104)

typedef struct {
    uint32_t state[8];
    uint8_t block[64];
    size_t used;
    uint64_t length;
} sha256_t;

/// SHA-256's compression function, the same the host's signer uses (`CSwiftletSHA256`): on
/// the CPU's SHA extensions where it has them, set once per run.
static void (*sha256_compress)(uint32_t state[8], const uint8_t *data, size_t blocks);

static void sha256_init(sha256_t *hash) {
    static const uint32_t initial[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(hash->state, initial, sizeof initial);
    hash->used = 0;
    hash->length = 0;
}

static void sha256_update(sha256_t *hash, const void *data, size_t count) {
    const uint8_t *bytes = data;
    hash->length += count;
    while (count > 0) {
        size_t take = 64 - hash->used < count ? 64 - hash->used : count;
        memcpy(hash->block + hash->used, bytes, take);
        hash->used += take; bytes += take; count -= take;
        if (hash->used == 64) { sha256_compress(hash->state, hash->block, 1); hash->used = 0; }
    }
}

static void sha256_final(sha256_t *hash, uint8_t digest[32]) {
    uint64_t bits = hash->length * 8;
    uint8_t pad = 0x80;
    sha256_update(hash, &pad, 1);
    pad = 0;
    while (hash->used != 56) sha256_update(hash, &pad, 1);
    uint8_t length[8];
    for (int i = 0; i < 8; i++) length[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(hash, length, 8);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(hash->state[i] >> 24); digest[4 * i + 1] = (uint8_t)(hash->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(hash->state[i] >> 8); digest[4 * i + 3] = (uint8_t)hash->state[i];
    }
}

/// The key's inner and outer hash states, absorbed once (keys up to one block).
typedef struct { sha256_t inner, outer; } hmac_key_t;

static void hmac_key(hmac_key_t *key, const char *secret) {
    uint8_t pad[64] = { 0 };
    memcpy(pad, secret, strlen(secret));
    for (int i = 0; i < 64; i++) pad[i] ^= 0x36;
    sha256_init(&key->inner); sha256_update(&key->inner, pad, 64);
    for (int i = 0; i < 64; i++) pad[i] ^= 0x36 ^ 0x5c;
    sha256_init(&key->outer); sha256_update(&key->outer, pad, 64);
}

static void hmac_sign(const hmac_key_t *key, const char *message, size_t length, uint8_t mac[32]) {
    sha256_t hash = key->inner;
    uint8_t inner[32];
    sha256_update(&hash, message, length);
    sha256_final(&hash, inner);
    hash = key->outer;
    sha256_update(&hash, inner, 32);
    sha256_final(&hash, mac);
}

static size_t base64(const uint8_t *bytes, size_t count, char *out) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    for (size_t i = 0; i < count; i += 3) {
        uint32_t v = (uint32_t)bytes[i] << 16 | (i + 1 < count ? (uint32_t)bytes[i + 1] << 8 : 0) | (i + 2 < count ? bytes[i + 2] : 0);
        out[n++] = alphabet[v >> 18 & 63];
        out[n++] = alphabet[v >> 12 & 63];
        out[n++] = i + 1 < count ? alphabet[v >> 6 & 63] : '=';
        out[n++] = i + 2 < count ? alphabet[v & 63] : '=';
    }
    return n;
}

// MARK: The book (exact fixed point, 8 decimals) and its checksum

enum { book_capacity = 1024, text_capacity = 24 };

typedef struct {
    int64_t price[book_capacity];
    char price_text[book_capacity][text_capacity];
    char size_text[book_capacity][text_capacity];
    int count;
    int descending;
} book_side_t;

static int64_t fixed_point(const char *text, size_t length) {
    int64_t value = 0;
    int decimals = -1;
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '.') { decimals = 0; continue; }
        value = value * 10 + (text[i] - '0');
        if (decimals >= 0) decimals++;
    }
    for (int d = decimals < 0 ? 0 : decimals; d < 8; d++) value *= 10;
    return value;
}

static int is_zero(const char *text, size_t length) {
    for (size_t i = 0; i < length; i++) if (text[i] != '0' && text[i] != '.') return 0;
    return 1;
}

static void book_apply(book_side_t *side, const char *price, size_t price_length, const char *size, size_t size_length) {
    if (price_length >= text_capacity || size_length >= text_capacity) return;
    int64_t value = fixed_point(price, price_length);
    int low = 0, high = side->count;
    while (low < high) {
        int middle = (low + high) / 2;
        if (side->descending ? side->price[middle] > value : side->price[middle] < value) low = middle + 1; else high = middle;
    }
    int at = low, found = at < side->count && side->price[at] == value;
    if (is_zero(size, size_length)) {
        if (!found) return;
        int after = side->count - at - 1;
        memmove(&side->price[at], &side->price[at + 1], after * sizeof side->price[0]);
        memmove(side->price_text[at], side->price_text[at + 1], after * sizeof side->price_text[0]);
        memmove(side->size_text[at], side->size_text[at + 1], after * sizeof side->size_text[0]);
        side->count--;
        return;
    }
    if (!found) {
        if (side->count == book_capacity) return;
        int after = side->count - at;
        memmove(&side->price[at + 1], &side->price[at], after * sizeof side->price[0]);
        memmove(side->price_text[at + 1], side->price_text[at], after * sizeof side->price_text[0]);
        memmove(side->size_text[at + 1], side->size_text[at], after * sizeof side->size_text[0]);
        side->count++;
        side->price[at] = value;
        memcpy(side->price_text[at], price, price_length);
        side->price_text[at][price_length] = 0;
    }
    memcpy(side->size_text[at], size, size_length);
    side->size_text[at][size_length] = 0;
}

/// Applies the `[["price","size"],…]` array after `key` in `frame` (compact JSON, as Bitget sends).
static void apply_levels(const char *frame, const char *key, book_side_t *side) {
    const char *p = strstr(frame, key);
    if (!p) return;
    p = strchr(p, '[');
    if (!p) return;
    p++;
    while (*p == '[') {
        const char *price = p + 2, *price_end = strchr(price, '"');
        if (!price_end) return;
        const char *size = price_end + 3, *size_end = strchr(size, '"');
        if (!size_end) return;
        book_apply(side, price, price_end - price, size, size_end - size);
        p = size_end + 2;
        if (*p == ',') p++;
    }
}

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const char *text) {
    for (; *text; text++) crc = crc_table[(crc ^ (uint8_t)*text) & 0xff] ^ (crc >> 8);
    return crc;
}

/// Bitget's checksum: CRC-32 of `bid:size:ask:size:…` over the top 25 levels, as a signed 32-bit integer.
static int32_t book_checksum(const book_side_t *bids, const book_side_t *asks) {
    uint32_t crc = 0xFFFFFFFFu;
    int first = 1;
    for (int i = 0; i < 25; i++) {
        const book_side_t *sides[2] = { bids, asks };
        for (int s = 0; s < 2; s++) {
            if (i >= sides[s]->count) continue;
            if (!first) crc = crc_update(crc, ":");
            first = 0;
            crc = crc_update(crc, sides[s]->price_text[i]);
            crc = crc_update(crc, ":");
            crc = crc_update(crc, sides[s]->size_text[i]);
        }
    }
    return (int32_t)(crc ^ 0xFFFFFFFFu);
}

// MARK: Text

static char *append(char *out, const char *text) {
    size_t n = strlen(text);
    memcpy(out, text, n);
    return out + n;
}

static char *append_int(char *out, int64_t value) {
    char digits[24];
    int n = 0;
    if (value < 0) { *out++ = '-'; value = -value; }
    do { digits[n++] = (char)('0' + value % 10); value /= 10; } while (value);
    while (n) *out++ = digits[--n];
    return out;
}

// MARK: The run

typedef struct {
    const char *const *frames;
    int frame_count, warmup, gap_ms, exchange_cpu, bot_cpu, listener;
    struct sockaddr_in address;
    swl_reference_sample *samples;
    pthread_mutex_t lock;
    _Atomic int failed;
    char error[256];
} run_t;

/// Records the first failure; both threads stop at their next step.
static void fail(run_t *run, const char *format, ...) {
    pthread_mutex_lock(&run->lock);
    if (!run->failed) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(run->error, sizeof run->error, format, arguments);
        va_end(arguments);
        run->failed = 1;
    }
    pthread_mutex_unlock(&run->lock);
}

static void pin(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int write_all(int fd, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t n = send(fd, bytes, count, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        bytes += n; count -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, char *bytes, size_t count) {
    while (count > 0) {
        ssize_t n = read(fd, bytes, count);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        bytes += n; count -= (size_t)n;
    }
    return 0;
}

/// The exchange: one length-prefixed frame per round, then reads the order the round caused.
static void *exchange(void *argument) {
    run_t *run = argument;
    pin(run->exchange_cpu);
    int feed = accept(run->listener, NULL, NULL), orders = accept(run->listener, NULL, NULL);
    if (feed < 0 || orders < 0) { fail(run, "accept: %s", strerror(errno)); return NULL; }
    char message[1 << 16];
    for (int i = 0; i < run->frame_count && !run->failed; i++) {
        struct timespec gap = { run->gap_ms / 1000, (long)(run->gap_ms % 1000) * 1000000 };
        nanosleep(&gap, NULL);
        uint32_t length = (uint32_t)strlen(run->frames[i]);
        if (write_all(feed, (const char *)&length, 4) || write_all(feed, run->frames[i], length)) {
            fail(run, "exchange write: %s", strerror(errno));
            break;
        }
        if (i > 0 && read(orders, message, sizeof message) <= 0) { fail(run, "exchange read: the bot closed"); break; }
    }
    close(feed);
    close(orders);
    return NULL;
}

static int connect_to(run_t *run) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0 || connect(fd, (struct sockaddr *)&run->address, sizeof run->address) < 0) return -1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/// The bot: every frame applied and checked, every update after the snapshot answered with an order.
static void *bot(void *argument) {
    run_t *run = argument;
    pin(run->bot_cpu);
    static book_side_t bids = { .descending = 1 }, asks = { .descending = 0 };
    bids.count = asks.count = 0;
    hmac_key_t key;
    hmac_key(&key, "sim-secret");
    int feed = connect_to(run), orders = connect_to(run), poll = epoll_create1(0);
    if (feed < 0 || orders < 0 || poll < 0) { fail(run, "connect: %s", strerror(errno)); return NULL; }
    struct epoll_event event = { .events = EPOLLIN, .data.fd = feed };
    epoll_ctl(poll, EPOLL_CTL_ADD, feed, &event);
    static char frame[1 << 20];
    for (int i = 0; i < run->frame_count && !run->failed; i++) {
        if (epoll_wait(poll, &event, 1, 10000) != 1) { fail(run, "no frame within 10 s"); break; }
        int64_t readable = now_ns();
        uint32_t length;
        if (read_all(feed, (char *)&length, 4) || length >= sizeof frame || read_all(feed, frame, length)) {
            fail(run, "feed read failed");
            break;
        }
        frame[length] = 0;
        int64_t read_done = now_ns();
        apply_levels(frame, "\"asks\"", &asks);
        apply_levels(frame, "\"bids\"", &bids);
        int64_t applied = now_ns();
        const char *checksum = strstr(frame, "\"checksum\":");
        if (!checksum || strtol(checksum + 11, NULL, 10) != book_checksum(&bids, &asks)) {
            fail(run, "frame %d: the book's checksum does not match the frame's", i);
            break;
        }
        int64_t checked = now_ns();
        if (i == 0) continue;
        if (bids.count == 0) { fail(run, "frame %d: no bids", i); break; }
        // A post-only bid 100 ticks (0.01) under the best bid.
        int64_t price = bids.price[0] - 100 * 1000000;
        char body[256], *b = body;
        b = append(b, "{\"symbol\":\"BTCUSDT\",\"side\":\"buy\",\"orderType\":\"limit\",\"force\":\"post_only\",\"price\":\"");
        b = append_int(b, price / 100000000);
        *b++ = '.';
        int64_t cents = price / 1000000 % 100;
        *b++ = (char)('0' + cents / 10);
        *b++ = (char)('0' + cents % 10);
        b = append(b, "\",\"size\":\"0.0001\",\"clientOid\":\"ref-");
        b = append_int(b, i);
        b = append(b, "\"}");
        struct timespec wall;
        clock_gettime(CLOCK_REALTIME, &wall);
        char timestamp[24];
        *append_int(timestamp, (int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000) = 0;
        char prehash[512], *h = prehash;
        h = append(h, timestamp);
        h = append(h, "POST/api/v2/spot/trade/place-order");
        memcpy(h, body, (size_t)(b - body));
        h += b - body;
        uint8_t mac[32];
        hmac_sign(&key, prehash, (size_t)(h - prehash), mac);
        char signature[48];
        signature[base64(mac, 32, signature)] = 0;
        char request[1024], *r = request;
        r = append(r, "POST /api/v2/spot/trade/place-order HTTP/1.1\r\nContent-Type: application/json\r\nlocale: en-US\r\n"
                      "ACCESS-KEY: sim-key\r\nACCESS-SIGN: ");
        r = append(r, signature);
        r = append(r, "\r\nACCESS-TIMESTAMP: ");
        r = append(r, timestamp);
        r = append(r, "\r\nACCESS-PASSPHRASE: sim-passphrase\r\nHost: 127.0.0.1\r\nContent-Length: ");
        r = append_int(r, b - body);
        r = append(r, "\r\n\r\n");
        memcpy(r, body, (size_t)(b - body));
        r += b - body;
        int64_t built = now_ns();
        if (write_all(orders, request, (size_t)(r - request))) { fail(run, "order write: %s", strerror(errno)); break; }
        int64_t written = now_ns();
        if (i > run->warmup) {
            run->samples[i - run->warmup - 1] = (swl_reference_sample){
                read_done - readable, applied - read_done, checked - applied, built - checked, written - built };
        }
    }
    close(feed);
    close(orders);
    close(poll);
    return NULL;
}

/// RFC 4231, test case 2.
static int hmac_self_test(void) {
    static const uint8_t expected[32] = {
        0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
        0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43 };
    hmac_key_t key;
    hmac_key(&key, "Jefe");
    const char *message = "what do ya want for nothing?";
    uint8_t mac[32];
    hmac_sign(&key, message, strlen(message), mac);
    return memcmp(mac, expected, 32) == 0;
}

int swl_reference_path_run(const char *const *frames, int frame_count, int warmup, int gap_ms,
                           int exchange_cpu, int bot_cpu, swl_reference_sample *samples,
                           char *error, size_t error_capacity) {
    run_t run = { .frames = frames, .frame_count = frame_count, .warmup = warmup, .gap_ms = gap_ms,
                  .exchange_cpu = exchange_cpu, .bot_cpu = bot_cpu, .samples = samples,
                  .lock = PTHREAD_MUTEX_INITIALIZER };
    crc_init();
    sha256_compress = swl_sha256_has_extensions() ? swl_sha256_compress_with_extensions : swl_sha256_compress_portable;
    if (!hmac_self_test()) fail(&run, "HMAC-SHA256 self-test (RFC 4231 case 2) failed");
    if (frame_count < warmup + 2) fail(&run, "need at least %d frames", warmup + 2);
    run.listener = socket(AF_INET, SOCK_STREAM, 0);
    run.address = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t length = sizeof run.address;
    if (!run.failed && (run.listener < 0 || bind(run.listener, (struct sockaddr *)&run.address, sizeof run.address) < 0
                          || listen(run.listener, 4) < 0 || getsockname(run.listener, (struct sockaddr *)&run.address, &length) < 0))
        fail(&run, "listen: %s", strerror(errno));
    if (!run.failed) {
        pthread_t exchange_thread, bot_thread;
        pthread_create(&exchange_thread, NULL, exchange, &run);
        pthread_create(&bot_thread, NULL, bot, &run);
        pthread_join(bot_thread, NULL);
        if (run.failed) shutdown(run.listener, SHUT_RDWR);
        pthread_join(exchange_thread, NULL);
    }
    if (run.listener >= 0) close(run.listener);
    if (run.failed) {
        snprintf(error, error_capacity, "%s", run.error);
        return -1;
    }
    return 0;
}
