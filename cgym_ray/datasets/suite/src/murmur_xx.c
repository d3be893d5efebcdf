/* cgym-suite: category=hashing; MurmurHash3 x86_32 and XXH64 over generated keys: reference vectors, streaming XXH64, bucket histogram and avalanche statistics */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- MurmurHash3 x86_32 ---------------- */

static uint32_t rotl32(uint32_t x, unsigned r)
{
    return (x << r) | (x >> (32u - r));
}

static uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64u - r));
}

static uint32_t read32le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t read64le(const uint8_t *p)
{
    return (uint64_t)read32le(p) | ((uint64_t)read32le(p + 4) << 32);
}

static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static uint32_t murmur3_32(const void *key, size_t len, uint32_t seed)
{
    const uint8_t *data = key;
    const size_t nblocks = len / 4;
    const uint32_t c1 = 0xcc9e2d51u;
    const uint32_t c2 = 0x1b873593u;
    uint32_t h1 = seed;
    for (size_t i = 0; i < nblocks; i++) {
        uint32_t k1 = read32le(data + 4 * i);
        k1 *= c1;
        k1 = rotl32(k1, 15);
        k1 *= c2;
        h1 ^= k1;
        h1 = rotl32(h1, 13);
        h1 = h1 * 5u + 0xe6546b64u;
    }
    const uint8_t *tail = data + nblocks * 4;
    uint32_t k1 = 0;
    switch (len & 3u) {
    case 3:
        k1 ^= (uint32_t)tail[2] << 16;
        /* fall through */
    case 2:
        k1 ^= (uint32_t)tail[1] << 8;
        /* fall through */
    case 1:
        k1 ^= tail[0];
        k1 *= c1;
        k1 = rotl32(k1, 15);
        k1 *= c2;
        h1 ^= k1;
        break;
    default:
        break;
    }
    h1 ^= (uint32_t)len;
    return fmix32(h1);
}

/* ---------------- XXH64 ---------------- */

#define P64_1 0x9E3779B185EBCA87ULL
#define P64_2 0xC2B2AE3D27D4EB4FULL
#define P64_3 0x165667B19E3779F9ULL
#define P64_4 0x85EBCA77C2B2AE63ULL
#define P64_5 0x27D4EB2F165667C5ULL

/* expected result of verify_xxh64() (same construction as the SMHasher check) */
#define XXH64_VERIFY 0x9527F100024B7CF4ULL

typedef struct {
    uint64_t total_len;
    uint64_t v[4];
    uint8_t mem[32];
    size_t memsize;
    uint64_t seed;
} xxh64_state;

static uint64_t xxh64_round(uint64_t acc, uint64_t input)
{
    acc += input * P64_2;
    acc = rotl64(acc, 31);
    acc *= P64_1;
    return acc;
}

static uint64_t xxh64_merge_round(uint64_t acc, uint64_t val)
{
    val = xxh64_round(0, val);
    acc ^= val;
    acc = acc * P64_1 + P64_4;
    return acc;
}

static uint64_t xxh64_avalanche(uint64_t h)
{
    h ^= h >> 33;
    h *= P64_2;
    h ^= h >> 29;
    h *= P64_3;
    h ^= h >> 32;
    return h;
}

/* Processes the trailing < 32 bytes and finalises. */
static uint64_t xxh64_finalize(uint64_t h, const uint8_t *p, size_t len)
{
    while (len >= 8) {
        uint64_t k1 = xxh64_round(0, read64le(p));
        h ^= k1;
        h = rotl64(h, 27) * P64_1 + P64_4;
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        h ^= (uint64_t)read32le(p) * P64_1;
        h = rotl64(h, 23) * P64_2 + P64_3;
        p += 4;
        len -= 4;
    }
    while (len > 0) {
        h ^= (*p) * P64_5;
        h = rotl64(h, 11) * P64_1;
        p++;
        len--;
    }
    return xxh64_avalanche(h);
}

static uint64_t xxh64_converge(const uint64_t v[4])
{
    uint64_t h = rotl64(v[0], 1) + rotl64(v[1], 7) + rotl64(v[2], 12) + rotl64(v[3], 18);
    for (int i = 0; i < 4; i++)
        h = xxh64_merge_round(h, v[i]);
    return h;
}

static uint64_t xxh64(const void *input, size_t len, uint64_t seed)
{
    const uint8_t *p = input;
    const uint8_t *end = p + len;
    uint64_t h;
    if (len >= 32) {
        uint64_t v[4] = {seed + P64_1 + P64_2, seed + P64_2, seed, seed - P64_1};
        const uint8_t *limit = end - 32;
        do {
            for (int i = 0; i < 4; i++)
                v[i] = xxh64_round(v[i], read64le(p + 8 * i));
            p += 32;
        } while (p <= limit);
        h = xxh64_converge(v);
    } else {
        h = seed + P64_5;
    }
    h += (uint64_t)len;
    return xxh64_finalize(h, p, (size_t)(end - p));
}

static void xxh64_reset(xxh64_state *s, uint64_t seed)
{
    memset(s, 0, sizeof(*s));
    s->seed = seed;
    s->v[0] = seed + P64_1 + P64_2;
    s->v[1] = seed + P64_2;
    s->v[2] = seed;
    s->v[3] = seed - P64_1;
}

static void xxh64_consume_stripe(xxh64_state *s, const uint8_t *p)
{
    for (int i = 0; i < 4; i++)
        s->v[i] = xxh64_round(s->v[i], read64le(p + 8 * i));
}

static void xxh64_update(xxh64_state *s, const uint8_t *p, size_t len)
{
    s->total_len += len;
    if (s->memsize + len < 32) {
        memcpy(s->mem + s->memsize, p, len);
        s->memsize += len;
        return;
    }
    if (s->memsize > 0) {
        size_t fill = 32 - s->memsize;
        memcpy(s->mem + s->memsize, p, fill);
        xxh64_consume_stripe(s, s->mem);
        p += fill;
        len -= fill;
        s->memsize = 0;
    }
    while (len >= 32) {
        xxh64_consume_stripe(s, p);
        p += 32;
        len -= 32;
    }
    if (len > 0) {
        memcpy(s->mem, p, len);
        s->memsize = len;
    }
}

static uint64_t xxh64_digest(const xxh64_state *s)
{
    uint64_t h;
    if (s->total_len >= 32)
        h = xxh64_converge(s->v);
    else
        h = s->seed + P64_5;
    h += s->total_len;
    return xxh64_finalize(h, s->mem, s->memsize);
}

/* ---------------- test vectors ---------------- */

/* SMHasher-style verification: hash keys {0}, {0,1}, ... with varying seeds. */
static uint32_t verify_murmur(void)
{
    uint8_t key[256];
    uint8_t hashes[256 * 4];
    for (int i = 0; i < 256; i++) {
        key[i] = (uint8_t)i;
        uint32_t h = murmur3_32(key, (size_t)i, 256u - (uint32_t)i);
        hashes[4 * i + 0] = (uint8_t)h;
        hashes[4 * i + 1] = (uint8_t)(h >> 8);
        hashes[4 * i + 2] = (uint8_t)(h >> 16);
        hashes[4 * i + 3] = (uint8_t)(h >> 24);
    }
    return murmur3_32(hashes, sizeof(hashes), 0);
}

static uint64_t verify_xxh64(void)
{
    uint8_t key[256];
    uint8_t hashes[256 * 8];
    for (int i = 0; i < 256; i++) {
        key[i] = (uint8_t)i;
        uint64_t h = xxh64(key, (size_t)i, 256u - (uint64_t)i);
        for (int b = 0; b < 8; b++)
            hashes[8 * i + b] = (uint8_t)(h >> (8 * b));
    }
    return xxh64(hashes, sizeof(hashes), 0);
}

static int run_vectors(void)
{
    struct m3vec {
        const char *s;
        uint32_t seed, want;
    };
    static const struct m3vec mv[] = {
        {"", 0, 0x00000000u},
        {"", 1, 0x514E28B7u},
        {"Hello, world!", 1234, 0xFAF6CDB3u},
        {"The quick brown fox jumps over the lazy dog", 0x9747b28cu, 0x2FA826CDu},
    };
    struct xxvec {
        const char *s;
        uint64_t seed, want;
    };
    static const struct xxvec xv[] = {
        {"", 0, 0xEF46DB3751D8E999ULL},
        {"abc", 0, 0x44BC2CF5AD770999ULL},
        {"Nobody inspects the spammish repetition", 0, 0xFBCEA83C8A378BF1ULL},
    };
    int fails = 0;
    for (size_t i = 0; i < sizeof(mv) / sizeof(mv[0]); i++) {
        uint32_t h = murmur3_32(mv[i].s, strlen(mv[i].s), mv[i].seed);
        if (h != mv[i].want) {
            printf("murmur3 vector %u: got %08x\n", (unsigned)i, (unsigned)h);
            fails++;
        }
    }
    for (size_t i = 0; i < sizeof(xv) / sizeof(xv[0]); i++) {
        uint64_t h = xxh64(xv[i].s, strlen(xv[i].s), xv[i].seed);
        if (h != xv[i].want) {
            printf("xxh64 vector %u: got %016llx\n", (unsigned)i, (unsigned long long)h);
            fails++;
        }
    }
    if (verify_murmur() != 0xB0F57EE3u) {
        printf("murmur3 verification failed\n");
        fails++;
    }
    if (verify_xxh64() != XXH64_VERIFY) {
        printf("xxh64 verification failed\n");
        fails++;
    }
    return fails;
}

/* ---------------- key generation and quality statistics ---------------- */

typedef struct {
    uint64_t s;
} splitmix;

static uint64_t sm_next(splitmix *g)
{
    uint64_t z = (g->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

enum key_kind { KEY_SEQUENTIAL, KEY_WORDS, KEY_SPARSE };

static size_t make_key(enum key_kind kind, uint32_t i, splitmix *g, uint8_t *out)
{
    static const char *const syll[] = {"ka", "to", "ri", "mu", "sen", "lo", "va", "qui"};
    size_t n = 0;
    switch (kind) {
    case KEY_SEQUENTIAL:
        n = (size_t)snprintf((char *)out, 32, "key%06u", (unsigned)i);
        break;
    case KEY_WORDS: {
        uint64_t r = sm_next(g);
        int parts = 2 + (int)(r % 4u);
        for (int k = 0; k < parts; k++) {
            const char *s = syll[(r >> (4 + 3 * k)) & 7u];
            size_t l = strlen(s);
            memcpy(out + n, s, l);
            n += l;
        }
        break;
    }
    case KEY_SPARSE:
        memset(out, 0, 16);
        out[i % 16u] = (uint8_t)(1u << (i / 16u % 8u));
        out[(i / 128u) % 16u] ^= (uint8_t)(i / 2048u + 1u);
        n = 16;
        break;
    }
    return n;
}

#define NBUCKETS 64

typedef struct {
    uint32_t counts[NBUCKETS];
    uint32_t total;
} histogram;

static void hist_add(histogram *h, uint32_t bucket)
{
    h->counts[bucket % NBUCKETS]++;
    h->total++;
}

/* chi-square * 1000, integer arithmetic only */
static uint64_t hist_chi2_milli(const histogram *h)
{
    uint64_t sum_sq = 0;
    for (int i = 0; i < NBUCKETS; i++)
        sum_sq += (uint64_t)h->counts[i] * h->counts[i];
    /* chi2 = (B * sum c^2) / N - N */
    uint64_t num = (uint64_t)NBUCKETS * sum_sq * 1000u;
    return num / h->total - (uint64_t)h->total * 1000u;
}

static void hist_print(const char *name, const histogram *h)
{
    uint32_t mn = h->counts[0], mx = h->counts[0];
    for (int i = 1; i < NBUCKETS; i++) {
        if (h->counts[i] < mn)
            mn = h->counts[i];
        if (h->counts[i] > mx)
            mx = h->counts[i];
    }
    uint64_t chi = hist_chi2_milli(h);
    printf("%-14s n=%u min=%u max=%u chi2=%llu.%03llu  |", name, (unsigned)h->total,
           (unsigned)mn, (unsigned)mx, (unsigned long long)(chi / 1000u),
           (unsigned long long)(chi % 1000u));
    /* compact sparkline over groups of 8 buckets */
    for (int g = 0; g < NBUCKETS; g += 8) {
        uint32_t s = 0;
        for (int i = g; i < g + 8; i++)
            s += h->counts[i];
        uint32_t expect = h->total / (NBUCKETS / 8);
        char c = s > expect + expect / 20 ? '+' : (s + expect / 20 < expect ? '-' : '=');
        putchar(c);
    }
    printf("|\n");
}

/* Avalanche: flip each input bit of an 8-byte key, count flipped output bits. */
static uint32_t popcount64(uint64_t x)
{
    uint32_t c = 0;
    while (x) {
        x &= x - 1;
        c++;
    }
    return c;
}

static void avalanche(splitmix *g, int samples, uint64_t *m3_bits, uint64_t *xx_bits,
                      uint32_t *worst_m3)
{
    uint32_t per_bit[64];
    memset(per_bit, 0, sizeof(per_bit));
    *m3_bits = 0;
    *xx_bits = 0;
    for (int s = 0; s < samples; s++) {
        uint8_t key[8];
        uint64_t v = sm_next(g);
        for (int b = 0; b < 8; b++)
            key[b] = (uint8_t)(v >> (8 * b));
        uint32_t h0 = murmur3_32(key, 8, 42);
        uint64_t x0 = xxh64(key, 8, 42);
        for (int bit = 0; bit < 64; bit++) {
            key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            uint32_t d = popcount64(murmur3_32(key, 8, 42) ^ h0);
            per_bit[bit] += d;
            *m3_bits += d;
            *xx_bits += popcount64(xxh64(key, 8, 42) ^ x0);
            key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
    }
    /* worst deviation from 16 flipped bits, in 1/1000 bits */
    uint32_t worst = 0;
    for (int bit = 0; bit < 64; bit++) {
        uint32_t avg = (uint32_t)((uint64_t)per_bit[bit] * 1000u / (uint32_t)samples);
        uint32_t dev = avg > 16000u ? avg - 16000u : 16000u - avg;
        if (dev > worst)
            worst = dev;
    }
    *worst_m3 = worst;
}

int main(void)
{
    int fails = run_vectors();
    printf("reference vectors: %s\n", fails ? "FAIL" : "ok");

    splitmix g = {0x1234567887654321ULL};
    uint32_t checksum = 0x2b992ddfu;
    static const char *const kind_names[] = {"sequential", "words", "sparse"};
    uint8_t key[64];
    for (int kind = 0; kind < 3; kind++) {
        histogram hm, hx;
        memset(&hm, 0, sizeof(hm));
        memset(&hx, 0, sizeof(hx));
        uint64_t acc = 0;
        for (uint32_t i = 0; i < 4096; i++) {
            size_t n = make_key((enum key_kind)kind, i, &g, key);
            uint32_t m = murmur3_32(key, n, 0x5eedu);
            uint64_t x = xxh64(key, n, 0x5eedu);
            hist_add(&hm, m >> 26);
            hist_add(&hx, (uint32_t)(x >> 58));
            acc = acc * 31u + x + m;
        }
        char label[32];
        snprintf(label, sizeof(label), "m3/%s", kind_names[kind]);
        hist_print(label, &hm);
        snprintf(label, sizeof(label), "xx/%s", kind_names[kind]);
        hist_print(label, &hx);
        checksum ^= (uint32_t)acc ^ (uint32_t)(acc >> 32);
        checksum = rotl32(checksum, 7) + (uint32_t)hist_chi2_milli(&hm);
    }

    /* Streaming XXH64 over a large buffer with irregular chunks. */
    size_t big = 50000;
    uint8_t *buf = malloc(big);
    if (!buf)
        return 1;
    for (size_t i = 0; i < big; i += 8) {
        uint64_t r = sm_next(&g);
        for (size_t b = 0; b < 8 && i + b < big; b++)
            buf[i + b] = (uint8_t)(r >> (8 * b));
    }
    uint64_t one = xxh64(buf, big, 7);
    xxh64_state st;
    xxh64_reset(&st, 7);
    size_t pos = 0, step = 1;
    while (pos < big) {
        size_t take = step < big - pos ? step : big - pos;
        xxh64_update(&st, buf + pos, take);
        pos += take;
        step = (step * 13 + 5) % 97;
    }
    uint64_t streamed = xxh64_digest(&st);
    int stream_ok = one == streamed;
    printf("xxh64(buffer)=%016llx stream=%s murmur3(buffer)=%08x\n", (unsigned long long)one,
           stream_ok ? "ok" : "MISMATCH", (unsigned)murmur3_32(buf, big, 7));
    checksum ^= (uint32_t)(one >> 17) ^ murmur3_32(buf, big, 7);

    uint64_t m3b, xxb;
    uint32_t worst;
    avalanche(&g, 300, &m3b, &xxb, &worst);
    printf("avalanche: murmur3 avg=%.3f bits/32 worst_dev=%u.%03u  xxh64 avg=%.3f bits/64\n",
           (double)m3b / (300.0 * 64.0), (unsigned)(worst / 1000u), (unsigned)(worst % 1000u),
           (double)xxb / (300.0 * 64.0));
    checksum = checksum * 0x01000193u ^ (uint32_t)m3b ^ (uint32_t)(xxb << 3);
    free(buf);
    printf("status: %s\n", (fails == 0 && stream_ok) ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
