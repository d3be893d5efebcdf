/* cgym-suite: category=simulation; Conway's Life on a torus (naive and bit-sliced engines) plus elementary cellular automata such as rule 110 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define W 128
#define H 64
#define WORDS (W / 64)

/* ------------------------------------------------------------------------- */
/* Naive byte-per-cell engine                                                */
/* ------------------------------------------------------------------------- */

typedef struct {
    uint8_t c[H][W];
} Grid;

static int count_neighbours(const Grid *g, int y, int x)
{
    int n = 0;
    for (int dy = -1; dy <= 1; dy++) {
        int yy = (y + dy + H) % H;
        for (int dx = -1; dx <= 1; dx++) {
            if (dx == 0 && dy == 0)
                continue;
            int xx = (x + dx + W) % W;
            n += g->c[yy][xx];
        }
    }
    return n;
}

typedef struct {
    long births;
    long deaths;
} StepStats;

static void life_step(const Grid *src, Grid *dst, StepStats *st)
{
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            int n = count_neighbours(src, y, x);
            uint8_t alive = src->c[y][x];
            uint8_t next = (uint8_t)(n == 3 || (alive && n == 2));
            if (next && !alive)
                st->births++;
            if (!next && alive)
                st->deaths++;
            dst->c[y][x] = next;
        }
    }
}

static int population(const Grid *g)
{
    int p = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            p += g->c[y][x];
    return p;
}

static uint32_t grid_hash(const Grid *g)
{
    uint32_t h = 2166136261u;
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x += 8) {
            uint32_t byte = 0;
            for (int k = 0; k < 8; k++)
                byte = (byte << 1) | g->c[y][x + k];
            h ^= byte;
            h *= 16777619u;
        }
    }
    return h;
}

/* ------------------------------------------------------------------------- */
/* Bit-sliced engine: 64 cells per word, neighbour counts via adders         */
/* ------------------------------------------------------------------------- */

typedef struct {
    uint64_t r[H][WORDS];
} BitGrid;

static void to_bits(const Grid *g, BitGrid *b)
{
    memset(b, 0, sizeof(*b));
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (g->c[y][x])
                b->r[y][x / 64] |= (uint64_t)1 << (x % 64);
}

static int bits_equal_grid(const BitGrid *b, const Grid *g)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if ((int)((b->r[y][x / 64] >> (x % 64)) & 1u) != g->c[y][x])
                return 0;
    return 1;
}

/* result bit x = row bit (x-1), wrapping around the torus */
static void shift_west(const uint64_t *row, uint64_t *out)
{
    for (int w = 0; w < WORDS; w++) {
        int prev = (w + WORDS - 1) % WORDS;
        out[w] = (row[w] << 1) | (row[prev] >> 63);
    }
}

/* result bit x = row bit (x+1) */
static void shift_east(const uint64_t *row, uint64_t *out)
{
    for (int w = 0; w < WORDS; w++) {
        int next = (w + 1) % WORDS;
        out[w] = (row[w] >> 1) | (row[next] << 63);
    }
}

static void bit_step(const BitGrid *src, BitGrid *dst)
{
    for (int y = 0; y < H; y++) {
        const uint64_t *up = src->r[(y + H - 1) % H];
        const uint64_t *mid = src->r[y];
        const uint64_t *down = src->r[(y + 1) % H];
        uint64_t nb[8][WORDS];
        shift_west(up, nb[0]);
        memcpy(nb[1], up, sizeof(nb[1]));
        shift_east(up, nb[2]);
        shift_west(mid, nb[3]);
        shift_east(mid, nb[4]);
        shift_west(down, nb[5]);
        memcpy(nb[6], down, sizeof(nb[6]));
        shift_east(down, nb[7]);
        for (int w = 0; w < WORDS; w++) {
            uint64_t ones = 0, twos = 0, fours = 0, eights = 0;
            for (int k = 0; k < 8; k++) {
                uint64_t c0 = ones & nb[k][w];
                ones ^= nb[k][w];
                uint64_t c1 = twos & c0;
                twos ^= c0;
                eights |= fours & c1;
                fours ^= c1;
            }
            uint64_t low = ~fours & ~eights & twos; /* count is 2 or 3 */
            dst->r[y][w] = low & (ones | mid[w]);
        }
    }
}

/* ------------------------------------------------------------------------- */
/* Patterns                                                                  */
/* ------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *rows[6];
} Pattern;

static const Pattern patterns[] = {
    {"glider", {".#.", "..#", "###", NULL}},
    {"blinker", {"###", NULL}},
    {"block", {"##", "##", NULL}},
    {"r-pentomino", {".##", "##.", ".#.", NULL}},
    {"lwss", {".#..#", "#....", "#...#", "####.", NULL}},
    {"beacon", {"##..", "##..", "..##", "..##", NULL}},
};

static void place(Grid *g, const Pattern *p, int y0, int x0)
{
    for (int r = 0; r < 6 && p->rows[r]; r++)
        for (int c = 0; p->rows[r][c]; c++)
            if (p->rows[r][c] == '#')
                g->c[(y0 + r) % H][(x0 + c) % W] = 1;
}

static int grids_equal_shifted(const Grid *a, const Grid *b, int dy, int dx)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (a->c[y][x] != b->c[(y + dy) % H][(x + dx) % W])
                return 0;
    return 1;
}

static void run_naive(Grid *g, Grid *tmp, int gens, StepStats *st)
{
    for (int i = 0; i < gens; i++) {
        life_step(g, tmp, st);
        memcpy(g, tmp, sizeof(*g));
    }
}

/* ------------------------------------------------------------------------- */
/* Elementary (1-D) cellular automata on a ring                              */
/* ------------------------------------------------------------------------- */

#define RING 256
#define RING_WORDS (RING / 64)

static void eca_step_table(int rule, const uint8_t *cur, uint8_t *next)
{
    for (int i = 0; i < RING; i++) {
        int l = cur[(i + RING - 1) % RING], c = cur[i], r = cur[(i + 1) % RING];
        int idx = (l << 2) | (c << 1) | r;
        next[i] = (uint8_t)((rule >> idx) & 1);
    }
}

/* rule 110 as a boolean formula on packed words: (C | R) & ~(L & C & R) */
static void rule110_step_bits(const uint64_t *cur, uint64_t *next)
{
    uint64_t left[RING_WORDS], right[RING_WORDS];
    for (int w = 0; w < RING_WORDS; w++) {
        int prev = (w + RING_WORDS - 1) % RING_WORDS, nxt = (w + 1) % RING_WORDS;
        left[w] = (cur[w] << 1) | (cur[prev] >> 63);  /* bit i = cell i-1 */
        right[w] = (cur[w] >> 1) | (cur[nxt] << 63); /* bit i = cell i+1 */
    }
    for (int w = 0; w < RING_WORDS; w++)
        next[w] = (cur[w] | right[w]) & ~(left[w] & cur[w] & right[w]);
}

static int popcount64(uint64_t x)
{
    int n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}

static uint32_t rng_state = 0xDEADBEEFu;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

int main(void)
{
    static Grid g, tmp, ref;
    static BitGrid b1, b2;
    uint32_t h = 2166136261u;
    int errors = 0;

    /* --- oscillator and spaceship checks on an empty torus --- */
    {
        StepStats st = {0, 0};
        memset(&g, 0, sizeof(g));
        place(&g, &patterns[0], 10, 10);
        memcpy(&ref, &g, sizeof(g));
        run_naive(&g, &tmp, 4, &st);
        /* a glider moves one cell down and one right every 4 generations */
        if (!grids_equal_shifted(&ref, &g, 1, 1))
            errors++;
        /* continue with the bit-sliced engine: after 4*W generations in total the
           glider has wrapped horizontally back to x=10 (and moved W rows down) */
        to_bits(&g, &b1);
        for (int i = 0; i < 4 * (W - 1); i++) {
            bit_step(&b1, &b2);
            memcpy(&b1, &b2, sizeof(b1));
        }
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                g.c[y][x] = (uint8_t)((b1.r[y][x / 64] >> (x % 64)) & 1u);
        if (!grids_equal_shifted(&ref, &g, W % H, 0))
            errors++;
        printf("glider: population %d after %d generations, wrap check %s\n", population(&g),
               4 * W, errors ? "FAILED" : "ok");

        memset(&g, 0, sizeof(g));
        place(&g, &patterns[1], 5, 5);
        place(&g, &patterns[2], 20, 40);
        place(&g, &patterns[5], 40, 80);
        memcpy(&ref, &g, sizeof(g));
        run_naive(&g, &tmp, 1, &st);
        int differs_after_1 = !grids_equal_shifted(&ref, &g, 0, 0);
        run_naive(&g, &tmp, 1, &st);
        if (!differs_after_1 || !grids_equal_shifted(&ref, &g, 0, 0))
            errors++;
        printf("blinker+block+beacon: period 2 %s\n", differs_after_1 ? "confirmed" : "FAILED");

        memset(&g, 0, sizeof(g));
        place(&g, &patterns[4], 30, 30);
        memcpy(&ref, &g, sizeof(g));
        run_naive(&g, &tmp, 4, &st);
        /* the lightweight spaceship moves two cells per four generations */
        int lw = grids_equal_shifted(&ref, &g, 0, W - 2) || grids_equal_shifted(&ref, &g, 0, 2);
        if (!lw)
            errors++;
        printf("lwss: displacement check %s\n", lw ? "ok" : "FAILED");
    }

    /* --- random soup with an r-pentomino, both engines in lockstep --- */
    memset(&g, 0, sizeof(g));
    for (int y = 0; y < H / 2; y++)
        for (int x = 0; x < W / 2; x++)
            g.c[y][x] = (uint8_t)((rng_next() % 100u) < 37u);
    place(&g, &patterns[3], 45, 90);
    to_bits(&g, &b1);
    StepStats st = {0, 0};
    int gens = 120;
    for (int gen = 1; gen <= gens; gen++) {
        life_step(&g, &tmp, &st);
        memcpy(&g, &tmp, sizeof(g));
        bit_step(&b1, &b2);
        memcpy(&b1, &b2, sizeof(b1));
        int pop = population(&g);
        h = (h ^ (uint32_t)pop) * 16777619u;
        if (gen % 10 == 0) {
            if (!bits_equal_grid(&b1, &g))
                errors++;
            uint32_t gh = grid_hash(&g);
            h = (h ^ gh) * 16777619u;
            if (gen % 30 == 0)
                printf("gen %3d: population %4d births %6ld deaths %6ld hash %08x\n", gen, pop,
                       st.births, st.deaths, (unsigned)gh);
        }
    }
    int bitpop = 0;
    for (int y = 0; y < H; y++)
        for (int w = 0; w < WORDS; w++)
            bitpop += popcount64(b1.r[y][w]);
    if (bitpop != population(&g))
        errors++;

    /* --- bit engine alone for a longer run --- */
    for (int gen = 0; gen < 600; gen++) {
        bit_step(&b1, &b2);
        bit_step(&b2, &b1);
    }
    bitpop = 0;
    for (int y = 0; y < H; y++)
        for (int w = 0; w < WORDS; w++) {
            bitpop += popcount64(b1.r[y][w]);
            h = (h ^ (uint32_t)(b1.r[y][w] ^ (b1.r[y][w] >> 32))) * 16777619u;
        }
    printf("after %d more generations (bit engine): population %d\n", 1200, bitpop);

    /* --- elementary automata --- */
    static uint8_t cur[RING], nxt[RING];
    uint64_t bits[RING_WORDS], bnext[RING_WORDS];
    memset(cur, 0, sizeof(cur));
    memset(bits, 0, sizeof(bits));
    cur[RING - 1] = 1;
    bits[RING_WORDS - 1] = (uint64_t)1 << 63;
    long ones110 = 0;
    for (int t = 0; t < 400; t++) {
        eca_step_table(110, cur, nxt);
        memcpy(cur, nxt, sizeof(cur));
        rule110_step_bits(bits, bnext);
        memcpy(bits, bnext, sizeof(bits));
        int pop = 0;
        for (int i = 0; i < RING; i++) {
            pop += cur[i];
            if ((int)((bits[i / 64] >> (i % 64)) & 1u) != cur[i]) {
                errors++;
                break;
            }
        }
        ones110 += pop;
        h = (h ^ (uint32_t)pop) * 16777619u;
        if (t < 8) {
            char line[65];
            for (int i = 0; i < 64; i++)
                line[i] = cur[RING - 64 + i] ? '#' : '.';
            line[64] = '\0';
            printf("r110 %s\n", line);
        }
    }
    printf("rule 110: total live cells over 400 steps: %ld\n", ones110);

    /* rule 90 from one cell: population at step t is 2^popcount(t) while the pattern fits */
    memset(cur, 0, sizeof(cur));
    cur[RING / 2] = 1;
    int r90_ok = 1;
    for (int t = 1; t < RING / 2; t++) {
        eca_step_table(90, cur, nxt);
        memcpy(cur, nxt, sizeof(cur));
        int pop = 0;
        for (int i = 0; i < RING; i++)
            pop += cur[i];
        if (pop != (1 << popcount64((uint64_t)t)))
            r90_ok = 0;
    }
    if (!r90_ok)
        errors++;
    printf("rule 90: Sierpinski population law %s\n", r90_ok ? "holds" : "FAILED");

    /* rule 30 centre column as a bit stream */
    memset(cur, 0, sizeof(cur));
    cur[RING / 2] = 1;
    uint32_t centre = 0;
    for (int t = 0; t < 32; t++) {
        centre = (centre << 1) | cur[RING / 2];
        eca_step_table(30, cur, nxt);
        memcpy(cur, nxt, sizeof(cur));
    }
    printf("rule 30 centre column bits: %08x\n", (unsigned)centre);
    h = (h ^ centre) * 16777619u;

    printf("errors: %d\n", errors);
    printf("checksum: 0x%08x\n", (unsigned)h);
    return 0;
}
