/* cgym-suite: category=crypto; TEA, XTEA and a small 16-round Feistel cipher behind a common 64-bit block interface, CBC/CTR modes with padding, vectors and round trips */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEA_DELTA 0x9E3779B9u
#define BLOCK 8

/* ---------------- TEA ---------------- */

static void tea_encrypt(uint32_t v[2], const uint32_t k[4])
{
    uint32_t v0 = v[0], v1 = v[1], sum = 0;
    for (int i = 0; i < 32; i++) {
        sum += TEA_DELTA;
        v0 += ((v1 << 4) + k[0]) ^ (v1 + sum) ^ ((v1 >> 5) + k[1]);
        v1 += ((v0 << 4) + k[2]) ^ (v0 + sum) ^ ((v0 >> 5) + k[3]);
    }
    v[0] = v0;
    v[1] = v1;
}

static void tea_decrypt(uint32_t v[2], const uint32_t k[4])
{
    uint32_t v0 = v[0], v1 = v[1], sum = TEA_DELTA * 32u;
    for (int i = 0; i < 32; i++) {
        v1 -= ((v0 << 4) + k[2]) ^ (v0 + sum) ^ ((v0 >> 5) + k[3]);
        v0 -= ((v1 << 4) + k[0]) ^ (v1 + sum) ^ ((v1 >> 5) + k[1]);
        sum -= TEA_DELTA;
    }
    v[0] = v0;
    v[1] = v1;
}

/* ---------------- XTEA ---------------- */

static void xtea_encrypt(unsigned rounds, uint32_t v[2], const uint32_t k[4])
{
    uint32_t v0 = v[0], v1 = v[1], sum = 0;
    for (unsigned i = 0; i < rounds; i++) {
        v0 += (((v1 << 4) ^ (v1 >> 5)) + v1) ^ (sum + k[sum & 3u]);
        sum += TEA_DELTA;
        v1 += (((v0 << 4) ^ (v0 >> 5)) + v0) ^ (sum + k[(sum >> 11) & 3u]);
    }
    v[0] = v0;
    v[1] = v1;
}

static void xtea_decrypt(unsigned rounds, uint32_t v[2], const uint32_t k[4])
{
    uint32_t v0 = v[0], v1 = v[1], sum = TEA_DELTA * rounds;
    for (unsigned i = 0; i < rounds; i++) {
        v1 -= (((v0 << 4) ^ (v0 >> 5)) + v0) ^ (sum + k[(sum >> 11) & 3u]);
        sum -= TEA_DELTA;
        v0 -= (((v1 << 4) ^ (v1 >> 5)) + v1) ^ (sum + k[sum & 3u]);
    }
    v[0] = v0;
    v[1] = v1;
}

/* ---------------- Tiny Feistel network ---------------- */

#define FEISTEL_ROUNDS 16

typedef struct {
    uint32_t subkeys[FEISTEL_ROUNDS];
    uint8_t sbox[256];
} feistel_key;

static uint32_t rotl32(uint32_t x, unsigned n)
{
    n &= 31u;
    return n ? (x << n) | (x >> (32u - n)) : x;
}

/* Key schedule: derive subkeys with an LFSR-ish mixer and a keyed S-box permutation. */
static void feistel_setup(feistel_key *fk, const uint32_t k[4])
{
    uint32_t s = k[0] ^ 0xA5A5A5A5u;
    for (int r = 0; r < FEISTEL_ROUNDS; r++) {
        s = rotl32(s, 7) + k[(r + 1) & 3] + (uint32_t)r * 0x6F4F2A35u;
        s ^= s >> 13;
        s *= 0x2C1B3C6Du;
        fk->subkeys[r] = s ^ k[(r + 2) & 3];
    }
    /* keyed Fisher-Yates shuffle of the identity permutation */
    for (int i = 0; i < 256; i++)
        fk->sbox[i] = (uint8_t)i;
    uint32_t x = k[1] * 2654435761u + k[3];
    for (int i = 255; i > 0; i--) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        int j = (int)(x % (uint32_t)(i + 1));
        uint8_t t = fk->sbox[i];
        fk->sbox[i] = fk->sbox[j];
        fk->sbox[j] = t;
    }
}

static uint32_t feistel_f(const feistel_key *fk, uint32_t x, uint32_t sk)
{
    x ^= sk;
    uint32_t b0 = fk->sbox[x & 0xFFu];
    uint32_t b1 = fk->sbox[(x >> 8) & 0xFFu];
    uint32_t b2 = fk->sbox[(x >> 16) & 0xFFu];
    uint32_t b3 = fk->sbox[x >> 24];
    uint32_t y = b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    return y ^ rotl32(y, 9) ^ rotl32(y, 22) ^ (sk >> 3);
}

static void feistel_encrypt(const feistel_key *fk, uint32_t v[2])
{
    uint32_t l = v[0], r = v[1];
    for (int i = 0; i < FEISTEL_ROUNDS; i++) {
        uint32_t t = r;
        r = l ^ feistel_f(fk, r, fk->subkeys[i]);
        l = t;
    }
    v[0] = r; /* undo final swap */
    v[1] = l;
}

static void feistel_decrypt(const feistel_key *fk, uint32_t v[2])
{
    uint32_t l = v[0], r = v[1];
    for (int i = FEISTEL_ROUNDS - 1; i >= 0; i--) {
        uint32_t t = r;
        r = l ^ feistel_f(fk, r, fk->subkeys[i]);
        l = t;
    }
    v[0] = r;
    v[1] = l;
}

/* ---------------- Common block-cipher interface ---------------- */

typedef enum { CIPHER_TEA, CIPHER_XTEA, CIPHER_XTEA64, CIPHER_FEISTEL } cipher_kind;

typedef struct {
    cipher_kind kind;
    uint32_t key[4];
    feistel_key fk;
    const char *name;
} block_cipher;

static void cipher_init(block_cipher *c, cipher_kind kind, const uint8_t key[16])
{
    c->kind = kind;
    for (int i = 0; i < 4; i++)
        c->key[i] = ((uint32_t)key[4 * i] << 24) | ((uint32_t)key[4 * i + 1] << 16) |
                    ((uint32_t)key[4 * i + 2] << 8) | key[4 * i + 3];
    switch (kind) {
    case CIPHER_TEA:
        c->name = "TEA";
        break;
    case CIPHER_XTEA:
        c->name = "XTEA-32";
        break;
    case CIPHER_XTEA64:
        c->name = "XTEA-64";
        break;
    case CIPHER_FEISTEL:
        c->name = "Feistel16";
        feistel_setup(&c->fk, c->key);
        break;
    }
}

static void load_block(const uint8_t *p, uint32_t v[2])
{
    v[0] = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    v[1] = ((uint32_t)p[4] << 24) | ((uint32_t)p[5] << 16) | ((uint32_t)p[6] << 8) | p[7];
}

static void store_block(uint8_t *p, const uint32_t v[2])
{
    for (int w = 0; w < 2; w++) {
        p[4 * w] = (uint8_t)(v[w] >> 24);
        p[4 * w + 1] = (uint8_t)(v[w] >> 16);
        p[4 * w + 2] = (uint8_t)(v[w] >> 8);
        p[4 * w + 3] = (uint8_t)v[w];
    }
}

static void cipher_block(const block_cipher *c, const uint8_t in[BLOCK], uint8_t out[BLOCK],
                         int decrypt)
{
    uint32_t v[2];
    load_block(in, v);
    switch (c->kind) {
    case CIPHER_TEA:
        if (decrypt)
            tea_decrypt(v, c->key);
        else
            tea_encrypt(v, c->key);
        break;
    case CIPHER_XTEA:
    case CIPHER_XTEA64: {
        unsigned rounds = c->kind == CIPHER_XTEA ? 32u : 64u;
        if (decrypt)
            xtea_decrypt(rounds, v, c->key);
        else
            xtea_encrypt(rounds, v, c->key);
        break;
    }
    case CIPHER_FEISTEL:
        if (decrypt)
            feistel_decrypt(&c->fk, v);
        else
            feistel_encrypt(&c->fk, v);
        break;
    }
    store_block(out, v);
}

/* ---------------- Modes ---------------- */

/* CBC encrypt with PKCS#7-style padding to 8 bytes; returns output length. */
static size_t cbc_encrypt(const block_cipher *c, const uint8_t iv[BLOCK], const uint8_t *in,
                          size_t len, uint8_t *out)
{
    uint8_t chain[BLOCK], blk[BLOCK];
    size_t padded = (len / BLOCK + 1) * BLOCK;
    uint8_t pad = (uint8_t)(padded - len);
    memcpy(chain, iv, BLOCK);
    for (size_t off = 0; off < padded; off += BLOCK) {
        for (size_t i = 0; i < BLOCK; i++) {
            uint8_t b = off + i < len ? in[off + i] : pad;
            blk[i] = (uint8_t)(b ^ chain[i]);
        }
        cipher_block(c, blk, out + off, 0);
        memcpy(chain, out + off, BLOCK);
    }
    return padded;
}

/* Returns plaintext length or -1 on bad padding. */
static long cbc_decrypt(const block_cipher *c, const uint8_t iv[BLOCK], const uint8_t *in,
                        size_t len, uint8_t *out)
{
    uint8_t chain[BLOCK], tmp[BLOCK];
    if (len == 0 || len % BLOCK)
        return -1;
    memcpy(chain, iv, BLOCK);
    for (size_t off = 0; off < len; off += BLOCK) {
        cipher_block(c, in + off, tmp, 1);
        for (size_t i = 0; i < BLOCK; i++)
            out[off + i] = (uint8_t)(tmp[i] ^ chain[i]);
        memcpy(chain, in + off, BLOCK);
    }
    uint8_t pad = out[len - 1];
    if (pad == 0 || pad > BLOCK)
        return -1;
    for (size_t i = 0; i < pad; i++)
        if (out[len - 1 - i] != pad)
            return -1;
    return (long)(len - pad);
}

static void ctr_crypt(const block_cipher *c, uint64_t nonce, const uint8_t *in, size_t len,
                      uint8_t *out)
{
    uint8_t ctrblk[BLOCK], ks[BLOCK];
    uint64_t counter = nonce;
    for (size_t off = 0; off < len; off += BLOCK) {
        for (int i = 0; i < BLOCK; i++)
            ctrblk[i] = (uint8_t)(counter >> (56 - 8 * i));
        cipher_block(c, ctrblk, ks, 0);
        counter++;
        size_t n = len - off < BLOCK ? len - off : BLOCK;
        for (size_t i = 0; i < n; i++)
            out[off + i] = (uint8_t)(in[off + i] ^ ks[i]);
    }
}

/* Davies-Meyer style compression using XTEA -> 64-bit hash of a message. */
static uint64_t xtea_dm_hash(const uint8_t *msg, size_t len)
{
    uint32_t h[2] = {0x67452301u, 0xEFCDAB89u};
    uint8_t blk[16];
    size_t off = 0;
    int done = 0;
    while (!done) {
        size_t n = len - off < 16 ? len - off : 16;
        memset(blk, 0, 16);
        memcpy(blk, msg + off, n);
        if (n < 16) {
            blk[n] = 0x80;
            done = 1;
        }
        uint32_t k[4];
        for (int i = 0; i < 4; i++)
            k[i] = ((uint32_t)blk[4 * i] << 24) | ((uint32_t)blk[4 * i + 1] << 16) |
                   ((uint32_t)blk[4 * i + 2] << 8) | blk[4 * i + 3];
        uint32_t v[2] = {h[0], h[1]};
        xtea_encrypt(32, v, k);
        h[0] ^= v[0];
        h[1] ^= v[1] ^ (uint32_t)len;
        off += n;
    }
    return ((uint64_t)h[0] << 32) | h[1];
}

/* ---------------- Tests ---------------- */

static int known_vectors(void)
{
    int fails = 0;
    uint32_t k0[4] = {0, 0, 0, 0};
    uint32_t v[2] = {0, 0};
    tea_encrypt(v, k0);
    if (v[0] != 0x41EA3A0Au || v[1] != 0x94BAA940u) {
        printf("TEA zero vector: %08x %08x\n", (unsigned)v[0], (unsigned)v[1]);
        fails++;
    }
    tea_decrypt(v, k0);
    if (v[0] || v[1])
        fails++;

    static const struct {
        uint32_t k[4];
        uint32_t p[2];
        uint32_t c[2];
    } xv[] = {
        {{0x00010203u, 0x04050607u, 0x08090a0bu, 0x0c0d0e0fu},
         {0x41424344u, 0x45464748u},
         {0x497df3d0u, 0x72612cb5u}},
        {{0, 0, 0, 0}, {0x41424344u, 0x45464748u}, {0xa0390589u, 0xf8b8efa5u}},
        {{0, 0, 0, 0}, {0, 0}, {0xdee9d4d8u, 0xf7131ed9u}},
    };
    for (size_t i = 0; i < sizeof(xv) / sizeof(xv[0]); i++) {
        uint32_t w[2] = {xv[i].p[0], xv[i].p[1]};
        xtea_encrypt(32, w, xv[i].k);
        if (w[0] != xv[i].c[0] || w[1] != xv[i].c[1]) {
            printf("XTEA vector %u: %08x %08x\n", (unsigned)i, (unsigned)w[0], (unsigned)w[1]);
            fails++;
        }
        xtea_decrypt(32, w, xv[i].k);
        if (w[0] != xv[i].p[0] || w[1] != xv[i].p[1])
            fails++;
    }
    return fails;
}

typedef struct {
    uint64_t state;
} lcg64;

static uint32_t lcg_next(lcg64 *g)
{
    g->state = g->state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(g->state >> 33);
}

static void lcg_fill(lcg64 *g, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)lcg_next(g);
}

static uint32_t popcount32(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (x * 0x01010101u) >> 24;
}

/* Average number of ciphertext bits flipped by a single plaintext bit flip, x1000. */
static uint32_t avalanche_milli(const block_cipher *c, lcg64 *g, int samples)
{
    uint64_t total = 0;
    for (int s = 0; s < samples; s++) {
        uint8_t p[BLOCK], q[BLOCK], cp[BLOCK], cq[BLOCK];
        lcg_fill(g, p, BLOCK);
        cipher_block(c, p, cp, 0);
        int bit = s % 64;
        memcpy(q, p, BLOCK);
        q[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        cipher_block(c, q, cq, 0);
        uint32_t a[2], b[2];
        load_block(cp, a);
        load_block(cq, b);
        total += popcount32(a[0] ^ b[0]) + popcount32(a[1] ^ b[1]);
    }
    return (uint32_t)(total * 1000u / (uint64_t)samples);
}

int main(void)
{
    int fails = known_vectors();
    printf("TEA/XTEA vectors: %s\n", fails ? "FAIL" : "ok");

    lcg64 g = {0x0DDB1A5E5BADC0DEULL};
    const size_t maxlen = 9000;
    uint8_t *pt = malloc(maxlen);
    uint8_t *ct = malloc(maxlen + BLOCK);
    uint8_t *back = malloc(maxlen + BLOCK);
    if (!pt || !ct || !back) {
        free(pt);
        free(ct);
        free(back);
        return 1;
    }
    uint32_t checksum = 0x243F6A88u;
    int rt_fail = 0;
    static const cipher_kind kinds[4] = {CIPHER_TEA, CIPHER_XTEA, CIPHER_XTEA64, CIPHER_FEISTEL};
    for (int ki = 0; ki < 4; ki++) {
        uint8_t key[16], iv[BLOCK];
        lcg_fill(&g, key, 16);
        lcg_fill(&g, iv, BLOCK);
        block_cipher c;
        cipher_init(&c, kinds[ki], key);
        uint32_t digest = 0x811c9dc5u;
        for (int t = 0; t < 3; t++) {
            size_t len = maxlen - (size_t)t * 2711u - (size_t)ki;
            lcg_fill(&g, pt, len);
            size_t clen = cbc_encrypt(&c, iv, pt, len, ct);
            long plen = cbc_decrypt(&c, iv, ct, clen, back);
            if (plen != (long)len || memcmp(back, pt, len) != 0)
                rt_fail++;
            for (size_t i = 0; i < clen; i++)
                digest = (digest ^ ct[i]) * 0x01000193u;
            /* corrupting the last block must break the padding or the data */
            ct[clen - 1] ^= 0x5A;
            plen = cbc_decrypt(&c, iv, ct, clen, back);
            if (plen == (long)len && memcmp(back, pt, len) == 0)
                rt_fail++;
            /* CTR */
            uint64_t nonce = ((uint64_t)lcg_next(&g) << 32) | 0xFFFFFFF0u;
            ctr_crypt(&c, nonce, pt, len, ct);
            ctr_crypt(&c, nonce, ct, len, back);
            if (memcmp(back, pt, len) != 0)
                rt_fail++;
            digest ^= ((uint32_t)ct[0] << 24) | ((uint32_t)ct[len / 2] << 8) | ct[len - 1];
        }
        uint32_t av = avalanche_milli(&c, &g, 640);
        printf("%-9s cbc/ctr digest=%08x avalanche=%u.%03u bits\n", c.name, (unsigned)digest,
               (unsigned)(av / 1000u), (unsigned)(av % 1000u));
        checksum = (checksum ^ digest) * 0x9E3779B1u + av;
    }
    printf("round trips: %s\n", rt_fail ? "FAIL" : "ok");

    /* Hash a set of short generated messages and check for collisions among them. */
    uint64_t hashes[256];
    int collisions = 0;
    for (int i = 0; i < 256; i++) {
        /* distinct messages: a 4-byte index followed by random or zero bytes */
        size_t len = 4 + (size_t)(i % 40);
        lcg_fill(&g, pt + 4, len - 4);
        if (i % 5 == 0)
            memset(pt + 4, 0, len - 4);
        for (int b = 0; b < 4; b++)
            pt[b] = (uint8_t)((uint32_t)i >> (8 * b));
        hashes[i] = xtea_dm_hash(pt, len);
        for (int j = 0; j < i; j++)
            if (hashes[j] == hashes[i])
                collisions++;
        checksum = rotl32(checksum, 3) ^ (uint32_t)hashes[i] ^ (uint32_t)(hashes[i] >> 32);
    }
    printf("xtea davies-meyer hashes: 256, collisions=%d, h[255]=%016llx\n", collisions,
           (unsigned long long)hashes[255]);

    free(pt);
    free(ct);
    free(back);
    printf("status: %s\n", (fails == 0 && rt_fail == 0 && collisions == 0) ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
