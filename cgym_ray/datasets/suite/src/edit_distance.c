/* cgym-suite: category=string; Levenshtein with edit scripts, LCS, Needleman-Wunsch and Smith-Waterman alignment on mutated DNA */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define MAXLEN 400

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

static int max3(int a, int b, int c)
{
    int m = a > b ? a : b;
    return m > c ? m : c;
}

/* DP matrix stored row-major, (n+1) x (m+1) */
typedef struct {
    int *v;
    int rows, cols;
} Matrix;

static Matrix mat_new(int rows, int cols)
{
    Matrix mt;
    mt.rows = rows;
    mt.cols = cols;
    mt.v = (int *)malloc((size_t)rows * (size_t)cols * sizeof(int));
    if (!mt.v)
        exit(1);
    return mt;
}

static int *at(Matrix *mt, int i, int j)
{
    return &mt->v[(size_t)i * (size_t)mt->cols + (size_t)j];
}

/* ------------------------------------------------------------------------- */
/* Levenshtein distance                                                      */
/* ------------------------------------------------------------------------- */

static int lev_full(const char *a, int n, const char *b, int m, Matrix *d)
{
    for (int i = 0; i <= n; i++)
        *at(d, i, 0) = i;
    for (int j = 0; j <= m; j++)
        *at(d, 0, j) = j;
    for (int i = 1; i <= n; i++) {
        for (int j = 1; j <= m; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            *at(d, i, j) = min3(*at(d, i - 1, j) + 1, *at(d, i, j - 1) + 1,
                                *at(d, i - 1, j - 1) + cost);
        }
    }
    return *at(d, n, m);
}

static int lev_two_rows(const char *a, int n, const char *b, int m)
{
    int *prev = (int *)malloc((size_t)(m + 1) * sizeof(int));
    int *cur = (int *)malloc((size_t)(m + 1) * sizeof(int));
    if (!prev || !cur)
        exit(1);
    for (int j = 0; j <= m; j++)
        prev[j] = j;
    for (int i = 1; i <= n; i++) {
        cur[0] = i;
        for (int j = 1; j <= m; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        }
        int *t = prev;
        prev = cur;
        cur = t;
    }
    int r = prev[m];
    free(prev);
    free(cur);
    return r;
}

typedef enum { ED_KEEP, ED_SUB, ED_INS, ED_DEL } EditKind;

typedef struct {
    EditKind kind;
    int pos; /* position in the source */
    char ch;
} Edit;

/* traceback: produces the edit script in forward order, returns its length */
static int lev_script(const char *a, int n, const char *b, int m, Matrix *d, Edit *out)
{
    int i = n, j = m, k = 0;
    while (i > 0 || j > 0) {
        if (i > 0 && j > 0 && a[i - 1] == b[j - 1] && *at(d, i, j) == *at(d, i - 1, j - 1)) {
            out[k].kind = ED_KEEP;
            out[k].pos = i - 1;
            out[k].ch = a[i - 1];
            i--;
            j--;
        } else if (i > 0 && j > 0 && *at(d, i, j) == *at(d, i - 1, j - 1) + 1) {
            out[k].kind = ED_SUB;
            out[k].pos = i - 1;
            out[k].ch = b[j - 1];
            i--;
            j--;
        } else if (j > 0 && *at(d, i, j) == *at(d, i, j - 1) + 1) {
            out[k].kind = ED_INS;
            out[k].pos = i;
            out[k].ch = b[j - 1];
            j--;
        } else {
            out[k].kind = ED_DEL;
            out[k].pos = i - 1;
            out[k].ch = a[i - 1];
            i--;
        }
        k++;
    }
    /* reverse to forward order */
    for (int x = 0, y = k - 1; x < y; x++, y--) {
        Edit t = out[x];
        out[x] = out[y];
        out[y] = t;
    }
    return k;
}

/* applies a forward edit script to a; returns the result length */
static int apply_script(const char *a, int n, const Edit *s, int k, char *out, int *cost)
{
    int o = 0;
    *cost = 0;
    (void)n;
    for (int x = 0; x < k; x++) {
        switch (s[x].kind) {
        case ED_KEEP:
            out[o++] = a[s[x].pos];
            break;
        case ED_SUB:
            out[o++] = s[x].ch;
            (*cost)++;
            break;
        case ED_INS:
            out[o++] = s[x].ch;
            (*cost)++;
            break;
        case ED_DEL:
            (*cost)++;
            break;
        }
    }
    out[o] = '\0';
    return o;
}

/* ------------------------------------------------------------------------- */
/* Longest common subsequence                                                */
/* ------------------------------------------------------------------------- */

static int lcs(const char *a, int n, const char *b, int m, Matrix *L, char *out)
{
    for (int i = 0; i <= n; i++)
        *at(L, i, 0) = 0;
    for (int j = 0; j <= m; j++)
        *at(L, 0, j) = 0;
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= m; j++) {
            if (a[i - 1] == b[j - 1])
                *at(L, i, j) = *at(L, i - 1, j - 1) + 1;
            else
                *at(L, i, j) = *at(L, i - 1, j) > *at(L, i, j - 1) ? *at(L, i - 1, j)
                                                                   : *at(L, i, j - 1);
        }
    int len = *at(L, n, m);
    int i = n, j = m, k = len;
    out[k] = '\0';
    while (i > 0 && j > 0) {
        if (a[i - 1] == b[j - 1]) {
            out[--k] = a[i - 1];
            i--;
            j--;
        } else if (*at(L, i - 1, j) >= *at(L, i, j - 1)) {
            i--;
        } else {
            j--;
        }
    }
    return len;
}

/* insert/delete-only distance computed independently: must equal n + m - 2*LCS */
static int indel_distance(const char *a, int n, const char *b, int m)
{
    int *row = (int *)malloc((size_t)(m + 1) * sizeof(int));
    if (!row)
        exit(1);
    for (int j = 0; j <= m; j++)
        row[j] = j;
    for (int i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= m; j++) {
            int up = row[j];
            if (a[i - 1] == b[j - 1])
                row[j] = diag;
            else
                row[j] = (up < row[j - 1] ? up : row[j - 1]) + 1;
            diag = up;
        }
    }
    int r = row[m];
    free(row);
    return r;
}

static int is_subsequence(const char *s, const char *t)
{
    while (*s && *t) {
        if (*s == *t)
            s++;
        t++;
    }
    return *s == '\0';
}

/* ------------------------------------------------------------------------- */
/* Needleman-Wunsch (global) and Smith-Waterman (local)                      */
/* ------------------------------------------------------------------------- */

#define SC_MATCH 2
#define SC_MISMATCH (-1)
#define SC_GAP (-2)

static int score_pair(char x, char y)
{
    if (x == '-' || y == '-')
        return SC_GAP;
    return x == y ? SC_MATCH : SC_MISMATCH;
}

static int needleman_wunsch(const char *a, int n, const char *b, int m, Matrix *S, char *al_a,
                            char *al_b)
{
    for (int i = 0; i <= n; i++)
        *at(S, i, 0) = i * SC_GAP;
    for (int j = 0; j <= m; j++)
        *at(S, 0, j) = j * SC_GAP;
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= m; j++)
            *at(S, i, j) = max3(*at(S, i - 1, j - 1) + score_pair(a[i - 1], b[j - 1]),
                                *at(S, i - 1, j) + SC_GAP, *at(S, i, j - 1) + SC_GAP);
    /* traceback, building the alignment backwards */
    int i = n, j = m, k = 0;
    char *ra = (char *)malloc((size_t)(n + m + 1));
    char *rb = (char *)malloc((size_t)(n + m + 1));
    if (!ra || !rb)
        exit(1);
    while (i > 0 || j > 0) {
        if (i > 0 && j > 0 &&
            *at(S, i, j) == *at(S, i - 1, j - 1) + score_pair(a[i - 1], b[j - 1])) {
            ra[k] = a[i - 1];
            rb[k] = b[j - 1];
            i--;
            j--;
        } else if (i > 0 && *at(S, i, j) == *at(S, i - 1, j) + SC_GAP) {
            ra[k] = a[i - 1];
            rb[k] = '-';
            i--;
        } else {
            ra[k] = '-';
            rb[k] = b[j - 1];
            j--;
        }
        k++;
    }
    for (int x = 0; x < k; x++) {
        al_a[x] = ra[k - 1 - x];
        al_b[x] = rb[k - 1 - x];
    }
    al_a[k] = al_b[k] = '\0';
    free(ra);
    free(rb);
    return *at(S, n, m);
}

static int smith_waterman(const char *a, int n, const char *b, int m, int *end_i, int *end_j)
{
    int *prev = (int *)calloc((size_t)(m + 1), sizeof(int));
    int *cur = (int *)calloc((size_t)(m + 1), sizeof(int));
    if (!prev || !cur)
        exit(1);
    int best = 0;
    *end_i = *end_j = 0;
    for (int i = 1; i <= n; i++) {
        cur[0] = 0;
        for (int j = 1; j <= m; j++) {
            int v = max3(prev[j - 1] + score_pair(a[i - 1], b[j - 1]), prev[j] + SC_GAP,
                         cur[j - 1] + SC_GAP);
            if (v < 0)
                v = 0;
            cur[j] = v;
            if (v > best) {
                best = v;
                *end_i = i;
                *end_j = j;
            }
        }
        int *t = prev;
        prev = cur;
        cur = t;
    }
    free(prev);
    free(cur);
    return best;
}

/* recompute score of an alignment and strip gaps to recover the inputs */
static int check_alignment(const char *al_a, const char *al_b, const char *a, const char *b,
                           int *score)
{
    int s = 0, ia = 0, ib = 0;
    size_t len = strlen(al_a);
    if (len != strlen(al_b))
        return 0;
    for (size_t k = 0; k < len; k++) {
        if (al_a[k] == '-' && al_b[k] == '-')
            return 0;
        s += score_pair(al_a[k], al_b[k]);
        if (al_a[k] != '-' && al_a[k] != a[ia++])
            return 0;
        if (al_b[k] != '-' && al_b[k] != b[ib++])
            return 0;
    }
    *score = s;
    return a[ia] == '\0' && b[ib] == '\0';
}

/* ------------------------------------------------------------------------- */
/* Sequence generation                                                       */
/* ------------------------------------------------------------------------- */

static uint32_t rng = 0xC0FFEEu;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int random_dna(char *s, int n)
{
    static const char acgt[] = "ACGT";
    for (int i = 0; i < n; i++)
        s[i] = acgt[next_rand() & 3u];
    s[n] = '\0';
    return n;
}

/* copies src to dst with random substitutions, insertions and deletions */
static int mutate(const char *src, int n, char *dst, int rate_per_mille, int cap)
{
    static const char acgt[] = "ACGT";
    int o = 0;
    for (int i = 0; i < n && o < cap - 2; i++) {
        uint32_t r = next_rand() % 1000u;
        if (r < (uint32_t)rate_per_mille) {
            switch (next_rand() % 3u) {
            case 0: /* substitution */
                dst[o++] = acgt[(uint32_t)(strchr(acgt, src[i]) - acgt + 1 + next_rand() % 3u) & 3u];
                break;
            case 1: /* insertion before */
                dst[o++] = acgt[next_rand() & 3u];
                dst[o++] = src[i];
                break;
            default: /* deletion */
                break;
            }
        } else {
            dst[o++] = src[i];
        }
    }
    dst[o] = '\0';
    return o;
}

int main(void)
{
    static char a[MAXLEN + 1], b[MAXLEN + 1], applied[2 * MAXLEN + 2], sub[MAXLEN + 1];
    static char al_a[2 * MAXLEN + 2], al_b[2 * MAXLEN + 2];
    static Edit script[2 * MAXLEN + 2];
    Matrix d = mat_new(MAXLEN + 1, MAXLEN + 1);
    Matrix L = mat_new(MAXLEN + 1, MAXLEN + 1);
    Matrix S = mat_new(MAXLEN + 1, MAXLEN + 1);
    uint64_t h = 0xcbf29ce484222325ull;
    int errors = 0;

    /* classic textbook pairs first */
    static const char *const classic[][2] = {
        {"kitten", "sitting"},      {"flaw", "lawn"},         {"intention", "execution"},
        {"GATTACA", "GCATGCU"},     {"", "abc"},              {"same", "same"},
        {"AGGTAB", "GXTXAYB"},      {"ACCGGTCGAGTGCGCGGAAGCCGGCCGAA", "GTCGTTCGGAATGCCGTTGCTCTGTAAA"},
    };
    for (size_t c = 0; c < sizeof(classic) / sizeof(classic[0]); c++) {
        const char *x = classic[c][0], *y = classic[c][1];
        int n = (int)strlen(x), m = (int)strlen(y);
        int lev = lev_full(x, n, y, m, &d);
        int l = lcs(x, n, y, m, &L, sub);
        int nw = needleman_wunsch(x, n, y, m, &S, al_a, al_b);
        printf("%-30.30s %-30.30s lev=%2d lcs=%2d (%s) nw=%3d\n", x, y, lev, l, sub, nw);
        h = (h ^ (uint64_t)(lev * 1000 + l)) * 0x100000001b3ull;
        h = (h ^ (uint64_t)(uint32_t)nw) * 0x100000001b3ull;
    }

    /* mutated DNA pairs */
    long lev_total = 0, lcs_total = 0, nw_total = 0, sw_total = 0;
    for (int pair = 0; pair < 10; pair++) {
        int n = random_dna(a, 160 + (int)(next_rand() % 160u));
        int rate = 20 + pair * 40; /* 2% .. 38% mutation */
        int m = mutate(a, n, b, rate, MAXLEN);

        int lev = lev_full(a, n, b, m, &d);
        int lev2 = lev_two_rows(a, n, b, m);
        int k = lev_script(a, n, b, m, &d, script);
        int cost = 0;
        int alen = apply_script(a, n, script, k, applied, &cost);
        if (lev != lev2 || cost != lev || alen != m || strcmp(applied, b) != 0)
            errors++;

        int l = lcs(a, n, b, m, &L, sub);
        if ((int)strlen(sub) != l || !is_subsequence(sub, a) || !is_subsequence(sub, b) ||
            indel_distance(a, n, b, m) != n + m - 2 * l)
            errors++;
        /* lower/upper bounds relating the two distances */
        if (lev < (n > m ? n - m : m - n) || lev > n + m - 2 * l)
            errors++;

        int nw = needleman_wunsch(a, n, b, m, &S, al_a, al_b);
        int rescored = 0;
        if (!check_alignment(al_a, al_b, a, b, &rescored) || rescored != nw)
            errors++;
        int ei, ej;
        int sw = smith_waterman(a, n, b, m, &ei, &ej);
        if (sw < nw || sw < 0)
            errors++;

        int matches = 0;
        for (size_t x = 0; al_a[x]; x++)
            if (al_a[x] == al_b[x])
                matches++;
        printf("pair %d: n=%3d m=%3d rate=%3d/1000 lev=%3d lcs=%3d nw=%4d sw=%4d (end %d,%d) "
               "identity=%.1f%%\n",
               pair, n, m, rate, lev, l, nw, sw, ei, ej,
               100.0 * matches / (double)strlen(al_a));
        lev_total += lev;
        lcs_total += l;
        nw_total += nw;
        sw_total += sw;
        for (size_t x = 0; al_a[x]; x++)
            h = (h ^ (uint64_t)(uint8_t)al_a[x] ^ ((uint64_t)(uint8_t)al_b[x] << 8)) *
                0x100000001b3ull;
        h = (h ^ (uint64_t)(uint32_t)(lev * 7 + l * 13 + sw)) * 0x100000001b3ull;
        for (int x = 0; x < k; x++)
            h = (h ^ (uint64_t)script[x].kind) * 0x100000001b3ull;
    }
    printf("totals: lev=%ld lcs=%ld nw=%ld sw=%ld\n", lev_total, lcs_total, nw_total, sw_total);
    printf("errors: %d\n", errors);
    printf("checksum: 0x%08x\n", (unsigned)(h ^ (h >> 32)));
    free(d.v);
    free(L.v);
    free(S.v);
    return 0;
}
