/* cgym-suite: category=hashing; MD5 message digest (RFC 1321) with streaming API, test suite, HMAC-MD5 and a digest-keyed dedup table */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t state[4];
    uint64_t nbytes;
    uint8_t buf[64];
    size_t fill;
} md5_ctx;

/* Per-round shift amounts. */
static const uint8_t md5_shift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                      5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                      4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                      6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

/* floor(abs(sin(i + 1)) * 2^32) */
static const uint32_t md5_T[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu, 0xf57c0fafu, 0x4787c62au, 0xa8304613u,
    0xfd469501u, 0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu, 0x6b901122u, 0xfd987193u,
    0xa679438eu, 0x49b40821u, 0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau, 0xd62f105du,
    0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u, 0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au, 0xfffa3942u, 0x8771f681u, 0x6d9d6122u,
    0xfde5380cu, 0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u, 0x289b7ec6u, 0xeaa127fau,
    0xd4ef3085u, 0x04881d05u, 0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u, 0xf4292244u,
    0x432aff97u, 0xab9423a7u, 0xfc93a039u, 0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u, 0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu,
    0xeb86d391u};

static uint32_t rotl32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32u - n));
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void md5_transform(uint32_t st[4], const uint8_t *block)
{
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = load_le32(block + 4 * i);
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    for (unsigned i = 0; i < 64; i++) {
        uint32_t f;
        unsigned g;
        switch (i >> 4) {
        case 0:
            f = (b & c) | (~b & d);
            g = i;
            break;
        case 1:
            f = (d & b) | (~d & c);
            g = (5 * i + 1) & 15u;
            break;
        case 2:
            f = b ^ c ^ d;
            g = (3 * i + 5) & 15u;
            break;
        default:
            f = c ^ (b | ~d);
            g = (7 * i) & 15u;
            break;
        }
        uint32_t tmp = d;
        d = c;
        c = b;
        b = b + rotl32(a + f + md5_T[i] + m[g], md5_shift[i]);
        a = tmp;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
}

static void md5_init(md5_ctx *c)
{
    c->state[0] = 0x67452301u;
    c->state[1] = 0xefcdab89u;
    c->state[2] = 0x98badcfeu;
    c->state[3] = 0x10325476u;
    c->nbytes = 0;
    c->fill = 0;
}

static void md5_update(md5_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    c->nbytes += len;
    while (len > 0) {
        if (c->fill == 0 && len >= 64) {
            md5_transform(c->state, p);
            p += 64;
            len -= 64;
            continue;
        }
        size_t take = 64 - c->fill;
        if (take > len)
            take = len;
        memcpy(c->buf + c->fill, p, take);
        c->fill += take;
        p += take;
        len -= take;
        if (c->fill == 64) {
            md5_transform(c->state, c->buf);
            c->fill = 0;
        }
    }
}

static void md5_final(md5_ctx *c, uint8_t digest[16])
{
    uint64_t bits = c->nbytes * 8u;
    uint8_t pad = 0x80;
    uint8_t zero = 0;
    uint8_t lenbytes[8];
    for (int i = 0; i < 8; i++)
        lenbytes[i] = (uint8_t)(bits >> (8 * i));
    md5_update(c, &pad, 1);
    while (c->fill != 56)
        md5_update(c, &zero, 1);
    md5_update(c, lenbytes, 8);
    for (int i = 0; i < 4; i++) {
        digest[4 * i + 0] = (uint8_t)c->state[i];
        digest[4 * i + 1] = (uint8_t)(c->state[i] >> 8);
        digest[4 * i + 2] = (uint8_t)(c->state[i] >> 16);
        digest[4 * i + 3] = (uint8_t)(c->state[i] >> 24);
    }
}

static void md5_buffer(const void *data, size_t len, uint8_t digest[16])
{
    md5_ctx c;
    md5_init(&c);
    md5_update(&c, data, len);
    md5_final(&c, digest);
}

static void hmac_md5(const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen,
                     uint8_t out[16])
{
    uint8_t k[64] = {0};
    uint8_t ipad[64], opad[64], inner[16];
    if (klen > 64)
        md5_buffer(key, klen, k);
    else
        memcpy(k, key, klen);
    for (int i = 0; i < 64; i++) {
        ipad[i] = (uint8_t)(k[i] ^ 0x36);
        opad[i] = (uint8_t)(k[i] ^ 0x5c);
    }
    md5_ctx c;
    md5_init(&c);
    md5_update(&c, ipad, 64);
    md5_update(&c, msg, mlen);
    md5_final(&c, inner);
    md5_init(&c);
    md5_update(&c, opad, 64);
    md5_update(&c, inner, 16);
    md5_final(&c, out);
}

static void to_hex(const uint8_t *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15u];
    }
    out[2 * n] = '\0';
}

static int run_suite(void)
{
    static const char *const inputs[7] = {
        "",
        "a",
        "abc",
        "message digest",
        "abcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890"};
    static const char *const expected[7] = {
        "d41d8cd98f00b204e9800998ecf8427e", "0cc175b9c0f1b6a831c399e269772661",
        "900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0",
        "c3fcd3d76192e4007dfb496cca67e13b", "d174ab98d277d9f5a5611c2c9f419d9f",
        "57edf4a22be3c955ac49da2e2107b67a"};
    int fails = 0;
    char hex[33];
    uint8_t d[16];
    for (int i = 0; i < 7; i++) {
        md5_buffer(inputs[i], strlen(inputs[i]), d);
        to_hex(d, 16, hex);
        if (strcmp(hex, expected[i]) != 0) {
            printf("MD5 (\"%s\") = %s  expected %s\n", inputs[i], hex, expected[i]);
            fails++;
        }
    }
    /* RFC 2104 test: key "Jefe" */
    hmac_md5((const uint8_t *)"Jefe", 4, (const uint8_t *)"what do ya want for nothing?", 28, d);
    to_hex(d, 16, hex);
    if (strcmp(hex, "750c783e6ab0b503eaa86e310a5db738") != 0) {
        printf("HMAC-MD5 failed: %s\n", hex);
        fails++;
    }
    return fails;
}

/* Open-addressing table keyed by digest: count distinct generated records. */
typedef struct {
    uint8_t digest[16];
    uint32_t count;
    int used;
} dedup_slot;

static int dedup_insert(dedup_slot *tab, size_t cap, const uint8_t d[16])
{
    size_t idx = load_le32(d) & (cap - 1);
    for (size_t probe = 0; probe < cap; probe++) {
        dedup_slot *s = &tab[(idx + probe) & (cap - 1)];
        if (!s->used) {
            memcpy(s->digest, d, 16);
            s->count = 1;
            s->used = 1;
            return 1;
        }
        if (memcmp(s->digest, d, 16) == 0) {
            s->count++;
            return 0;
        }
    }
    return -1;
}

static size_t make_record(uint32_t id, char *out, size_t cap)
{
    static const char *const words[] = {"alpha", "beta", "gamma", "delta", "epsilon",
                                        "zeta",  "eta",  "theta", "iota",  "kappa"};
    uint32_t x = id % 700u; /* intentionally produces duplicates */
    size_t len = 0;
    for (int w = 0; w < 4; w++) {
        const char *s = words[(x >> (w * 2)) % 10u];
        size_t sl = strlen(s);
        if (len + sl + 2 > cap)
            break;
        memcpy(out + len, s, sl);
        len += sl;
        out[len++] = (char)('0' + (x + (uint32_t)w) % 10u);
        x = x * 2654435761u + 12345u;
    }
    return len;
}

int main(void)
{
    int fails = run_suite();
    printf("RFC 1321 suite: %s\n", fails ? "FAIL" : "ok");

    /* Large generated buffer hashed one-shot and in odd chunks. */
    const size_t n = 64 * 1024 + 13;
    uint8_t *data = malloc(n);
    if (!data)
        return 1;
    uint64_t x = 0x853c49e6748fea9bULL;
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        data[i] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
    }
    uint8_t d1[16], d2[16];
    char hex[33];
    md5_buffer(data, n, d1);
    md5_ctx c;
    md5_init(&c);
    for (size_t pos = 0, step = 3; pos < n; step = step * 7 % 257 + 1) {
        size_t take = step < n - pos ? step : n - pos;
        md5_update(&c, data + pos, take);
        pos += take;
    }
    md5_final(&c, d2);
    to_hex(d1, 16, hex);
    int stream_ok = memcmp(d1, d2, 16) == 0;
    printf("buffer md5: %s (stream %s)\n", hex, stream_ok ? "ok" : "MISMATCH");

    /* Dedup records by digest. */
    const size_t cap = 2048;
    dedup_slot *tab = calloc(cap, sizeof(*tab));
    if (!tab) {
        free(data);
        return 1;
    }
    int distinct = 0, dups = 0;
    char rec[64];
    for (uint32_t id = 0; id < 2500; id++) {
        size_t len = make_record(id, rec, sizeof(rec));
        uint8_t d[16];
        md5_buffer(rec, len, d);
        int r = dedup_insert(tab, cap, d);
        if (r == 1)
            distinct++;
        else if (r == 0)
            dups++;
    }
    uint32_t maxcount = 0;
    for (size_t i = 0; i < cap; i++)
        if (tab[i].used && tab[i].count > maxcount)
            maxcount = tab[i].count;
    printf("records: distinct=%d duplicates=%d max_count=%u\n", distinct, dups, (unsigned)maxcount);

    /* HMAC over sliding windows. */
    uint32_t mix = 0x811c9dc5u;
    uint8_t mac[16];
    for (int i = 0; i < 64; i++) {
        size_t klen = (size_t)(i * 5 % 90) + 1;
        hmac_md5(data + i, klen, data + 1000 + (size_t)i * 97, 200 + (size_t)i, mac);
        for (int k = 0; k < 16; k++)
            mix = (mix ^ mac[k]) * 0x01000193u;
    }
    printf("hmac mix: %08x\n", (unsigned)mix);

    uint32_t checksum = mix ^ load_le32(d1) ^ (load_le32(d1 + 12) << 1) ^ (uint32_t)distinct;
    checksum = checksum * 0x9E3779B1u + (uint32_t)dups;
    printf("status: %s\n", (fails == 0 && stream_ok) ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(tab);
    free(data);
    return 0;
}
