/* cgym-suite: category=hashing; SHA-256 and SHA-224 with streaming API, FIPS 180-4 test vectors, HMAC-SHA256 and hash chains */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t h[8];
    uint64_t total_len; /* bytes */
    uint8_t block[64];
    size_t used;
    int out_words; /* 8 for SHA-256, 7 for SHA-224 */
} sha256_ctx;

static const uint32_t K256[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u};

static uint32_t rotr32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32u - n));
}

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void sha256_compress(uint32_t h[8], const uint8_t *blk)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = load_be32(blk + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K256[i] + w[i];
        uint32_t S0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

static void sha256_init(sha256_ctx *c)
{
    static const uint32_t iv[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                   0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    memcpy(c->h, iv, sizeof(iv));
    c->total_len = 0;
    c->used = 0;
    c->out_words = 8;
}

static void sha224_init(sha256_ctx *c)
{
    static const uint32_t iv[8] = {0xc1059ed8u, 0x367cd507u, 0x3070dd17u, 0xf70e5939u,
                                   0xffc00b31u, 0x68581511u, 0x64f98fa7u, 0xbefa4fa4u};
    memcpy(c->h, iv, sizeof(iv));
    c->total_len = 0;
    c->used = 0;
    c->out_words = 7;
}

static void sha256_update(sha256_ctx *c, const uint8_t *data, size_t n)
{
    c->total_len += n;
    if (c->used > 0) {
        size_t take = 64 - c->used;
        if (take > n)
            take = n;
        memcpy(c->block + c->used, data, take);
        c->used += take;
        data += take;
        n -= take;
        if (c->used == 64) {
            sha256_compress(c->h, c->block);
            c->used = 0;
        }
    }
    while (n >= 64) {
        sha256_compress(c->h, data);
        data += 64;
        n -= 64;
    }
    if (n > 0) {
        memcpy(c->block, data, n);
        c->used = n;
    }
}

static void sha256_final(sha256_ctx *c, uint8_t *out)
{
    uint64_t bits = c->total_len * 8u;
    c->block[c->used++] = 0x80;
    if (c->used > 56) {
        memset(c->block + c->used, 0, 64 - c->used);
        sha256_compress(c->h, c->block);
        c->used = 0;
    }
    memset(c->block + c->used, 0, 56 - c->used);
    for (int i = 0; i < 8; i++)
        c->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_compress(c->h, c->block);
    for (int i = 0; i < c->out_words; i++)
        store_be32(out + 4 * i, c->h[i]);
}

static void sha256_oneshot(const uint8_t *data, size_t n, uint8_t out[32])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, data, n);
    sha256_final(&c, out);
}

static void hmac_sha256(const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen,
                        uint8_t out[32])
{
    uint8_t k0[64];
    uint8_t pad[64];
    uint8_t inner[32];
    memset(k0, 0, sizeof(k0));
    if (klen > 64)
        sha256_oneshot(key, klen, k0);
    else
        memcpy(k0, key, klen);
    sha256_ctx c;
    for (int i = 0; i < 64; i++)
        pad[i] = (uint8_t)(k0[i] ^ 0x36u);
    sha256_init(&c);
    sha256_update(&c, pad, 64);
    sha256_update(&c, msg, mlen);
    sha256_final(&c, inner);
    for (int i = 0; i < 64; i++)
        pad[i] = (uint8_t)(k0[i] ^ 0x5cu);
    sha256_init(&c);
    sha256_update(&c, pad, 64);
    sha256_update(&c, inner, 32);
    sha256_final(&c, out);
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int digest_equals_hex(const uint8_t *d, size_t n, const char *hex)
{
    if (strlen(hex) != 2 * n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]);
        int lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0 || d[i] != (uint8_t)(hi * 16 + lo))
            return 0;
    }
    return 1;
}

static void print_hex(const char *label, const uint8_t *d, size_t n)
{
    printf("%s", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", d[i]);
    printf("\n");
}

struct vector {
    const char *msg;
    size_t repeat;
    const char *sha256;
    const char *sha224;
};

static int run_vectors(void)
{
    static const struct vector vecs[] = {
        {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
         "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"},
        {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
         "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         10000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
         "20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67"},
    };
    int fails = 0;
    for (size_t v = 0; v < sizeof(vecs) / sizeof(vecs[0]); v++) {
        for (int variant = 0; variant < 2; variant++) {
            sha256_ctx c;
            uint8_t out[32];
            if (variant == 0)
                sha256_init(&c);
            else
                sha224_init(&c);
            size_t len = strlen(vecs[v].msg);
            for (size_t r = 0; r < vecs[v].repeat; r++)
                sha256_update(&c, (const uint8_t *)vecs[v].msg, len);
            sha256_final(&c, out);
            int ok = variant == 0 ? digest_equals_hex(out, 32, vecs[v].sha256)
                                  : digest_equals_hex(out, 28, vecs[v].sha224);
            if (!ok) {
                printf("vector %u variant %d FAILED\n", (unsigned)v, variant);
                fails++;
            }
        }
    }
    /* RFC 4231 test case 2 */
    uint8_t mac[32];
    const char *key = "Jefe";
    const char *msg = "what do ya want for nothing?";
    hmac_sha256((const uint8_t *)key, strlen(key), (const uint8_t *)msg, strlen(msg), mac);
    if (!digest_equals_hex(mac, 32,
                           "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")) {
        printf("hmac vector FAILED\n");
        fails++;
    }
    return fails;
}

int main(void)
{
    int fails = run_vectors();
    printf("test vectors: %s\n", fails ? "FAIL" : "ok");

    /* Streaming vs one-shot over a generated buffer with odd chunk sizes. */
    size_t n = 20000;
    uint8_t *buf = malloc(n);
    if (!buf)
        return 1;
    uint32_t s = 0x2545F491u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        buf[i] = (uint8_t)(s >> 24);
    }
    uint8_t d1[32], d2[32];
    sha256_oneshot(buf, n, d1);
    sha256_ctx c;
    sha256_init(&c);
    size_t pos = 0, chunk = 1;
    while (pos < n) {
        size_t take = chunk < n - pos ? chunk : n - pos;
        sha256_update(&c, buf + pos, take);
        pos += take;
        chunk = (chunk * 5 + 3) % 191;
    }
    sha256_final(&c, d2);
    int stream_ok = memcmp(d1, d2, 32) == 0;
    printf("streaming matches one-shot: %s\n", stream_ok ? "yes" : "no");
    print_hex("buffer sha256: ", d1, 32);

    /* Hash chain: repeatedly hash the previous digest, and HMAC over chunks. */
    uint8_t chain[32];
    memcpy(chain, d1, 32);
    for (int i = 0; i < 400; i++)
        sha256_oneshot(chain, 32, chain);
    print_hex("chain[400]:    ", chain, 32);
    uint8_t mac[32];
    uint32_t macmix = 0;
    for (int i = 0; i < 40; i++) {
        size_t off = (size_t)i * 457u % (n - 600);
        size_t klen = (size_t)(i % 33) + 1 + (i % 3 == 0 ? 70 : 0);
        hmac_sha256(buf + (n - 200), klen, buf + off, 128 + (size_t)i * 11, mac);
        macmix = (macmix * 31u) ^ load_be32(mac) ^ load_be32(mac + 28);
    }
    printf("hmac mix: %08x\n", (unsigned)macmix);

    uint32_t checksum = macmix;
    for (int i = 0; i < 8; i++)
        checksum = (checksum ^ load_be32(chain + 4 * i)) * 0x9E3779B1u + load_be32(d1 + 4 * i);
    printf("status: %s\n", (fails == 0 && stream_ok) ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(buf);
    return 0;
}
