/* cgym-suite: category=hashing; CRC-32 (IEEE) and CRC-32C: table-driven, slice-by-4 and bitwise variants cross-checked */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLY_IEEE 0xEDB88320u /* reflected 0x04C11DB7 */
#define POLY_CASTAGNOLI 0x82F63B78u /* reflected 0x1EDC6F41 */

typedef struct {
    uint32_t poly;
    uint32_t table[4][256];
} crc_tables;

typedef struct {
    uint32_t state;
} rng_t;

static uint32_t rng_next(rng_t *r)
{
    /* xorshift32 */
    uint32_t x = r->state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    r->state = x;
    return x;
}

static void crc_build_tables(crc_tables *t, uint32_t poly)
{
    t->poly = poly;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            if (c & 1u)
                c = (c >> 1) ^ poly;
            else
                c >>= 1;
        }
        t->table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = t->table[0][i];
        for (int s = 1; s < 4; s++) {
            c = t->table[0][c & 0xFFu] ^ (c >> 8);
            t->table[s][i] = c;
        }
    }
}

/* Bit-at-a-time reference implementation. */
static uint32_t crc_bitwise(uint32_t poly, uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            uint32_t mask = 0u - (crc & 1u);
            crc = (crc >> 1) ^ (poly & mask);
        }
    }
    return ~crc;
}

/* Classic byte-at-a-time table implementation. */
static uint32_t crc_table(const crc_tables *t, uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--) {
        crc = t->table[0][(crc ^ *p++) & 0xFFu] ^ (crc >> 8);
    }
    return ~crc;
}

/* Slice-by-4: processes four bytes per step. */
static uint32_t crc_slice4(const crc_tables *t, uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n >= 4) {
        uint32_t w = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
                     ((uint32_t)p[3] << 24);
        crc ^= w;
        crc = t->table[3][crc & 0xFFu] ^ t->table[2][(crc >> 8) & 0xFFu] ^
              t->table[1][(crc >> 16) & 0xFFu] ^ t->table[0][crc >> 24];
        p += 4;
        n -= 4;
    }
    while (n--) {
        crc = t->table[0][(crc ^ *p++) & 0xFFu] ^ (crc >> 8);
    }
    return ~crc;
}

/* GF(2) matrix helpers for crc32_combine. */
static uint32_t gf2_matrix_times(const uint32_t *mat, uint32_t vec)
{
    uint32_t sum = 0;
    while (vec) {
        if (vec & 1u)
            sum ^= *mat;
        vec >>= 1;
        mat++;
    }
    return sum;
}

static void gf2_matrix_square(uint32_t *square, const uint32_t *mat)
{
    for (int n = 0; n < 32; n++)
        square[n] = gf2_matrix_times(mat, mat[n]);
}

/* Combine crc1 of A and crc2 of B into crc of A||B, where len2 = |B|. */
static uint32_t crc_combine(uint32_t poly, uint32_t crc1, uint32_t crc2, size_t len2)
{
    uint32_t even[32];
    uint32_t odd[32];
    if (len2 == 0)
        return crc1;
    odd[0] = poly;
    uint32_t row = 1;
    for (int n = 1; n < 32; n++) {
        odd[n] = row;
        row <<= 1;
    }
    gf2_matrix_square(even, odd); /* 2 zero bits */
    gf2_matrix_square(odd, even); /* 4 zero bits */
    do {
        gf2_matrix_square(even, odd);
        if (len2 & 1u)
            crc1 = gf2_matrix_times(even, crc1);
        len2 >>= 1;
        if (len2 == 0)
            break;
        gf2_matrix_square(odd, even);
        if (len2 & 1u)
            crc1 = gf2_matrix_times(odd, crc1);
        len2 >>= 1;
    } while (len2 != 0);
    return crc1 ^ crc2;
}

static void fill_buffer(uint8_t *buf, size_t n, uint32_t seed, int mode)
{
    rng_t r = {seed ? seed : 1u};
    for (size_t i = 0; i < n; i++) {
        switch (mode) {
        case 0:
            buf[i] = (uint8_t)(rng_next(&r) >> 24);
            break;
        case 1:
            buf[i] = (uint8_t)('a' + (rng_next(&r) % 26u));
            break;
        case 2:
            buf[i] = (uint8_t)(i * 7u + (i >> 5));
            break;
        default:
            buf[i] = 0;
            break;
        }
    }
}

static int check_known_vectors(const crc_tables *ieee, const crc_tables *cast)
{
    static const char *msgs[] = {"", "a", "abc", "123456789", "message digest",
                                 "The quick brown fox jumps over the lazy dog"};
    static const uint32_t want_ieee[] = {0x00000000u, 0xE8B7BE43u, 0x352441C2u,
                                         0xCBF43926u, 0x20159D7Fu, 0x414FA339u};
    int fails = 0;
    for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        const uint8_t *p = (const uint8_t *)msgs[i];
        size_t n = strlen(msgs[i]);
        uint32_t a = crc_table(ieee, 0, p, n);
        uint32_t b = crc_bitwise(POLY_IEEE, 0, p, n);
        uint32_t c = crc_slice4(ieee, 0, p, n);
        if (a != want_ieee[i] || b != a || c != a) {
            printf("vector %u failed: %08x %08x %08x\n", (unsigned)i, (unsigned)a, (unsigned)b,
                   (unsigned)c);
            fails++;
        }
    }
    /* CRC-32C check value */
    uint32_t c32c = crc_table(cast, 0, (const uint8_t *)"123456789", 9);
    if (c32c != 0xE3069283u) {
        printf("crc32c check failed: %08x\n", (unsigned)c32c);
        fails++;
    }
    return fails;
}

int main(void)
{
    crc_tables *ieee = malloc(sizeof(*ieee));
    crc_tables *cast = malloc(sizeof(*cast));
    if (!ieee || !cast) {
        free(ieee);
        free(cast);
        return 1;
    }
    crc_build_tables(ieee, POLY_IEEE);
    crc_build_tables(cast, POLY_CASTAGNOLI);

    int fails = check_known_vectors(ieee, cast);
    printf("known vectors: %s\n", fails ? "FAIL" : "ok");

    const size_t N = 48 * 1024;
    uint8_t *buf = malloc(N);
    if (!buf) {
        free(ieee);
        free(cast);
        return 1;
    }
    uint32_t checksum = 0x12345678u;
    int mismatches = 0;
    for (int mode = 0; mode < 3; mode++) {
        fill_buffer(buf, N, 0x9E3779B9u + (uint32_t)mode * 77u, mode);
        const crc_tables *tabs[2] = {ieee, cast};
        for (int which = 0; which < 2; which++) {
            const crc_tables *t = tabs[which];
            uint32_t full_t = crc_table(t, 0, buf, N);
            uint32_t full_s = crc_slice4(t, 0, buf, N);
            /* bitwise on a prefix only (it is slow) and compare with table */
            size_t pre = 4096 + (size_t)mode * 333u;
            uint32_t pre_b = crc_bitwise(t->poly, 0, buf, pre);
            uint32_t pre_t = crc_table(t, 0, buf, pre);
            if (full_t != full_s || pre_b != pre_t)
                mismatches++;
            /* incremental update in irregular chunks */
            uint32_t inc = 0;
            size_t pos = 0, step = 1;
            while (pos < N) {
                size_t len = step;
                if (len > N - pos)
                    len = N - pos;
                inc = (step & 1u) ? crc_slice4(t, inc, buf + pos, len)
                                  : crc_table(t, inc, buf + pos, len);
                pos += len;
                step = step * 3 + 1;
                if (step > 5000)
                    step = 7;
            }
            if (inc != full_t)
                mismatches++;
            /* combine check over several split points */
            for (size_t split = 1; split < N; split += N / 5 + 17) {
                uint32_t c1 = crc_slice4(t, 0, buf, split);
                uint32_t c2 = crc_slice4(t, 0, buf + split, N - split);
                if (crc_combine(t->poly, c1, c2, N - split) != full_t)
                    mismatches++;
            }
            printf("mode %d %-6s crc=%08x\n", mode, which ? "crc32c" : "ieee", (unsigned)full_t);
            checksum = (checksum ^ full_t) * 0x01000193u;
            checksum ^= pre_b >> 7;
        }
    }
    /* Sweep of short lengths: all variants must agree. */
    for (size_t len = 0; len < 300; len++) {
        uint32_t a = crc_bitwise(POLY_IEEE, 0, buf + len, len);
        uint32_t b = crc_slice4(ieee, 0, buf + len, len);
        if (a != b)
            mismatches++;
        checksum = (checksum << 5 | checksum >> 27) ^ b;
    }
    printf("variant mismatches: %d\n", mismatches);
    printf("status: %s\n", (fails == 0 && mismatches == 0) ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(buf);
    free(ieee);
    free(cast);
    return 0;
}
