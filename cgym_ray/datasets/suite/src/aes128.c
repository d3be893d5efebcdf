/* cgym-suite: category=crypto; AES-128/192/256 (reference and T-table ciphers), key expansion, ECB/CBC/CTR/CFB/OFB/GCM modes, CMAC, FIPS-197 and SP 800-38A vectors, large round trips */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AES_BLOCK 16
#define AES_MAX_ROUNDS 14
#define AES_MAX_RK_WORDS (4 * (AES_MAX_ROUNDS + 1))

/* ===================================================================== */
/* Tables                                                                */
/* ===================================================================== */

static const uint8_t SBOX[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16};

static uint8_t INV_SBOX[256];
static uint32_t TE[4][256];
static uint32_t TD[4][256];
static int tables_ready = 0;

static uint8_t xtime(uint8_t x)
{
    return (uint8_t)((x << 1) ^ ((x & 0x80u) ? 0x1Bu : 0x00u));
}

static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1u)
            r ^= a;
        a = xtime(a);
        b >>= 1;
    }
    return r;
}

static uint8_t gf_inv(uint8_t a)
{
    /* a^254 by square-and-multiply; 0 maps to 0 */
    uint8_t result = 1, base = a;
    unsigned e = 254;
    while (e) {
        if (e & 1u)
            result = gf_mul(result, base);
        base = gf_mul(base, base);
        e >>= 1;
    }
    return a ? result : 0;
}

static uint8_t rotl8(uint8_t x, unsigned n)
{
    return (uint8_t)((x << n) | (x >> (8u - n)));
}

/* Derive the S-box from first principles and compare to the embedded table. */
static int verify_sbox(void)
{
    int bad = 0;
    for (int i = 0; i < 256; i++) {
        uint8_t b = gf_inv((uint8_t)i);
        uint8_t s = (uint8_t)(b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ 0x63u);
        if (s != SBOX[i])
            bad++;
    }
    return bad;
}

static uint32_t pack_word(uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    return ((uint32_t)b0 << 24) | ((uint32_t)b1 << 16) | ((uint32_t)b2 << 8) | (uint32_t)b3;
}

static uint32_t ror32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32u - n));
}

static void build_tables(void)
{
    if (tables_ready)
        return;
    for (int i = 0; i < 256; i++)
        INV_SBOX[SBOX[i]] = (uint8_t)i;
    for (int i = 0; i < 256; i++) {
        uint8_t s = SBOX[i];
        uint32_t te = pack_word(gf_mul(s, 2), s, s, gf_mul(s, 3));
        uint8_t v = INV_SBOX[i];
        uint32_t td = pack_word(gf_mul(v, 14), gf_mul(v, 9), gf_mul(v, 13), gf_mul(v, 11));
        for (int k = 0; k < 4; k++) {
            TE[k][i] = k ? ror32(te, 8u * (unsigned)k) : te;
            TD[k][i] = k ? ror32(td, 8u * (unsigned)k) : td;
        }
    }
    tables_ready = 1;
}

/* ===================================================================== */
/* Key schedule                                                          */
/* ===================================================================== */

typedef struct {
    int nr;                         /* rounds: 10, 12, 14 */
    int key_bits;                   /* 128, 192, 256 */
    uint32_t ek[AES_MAX_RK_WORDS];  /* encryption round keys */
    uint32_t dk[AES_MAX_RK_WORDS];  /* equivalent-inverse-cipher round keys */
} aes_key;

static uint32_t sub_word(uint32_t w)
{
    return pack_word(SBOX[w >> 24], SBOX[(w >> 16) & 0xFF], SBOX[(w >> 8) & 0xFF], SBOX[w & 0xFF]);
}

static uint32_t rot_word(uint32_t w)
{
    return (w << 8) | (w >> 24);
}

static uint32_t inv_mix_column_word(uint32_t w)
{
    uint8_t a0 = (uint8_t)(w >> 24), a1 = (uint8_t)(w >> 16), a2 = (uint8_t)(w >> 8),
            a3 = (uint8_t)w;
    return pack_word(
        (uint8_t)(gf_mul(a0, 14) ^ gf_mul(a1, 11) ^ gf_mul(a2, 13) ^ gf_mul(a3, 9)),
        (uint8_t)(gf_mul(a0, 9) ^ gf_mul(a1, 14) ^ gf_mul(a2, 11) ^ gf_mul(a3, 13)),
        (uint8_t)(gf_mul(a0, 13) ^ gf_mul(a1, 9) ^ gf_mul(a2, 14) ^ gf_mul(a3, 11)),
        (uint8_t)(gf_mul(a0, 11) ^ gf_mul(a1, 13) ^ gf_mul(a2, 9) ^ gf_mul(a3, 14)));
}

static int aes_set_key(aes_key *k, const uint8_t *key, int key_bits)
{
    int nk;
    switch (key_bits) {
    case 128:
        nk = 4;
        k->nr = 10;
        break;
    case 192:
        nk = 6;
        k->nr = 12;
        break;
    case 256:
        nk = 8;
        k->nr = 14;
        break;
    default:
        return -1;
    }
    k->key_bits = key_bits;
    int total = 4 * (k->nr + 1);
    for (int i = 0; i < nk; i++)
        k->ek[i] = pack_word(key[4 * i], key[4 * i + 1], key[4 * i + 2], key[4 * i + 3]);
    uint8_t rcon = 1;
    for (int i = nk; i < total; i++) {
        uint32_t t = k->ek[i - 1];
        if (i % nk == 0) {
            t = sub_word(rot_word(t)) ^ ((uint32_t)rcon << 24);
            rcon = xtime(rcon);
        } else if (nk > 6 && i % nk == 4) {
            t = sub_word(t);
        }
        k->ek[i] = k->ek[i - nk] ^ t;
    }
    /* Decryption keys: reverse round order, InvMixColumns on middle rounds. */
    for (int r = 0; r <= k->nr; r++) {
        for (int c = 0; c < 4; c++) {
            uint32_t w = k->ek[4 * (k->nr - r) + c];
            if (r > 0 && r < k->nr)
                w = inv_mix_column_word(w);
            k->dk[4 * r + c] = w;
        }
    }
    return 0;
}

/* ===================================================================== */
/* Reference (byte-oriented) cipher                                      */
/* ===================================================================== */

typedef uint8_t aes_state[4][4]; /* [row][col] */

static void load_state(aes_state s, const uint8_t *in)
{
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++)
            s[r][c] = in[4 * c + r];
}

static void store_state(const aes_state s, uint8_t *out)
{
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++)
            out[4 * c + r] = s[r][c];
}

static void add_round_key(aes_state s, const uint32_t *rk)
{
    for (int c = 0; c < 4; c++) {
        s[0][c] ^= (uint8_t)(rk[c] >> 24);
        s[1][c] ^= (uint8_t)(rk[c] >> 16);
        s[2][c] ^= (uint8_t)(rk[c] >> 8);
        s[3][c] ^= (uint8_t)rk[c];
    }
}

static void sub_bytes(aes_state s)
{
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++)
            s[r][c] = SBOX[s[r][c]];
}

static void inv_sub_bytes(aes_state s)
{
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++)
            s[r][c] = INV_SBOX[s[r][c]];
}

static void shift_rows(aes_state s)
{
    uint8_t tmp[4];
    for (int r = 1; r < 4; r++) {
        for (int c = 0; c < 4; c++)
            tmp[c] = s[r][(c + r) % 4];
        memcpy(s[r], tmp, 4);
    }
}

static void inv_shift_rows(aes_state s)
{
    uint8_t tmp[4];
    for (int r = 1; r < 4; r++) {
        for (int c = 0; c < 4; c++)
            tmp[(c + r) % 4] = s[r][c];
        memcpy(s[r], tmp, 4);
    }
}

static void mix_columns(aes_state s)
{
    for (int c = 0; c < 4; c++) {
        uint8_t a0 = s[0][c], a1 = s[1][c], a2 = s[2][c], a3 = s[3][c];
        uint8_t all = (uint8_t)(a0 ^ a1 ^ a2 ^ a3);
        s[0][c] = (uint8_t)(a0 ^ all ^ xtime((uint8_t)(a0 ^ a1)));
        s[1][c] = (uint8_t)(a1 ^ all ^ xtime((uint8_t)(a1 ^ a2)));
        s[2][c] = (uint8_t)(a2 ^ all ^ xtime((uint8_t)(a2 ^ a3)));
        s[3][c] = (uint8_t)(a3 ^ all ^ xtime((uint8_t)(a3 ^ a0)));
    }
}

static void inv_mix_columns(aes_state s)
{
    for (int c = 0; c < 4; c++) {
        uint8_t a0 = s[0][c], a1 = s[1][c], a2 = s[2][c], a3 = s[3][c];
        s[0][c] = (uint8_t)(gf_mul(a0, 14) ^ gf_mul(a1, 11) ^ gf_mul(a2, 13) ^ gf_mul(a3, 9));
        s[1][c] = (uint8_t)(gf_mul(a0, 9) ^ gf_mul(a1, 14) ^ gf_mul(a2, 11) ^ gf_mul(a3, 13));
        s[2][c] = (uint8_t)(gf_mul(a0, 13) ^ gf_mul(a1, 9) ^ gf_mul(a2, 14) ^ gf_mul(a3, 11));
        s[3][c] = (uint8_t)(gf_mul(a0, 11) ^ gf_mul(a1, 13) ^ gf_mul(a2, 9) ^ gf_mul(a3, 14));
    }
}

static void aes_encrypt_ref(const aes_key *k, const uint8_t in[16], uint8_t out[16])
{
    aes_state s;
    load_state(s, in);
    add_round_key(s, k->ek);
    for (int round = 1; round < k->nr; round++) {
        sub_bytes(s);
        shift_rows(s);
        mix_columns(s);
        add_round_key(s, k->ek + 4 * round);
    }
    sub_bytes(s);
    shift_rows(s);
    add_round_key(s, k->ek + 4 * k->nr);
    store_state(s, out);
}

static void aes_decrypt_ref(const aes_key *k, const uint8_t in[16], uint8_t out[16])
{
    aes_state s;
    load_state(s, in);
    add_round_key(s, k->ek + 4 * k->nr);
    for (int round = k->nr - 1; round > 0; round--) {
        inv_shift_rows(s);
        inv_sub_bytes(s);
        add_round_key(s, k->ek + 4 * round);
        inv_mix_columns(s);
    }
    inv_shift_rows(s);
    inv_sub_bytes(s);
    add_round_key(s, k->ek);
    store_state(s, out);
}

/* ===================================================================== */
/* T-table cipher                                                        */
/* ===================================================================== */

static uint32_t load_be32(const uint8_t *p)
{
    return pack_word(p[0], p[1], p[2], p[3]);
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#define B0(x) ((x) >> 24)
#define B1(x) (((x) >> 16) & 0xFFu)
#define B2(x) (((x) >> 8) & 0xFFu)
#define B3(x) ((x)&0xFFu)

static void aes_encrypt_fast(const aes_key *k, const uint8_t in[16], uint8_t out[16])
{
    const uint32_t *rk = k->ek;
    uint32_t s0 = load_be32(in) ^ rk[0];
    uint32_t s1 = load_be32(in + 4) ^ rk[1];
    uint32_t s2 = load_be32(in + 8) ^ rk[2];
    uint32_t s3 = load_be32(in + 12) ^ rk[3];
    uint32_t t0, t1, t2, t3;
    for (int r = 1; r < k->nr; r++) {
        rk += 4;
        t0 = TE[0][B0(s0)] ^ TE[1][B1(s1)] ^ TE[2][B2(s2)] ^ TE[3][B3(s3)] ^ rk[0];
        t1 = TE[0][B0(s1)] ^ TE[1][B1(s2)] ^ TE[2][B2(s3)] ^ TE[3][B3(s0)] ^ rk[1];
        t2 = TE[0][B0(s2)] ^ TE[1][B1(s3)] ^ TE[2][B2(s0)] ^ TE[3][B3(s1)] ^ rk[2];
        t3 = TE[0][B0(s3)] ^ TE[1][B1(s0)] ^ TE[2][B2(s1)] ^ TE[3][B3(s2)] ^ rk[3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    rk += 4;
    t0 = pack_word(SBOX[B0(s0)], SBOX[B1(s1)], SBOX[B2(s2)], SBOX[B3(s3)]) ^ rk[0];
    t1 = pack_word(SBOX[B0(s1)], SBOX[B1(s2)], SBOX[B2(s3)], SBOX[B3(s0)]) ^ rk[1];
    t2 = pack_word(SBOX[B0(s2)], SBOX[B1(s3)], SBOX[B2(s0)], SBOX[B3(s1)]) ^ rk[2];
    t3 = pack_word(SBOX[B0(s3)], SBOX[B1(s0)], SBOX[B2(s1)], SBOX[B3(s2)]) ^ rk[3];
    store_be32(out, t0);
    store_be32(out + 4, t1);
    store_be32(out + 8, t2);
    store_be32(out + 12, t3);
}

static void aes_decrypt_fast(const aes_key *k, const uint8_t in[16], uint8_t out[16])
{
    const uint32_t *rk = k->dk;
    uint32_t s0 = load_be32(in) ^ rk[0];
    uint32_t s1 = load_be32(in + 4) ^ rk[1];
    uint32_t s2 = load_be32(in + 8) ^ rk[2];
    uint32_t s3 = load_be32(in + 12) ^ rk[3];
    uint32_t t0, t1, t2, t3;
    for (int r = 1; r < k->nr; r++) {
        rk += 4;
        t0 = TD[0][B0(s0)] ^ TD[1][B1(s3)] ^ TD[2][B2(s2)] ^ TD[3][B3(s1)] ^ rk[0];
        t1 = TD[0][B0(s1)] ^ TD[1][B1(s0)] ^ TD[2][B2(s3)] ^ TD[3][B3(s2)] ^ rk[1];
        t2 = TD[0][B0(s2)] ^ TD[1][B1(s1)] ^ TD[2][B2(s0)] ^ TD[3][B3(s3)] ^ rk[2];
        t3 = TD[0][B0(s3)] ^ TD[1][B1(s2)] ^ TD[2][B2(s1)] ^ TD[3][B3(s0)] ^ rk[3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    rk += 4;
    t0 = pack_word(INV_SBOX[B0(s0)], INV_SBOX[B1(s3)], INV_SBOX[B2(s2)], INV_SBOX[B3(s1)]) ^ rk[0];
    t1 = pack_word(INV_SBOX[B0(s1)], INV_SBOX[B1(s0)], INV_SBOX[B2(s3)], INV_SBOX[B3(s2)]) ^ rk[1];
    t2 = pack_word(INV_SBOX[B0(s2)], INV_SBOX[B1(s1)], INV_SBOX[B2(s0)], INV_SBOX[B3(s3)]) ^ rk[2];
    t3 = pack_word(INV_SBOX[B0(s3)], INV_SBOX[B1(s2)], INV_SBOX[B2(s1)], INV_SBOX[B3(s0)]) ^ rk[3];
    store_be32(out, t0);
    store_be32(out + 4, t1);
    store_be32(out + 8, t2);
    store_be32(out + 12, t3);
}

/* ===================================================================== */
/* Modes of operation                                                    */
/* ===================================================================== */

typedef void (*block_fn)(const aes_key *, const uint8_t *, uint8_t *);

typedef enum { IMPL_REF = 0, IMPL_FAST = 1 } aes_impl;

typedef struct {
    aes_key key;
    block_fn enc;
    block_fn dec;
    const char *impl_name;
} aes_ctx;

static int aes_ctx_init(aes_ctx *ctx, const uint8_t *key, int bits, aes_impl impl)
{
    build_tables();
    if (aes_set_key(&ctx->key, key, bits) != 0)
        return -1;
    switch (impl) {
    case IMPL_REF:
        ctx->enc = aes_encrypt_ref;
        ctx->dec = aes_decrypt_ref;
        ctx->impl_name = "ref";
        break;
    case IMPL_FAST:
    default:
        ctx->enc = aes_encrypt_fast;
        ctx->dec = aes_decrypt_fast;
        ctx->impl_name = "ttable";
        break;
    }
    return 0;
}

static void xor_block(uint8_t *dst, const uint8_t *a, const uint8_t *b)
{
    for (int i = 0; i < AES_BLOCK; i++)
        dst[i] = (uint8_t)(a[i] ^ b[i]);
}

static int ecb_encrypt(const aes_ctx *c, const uint8_t *in, uint8_t *out, size_t len)
{
    if (len % AES_BLOCK)
        return -1;
    for (size_t i = 0; i < len; i += AES_BLOCK)
        c->enc(&c->key, in + i, out + i);
    return 0;
}

static int ecb_decrypt(const aes_ctx *c, const uint8_t *in, uint8_t *out, size_t len)
{
    if (len % AES_BLOCK)
        return -1;
    for (size_t i = 0; i < len; i += AES_BLOCK)
        c->dec(&c->key, in + i, out + i);
    return 0;
}

static int cbc_encrypt(const aes_ctx *c, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                       size_t len)
{
    uint8_t chain[AES_BLOCK], tmp[AES_BLOCK];
    if (len % AES_BLOCK)
        return -1;
    memcpy(chain, iv, AES_BLOCK);
    for (size_t i = 0; i < len; i += AES_BLOCK) {
        xor_block(tmp, in + i, chain);
        c->enc(&c->key, tmp, out + i);
        memcpy(chain, out + i, AES_BLOCK);
    }
    return 0;
}

static int cbc_decrypt(const aes_ctx *c, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                       size_t len)
{
    uint8_t chain[AES_BLOCK], next[AES_BLOCK], tmp[AES_BLOCK];
    if (len % AES_BLOCK)
        return -1;
    memcpy(chain, iv, AES_BLOCK);
    for (size_t i = 0; i < len; i += AES_BLOCK) {
        memcpy(next, in + i, AES_BLOCK); /* allows in == out */
        c->dec(&c->key, next, tmp);
        xor_block(out + i, tmp, chain);
        memcpy(chain, next, AES_BLOCK);
    }
    return 0;
}

static void ctr_increment(uint8_t ctr[16])
{
    for (int i = 15; i >= 0; i--) {
        ctr[i] = (uint8_t)(ctr[i] + 1u);
        if (ctr[i] != 0)
            break;
    }
}

/* CTR is its own inverse; handles arbitrary lengths. */
static void ctr_crypt(const aes_ctx *c, const uint8_t nonce_ctr[16], const uint8_t *in,
                      uint8_t *out, size_t len)
{
    uint8_t ctr[AES_BLOCK], ks[AES_BLOCK];
    memcpy(ctr, nonce_ctr, AES_BLOCK);
    size_t i = 0;
    while (i < len) {
        c->enc(&c->key, ctr, ks);
        ctr_increment(ctr);
        size_t n = len - i < AES_BLOCK ? len - i : AES_BLOCK;
        for (size_t j = 0; j < n; j++)
            out[i + j] = (uint8_t)(in[i + j] ^ ks[j]);
        i += n;
    }
}

static void cfb128_crypt(const aes_ctx *c, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                         size_t len, int decrypt)
{
    uint8_t reg[AES_BLOCK], ks[AES_BLOCK];
    memcpy(reg, iv, AES_BLOCK);
    for (size_t i = 0; i < len; i += AES_BLOCK) {
        c->enc(&c->key, reg, ks);
        size_t n = len - i < AES_BLOCK ? len - i : AES_BLOCK;
        for (size_t j = 0; j < n; j++) {
            uint8_t x = in[i + j];
            out[i + j] = (uint8_t)(x ^ ks[j]);
            reg[j] = decrypt ? x : out[i + j];
        }
    }
}

static void ofb_crypt(const aes_ctx *c, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                      size_t len)
{
    uint8_t reg[AES_BLOCK];
    memcpy(reg, iv, AES_BLOCK);
    for (size_t i = 0; i < len; i += AES_BLOCK) {
        c->enc(&c->key, reg, reg);
        size_t n = len - i < AES_BLOCK ? len - i : AES_BLOCK;
        for (size_t j = 0; j < n; j++)
            out[i + j] = (uint8_t)(in[i + j] ^ reg[j]);
    }
}

/* PKCS#7 padding helpers: returns padded length. */
static size_t pkcs7_pad(uint8_t *buf, size_t len, size_t cap)
{
    size_t pad = AES_BLOCK - (len % AES_BLOCK);
    if (len + pad > cap)
        return 0;
    for (size_t i = 0; i < pad; i++)
        buf[len + i] = (uint8_t)pad;
    return len + pad;
}

static long pkcs7_unpad(const uint8_t *buf, size_t len)
{
    if (len == 0 || len % AES_BLOCK)
        return -1;
    uint8_t pad = buf[len - 1];
    if (pad == 0 || pad > AES_BLOCK)
        return -1;
    for (size_t i = 0; i < pad; i++)
        if (buf[len - 1 - i] != pad)
            return -1;
    return (long)(len - pad);
}

/* ===================================================================== */
/* CMAC (RFC 4493 / SP 800-38B)                                          */
/* ===================================================================== */

static void cmac_dbl(uint8_t out[16], const uint8_t in[16])
{
    uint8_t carry = (uint8_t)(in[0] >> 7);
    for (int i = 0; i < 15; i++)
        out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
    out[15] = (uint8_t)((in[15] << 1) ^ (carry ? 0x87u : 0u));
}

static void aes_cmac(const aes_ctx *c, const uint8_t *msg, size_t len, uint8_t mac[16])
{
    uint8_t L[16], K1[16], K2[16], zero[16] = {0};
    c->enc(&c->key, zero, L);
    cmac_dbl(K1, L);
    cmac_dbl(K2, K1);
    size_t nblocks = (len + 15) / 16;
    int complete;
    if (nblocks == 0) {
        nblocks = 1;
        complete = 0;
    } else {
        complete = (len % 16) == 0;
    }
    uint8_t x[16] = {0}, y[16], last[16];
    for (size_t b = 0; b + 1 < nblocks; b++) {
        xor_block(y, x, msg + 16 * b);
        c->enc(&c->key, y, x);
    }
    size_t off = 16 * (nblocks - 1);
    if (complete) {
        xor_block(last, msg + off, K1);
    } else {
        size_t rem = len - off;
        memset(last, 0, 16);
        if (rem > 0)
            memcpy(last, msg + off, rem);
        last[rem] = 0x80;
        for (int i = 0; i < 16; i++)
            last[i] ^= K2[i];
    }
    xor_block(y, x, last);
    c->enc(&c->key, y, mac);
}

/* ===================================================================== */
/* Test harness                                                          */
/* ===================================================================== */

static int hexnib(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return 0;
}

static size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (hex[0] && hex[1] && n < cap) {
        out[n++] = (uint8_t)(hexnib(hex[0]) * 16 + hexnib(hex[1]));
        hex += 2;
    }
    return n;
}

static int expect_hex(const char *what, const uint8_t *got, size_t n, const char *hex)
{
    uint8_t want[128];
    size_t wn = hex_decode(hex, want, sizeof(want));
    if (wn != n || memcmp(got, want, n) != 0) {
        printf("  FAIL %s\n", what);
        return 1;
    }
    return 0;
}

static const char *const SP_PLAIN =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
static const char *const SP_KEY128 = "2b7e151628aed2a6abf7158809cf4f3c";
static const char *const SP_KEY192 = "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b";
static const char *const SP_KEY256 =
    "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
static const char *const SP_IV = "000102030405060708090a0b0c0d0e0f";
static const char *const SP_CTR = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

struct mode_vector {
    const char *name;
    int bits;
    char mode; /* 'E' ecb, 'C' cbc, 'T' ctr, 'F' cfb128, 'O' ofb */
    const char *cipher;
};

static const struct mode_vector MODE_VECTORS[] = {
    {"ECB-AES128", 128, 'E',
     "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
     "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4"},
    {"ECB-AES192", 192, 'E',
     "bd334f1d6e45f25ff712a214571fa5cc974104846d0ad3ad7734ecb3ecee4eef"
     "ef7afd2270e2e60adce0ba2face6444e9a4b41ba738d6c72fb16691603c18e0e"},
    {"ECB-AES256", 256, 'E',
     "f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870"
     "b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7"},
    {"CBC-AES128", 128, 'C',
     "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
     "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
    {"CBC-AES192", 192, 'C',
     "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
     "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd"},
    {"CBC-AES256", 256, 'C',
     "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
     "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"},
    {"CTR-AES128", 128, 'T',
     "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
     "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"},
    {"CTR-AES192", 192, 'T',
     "1abc932417521ca24f2b0459fe7e6e0b090339ec0aa6faefd5ccc2c6f4ce8e94"
     "1e36b26bd1ebc670d1bd1d665620abf74f78a7f6d29809585a97daec58c6b050"},
    {"CTR-AES256", 256, 'T',
     "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
     "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"},
    {"CFB128-AES128", 128, 'F',
     "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b"
     "26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6"},
    {"OFB-AES128", 128, 'O',
     "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825"
     "9740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e"},
};

static const char *key_for_bits(int bits)
{
    return bits == 128 ? SP_KEY128 : (bits == 192 ? SP_KEY192 : SP_KEY256);
}

static int run_fips197(aes_impl impl)
{
    static const char *const expect[3] = {"69c4e0d86a7b0430d8cdb78070b4c55a",
                                          "dda97ca4864cdfe06eaf70a0ec0d7191",
                                          "8ea2b7ca516745bfeafc49904b496089"};
    uint8_t key[32], pt[16], ct[16], back[16];
    int fails = 0;
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    hex_decode("00112233445566778899aabbccddeeff", pt, 16);
    for (int v = 0; v < 3; v++) {
        aes_ctx c;
        int bits = 128 + 64 * v;
        aes_ctx_init(&c, key, bits, impl);
        c.enc(&c.key, pt, ct);
        char what[48];
        snprintf(what, sizeof(what), "FIPS-197 C.%d %s", v + 1, c.impl_name);
        fails += expect_hex(what, ct, 16, expect[v]);
        c.dec(&c.key, ct, back);
        if (memcmp(back, pt, 16) != 0) {
            printf("  FAIL %s decrypt\n", what);
            fails++;
        }
    }
    /* Appendix B example */
    aes_ctx c;
    hex_decode(SP_KEY128, key, 16);
    hex_decode("3243f6a8885a308d313198a2e0370734", pt, 16);
    aes_ctx_init(&c, key, 128, impl);
    c.enc(&c.key, pt, ct);
    fails += expect_hex("FIPS-197 B", ct, 16, "3925841d02dc09fbdc118597196a0b32");
    /* Key expansion spot check: last round key word of the AES-128 example. */
    if (c.key.ek[43] != 0xb6630ca6u) {
        printf("  FAIL key expansion w[43]\n");
        fails++;
    }
    return fails;
}

static int run_mode_vectors(aes_impl impl)
{
    uint8_t key[32], iv[16], pt[64], out[64], back[64];
    int fails = 0;
    hex_decode(SP_PLAIN, pt, 64);
    for (size_t v = 0; v < sizeof(MODE_VECTORS) / sizeof(MODE_VECTORS[0]); v++) {
        const struct mode_vector *mv = &MODE_VECTORS[v];
        aes_ctx c;
        hex_decode(key_for_bits(mv->bits), key, 32);
        aes_ctx_init(&c, key, mv->bits, impl);
        hex_decode(mv->mode == 'T' ? SP_CTR : SP_IV, iv, 16);
        switch (mv->mode) {
        case 'E':
            ecb_encrypt(&c, pt, out, 64);
            ecb_decrypt(&c, out, back, 64);
            break;
        case 'C':
            cbc_encrypt(&c, iv, pt, out, 64);
            cbc_decrypt(&c, iv, out, back, 64);
            break;
        case 'T':
            ctr_crypt(&c, iv, pt, out, 64);
            ctr_crypt(&c, iv, out, back, 64);
            break;
        case 'F':
            cfb128_crypt(&c, iv, pt, out, 64, 0);
            cfb128_crypt(&c, iv, out, back, 64, 1);
            break;
        case 'O':
            ofb_crypt(&c, iv, pt, out, 64);
            ofb_crypt(&c, iv, out, back, 64);
            break;
        default:
            continue;
        }
        fails += expect_hex(mv->name, out, 64, mv->cipher);
        if (memcmp(back, pt, 64) != 0) {
            printf("  FAIL %s inverse\n", mv->name);
            fails++;
        }
    }
    return fails;
}

static int run_cmac_vectors(aes_impl impl)
{
    static const size_t lens[4] = {0, 16, 40, 64};
    static const char *const macs[4] = {
        "bb1d6929e95937287fa37d129b756746", "070a16b46b4d4144f79bdd9dd04a287c",
        "dfa66747de9ae63030ca32611497c827", "51f0bebf7e3b9d92fc49741779363cfe"};
    uint8_t key[16], msg[64], mac[16];
    int fails = 0;
    hex_decode(SP_KEY128, key, 16);
    hex_decode(SP_PLAIN, msg, 64);
    aes_ctx c;
    aes_ctx_init(&c, key, 128, impl);
    for (int i = 0; i < 4; i++) {
        char what[32];
        aes_cmac(&c, msg, lens[i], mac);
        snprintf(what, sizeof(what), "CMAC len %u", (unsigned)lens[i]);
        fails += expect_hex(what, mac, 16, macs[i]);
    }
    return fails;
}

/* ===================================================================== */
/* GCM (SP 800-38D): GHASH over GF(2^128) and counter-mode encryption    */
/* ===================================================================== */

typedef struct {
    uint64_t hi, lo; /* big-endian halves of a 128-bit field element */
} gf128;

static gf128 gf128_load(const uint8_t *p)
{
    gf128 r = {0, 0};
    for (int i = 0; i < 8; i++) {
        r.hi = (r.hi << 8) | p[i];
        r.lo = (r.lo << 8) | p[8 + i];
    }
    return r;
}

static void gf128_store(uint8_t *p, gf128 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v.hi >> (56 - 8 * i));
        p[8 + i] = (uint8_t)(v.lo >> (56 - 8 * i));
    }
}

/* Multiplication in GCM's bit-reflected representation (Algorithm 1 of SP 800-38D). */
static gf128 gf128_mul(gf128 x, gf128 y)
{
    gf128 z = {0, 0};
    gf128 v = y;
    for (int i = 0; i < 128; i++) {
        uint64_t bit = i < 64 ? (x.hi >> (63 - i)) & 1u : (x.lo >> (127 - i)) & 1u;
        if (bit) {
            z.hi ^= v.hi;
            z.lo ^= v.lo;
        }
        uint64_t lsb = v.lo & 1u;
        v.lo = (v.lo >> 1) | (v.hi << 63);
        v.hi >>= 1;
        if (lsb)
            v.hi ^= 0xE100000000000000ULL;
    }
    return z;
}

typedef struct {
    aes_ctx cipher;
    gf128 H;
    gf128 acc;
    uint8_t j0[16];
} gcm_ctx;

static void ghash_update(gcm_ctx *g, const uint8_t *data, size_t len)
{
    uint8_t blk[16];
    for (size_t i = 0; i < len; i += 16) {
        size_t n = len - i < 16 ? len - i : 16;
        memset(blk, 0, 16);
        memcpy(blk, data + i, n);
        gf128 x = gf128_load(blk);
        g->acc.hi ^= x.hi;
        g->acc.lo ^= x.lo;
        g->acc = gf128_mul(g->acc, g->H);
    }
}

static void ghash_lengths(gcm_ctx *g, uint64_t a_bytes, uint64_t c_bytes)
{
    uint8_t blk[16];
    uint64_t a_bits = a_bytes * 8u, c_bits = c_bytes * 8u;
    for (int i = 0; i < 8; i++) {
        blk[i] = (uint8_t)(a_bits >> (56 - 8 * i));
        blk[8 + i] = (uint8_t)(c_bits >> (56 - 8 * i));
    }
    ghash_update(g, blk, 16);
}

static void gcm_init(gcm_ctx *g, const uint8_t *key, int bits, aes_impl impl, const uint8_t *iv,
                     size_t iv_len)
{
    uint8_t zero[16] = {0}, h[16];
    aes_ctx_init(&g->cipher, key, bits, impl);
    g->cipher.enc(&g->cipher.key, zero, h);
    g->H = gf128_load(h);
    g->acc.hi = 0;
    g->acc.lo = 0;
    if (iv_len == 12) {
        memcpy(g->j0, iv, 12);
        g->j0[12] = 0;
        g->j0[13] = 0;
        g->j0[14] = 0;
        g->j0[15] = 1;
    } else {
        ghash_update(g, iv, iv_len);
        ghash_lengths(g, 0, iv_len);
        gf128_store(g->j0, g->acc);
        g->acc.hi = 0;
        g->acc.lo = 0;
    }
}

/* 32-bit counter increment used by GCM (only the last word wraps). */
static void gcm_inc32(uint8_t ctr[16])
{
    for (int i = 15; i >= 12; i--) {
        ctr[i] = (uint8_t)(ctr[i] + 1u);
        if (ctr[i] != 0)
            break;
    }
}

static void gcm_gctr(const gcm_ctx *g, const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t ctr[16], ks[16];
    memcpy(ctr, g->j0, 16);
    for (size_t i = 0; i < len; i += 16) {
        gcm_inc32(ctr);
        g->cipher.enc(&g->cipher.key, ctr, ks);
        size_t n = len - i < 16 ? len - i : 16;
        for (size_t j = 0; j < n; j++)
            out[i + j] = (uint8_t)(in[i + j] ^ ks[j]);
    }
}

static void gcm_tag(gcm_ctx *g, const uint8_t *aad, size_t aad_len, const uint8_t *ct,
                    size_t len, uint8_t tag[16])
{
    uint8_t s[16], ekj0[16];
    g->acc.hi = 0;
    g->acc.lo = 0;
    ghash_update(g, aad, aad_len);
    ghash_update(g, ct, len);
    ghash_lengths(g, aad_len, len);
    gf128_store(s, g->acc);
    g->cipher.enc(&g->cipher.key, g->j0, ekj0);
    xor_block(tag, s, ekj0);
}

static void gcm_encrypt(gcm_ctx *g, const uint8_t *aad, size_t aad_len, const uint8_t *pt,
                        uint8_t *ct, size_t len, uint8_t tag[16])
{
    gcm_gctr(g, pt, ct, len);
    gcm_tag(g, aad, aad_len, ct, len, tag);
}

/* Returns 0 and writes the plaintext only if the tag verifies. */
static int gcm_decrypt(gcm_ctx *g, const uint8_t *aad, size_t aad_len, const uint8_t *ct,
                       uint8_t *pt, size_t len, const uint8_t tag[16])
{
    uint8_t want[16];
    gcm_tag(g, aad, aad_len, ct, len, want);
    uint8_t diff = 0;
    for (int i = 0; i < 16; i++)
        diff |= (uint8_t)(want[i] ^ tag[i]);
    if (diff != 0)
        return -1;
    gcm_gctr(g, ct, pt, len);
    return 0;
}

/* test case 5 uses a 64-bit IV, exercising the GHASH-derived J0 path */
#define GCM_TC5_CT                                                                                 \
    "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"                           \
    "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598"
#define GCM_TC5_TAG "3612d2e79e3b0785561be14aaca2fccb"

struct gcm_vector {
    const char *name;
    const char *key, *iv, *pt, *aad, *ct, *tag;
};

static const struct gcm_vector GCM_VECTORS[] = {
    {"GCM tc1", "00000000000000000000000000000000", "000000000000000000000000", "", "", "",
     "58e2fccefa7e3061367f1d57a4e7455a"},
    {"GCM tc2", "00000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"GCM tc3", "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"GCM tc4", "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"GCM tc5", "feffe9928665731c6d6a8f9467308308", "cafebabefacedbad",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2", GCM_TC5_CT, GCM_TC5_TAG},
};

static int run_gcm_vectors(aes_impl impl)
{
    uint8_t key[32], iv[64], pt[64], aad[32], ct[64], tag[16], back[64];
    int fails = 0;
    for (size_t v = 0; v < sizeof(GCM_VECTORS) / sizeof(GCM_VECTORS[0]); v++) {
        const struct gcm_vector *gv = &GCM_VECTORS[v];
        size_t kl = hex_decode(gv->key, key, sizeof(key));
        size_t ivl = hex_decode(gv->iv, iv, sizeof(iv));
        size_t pl = hex_decode(gv->pt, pt, sizeof(pt));
        size_t al = hex_decode(gv->aad, aad, sizeof(aad));
        gcm_ctx g;
        gcm_init(&g, key, (int)kl * 8, impl, iv, ivl);
        gcm_encrypt(&g, aad, al, pt, ct, pl, tag);
        fails += expect_hex(gv->name, ct, pl, gv->ct);
        fails += expect_hex(gv->name, tag, 16, gv->tag);
        if (gcm_decrypt(&g, aad, al, ct, back, pl, tag) != 0 || memcmp(back, pt, pl) != 0) {
            printf("  FAIL %s decrypt\n", gv->name);
            fails++;
        }
        tag[v % 16] ^= 0x40;
        if (gcm_decrypt(&g, aad, al, ct, back, pl, tag) == 0) {
            printf("  FAIL %s forgery accepted\n", gv->name);
            fails++;
        }
    }
    return fails;
}

/* ---------------------------------------------------------------------- */

typedef struct {
    uint64_t s;
} prng;

static uint64_t prng_next(prng *p)
{
    p->s ^= p->s << 13;
    p->s ^= p->s >> 7;
    p->s ^= p->s << 17;
    return p->s;
}

static void prng_fill(prng *p, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((i & 7u) == 0)
            (void)prng_next(p);
        buf[i] = (uint8_t)(p->s >> (8 * (i & 7u)));
    }
}

static uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x01000193u;
    return h;
}

/* Round-trip a large buffer through every mode with the fast cipher,
 * and cross-check a prefix against the reference cipher. */
static int round_trip(prng *rng, int bits, size_t len, uint32_t *digest)
{
    uint8_t key[32], iv[16];
    prng_fill(rng, key, sizeof(key));
    prng_fill(rng, iv, sizeof(iv));
    size_t cap = len + AES_BLOCK;
    uint8_t *plain = malloc(cap);
    uint8_t *ct = malloc(cap);
    uint8_t *back = malloc(cap);
    uint8_t *ref = malloc(cap);
    int fails = 0;
    if (!plain || !ct || !back || !ref) {
        free(plain);
        free(ct);
        free(back);
        free(ref);
        return 1;
    }
    prng_fill(rng, plain, len);
    aes_ctx fast, slow;
    aes_ctx_init(&fast, key, bits, IMPL_FAST);
    aes_ctx_init(&slow, key, bits, IMPL_REF);

    /* CBC with PKCS#7 padding */
    memcpy(back, plain, len);
    size_t padded = pkcs7_pad(back, len, cap);
    cbc_encrypt(&fast, iv, back, ct, padded);
    *digest = fnv1a(*digest, ct, padded);
    size_t check = padded < 512 ? padded : 512;
    cbc_encrypt(&slow, iv, back, ref, check);
    if (memcmp(ref, ct, check) != 0)
        fails++;
    cbc_decrypt(&fast, iv, ct, back, padded);
    long unp = pkcs7_unpad(back, padded);
    if (unp != (long)len || memcmp(back, plain, len) != 0)
        fails++;
    /* in-place decryption of a prefix with the reference cipher */
    memcpy(ref, ct, check);
    cbc_decrypt(&slow, iv, ref, ref, check);
    if (memcmp(ref, plain, check < len ? check : len) != 0)
        fails++;

    /* ECB on the block-aligned part */
    size_t aligned = len - len % AES_BLOCK;
    ecb_encrypt(&fast, plain, ct, aligned);
    *digest = fnv1a(*digest, ct, aligned);
    ecb_decrypt(&fast, ct, back, aligned);
    if (memcmp(back, plain, aligned) != 0)
        fails++;
    ecb_decrypt(&slow, ct, ref, check < aligned ? check : aligned);
    if (memcmp(ref, plain, check < aligned ? check : aligned) != 0)
        fails++;

    /* CTR (arbitrary length), CFB, OFB */
    ctr_crypt(&fast, iv, plain, ct, len);
    *digest = fnv1a(*digest, ct, len);
    ctr_crypt(&fast, iv, ct, back, len);
    if (memcmp(back, plain, len) != 0)
        fails++;
    cfb128_crypt(&fast, iv, plain, ct, len, 0);
    *digest = fnv1a(*digest, ct, len);
    cfb128_crypt(&fast, iv, ct, back, len, 1);
    if (memcmp(back, plain, len) != 0)
        fails++;
    ofb_crypt(&fast, iv, plain, ct, len);
    *digest = fnv1a(*digest, ct, len);
    ofb_crypt(&slow, iv, ct, back, check < len ? check : len);
    if (memcmp(back, plain, check < len ? check : len) != 0)
        fails++;

    /* CMAC: reference vs fast, and tamper detection */
    uint8_t m1[16], m2[16];
    aes_cmac(&fast, plain, len, m1);
    aes_cmac(&slow, plain, check < len ? check : len, m2);
    aes_cmac(&fast, plain, check < len ? check : len, back);
    if (memcmp(m2, back, 16) != 0)
        fails++;
    plain[len / 2] ^= 0x01;
    aes_cmac(&fast, plain, len, m2);
    if (memcmp(m1, m2, 16) == 0)
        fails++;
    *digest = fnv1a(*digest, m1, 16);
    plain[len / 2] ^= 0x01;

    /* GCM with the IV doubling as associated data */
    gcm_ctx g;
    uint8_t tag[16];
    gcm_init(&g, key, bits, IMPL_FAST, iv, 12);
    gcm_encrypt(&g, iv, sizeof(iv), plain, ct, len, tag);
    *digest = fnv1a(*digest, tag, 16);
    if (gcm_decrypt(&g, iv, sizeof(iv), ct, back, len, tag) != 0 || memcmp(back, plain, len) != 0)
        fails++;
    ct[len - 1] ^= 0x80;
    if (gcm_decrypt(&g, iv, sizeof(iv), ct, back, len, tag) == 0)
        fails++;

    free(plain);
    free(ct);
    free(back);
    free(ref);
    return fails;
}

/* Cross-check the two cipher implementations on random keys/blocks. */
static int cross_check(prng *rng, int count)
{
    int fails = 0;
    for (int i = 0; i < count; i++) {
        uint8_t key[32], blk[16], a[16], b[16], c[16], d[16];
        int bits = 128 + 64 * (i % 3);
        prng_fill(rng, key, 32);
        prng_fill(rng, blk, 16);
        aes_ctx f, r;
        aes_ctx_init(&f, key, bits, IMPL_FAST);
        aes_ctx_init(&r, key, bits, IMPL_REF);
        f.enc(&f.key, blk, a);
        r.enc(&r.key, blk, b);
        f.dec(&f.key, blk, c);
        r.dec(&r.key, blk, d);
        if (memcmp(a, b, 16) != 0 || memcmp(c, d, 16) != 0)
            fails++;
    }
    return fails;
}

/* Monte-Carlo style chain: repeatedly encrypt, feeding output back. */
static void monte_carlo(int bits, uint8_t out[16])
{
    uint8_t key[32], blk[16];
    memset(key, 0, sizeof(key));
    memset(blk, 0, sizeof(blk));
    aes_ctx c;
    for (int outer = 0; outer < 20; outer++) {
        aes_ctx_init(&c, key, bits, IMPL_FAST);
        for (int inner = 0; inner < 100; inner++)
            c.enc(&c.key, blk, blk);
        for (int i = 0; i < bits / 8; i++)
            key[i] ^= blk[i % 16];
    }
    memcpy(out, blk, 16);
}

int main(void)
{
    build_tables();
    int bad_sbox = verify_sbox();
    printf("sbox derivation: %s\n", bad_sbox ? "FAIL" : "ok");
    int total_fail = bad_sbox;

    for (int impl = 0; impl < 2; impl++) {
        int f = 0;
        f += run_fips197((aes_impl)impl);
        f += run_mode_vectors((aes_impl)impl);
        f += run_cmac_vectors((aes_impl)impl);
        f += run_gcm_vectors((aes_impl)impl);
        printf("known-answer tests [%s]: %s\n", impl ? "ttable" : "ref", f ? "FAIL" : "ok");
        total_fail += f;
    }

    prng rng = {0x9E3779B97F4A7C15ULL};
    int xf = cross_check(&rng, 60);
    printf("ref/ttable cross-check: %s\n", xf ? "FAIL" : "ok");
    total_fail += xf;

    uint32_t digest = 0x811c9dc5u;
    static const size_t sizes[3] = {12345, 4096, 777};
    for (int k = 0; k < 3; k++) {
        int bits = 128 + 64 * k;
        uint32_t d = 0x811c9dc5u;
        int f = round_trip(&rng, bits, sizes[k], &d);
        printf("round trip AES-%d len=%u: %s digest=%08x\n", bits, (unsigned)sizes[k],
               f ? "FAIL" : "ok", (unsigned)d);
        digest = (digest ^ d) * 0x01000193u;
        total_fail += f;
    }

    for (int k = 0; k < 3; k++) {
        uint8_t mc[16];
        int bits = 128 + 64 * k;
        monte_carlo(bits, mc);
        printf("monte-carlo AES-%d: ", bits);
        for (int i = 0; i < 16; i++)
            printf("%02x", mc[i]);
        printf("\n");
        digest = fnv1a(digest, mc, 16);
    }

    printf("status: %s\n", total_fail ? "FAIL" : "PASS");
    printf("checksum: 0x%08x\n", (unsigned)digest);
    return 0;
}
