/* cgym-suite: category=crypto; ChaCha20/XChaCha20 stream cipher, Poly1305 MAC (26-bit limbs, checked against a 32-bit-limb bignum reference) and the RFC 8439 AEAD with test vectors */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ===================================================================== */
/* Byte helpers                                                          */
/* ===================================================================== */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put_le64(uint8_t *p, uint64_t v)
{
    put_le32(p, (uint32_t)v);
    put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t rotl32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32u - n));
}

/* ===================================================================== */
/* ChaCha20                                                              */
/* ===================================================================== */

typedef struct {
    uint32_t input[16];
    uint8_t keystream[64];
    size_t ks_pos; /* 64 means "empty" */
} chacha_ctx;

#define QR(a, b, c, d)                                                                             \
    do {                                                                                           \
        a += b;                                                                                    \
        d = rotl32(d ^ a, 16);                                                                     \
        c += d;                                                                                    \
        b = rotl32(b ^ c, 12);                                                                     \
        a += b;                                                                                    \
        d = rotl32(d ^ a, 8);                                                                      \
        c += d;                                                                                    \
        b = rotl32(b ^ c, 7);                                                                      \
    } while (0)

static void chacha_block(const uint32_t in[16], uint8_t out[64])
{
    uint32_t x[16];
    memcpy(x, in, sizeof(x));
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        put_le32(out + 4 * i, x[i] + in[i]);
}

static void chacha_init(chacha_ctx *c, const uint8_t key[32], const uint8_t nonce[12],
                        uint32_t counter)
{
    c->input[0] = 0x61707865u; /* "expand 32-byte k" */
    c->input[1] = 0x3320646eu;
    c->input[2] = 0x79622d32u;
    c->input[3] = 0x6b206574u;
    for (int i = 0; i < 8; i++)
        c->input[4 + i] = le32(key + 4 * i);
    c->input[12] = counter;
    for (int i = 0; i < 3; i++)
        c->input[13 + i] = le32(nonce + 4 * i);
    c->ks_pos = 64;
}

static void chacha_xor(chacha_ctx *c, const uint8_t *in, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (c->ks_pos == 64) {
            chacha_block(c->input, c->keystream);
            c->input[12]++;
            c->ks_pos = 0;
        }
        out[i] = (uint8_t)(in[i] ^ c->keystream[c->ks_pos++]);
    }
}

/* HChaCha20 subkey derivation (used for XChaCha20). */
static void hchacha20(const uint8_t key[32], const uint8_t nonce16[16], uint8_t out[32])
{
    uint32_t x[16];
    x[0] = 0x61707865u;
    x[1] = 0x3320646eu;
    x[2] = 0x79622d32u;
    x[3] = 0x6b206574u;
    for (int i = 0; i < 8; i++)
        x[4 + i] = le32(key + 4 * i);
    for (int i = 0; i < 4; i++)
        x[12 + i] = le32(nonce16 + 4 * i);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 4; i++) {
        put_le32(out + 4 * i, x[i]);
        put_le32(out + 16 + 4 * i, x[12 + i]);
    }
}

/* ===================================================================== */
/* Poly1305 with five 26-bit limbs                                       */
/* ===================================================================== */

typedef struct {
    uint32_t r[5];
    uint32_t h[5];
    uint32_t pad[4];
    uint8_t buf[16];
    size_t leftover;
    int final;
} poly1305_ctx;

static void poly1305_init(poly1305_ctx *st, const uint8_t key[32])
{
    /* r &= 0xffffffc0ffffffc0ffffffc0fffffff, split into 26-bit limbs */
    st->r[0] = (le32(key + 0)) & 0x3ffffffu;
    st->r[1] = (le32(key + 3) >> 2) & 0x3ffff03u;
    st->r[2] = (le32(key + 6) >> 4) & 0x3ffc0ffu;
    st->r[3] = (le32(key + 9) >> 6) & 0x3f03fffu;
    st->r[4] = (le32(key + 12) >> 8) & 0x00fffffu;
    for (int i = 0; i < 5; i++)
        st->h[i] = 0;
    for (int i = 0; i < 4; i++)
        st->pad[i] = le32(key + 16 + 4 * i);
    st->leftover = 0;
    st->final = 0;
}

static void poly1305_blocks(poly1305_ctx *st, const uint8_t *m, size_t bytes)
{
    const uint32_t hibit = st->final ? 0 : (1u << 24); /* 2^128 */
    uint32_t r0 = st->r[0], r1 = st->r[1], r2 = st->r[2], r3 = st->r[3], r4 = st->r[4];
    uint32_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
    uint32_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2], h3 = st->h[3], h4 = st->h[4];
    while (bytes >= 16) {
        h0 += (le32(m + 0)) & 0x3ffffffu;
        h1 += (le32(m + 3) >> 2) & 0x3ffffffu;
        h2 += (le32(m + 6) >> 4) & 0x3ffffffu;
        h3 += (le32(m + 9) >> 6) & 0x3ffffffu;
        h4 += (le32(m + 12) >> 8) | hibit;

        uint64_t d0 = (uint64_t)h0 * r0 + (uint64_t)h1 * s4 + (uint64_t)h2 * s3 +
                      (uint64_t)h3 * s2 + (uint64_t)h4 * s1;
        uint64_t d1 = (uint64_t)h0 * r1 + (uint64_t)h1 * r0 + (uint64_t)h2 * s4 +
                      (uint64_t)h3 * s3 + (uint64_t)h4 * s2;
        uint64_t d2 = (uint64_t)h0 * r2 + (uint64_t)h1 * r1 + (uint64_t)h2 * r0 +
                      (uint64_t)h3 * s4 + (uint64_t)h4 * s3;
        uint64_t d3 = (uint64_t)h0 * r3 + (uint64_t)h1 * r2 + (uint64_t)h2 * r1 +
                      (uint64_t)h3 * r0 + (uint64_t)h4 * s4;
        uint64_t d4 = (uint64_t)h0 * r4 + (uint64_t)h1 * r3 + (uint64_t)h2 * r2 +
                      (uint64_t)h3 * r1 + (uint64_t)h4 * r0;

        uint32_t c = (uint32_t)(d0 >> 26);
        h0 = (uint32_t)d0 & 0x3ffffffu;
        d1 += c;
        c = (uint32_t)(d1 >> 26);
        h1 = (uint32_t)d1 & 0x3ffffffu;
        d2 += c;
        c = (uint32_t)(d2 >> 26);
        h2 = (uint32_t)d2 & 0x3ffffffu;
        d3 += c;
        c = (uint32_t)(d3 >> 26);
        h3 = (uint32_t)d3 & 0x3ffffffu;
        d4 += c;
        c = (uint32_t)(d4 >> 26);
        h4 = (uint32_t)d4 & 0x3ffffffu;
        h0 += c * 5;
        c = h0 >> 26;
        h0 &= 0x3ffffffu;
        h1 += c;

        m += 16;
        bytes -= 16;
    }
    st->h[0] = h0;
    st->h[1] = h1;
    st->h[2] = h2;
    st->h[3] = h3;
    st->h[4] = h4;
}

static void poly1305_update(poly1305_ctx *st, const uint8_t *m, size_t bytes)
{
    if (st->leftover) {
        size_t want = 16 - st->leftover;
        if (want > bytes)
            want = bytes;
        memcpy(st->buf + st->leftover, m, want);
        bytes -= want;
        m += want;
        st->leftover += want;
        if (st->leftover < 16)
            return;
        poly1305_blocks(st, st->buf, 16);
        st->leftover = 0;
    }
    if (bytes >= 16) {
        size_t want = bytes & ~(size_t)15;
        poly1305_blocks(st, m, want);
        m += want;
        bytes -= want;
    }
    if (bytes) {
        memcpy(st->buf, m, bytes);
        st->leftover = bytes;
    }
}

static void poly1305_finish(poly1305_ctx *st, uint8_t mac[16])
{
    if (st->leftover) {
        size_t i = st->leftover;
        st->buf[i++] = 1;
        for (; i < 16; i++)
            st->buf[i] = 0;
        st->final = 1;
        poly1305_blocks(st, st->buf, 16);
    }
    uint32_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2], h3 = st->h[3], h4 = st->h[4];
    /* full carry */
    uint32_t c = h1 >> 26;
    h1 &= 0x3ffffffu;
    h2 += c;
    c = h2 >> 26;
    h2 &= 0x3ffffffu;
    h3 += c;
    c = h3 >> 26;
    h3 &= 0x3ffffffu;
    h4 += c;
    c = h4 >> 26;
    h4 &= 0x3ffffffu;
    h0 += c * 5;
    c = h0 >> 26;
    h0 &= 0x3ffffffu;
    h1 += c;

    /* g = h + 5 - 2^130; select h or g in constant time */
    uint32_t g0 = h0 + 5;
    c = g0 >> 26;
    g0 &= 0x3ffffffu;
    uint32_t g1 = h1 + c;
    c = g1 >> 26;
    g1 &= 0x3ffffffu;
    uint32_t g2 = h2 + c;
    c = g2 >> 26;
    g2 &= 0x3ffffffu;
    uint32_t g3 = h3 + c;
    c = g3 >> 26;
    g3 &= 0x3ffffffu;
    uint32_t g4 = h4 + c - (1u << 26);

    uint32_t mask = (g4 >> 31) - 1u; /* all ones if g4 did not underflow */
    g0 &= mask;
    g1 &= mask;
    g2 &= mask;
    g3 &= mask;
    g4 &= mask;
    mask = ~mask;
    h0 = (h0 & mask) | g0;
    h1 = (h1 & mask) | g1;
    h2 = (h2 & mask) | g2;
    h3 = (h3 & mask) | g3;
    h4 = (h4 & mask) | g4;

    /* h = h % 2^128, packed into 32-bit words */
    uint32_t w0 = h0 | (h1 << 26);
    uint32_t w1 = (h1 >> 6) | (h2 << 20);
    uint32_t w2 = (h2 >> 12) | (h3 << 14);
    uint32_t w3 = (h3 >> 18) | (h4 << 8);

    /* mac = (h + pad) % 2^128 */
    uint64_t f = (uint64_t)w0 + st->pad[0];
    w0 = (uint32_t)f;
    f = (uint64_t)w1 + st->pad[1] + (f >> 32);
    w1 = (uint32_t)f;
    f = (uint64_t)w2 + st->pad[2] + (f >> 32);
    w2 = (uint32_t)f;
    f = (uint64_t)w3 + st->pad[3] + (f >> 32);
    w3 = (uint32_t)f;
    put_le32(mac + 0, w0);
    put_le32(mac + 4, w1);
    put_le32(mac + 8, w2);
    put_le32(mac + 12, w3);
    memset(st, 0, sizeof(*st));
}

static void poly1305_auth(uint8_t mac[16], const uint8_t *m, size_t len, const uint8_t key[32])
{
    poly1305_ctx st;
    poly1305_init(&st, key);
    poly1305_update(&st, m, len);
    poly1305_finish(&st, mac);
}

/* ===================================================================== */
/* Slow reference Poly1305: schoolbook bignum with 32-bit limbs          */
/* ===================================================================== */

#define BN_LIMBS 10

typedef struct {
    uint32_t w[BN_LIMBS]; /* little-endian limbs */
} bignum;

static void bn_zero(bignum *a)
{
    memset(a, 0, sizeof(*a));
}

static void bn_add(bignum *a, const bignum *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < BN_LIMBS; i++) {
        uint64_t s = (uint64_t)a->w[i] + b->w[i] + carry;
        a->w[i] = (uint32_t)s;
        carry = s >> 32;
    }
}

static void bn_mul(bignum *out, const bignum *a, const bignum *b)
{
    bignum r;
    bn_zero(&r);
    for (int i = 0; i < BN_LIMBS; i++) {
        uint64_t carry = 0;
        for (int j = 0; i + j < BN_LIMBS; j++) {
            uint64_t t = (uint64_t)a->w[i] * b->w[j] + r.w[i + j] + carry;
            r.w[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
    }
    *out = r;
}

/* reduce modulo 2^130 - 5 (to a value < 2^130 + small), using 2^130 == 5 */
static void bn_reduce(bignum *a)
{
    for (int iter = 0; iter < 3; iter++) {
        bignum hi;
        bn_zero(&hi);
        /* hi = a >> 130 */
        for (int i = 0; i < BN_LIMBS; i++) {
            int src = i + 4;
            if (src >= BN_LIMBS)
                break;
            uint32_t lo = a->w[src] >> 2;
            uint32_t up = src + 1 < BN_LIMBS ? a->w[src + 1] << 30 : 0;
            hi.w[i] = lo | up;
        }
        /* a = a mod 2^130 */
        a->w[4] &= 3u;
        for (int i = 5; i < BN_LIMBS; i++)
            a->w[i] = 0;
        /* a += 5 * hi */
        bignum five;
        bn_zero(&five);
        five.w[0] = 5;
        bn_mul(&hi, &hi, &five);
        bn_add(a, &hi);
    }
}

static int bn_ge_p(const bignum *a)
{
    /* p = 2^130 - 5 : limbs {0xfffffffb, 0xffffffff x3, 3} */
    static const uint32_t p[5] = {0xfffffffbu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 3u};
    for (int i = BN_LIMBS - 1; i >= 5; i--)
        if (a->w[i])
            return 1;
    for (int i = 4; i >= 0; i--) {
        if (a->w[i] != p[i])
            return a->w[i] > p[i];
    }
    return 1;
}

static void bn_sub_p(bignum *a)
{
    static const uint32_t p[5] = {0xfffffffbu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 3u};
    uint64_t borrow = 0;
    for (int i = 0; i < BN_LIMBS; i++) {
        uint64_t sub = (i < 5 ? p[i] : 0) + borrow;
        uint64_t cur = a->w[i];
        borrow = cur < sub ? 1 : 0;
        a->w[i] = (uint32_t)(cur + (borrow << 32) - sub);
    }
}

static void poly1305_reference(uint8_t mac[16], const uint8_t *m, size_t len,
                               const uint8_t key[32])
{
    uint8_t rb[16];
    memcpy(rb, key, 16);
    rb[3] &= 15;
    rb[7] &= 15;
    rb[11] &= 15;
    rb[15] &= 15;
    rb[4] &= 252;
    rb[8] &= 252;
    rb[12] &= 252;
    bignum r, acc, blk;
    bn_zero(&r);
    bn_zero(&acc);
    for (int i = 0; i < 4; i++)
        r.w[i] = le32(rb + 4 * i);
    for (size_t off = 0; off < len; off += 16) {
        size_t n = len - off < 16 ? len - off : 16;
        uint8_t tmp[17];
        memset(tmp, 0, sizeof(tmp));
        memcpy(tmp, m + off, n);
        tmp[n] = 1;
        bn_zero(&blk);
        for (int i = 0; i < 4; i++)
            blk.w[i] = le32(tmp + 4 * i);
        blk.w[4] = tmp[16];
        bn_add(&acc, &blk);
        bn_mul(&acc, &acc, &r);
        bn_reduce(&acc);
    }
    while (bn_ge_p(&acc))
        bn_sub_p(&acc);
    bignum s;
    bn_zero(&s);
    for (int i = 0; i < 4; i++)
        s.w[i] = le32(key + 16 + 4 * i);
    bn_add(&acc, &s);
    for (int i = 0; i < 4; i++)
        put_le32(mac + 4 * i, acc.w[i]);
}

/* ===================================================================== */
/* AEAD_CHACHA20_POLY1305 (RFC 8439 section 2.8)                         */
/* ===================================================================== */

static void aead_mac(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad,
                     size_t aad_len, const uint8_t *ct, size_t len, uint8_t tag[16])
{
    static const uint8_t zeros[16] = {0};
    uint8_t otk[64];
    chacha_ctx c;
    chacha_init(&c, key, nonce, 0);
    chacha_block(c.input, otk);
    poly1305_ctx st;
    poly1305_init(&st, otk);
    poly1305_update(&st, aad, aad_len);
    if (aad_len % 16)
        poly1305_update(&st, zeros, 16 - aad_len % 16);
    poly1305_update(&st, ct, len);
    if (len % 16)
        poly1305_update(&st, zeros, 16 - len % 16);
    uint8_t lens[16];
    put_le64(lens, (uint64_t)aad_len);
    put_le64(lens + 8, (uint64_t)len);
    poly1305_update(&st, lens, 16);
    poly1305_finish(&st, tag);
}

static void aead_seal(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad,
                      size_t aad_len, const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[16])
{
    chacha_ctx c;
    chacha_init(&c, key, nonce, 1);
    chacha_xor(&c, pt, ct, len);
    aead_mac(key, nonce, aad, aad_len, ct, len, tag);
}

static int aead_open(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad,
                     size_t aad_len, const uint8_t *ct, size_t len, const uint8_t tag[16],
                     uint8_t *pt)
{
    uint8_t want[16];
    aead_mac(key, nonce, aad, aad_len, ct, len, want);
    uint32_t diff = 0;
    for (int i = 0; i < 16; i++)
        diff |= (uint32_t)(want[i] ^ tag[i]);
    if (diff)
        return -1;
    chacha_ctx c;
    chacha_init(&c, key, nonce, 1);
    chacha_xor(&c, ct, pt, len);
    return 0;
}

/* ===================================================================== */
/* Tests                                                                 */
/* ===================================================================== */

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (s[0] && s[1] && n < cap) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char ch = s[k];
            int d = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : 0;
            v = v * 16 + d;
        }
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

static int check(const char *name, const uint8_t *got, size_t n, const char *hex)
{
    uint8_t want[256];
    size_t wn = unhex(hex, want, sizeof(want));
    if (wn != n || memcmp(want, got, n) != 0) {
        printf("  FAIL %s\n", name);
        return 1;
    }
    return 0;
}

static const char SUNSCREEN[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
                                "only one tip for the future, sunscreen would be it.";

static int rfc8439_vectors(void)
{
    int fails = 0;
    uint8_t key[32], nonce[12], out[128];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;

    /* 2.3.2 block function */
    chacha_ctx c;
    unhex("000000090000004a00000000", nonce, 12);
    chacha_init(&c, key, nonce, 1);
    chacha_block(c.input, out);
    fails += check("chacha20 block 2.3.2", out, 64,
                   "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                   "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");

    /* HChaCha20 (draft-irtf-cfrg-xchacha section 2.2.1) */
    uint8_t hn[16], sub[32];
    unhex("000000090000004a0000000031415927", hn, 16);
    hchacha20(key, hn, sub);
    fails += check("hchacha20", sub, 32,
                   "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");

    /* 2.4.2 encryption */
    size_t plen = strlen(SUNSCREEN);
    unhex("000000000000004a00000000", nonce, 12);
    chacha_init(&c, key, nonce, 1);
    chacha_xor(&c, (const uint8_t *)SUNSCREEN, out, plen);
    fails += check("chacha20 encrypt 2.4.2", out, plen,
                   "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
                   "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
                   "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                   "5af90bbf74a35be6b40b8eedf2785e42874d");

    /* 2.5.2 Poly1305 */
    uint8_t pk[32], mac[16];
    unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", pk, 32);
    const char *cfrg = "Cryptographic Forum Research Group";
    poly1305_auth(mac, (const uint8_t *)cfrg, strlen(cfrg), pk);
    fails += check("poly1305 2.5.2", mac, 16, "a8061dc1305136c6c22b8baf0c0127a9");
    poly1305_reference(mac, (const uint8_t *)cfrg, strlen(cfrg), pk);
    fails += check("poly1305 reference 2.5.2", mac, 16, "a8061dc1305136c6c22b8baf0c0127a9");

    /* Edge cases around the modulus */
    struct {
        const char *key, *msg, *tag;
    } edge[] = {
        {"ffffffffffffffffffffffffffffffff00000000000000000000000000000000",
         "ffffffffffffffffffffffffffffffff", "fcffff17faffff17faffff17faffff17"},
        {"0200000000000000000000000000000000000000000000000000000000000000",
         "ffffffffffffffffffffffffffffffff", "03000000000000000000000000000000"},
        {"01000000000000000000000000000000ffffffffffffffffffffffffffffffff",
         "fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff"
         "11000000000000000000000000000000",
         "04000000000000000000000000000000"},
    };
    for (int i = 0; i < 3; i++) {
        uint8_t msg[64];
        size_t ml = unhex(edge[i].msg, msg, sizeof(msg));
        unhex(edge[i].key, pk, 32);
        poly1305_auth(mac, msg, ml, pk);
        fails += check("poly1305 edge", mac, 16, edge[i].tag);
        poly1305_reference(mac, msg, ml, pk);
        fails += check("poly1305 reference edge", mac, 16, edge[i].tag);
    }

    /* 2.8.2 AEAD */
    uint8_t aad[12], tag[16], back[128];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(0x80 + i);
    unhex("070000004041424344454647", nonce, 12);
    unhex("50515253c0c1c2c3c4c5c6c7", aad, 12);
    aead_seal(key, nonce, aad, 12, (const uint8_t *)SUNSCREEN, plen, out, tag);
    fails += check("aead ciphertext 2.8.2", out, plen,
                   "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                   "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                   "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                   "3ff4def08e4b7a9de576d26586cec64b6116");
    fails += check("aead tag 2.8.2", tag, 16, "1ae10b594f09e26a7e902ecbd0600691");
    if (aead_open(key, nonce, aad, 12, out, plen, tag, back) != 0 ||
        memcmp(back, SUNSCREEN, plen) != 0) {
        printf("  FAIL aead open\n");
        fails++;
    }
    return fails;
}

typedef struct {
    uint32_t a, b, c, d;
} jsf32;

static uint32_t jsf_next(jsf32 *x)
{
    uint32_t e = x->a - rotl32(x->b, 27);
    x->a = x->b ^ rotl32(x->c, 17);
    x->b = x->c + x->d;
    x->c = x->d + e;
    x->d = e + x->a;
    return x->d;
}

static void jsf_seed(jsf32 *x, uint32_t seed)
{
    x->a = 0xf1ea5eedu;
    x->b = x->c = x->d = seed;
    for (int i = 0; i < 20; i++)
        (void)jsf_next(x);
}

static void fill(jsf32 *g, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(jsf_next(g) >> 11);
}

int main(void)
{
    int fails = rfc8439_vectors();
    printf("RFC 8439 vectors: %s\n", fails ? "FAIL" : "ok");

    jsf32 g;
    jsf_seed(&g, 20240611u);
    uint32_t checksum = 0x6a09e667u;

    /* Poly1305: fast limb implementation vs bignum reference, one-shot vs chunked */
    int poly_bad = 0;
    uint8_t msg[700], key[32], m1[16], m2[16], m3[16];
    for (int t = 0; t < 60; t++) {
        size_t len = (size_t)(jsf_next(&g) % 700u);
        fill(&g, msg, len);
        fill(&g, key, 32);
        if (t % 7 == 0)
            memset(msg, 0xff, len);
        poly1305_auth(m1, msg, len, key);
        poly1305_reference(m2, msg, len, key);
        poly1305_ctx st;
        poly1305_init(&st, key);
        size_t pos = 0;
        while (pos < len) {
            size_t take = 1 + jsf_next(&g) % 37u;
            if (take > len - pos)
                take = len - pos;
            poly1305_update(&st, msg + pos, take);
            pos += take;
        }
        poly1305_finish(&st, m3);
        if (memcmp(m1, m2, 16) != 0 || memcmp(m1, m3, 16) != 0)
            poly_bad++;
        checksum = (checksum ^ le32(m1)) * 0x01000193u;
    }
    printf("poly1305 cross-check (60 messages): %s\n", poly_bad ? "FAIL" : "ok");

    /* AEAD round trips over large buffers with tamper checks */
    size_t big = 24000;
    uint8_t *pt = malloc(big), *ct = malloc(big), *back = malloc(big);
    if (!pt || !ct || !back) {
        free(pt);
        free(ct);
        free(back);
        return 1;
    }
    int aead_bad = 0, forgeries = 0;
    uint8_t nonce[12], aad[40], tag[16];
    for (int t = 0; t < 6; t++) {
        size_t len = big - (size_t)t * 3001u;
        size_t alen = (size_t)t * 7u % 41u;
        fill(&g, pt, len);
        fill(&g, key, 32);
        fill(&g, nonce, 12);
        fill(&g, aad, alen);
        aead_seal(key, nonce, aad, alen, pt, len, ct, tag);
        if (aead_open(key, nonce, aad, alen, ct, len, tag, back) != 0 ||
            memcmp(back, pt, len) != 0)
            aead_bad++;
        ct[(size_t)t * 977u % len] ^= 0x10;
        if (aead_open(key, nonce, aad, alen, ct, len, tag, back) == 0)
            forgeries++;
        ct[(size_t)t * 977u % len] ^= 0x10;
        tag[t] ^= 1;
        if (aead_open(key, nonce, aad, alen, ct, len, tag, back) == 0)
            forgeries++;
        tag[t] ^= 1;
        checksum = (checksum ^ le32(tag) ^ le32(ct + len - 4)) * 0x9E3779B1u;
        printf("aead len=%5u aad=%2u tag=", (unsigned)len, (unsigned)alen);
        for (int i = 0; i < 16; i++)
            printf("%02x", tag[i]);
        printf("\n");
    }
    printf("aead round trips: %s, forgeries accepted: %d\n", aead_bad ? "FAIL" : "ok", forgeries);

    /* XChaCha20 keystream: HChaCha20 subkey + ChaCha20, streamed in odd chunks */
    uint8_t xnonce[24], subkey[32], n12[12];
    fill(&g, key, 32);
    fill(&g, xnonce, 24);
    hchacha20(key, xnonce, subkey);
    memset(n12, 0, 4);
    memcpy(n12 + 4, xnonce + 16, 8);
    chacha_ctx c1, c2;
    chacha_init(&c1, subkey, n12, 0);
    chacha_init(&c2, subkey, n12, 0);
    memset(pt, 0, big);
    chacha_xor(&c1, pt, ct, big);
    size_t pos = 0, step = 1;
    while (pos < big) {
        size_t take = step < big - pos ? step : big - pos;
        chacha_xor(&c2, pt + pos, back + pos, take);
        pos += take;
        step = step * 3 % 131 + 1;
    }
    int stream_ok = memcmp(ct, back, big) == 0;
    uint32_t ks_mix = 0;
    for (size_t i = 0; i < big; i += 4)
        ks_mix = rotl32(ks_mix, 5) ^ le32(ct + i);
    printf("xchacha20 keystream: chunked %s, mix=%08x\n", stream_ok ? "ok" : "MISMATCH",
           (unsigned)ks_mix);
    checksum ^= ks_mix;

    free(pt);
    free(ct);
    free(back);
    int pass = fails == 0 && poly_bad == 0 && aead_bad == 0 && forgeries == 0 && stream_ok;
    printf("status: %s\n", pass ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
