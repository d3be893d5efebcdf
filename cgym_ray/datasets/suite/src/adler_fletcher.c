/* cgym-suite: category=hashing; Adler-32 (naive, deferred-modulo, rolling, combine) and Fletcher-16/32 checksums with error detection experiments */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADLER_MOD 65521u
#define ADLER_NMAX 5552 /* largest n such that 255n(n+1)/2 + (n+1)(MOD-1) <= 2^32-1 */

/* ---------- Adler-32 ---------- */

static uint32_t adler32_naive(uint32_t adler, const uint8_t *p, size_t n)
{
    uint32_t a = adler & 0xFFFFu;
    uint32_t b = adler >> 16;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % ADLER_MOD;
        b = (b + a) % ADLER_MOD;
    }
    return (b << 16) | a;
}

static uint32_t adler32_fast(uint32_t adler, const uint8_t *p, size_t n)
{
    uint32_t a = adler & 0xFFFFu;
    uint32_t b = adler >> 16;
    while (n > 0) {
        size_t chunk = n < ADLER_NMAX ? n : ADLER_NMAX;
        n -= chunk;
        while (chunk >= 8) {
            a += p[0];
            b += a;
            a += p[1];
            b += a;
            a += p[2];
            b += a;
            a += p[3];
            b += a;
            a += p[4];
            b += a;
            a += p[5];
            b += a;
            a += p[6];
            b += a;
            a += p[7];
            b += a;
            p += 8;
            chunk -= 8;
        }
        while (chunk--) {
            a += *p++;
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    return (b << 16) | a;
}

/* adler32 of A||B given adler(A), adler(B) and |B|. */
static uint32_t adler32_combine(uint32_t adler1, uint32_t adler2, size_t len2)
{
    uint32_t rem = (uint32_t)(len2 % ADLER_MOD);
    uint32_t a1 = adler1 & 0xFFFFu, b1 = adler1 >> 16;
    uint32_t a2 = adler2 & 0xFFFFu, b2 = adler2 >> 16;
    uint32_t a = a1 + a2 + ADLER_MOD - 1u;
    uint32_t b = (uint32_t)(((uint64_t)rem * a1) % ADLER_MOD);
    b += b1 + b2 + ADLER_MOD - rem;
    while (a >= ADLER_MOD)
        a -= ADLER_MOD;
    while (b >= ADLER_MOD)
        b -= ADLER_MOD;
    return (b << 16) | a;
}

/* Rolling Adler-32 over a fixed window (as in rsync). */
typedef struct {
    uint32_t a, b;
    size_t window;
} adler_roll;

static void roll_init(adler_roll *r, const uint8_t *p, size_t window)
{
    uint32_t v = adler32_fast(1, p, window);
    r->a = v & 0xFFFFu;
    r->b = v >> 16;
    r->window = window;
}

static void roll_step(adler_roll *r, uint8_t out, uint8_t in)
{
    uint32_t w = (uint32_t)(r->window % ADLER_MOD);
    r->a = (r->a + ADLER_MOD - out + in) % ADLER_MOD;
    /* b' = b - w*out + a' - 1 */
    uint32_t sub = (uint32_t)(((uint64_t)w * out + 1u) % ADLER_MOD);
    r->b = (r->b + r->a + ADLER_MOD - sub) % ADLER_MOD;
}

static uint32_t roll_value(const adler_roll *r)
{
    return (r->b << 16) | r->a;
}

/* ---------- Fletcher ---------- */

static uint16_t fletcher16(const uint8_t *p, size_t n)
{
    uint32_t s1 = 0, s2 = 0;
    while (n > 0) {
        /* 5802 is the longest run for which s2 cannot overflow 32 bits */
        size_t blk = n > 5802 ? 5802 : n;
        n -= blk;
        while (blk--) {
            s1 += *p++;
            s2 += s1;
        }
        s1 %= 255u;
        s2 %= 255u;
    }
    return (uint16_t)((s2 << 8) | s1);
}

static uint16_t fletcher16_ref(const uint8_t *p, size_t n)
{
    uint32_t s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        s1 = (s1 + p[i]) % 255u;
        s2 = (s2 + s1) % 255u;
    }
    return (uint16_t)((s2 << 8) | s1);
}

/* Fletcher-32 over 16-bit little-endian words; odd trailing byte zero-padded. */
static uint32_t fletcher32(const uint8_t *p, size_t nbytes)
{
    uint32_t s1 = 0xFFFFu, s2 = 0xFFFFu;
    size_t words = nbytes / 2;
    while (words > 0) {
        size_t blk = words > 359 ? 359 : words;
        words -= blk;
        do {
            s1 += (uint32_t)p[0] | ((uint32_t)p[1] << 8);
            s2 += s1;
            p += 2;
        } while (--blk);
        s1 = (s1 & 0xFFFFu) + (s1 >> 16);
        s2 = (s2 & 0xFFFFu) + (s2 >> 16);
    }
    if (nbytes & 1u) {
        s1 += p[0];
        s2 += s1;
    }
    s1 = (s1 & 0xFFFFu) + (s1 >> 16);
    s2 = (s2 & 0xFFFFu) + (s2 >> 16);
    s1 = (s1 & 0xFFFFu) + (s1 >> 16);
    s2 = (s2 & 0xFFFFu) + (s2 >> 16);
    return (s2 << 16) | s1;
}

static uint32_t fletcher32_ref(const uint8_t *p, size_t nbytes)
{
    uint32_t s1 = 0, s2 = 0;
    for (size_t i = 0; i < nbytes; i += 2) {
        uint32_t w = p[i];
        if (i + 1 < nbytes)
            w |= (uint32_t)p[i + 1] << 8;
        s1 = (s1 + w) % 65535u;
        s2 = (s2 + s1) % 65535u;
    }
    return (s2 << 16) | s1;
}

/* Fletcher-32 with one's complement reduction yields 0xFFFF for 0 — normalise to mod 65535. */
static uint32_t fletcher32_norm(uint32_t v)
{
    uint32_t lo = v & 0xFFFFu, hi = v >> 16;
    if (lo == 0xFFFFu)
        lo = 0;
    if (hi == 0xFFFFu)
        hi = 0;
    return (hi << 16) | lo;
}

/* ---------- data generation ---------- */

static uint32_t lcg_state = 0xC0FFEEu;

static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state >> 8;
}

static void gen_data(uint8_t *buf, size_t n, int kind)
{
    for (size_t i = 0; i < n; i++) {
        switch (kind) {
        case 0:
            buf[i] = (uint8_t)lcg();
            break;
        case 1:
            buf[i] = 0xFF;
            break;
        case 2:
            buf[i] = (uint8_t)(" etaoinshrdlu\n"[lcg() % 14u]);
            break;
        default:
            buf[i] = (uint8_t)(i & 0x3Fu);
            break;
        }
    }
}

/* Count how many single-bit flips / byte-swaps each checksum misses. */
typedef uint32_t (*cksum_fn)(const uint8_t *, size_t);

static uint32_t wrap_adler(const uint8_t *p, size_t n)
{
    return adler32_fast(1, p, n);
}
static uint32_t wrap_f16(const uint8_t *p, size_t n)
{
    return fletcher16(p, n);
}
static uint32_t wrap_f32(const uint8_t *p, size_t n)
{
    return fletcher32_norm(fletcher32(p, n));
}

static int count_undetected(cksum_fn fn, uint8_t *buf, size_t n, int trials)
{
    uint32_t base = fn(buf, n);
    int missed = 0;
    for (int t = 0; t < trials; t++) {
        size_t i = lcg() % n;
        size_t j = lcg() % n;
        int kind = t % 3;
        uint8_t oi = buf[i], oj = buf[j];
        switch (kind) {
        case 0:
            buf[i] ^= (uint8_t)(1u << (lcg() % 8u));
            break;
        case 1:
            buf[i] = oj;
            buf[j] = oi;
            break;
        default:
            buf[i] = (uint8_t)(oi + 1u);
            buf[j] = (uint8_t)(oj - 1u);
            break;
        }
        int changed = buf[i] != oi || buf[j] != oj;
        if (changed && fn(buf, n) == base)
            missed++;
        buf[i] = oi;
        buf[j] = oj;
    }
    return missed;
}

int main(void)
{
    int fails = 0;
    /* Known values */
    const uint8_t *wiki = (const uint8_t *)"Wikipedia";
    if (adler32_naive(1, wiki, 9) != 0x11E60398u || adler32_fast(1, wiki, 9) != 0x11E60398u)
        fails++;
    if (fletcher16((const uint8_t *)"abcde", 5) != 0xC8F0u ||
        fletcher16((const uint8_t *)"abcdef", 6) != 0x2057u)
        fails++;
    if (fletcher32_ref((const uint8_t *)"abcde", 5) != 0xF04FC729u ||
        fletcher32_ref((const uint8_t *)"abcdefgh", 8) != 0xEBE19591u)
        fails++;
    printf("known values: %s\n", fails ? "FAIL" : "ok");

    const size_t N = 40000;
    uint8_t *buf = malloc(N);
    if (!buf)
        return 1;
    uint32_t checksum = 0;
    int mismatches = 0;
    for (int kind = 0; kind < 4; kind++) {
        gen_data(buf, N, kind);
        uint32_t an = adler32_naive(1, buf, N);
        uint32_t af = adler32_fast(1, buf, N);
        if (an != af)
            mismatches++;
        /* split + combine */
        for (size_t split = 0; split <= N; split += 9973) {
            uint32_t a1 = adler32_fast(1, buf, split);
            uint32_t a2 = adler32_fast(1, buf + split, N - split);
            if (adler32_combine(a1, a2, N - split) != af)
                mismatches++;
        }
        uint16_t f16 = fletcher16(buf, N);
        if (f16 != fletcher16_ref(buf, N))
            mismatches++;
        uint32_t f32 = fletcher32(buf, N - (size_t)kind);
        if (fletcher32_norm(f32) != fletcher32_ref(buf, N - (size_t)kind))
            mismatches++;
        printf("kind %d: adler32=%08x fletcher16=%04x fletcher32=%08x\n", kind, (unsigned)af,
               (unsigned)f16, (unsigned)fletcher32_norm(f32));
        checksum = (checksum * 0x01000193u) ^ af ^ ((uint32_t)f16 << 7) ^ fletcher32_norm(f32);
    }

    /* Rolling window search: find all positions where window matches target. */
    gen_data(buf, N, 2);
    const size_t W = 32;
    memcpy(buf + 30000, buf + 1234, W); /* plant a copy */
    uint32_t target = adler32_fast(1, buf + 1234, W);
    adler_roll r;
    roll_init(&r, buf, W);
    int hits = 0, verified = 0, roll_bad = 0;
    for (size_t pos = 0;; pos++) {
        uint32_t v = roll_value(&r);
        if ((pos & 1023u) == 0 && v != adler32_fast(1, buf + pos, W))
            roll_bad++;
        if (v == target) {
            hits++;
            if (memcmp(buf + pos, buf + 1234, W) == 0)
                verified++;
        }
        if (pos + W >= N)
            break;
        roll_step(&r, buf[pos], buf[pos + W]);
    }
    printf("rolling: hits=%d verified=%d errors=%d\n", hits, verified, roll_bad);
    mismatches += roll_bad;

    /* Error-detection experiment */
    gen_data(buf, 256, 0);
    int m_ad = count_undetected(wrap_adler, buf, 256, 3000);
    int m_16 = count_undetected(wrap_f16, buf, 256, 3000);
    int m_32 = count_undetected(wrap_f32, buf, 256, 3000);
    printf("undetected errors (of 3000): adler32=%d fletcher16=%d fletcher32=%d\n", m_ad, m_16,
           m_32);
    checksum ^= (uint32_t)(m_ad * 65536 + m_16 * 256 + m_32) + (uint32_t)hits * 31u;
    printf("mismatches: %d\n", mismatches);
    printf("status: %s\n", (fails == 0 && mismatches == 0 && verified >= 2) ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(buf);
    return 0;
}
