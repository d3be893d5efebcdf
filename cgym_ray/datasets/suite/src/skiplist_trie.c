/* cgym-suite: category=data_structure; skip list with deterministic levels and a prefix trie, both checked against sorted-array references */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* ========================================================================= */
/* Skip list                                                                 */
/* ========================================================================= */

#define SL_MAX_LEVEL 16

typedef struct SlNode {
    int32_t key;
    int32_t value;
    int level;
    struct SlNode *next[]; /* flexible array: one pointer per level */
} SlNode;

typedef struct {
    SlNode *head;
    int level; /* highest level currently in use */
    int size;
    uint32_t level_seed;
    long steps;
    int level_hist[SL_MAX_LEVEL + 1];
} SkipList;

static SlNode *sl_node_new(int level, int32_t key, int32_t value)
{
    SlNode *n = (SlNode *)malloc(sizeof(SlNode) + (size_t)level * sizeof(SlNode *));
    if (!n)
        exit(1);
    n->key = key;
    n->value = value;
    n->level = level;
    for (int i = 0; i < level; i++)
        n->next[i] = NULL;
    return n;
}

static void sl_init(SkipList *sl)
{
    sl->head = sl_node_new(SL_MAX_LEVEL, INT32_MIN, 0);
    sl->level = 1;
    sl->size = 0;
    sl->level_seed = 0x9E3779B9u;
    sl->steps = 0;
    memset(sl->level_hist, 0, sizeof(sl->level_hist));
}

/* deterministic geometric level with p = 1/4, from the list's own LCG */
static int sl_random_level(SkipList *sl)
{
    sl->level_seed = sl->level_seed * 1664525u + 1013904223u;
    uint32_t bits = sl->level_seed >> 8;
    int level = 1;
    while ((bits & 3u) == 0 && level < SL_MAX_LEVEL) {
        level++;
        bits >>= 2;
    }
    return level;
}

static int sl_insert(SkipList *sl, int32_t key, int32_t value)
{
    SlNode *update[SL_MAX_LEVEL];
    SlNode *x = sl->head;
    for (int i = sl->level - 1; i >= 0; i--) {
        while (x->next[i] && x->next[i]->key < key) {
            x = x->next[i];
            sl->steps++;
        }
        update[i] = x;
    }
    x = x->next[0];
    if (x && x->key == key) {
        x->value = value;
        return 0;
    }
    int lvl = sl_random_level(sl);
    if (lvl > sl->level) {
        for (int i = sl->level; i < lvl; i++)
            update[i] = sl->head;
        sl->level = lvl;
    }
    SlNode *n = sl_node_new(lvl, key, value);
    for (int i = 0; i < lvl; i++) {
        n->next[i] = update[i]->next[i];
        update[i]->next[i] = n;
    }
    sl->size++;
    sl->level_hist[lvl]++;
    return 1;
}

static SlNode *sl_find(SkipList *sl, int32_t key)
{
    SlNode *x = sl->head;
    for (int i = sl->level - 1; i >= 0; i--) {
        while (x->next[i] && x->next[i]->key < key) {
            x = x->next[i];
            sl->steps++;
        }
    }
    x = x->next[0];
    return (x && x->key == key) ? x : NULL;
}

static int sl_delete(SkipList *sl, int32_t key)
{
    SlNode *update[SL_MAX_LEVEL];
    SlNode *x = sl->head;
    for (int i = sl->level - 1; i >= 0; i--) {
        while (x->next[i] && x->next[i]->key < key) {
            x = x->next[i];
            sl->steps++;
        }
        update[i] = x;
    }
    x = x->next[0];
    if (!x || x->key != key)
        return 0;
    for (int i = 0; i < x->level; i++)
        if (update[i]->next[i] == x)
            update[i]->next[i] = x->next[i];
    sl->level_hist[x->level]--;
    free(x);
    while (sl->level > 1 && sl->head->next[sl->level - 1] == NULL)
        sl->level--;
    sl->size--;
    return 1;
}

/* number of keys in [lo, hi] and the sum of their values */
static int sl_range(SkipList *sl, int32_t lo, int32_t hi, int64_t *sum)
{
    SlNode *x = sl->head;
    for (int i = sl->level - 1; i >= 0; i--)
        while (x->next[i] && x->next[i]->key < lo)
            x = x->next[i];
    x = x->next[0];
    int count = 0;
    *sum = 0;
    while (x && x->key <= hi) {
        count++;
        *sum += x->value;
        x = x->next[0];
    }
    return count;
}

/* every level must be sorted and a subsequence of the level below */
static int sl_check(const SkipList *sl)
{
    int count = 0;
    for (const SlNode *x = sl->head->next[0]; x; x = x->next[0]) {
        if (x->next[0] && x->next[0]->key <= x->key)
            return 0;
        count++;
    }
    if (count != sl->size)
        return 0;
    for (int i = 1; i < sl->level; i++) {
        const SlNode *lower = sl->head->next[i - 1];
        for (const SlNode *x = sl->head->next[i]; x; x = x->next[i]) {
            if (x->level <= i)
                return 0;
            while (lower && lower != x)
                lower = lower->next[i - 1];
            if (!lower)
                return 0;
        }
    }
    return 1;
}

static void sl_free(SkipList *sl)
{
    SlNode *x = sl->head;
    while (x) {
        SlNode *n = x->next[0];
        free(x);
        x = n;
    }
    sl->head = NULL;
}

/* reference: sorted array */
typedef struct {
    int32_t key[8192];
    int32_t value[8192];
    int n;
} SortedArr;

static int sa_lower_bound(const SortedArr *a, int32_t key)
{
    int lo = 0, hi = a->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (a->key[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int sa_insert(SortedArr *a, int32_t key, int32_t value)
{
    int i = sa_lower_bound(a, key);
    if (i < a->n && a->key[i] == key) {
        a->value[i] = value;
        return 0;
    }
    if (a->n >= 8192)
        return -1;
    memmove(&a->key[i + 1], &a->key[i], (size_t)(a->n - i) * sizeof(int32_t));
    memmove(&a->value[i + 1], &a->value[i], (size_t)(a->n - i) * sizeof(int32_t));
    a->key[i] = key;
    a->value[i] = value;
    a->n++;
    return 1;
}

static int sa_delete(SortedArr *a, int32_t key)
{
    int i = sa_lower_bound(a, key);
    if (i >= a->n || a->key[i] != key)
        return 0;
    memmove(&a->key[i], &a->key[i + 1], (size_t)(a->n - i - 1) * sizeof(int32_t));
    memmove(&a->value[i], &a->value[i + 1], (size_t)(a->n - i - 1) * sizeof(int32_t));
    a->n--;
    return 1;
}

/* ========================================================================= */
/* Trie                                                                      */
/* ========================================================================= */

#define ALPHA 26
#define MAX_WORD 32

typedef struct TrieNode {
    struct TrieNode *child[ALPHA];
    int count;    /* occurrences of the word ending here */
    int prefixes; /* number of stored words (with multiplicity) below */
} TrieNode;

typedef struct {
    TrieNode *root;
    int nodes;
    int distinct;
} Trie;

static TrieNode *trie_node_new(Trie *t)
{
    TrieNode *n = (TrieNode *)calloc(1, sizeof(TrieNode));
    if (!n)
        exit(1);
    t->nodes++;
    return n;
}

static void trie_init(Trie *t)
{
    t->nodes = 0;
    t->distinct = 0;
    t->root = trie_node_new(t);
}

static int letter(char c)
{
    return c - 'a';
}

static void trie_add(Trie *t, const char *w)
{
    TrieNode *n = t->root;
    n->prefixes++;
    for (; *w; w++) {
        int c = letter(*w);
        if (!n->child[c])
            n->child[c] = trie_node_new(t);
        n = n->child[c];
        n->prefixes++;
    }
    if (n->count == 0)
        t->distinct++;
    n->count++;
}

static const TrieNode *trie_walk(const Trie *t, const char *p)
{
    const TrieNode *n = t->root;
    for (; *p && n; p++)
        n = n->child[letter(*p)];
    return n;
}

static int trie_count(const Trie *t, const char *w)
{
    const TrieNode *n = trie_walk(t, w);
    return n ? n->count : 0;
}

static int trie_prefix_count(const Trie *t, const char *p)
{
    const TrieNode *n = trie_walk(t, p);
    return n ? n->prefixes : 0;
}

static void trie_free_node(Trie *t, TrieNode *n)
{
    for (int i = 0; i < ALPHA; i++)
        if (n->child[i])
            trie_free_node(t, n->child[i]);
    free(n);
    t->nodes--;
}

/* removes all occurrences of w, pruning nodes that become empty */
static int trie_remove(Trie *t, const char *w)
{
    TrieNode *path[MAX_WORD + 1];
    int depth = 0;
    TrieNode *n = t->root;
    path[depth++] = n;
    for (const char *p = w; *p; p++) {
        n = n->child[letter(*p)];
        if (!n)
            return 0;
        path[depth++] = n;
    }
    int c = n->count;
    if (c == 0)
        return 0;
    n->count = 0;
    t->distinct--;
    for (int i = 0; i < depth; i++)
        path[i]->prefixes -= c;
    for (int i = depth - 1; i > 0; i--) {
        if (path[i]->prefixes != 0)
            break;
        path[i - 1]->child[letter(w[i - 1])] = NULL;
        trie_free_node(t, path[i]);
    }
    return c;
}

typedef struct {
    char (*words)[MAX_WORD];
    int *counts;
    int n, cap;
} WordList;

static void trie_collect(const TrieNode *n, char *buf, int depth, WordList *out)
{
    if (n->count > 0 && out->n < out->cap) {
        buf[depth] = '\0';
        memcpy(out->words[out->n], buf, (size_t)depth + 1);
        out->counts[out->n] = n->count;
        out->n++;
    }
    for (int i = 0; i < ALPHA; i++) {
        if (n->child[i] && depth < MAX_WORD - 1) {
            buf[depth] = (char)('a' + i);
            trie_collect(n->child[i], buf, depth + 1, out);
        }
    }
}

/* word generator: 1..4 syllables of consonant + vowel (+ optional coda) */
static void make_word(char *w)
{
    static const char cons[] = "bdfgklmnprstvz";
    static const char vow[] = "aeiou";
    static const char coda[] = "nrs";
    int syl = 1 + (int)(rng_next() % 4u);
    /* skew towards short, repeated words so that duplicates occur */
    if (rng_next() % 3u == 0)
        syl = 1 + (int)(rng_next() % 2u);
    int k = 0;
    for (int s = 0; s < syl; s++) {
        w[k++] = cons[rng_next() % 7u + (s & 1) * 7u];
        w[k++] = vow[rng_next() % 5u];
        if (rng_next() % 5u == 0)
            w[k++] = coda[rng_next() % 3u];
    }
    w[k] = '\0';
}

static int cmp_word(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* ========================================================================= */
/* Driver                                                                    */
/* ========================================================================= */

#define NWORDS 6000

int main(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    int errors = 0;

    /* ---- skip list ---- */
    SkipList sl;
    static SortedArr ref;
    sl_init(&sl);
    ref.n = 0;
    long sl_ins = 0, sl_del = 0, sl_hits = 0, sl_ranges = 0;
    for (int op = 0; op < 40000; op++) {
        int32_t key = (int32_t)(rng_next() % 5000u) - 2500;
        uint32_t r = rng_next() % 10u;
        if (r < 5) {
            int32_t val = (int32_t)(rng_next() % 1000u);
            int a = sl_insert(&sl, key, val);
            int b = sa_insert(&ref, key, val);
            if (a != b)
                errors++;
            sl_ins += a;
        } else if (r < 8) {
            int a = sl_delete(&sl, key);
            int b = sa_delete(&ref, key);
            if (a != b)
                errors++;
            sl_del += a;
        } else if (r < 9) {
            SlNode *n = sl_find(&sl, key);
            int i = sa_lower_bound(&ref, key);
            int present = i < ref.n && ref.key[i] == key;
            if ((n != NULL) != present || (n && n->value != ref.value[i]))
                errors++;
            if (n) {
                sl_hits++;
                h = (h ^ (uint64_t)(uint32_t)n->value) * 0x100000001b3ull;
            }
        } else {
            int32_t span = (int32_t)(rng_next() % 400u);
            int64_t sum = 0, rsum = 0;
            int cnt = sl_range(&sl, key, key + span, &sum);
            int lo = sa_lower_bound(&ref, key), hi = sa_lower_bound(&ref, key + span + 1);
            for (int i = lo; i < hi; i++)
                rsum += ref.value[i];
            if (cnt != hi - lo || sum != rsum)
                errors++;
            sl_ranges++;
            h = (h ^ (uint64_t)sum ^ ((uint64_t)cnt << 40)) * 0x100000001b3ull;
        }
        if (op % 10000 == 9999 && !sl_check(&sl))
            errors++;
    }
    /* full comparison */
    {
        int i = 0;
        for (SlNode *x = sl.head->next[0]; x; x = x->next[0], i++) {
            if (i >= ref.n || x->key != ref.key[i] || x->value != ref.value[i]) {
                errors++;
                break;
            }
            h = (h ^ (uint64_t)(uint32_t)x->key) * 0x100000001b3ull;
        }
        if (i != ref.n)
            errors++;
    }
    printf("skiplist: size=%d level=%d inserts=%ld deletes=%ld hits=%ld ranges=%ld steps=%ld\n",
           sl.size, sl.level, sl_ins, sl_del, sl_hits, sl_ranges, sl.steps);
    printf("skiplist level histogram:");
    for (int i = 1; i <= 8; i++)
        printf(" %d", sl.level_hist[i]);
    printf("\n");
    h = (h ^ (uint64_t)sl.steps) * 0x100000001b3ull;
    sl_free(&sl);

    /* ---- trie ---- */
    Trie trie;
    trie_init(&trie);
    static char words[NWORDS][MAX_WORD];
    for (int i = 0; i < NWORDS; i++) {
        make_word(words[i]);
        trie_add(&trie, words[i]);
    }
    /* reference: sorted copy with run-length counts */
    static char sorted[NWORDS][MAX_WORD];
    memcpy(sorted, words, sizeof(words));
    qsort(sorted, NWORDS, MAX_WORD, cmp_word);
    int distinct = 0;
    for (int i = 0; i < NWORDS; i++)
        if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0)
            distinct++;
    if (distinct != trie.distinct)
        errors++;

    /* enumeration must equal the sorted distinct list, with counts */
    WordList wl;
    wl.cap = NWORDS;
    wl.n = 0;
    wl.words = (char(*)[MAX_WORD])malloc((size_t)wl.cap * MAX_WORD);
    wl.counts = (int *)malloc((size_t)wl.cap * sizeof(int));
    if (!wl.words || !wl.counts)
        return 1;
    char buf[MAX_WORD];
    trie_collect(trie.root, buf, 0, &wl);
    {
        int j = 0;
        for (int i = 0; i < wl.n; i++) {
            int run = 0;
            while (j < NWORDS && strcmp(sorted[j], wl.words[i]) == 0) {
                run++;
                j++;
            }
            if (run != wl.counts[i] || run == 0)
                errors++;
        }
        if (j != NWORDS)
            errors++;
    }
    /* most frequent words (ties broken alphabetically thanks to enumeration order) */
    printf("trie: words=%d distinct=%d nodes=%d\n", NWORDS, trie.distinct, trie.nodes);
    printf("top words:");
    for (int rank = 0; rank < 5; rank++) {
        int best = -1;
        for (int i = 0; i < wl.n; i++)
            if (wl.counts[i] > 0 && (best < 0 || wl.counts[i] > wl.counts[best]))
                best = i;
        if (best < 0)
            break;
        printf(" %s:%d", wl.words[best], wl.counts[best]);
        wl.counts[best] = -wl.counts[best];
    }
    printf("\n");

    /* prefix counts checked by brute force over the word list */
    static const char *const prefixes[] = {"ba", "k", "mo", "ti", "zu", "fen", "la", "", "rix", "s"};
    for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
        size_t pl = strlen(prefixes[p]);
        int brute = 0;
        for (int i = 0; i < NWORDS; i++)
            if (strncmp(words[i], prefixes[p], pl) == 0)
                brute++;
        int tc = trie_prefix_count(&trie, prefixes[p]);
        if (tc != brute)
            errors++;
        h = (h ^ (uint64_t)tc) * 0x100000001b3ull;
    }

    /* lookups of present and absent words */
    int found = 0, absent = 0;
    for (int i = 0; i < 3000; i++) {
        char w[MAX_WORD];
        make_word(w);
        int c = trie_count(&trie, w);
        char *hit = (char *)bsearch(w, sorted, NWORDS, MAX_WORD, cmp_word);
        if ((c > 0) != (hit != NULL))
            errors++;
        if (c > 0)
            found++;
        else
            absent++;
        h = (h ^ (uint64_t)c) * 0x100000001b3ull;
    }
    printf("random lookups: found=%d absent=%d\n", found, absent);

    /* remove every other distinct word; check counts and node pruning */
    int removed = 0, removed_occ = 0;
    for (int i = 0; i < wl.n; i += 2) {
        int c = trie_remove(&trie, wl.words[i]);
        if (c <= 0)
            errors++;
        removed++;
        removed_occ += c;
    }
    for (int i = 0; i < wl.n; i++) {
        int c = trie_count(&trie, wl.words[i]);
        int expect = (i % 2 == 0) ? 0 : (wl.counts[i] < 0 ? -wl.counts[i] : wl.counts[i]);
        if (c != expect)
            errors++;
    }
    if (trie.root->prefixes != NWORDS - removed_occ)
        errors++;
    printf("removed %d distinct words (%d occurrences); remaining distinct=%d nodes=%d\n", removed,
           removed_occ, trie.distinct, trie.nodes);
    h = (h ^ (uint64_t)trie.nodes) * 0x100000001b3ull;
    h = (h ^ (uint64_t)trie.distinct) * 0x100000001b3ull;

    /* removing the rest must free every node except the root */
    for (int i = 1; i < wl.n; i += 2)
        trie_remove(&trie, wl.words[i]);
    if (trie.nodes != 1 || trie.distinct != 0 || trie.root->prefixes != 0)
        errors++;
    trie_free_node(&trie, trie.root);
    free(wl.words);
    free(wl.counts);

    printf("errors: %d\n", errors);
    printf("checksum: 0x%08x\n", (unsigned)(h ^ (h >> 32)));
    return 0;
}
