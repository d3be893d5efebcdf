/* cgym-suite: category=string; naive, KMP, Boyer-Moore-Horspool, Rabin-Karp and Z-algorithm substring search, cross-checked */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define MAX_HITS 40000

typedef struct {
    int *pos;
    int n;
    long comparisons;
} Hits;

static void hits_add(Hits *h, int p)
{
    if (h->n < MAX_HITS)
        h->pos[h->n] = p;
    h->n++;
}

/* ------------------------------------------------------------------------- */
/* Naive                                                                     */
/* ------------------------------------------------------------------------- */

static void search_naive(const char *t, int n, const char *p, int m, Hits *h)
{
    for (int i = 0; i + m <= n; i++) {
        int j = 0;
        while (j < m) {
            h->comparisons++;
            if (t[i + j] != p[j])
                break;
            j++;
        }
        if (j == m)
            hits_add(h, i);
    }
}

/* ------------------------------------------------------------------------- */
/* Knuth-Morris-Pratt                                                        */
/* ------------------------------------------------------------------------- */

static void kmp_failure(const char *p, int m, int *fail)
{
    fail[0] = 0;
    int k = 0;
    for (int i = 1; i < m; i++) {
        while (k > 0 && p[i] != p[k])
            k = fail[k - 1];
        if (p[i] == p[k])
            k++;
        fail[i] = k;
    }
}

static void search_kmp(const char *t, int n, const char *p, int m, Hits *h)
{
    int *fail = (int *)malloc((size_t)m * sizeof(int));
    if (!fail)
        exit(1);
    kmp_failure(p, m, fail);
    int q = 0;
    for (int i = 0; i < n; i++) {
        while (q > 0 && t[i] != p[q]) {
            h->comparisons++;
            q = fail[q - 1];
        }
        h->comparisons++;
        if (t[i] == p[q])
            q++;
        if (q == m) {
            hits_add(h, i - m + 1);
            q = fail[q - 1];
        }
    }
    free(fail);
}

/* ------------------------------------------------------------------------- */
/* Boyer-Moore-Horspool                                                      */
/* ------------------------------------------------------------------------- */

static void search_bmh(const char *t, int n, const char *p, int m, Hits *h)
{
    int shift[256];
    for (int i = 0; i < 256; i++)
        shift[i] = m;
    for (int i = 0; i < m - 1; i++)
        shift[(unsigned char)p[i]] = m - 1 - i;
    int i = 0;
    while (i + m <= n) {
        int j = m - 1;
        while (j >= 0) {
            h->comparisons++;
            if (t[i + j] != p[j])
                break;
            j--;
        }
        if (j < 0)
            hits_add(h, i);
        i += shift[(unsigned char)t[i + m - 1]];
    }
}

/* ------------------------------------------------------------------------- */
/* Rabin-Karp with a 32-bit unsigned rolling hash (wraps mod 2^32)           */
/* ------------------------------------------------------------------------- */

#define RK_BASE 257u

static long rk_spurious;

static void search_rk(const char *t, int n, const char *p, int m, Hits *h)
{
    if (m > n)
        return;
    uint32_t hp = 0, ht = 0, pow = 1;
    for (int i = 0; i < m; i++) {
        hp = hp * RK_BASE + (unsigned char)p[i];
        ht = ht * RK_BASE + (unsigned char)t[i];
        if (i > 0)
            pow *= RK_BASE;
    }
    for (int i = 0;; i++) {
        if (ht == hp) {
            h->comparisons += m;
            if (memcmp(t + i, p, (size_t)m) == 0)
                hits_add(h, i);
            else
                rk_spurious++;
        }
        if (i + m >= n)
            break;
        ht = (ht - (unsigned char)t[i] * pow) * RK_BASE + (unsigned char)t[i + m];
    }
}

/* ------------------------------------------------------------------------- */
/* Z-algorithm on pattern + separator + text                                 */
/* ------------------------------------------------------------------------- */

static void search_z(const char *t, int n, const char *p, int m, Hits *h)
{
    int len = m + 1 + n;
    unsigned char *s = (unsigned char *)malloc((size_t)len);
    int *z = (int *)malloc((size_t)len * sizeof(int));
    if (!s || !z)
        exit(1);
    memcpy(s, p, (size_t)m);
    s[m] = 0; /* separator never occurs in pattern or text */
    memcpy(s + m + 1, t, (size_t)n);
    z[0] = len;
    int l = 0, r = 0;
    for (int i = 1; i < len; i++) {
        int k = 0;
        if (i < r) {
            k = z[i - l];
            if (k > r - i)
                k = r - i;
        }
        while (i + k < len && s[k] == s[i + k]) {
            h->comparisons++;
            k++;
        }
        z[i] = k;
        if (i + k > r) {
            l = i;
            r = i + k;
        }
        if (i > m && k >= m)
            hits_add(h, i - m - 1);
    }
    free(s);
    free(z);
}

/* ------------------------------------------------------------------------- */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------- */

static uint32_t rng = 12345u;

static uint32_t lcg(void)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) & 0x7FFFu;
}

static const char *const vocabulary[] = {
    "the", "of", "and", "a", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on",
    "are", "as", "with", "his", "they", "at", "be", "this", "have", "from", "or", "one", "had",
    "by", "word", "but", "not", "what", "all", "were", "we", "when", "your", "can", "said",
    "there", "use", "an", "each", "which", "she", "do", "how", "their", "if", "will", "up",
    "other", "about", "out", "many", "then", "them", "these", "so", "some", "her", "would",
    "make", "like", "him", "into", "time", "has", "look", "two", "more", "write", "go", "see",
    "number", "no", "way", "could", "people", "my", "than", "first", "water", "been", "call",
    "who", "oil", "its", "now", "find", "long", "down", "day", "did", "get", "come", "made",
    "may", "part", "abracadabra", "banana", "bandana", "nana"};

static int gen_english(char *buf, int cap)
{
    int n = 0;
    int nv = (int)(sizeof(vocabulary) / sizeof(vocabulary[0]));
    while (n < cap - 16) {
        const char *w = vocabulary[lcg() % (uint32_t)nv];
        size_t len = strlen(w);
        memcpy(buf + n, w, len);
        n += (int)len;
        buf[n++] = (lcg() % 11u == 0) ? '\n' : ' ';
    }
    buf[n] = '\0';
    return n;
}

static int gen_dna(char *buf, int n)
{
    static const char acgt[] = "ACGT";
    for (int i = 0; i < n; i++) {
        /* short tandem repeats make overlapping matches common */
        if (i >= 4 && lcg() % 8u == 0)
            buf[i] = buf[i - 4];
        else
            buf[i] = acgt[lcg() & 3u];
    }
    buf[n] = '\0';
    return n;
}

typedef void (*SearchFn)(const char *, int, const char *, int, Hits *);

static const struct {
    const char *name;
    SearchFn fn;
} algos[] = {
    {"naive", search_naive}, {"kmp", search_kmp}, {"bmh", search_bmh},
    {"rabin-karp", search_rk}, {"z", search_z},
};

#define NALGOS ((int)(sizeof(algos) / sizeof(algos[0])))

int main(void)
{
    static char english[24001];
    static char dna[24001];
    int n_en = gen_english(english, (int)sizeof(english));
    int n_dna = gen_dna(dna, 24000);

    Hits hits[NALGOS];
    for (int a = 0; a < NALGOS; a++) {
        hits[a].pos = (int *)malloc(MAX_HITS * sizeof(int));
        if (!hits[a].pos)
            return 1;
    }
    long total_cmp[NALGOS];
    memset(total_cmp, 0, sizeof(total_cmp));
    uint64_t h = 0xcbf29ce484222325ull;
    int disagreements = 0;
    long total_hits = 0;

    /* fixed patterns plus patterns cut from the texts */
    static const char *const fixed_en[] = {"the", "banana", "ana", "abracadabra", "nana nana",
                                           "people", "xyz", "e", "water oil", " a "};
    static const char *const fixed_dna[] = {"ACGT", "AAAA", "GATTACA", "TATA", "CGCGCG", "A",
                                            "ACGTACGTACGT", "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT"};
    char pat[80];
    int npat = 0;
    for (int round = 0; round < 44; round++) {
        const char *text;
        int n;
        int is_dna = round % 2;
        text = is_dna ? dna : english;
        n = is_dna ? n_dna : n_en;
        int m;
        if (!is_dna && round / 2 < (int)(sizeof(fixed_en) / sizeof(fixed_en[0]))) {
            snprintf(pat, sizeof(pat), "%s", fixed_en[round / 2]);
        } else if (is_dna && round / 2 < (int)(sizeof(fixed_dna) / sizeof(fixed_dna[0]))) {
            snprintf(pat, sizeof(pat), "%s", fixed_dna[round / 2]);
        } else {
            m = 2 + (int)(lcg() % 30u);
            int start = (int)(lcg() % (uint32_t)(n - m));
            memcpy(pat, text + start, (size_t)m);
            pat[m] = '\0';
            /* occasionally perturb the last character so that it may not occur */
            if (lcg() % 4u == 0)
                pat[m - 1] = (char)(pat[m - 1] == 'A' ? 'C' : 'A');
        }
        m = (int)strlen(pat);
        for (int a = 0; a < NALGOS; a++) {
            hits[a].n = 0;
            hits[a].comparisons = 0;
            algos[a].fn(text, n, pat, m, &hits[a]);
            total_cmp[a] += hits[a].comparisons;
        }
        int ok = 1;
        for (int a = 1; a < NALGOS; a++) {
            if (hits[a].n != hits[0].n) {
                ok = 0;
                continue;
            }
            int lim = hits[0].n < MAX_HITS ? hits[0].n : MAX_HITS;
            if (memcmp(hits[a].pos, hits[0].pos, (size_t)lim * sizeof(int)) != 0)
                ok = 0;
        }
        if (!ok)
            disagreements++;
        total_hits += hits[0].n;
        int lim = hits[0].n < MAX_HITS ? hits[0].n : MAX_HITS;
        for (int k = 0; k < lim; k++)
            h = (h ^ (uint64_t)(uint32_t)hits[0].pos[k]) * 0x100000001b3ull;
        h = (h ^ (uint64_t)hits[0].n) * 0x100000001b3ull;
        if (round < 18) {
            char shown[24];
            int k = 0;
            for (int i = 0; pat[i] && k < 20; i++)
                shown[k++] = pat[i] == '\n' ? '|' : pat[i];
            shown[k] = '\0';
            printf("%-5s %-22s m=%2d matches=%5d first=%6d\n", is_dna ? "dna" : "text", shown, m,
                   hits[0].n, hits[0].n ? hits[0].pos[0] : -1);
        }
        npat++;
    }
    printf("patterns: %d, total matches: %ld, disagreements: %d\n", npat, total_hits,
           disagreements);
    for (int a = 0; a < NALGOS; a++)
        printf("  %-10s comparisons: %ld\n", algos[a].name, total_cmp[a]);
    printf("  rabin-karp spurious hash hits: %ld\n", rk_spurious);
    for (int a = 0; a < NALGOS; a++) {
        h = (h ^ (uint64_t)total_cmp[a]) * 0x100000001b3ull;
        free(hits[a].pos);
    }
    printf("checksum: 0x%08x\n", (unsigned)(h ^ (h >> 32)));
    return 0;
}
