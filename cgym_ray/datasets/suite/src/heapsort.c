/* cgym-suite: category=sorting; classic and bottom-up heapsort plus an indexed binary-heap priority queue (k-way merge, top-k, decrease-key) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define N_SORT 10000
#define K_LISTS 16
#define LIST_LEN 400
#define PQ_CAP 2048

static uint32_t rng_state = 0x9E3779B9u;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static unsigned long hs_compares;

/* ---------- classic heapsort (max heap, sift-down) ---------- */

static void sift_down(int32_t *a, size_t root, size_t n)
{
    int32_t v = a[root];
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            break;
        if (child + 1 < n) {
            hs_compares++;
            if (a[child + 1] > a[child])
                child++;
        }
        hs_compares++;
        if (a[child] <= v)
            break;
        a[root] = a[child];
        root = child;
    }
    a[root] = v;
}

static void heapsort_classic(int32_t *a, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        int32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

/* ---------- bottom-up heapsort (Wegener): descend to a leaf, then climb ---------- */

static size_t leaf_search(const int32_t *a, size_t i, size_t n)
{
    size_t j = i;
    while (2 * j + 2 < n) {
        hs_compares++;
        j = a[2 * j + 2] > a[2 * j + 1] ? 2 * j + 2 : 2 * j + 1;
    }
    if (2 * j + 1 < n)
        j = 2 * j + 1;
    return j;
}

static void sift_down_bu(int32_t *a, size_t i, size_t n)
{
    size_t j = leaf_search(a, i, n);
    for (;;) {
        hs_compares++;
        if (a[i] <= a[j] || j == i)
            break;
        j = (j - 1) / 2;
    }
    int32_t x = a[j];
    a[j] = a[i];
    while (j > i) {
        size_t p = (j - 1) / 2;
        int32_t t = a[p];
        a[p] = x;
        x = t;
        j = p;
    }
}

static void heapsort_bottomup(int32_t *a, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down_bu(a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        int32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down_bu(a, 0, end);
    }
}

/* ---------- indexed min priority queue ---------- */

typedef struct {
    uint32_t prio;
    uint32_t seq; /* tie breaker: FIFO among equal priorities */
} pkey_t;

typedef struct {
    int *heap;     /* heap position -> handle */
    int *pos;      /* handle -> heap position, -1 if absent */
    pkey_t *keys;  /* handle -> key */
    int size;
    int cap;
    uint32_t next_seq;
    unsigned long swaps;
} pq_t;

static int pq_init(pq_t *q, int cap)
{
    q->heap = malloc(sizeof(int) * (size_t)cap);
    q->pos = malloc(sizeof(int) * (size_t)cap);
    q->keys = malloc(sizeof(pkey_t) * (size_t)cap);
    q->size = 0;
    q->cap = cap;
    q->next_seq = 0;
    q->swaps = 0;
    if (!q->heap || !q->pos || !q->keys)
        return -1;
    for (int i = 0; i < cap; i++)
        q->pos[i] = -1;
    return 0;
}

static void pq_free(pq_t *q)
{
    free(q->heap);
    free(q->pos);
    free(q->keys);
}

static int pkey_less(const pkey_t *a, const pkey_t *b)
{
    if (a->prio != b->prio)
        return a->prio < b->prio;
    return a->seq < b->seq;
}

static void pq_swap(pq_t *q, int i, int j)
{
    int hi = q->heap[i], hj = q->heap[j];
    q->heap[i] = hj;
    q->heap[j] = hi;
    q->pos[hj] = i;
    q->pos[hi] = j;
    q->swaps++;
}

static void pq_up(pq_t *q, int i)
{
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!pkey_less(&q->keys[q->heap[i]], &q->keys[q->heap[p]]))
            break;
        pq_swap(q, i, p);
        i = p;
    }
}

static void pq_down(pq_t *q, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->size && pkey_less(&q->keys[q->heap[l]], &q->keys[q->heap[m]]))
            m = l;
        if (r < q->size && pkey_less(&q->keys[q->heap[r]], &q->keys[q->heap[m]]))
            m = r;
        if (m == i)
            break;
        pq_swap(q, i, m);
        i = m;
    }
}

static int pq_push(pq_t *q, int handle, uint32_t prio)
{
    if (handle < 0 || handle >= q->cap || q->pos[handle] >= 0)
        return -1;
    q->keys[handle].prio = prio;
    q->keys[handle].seq = q->next_seq++;
    q->heap[q->size] = handle;
    q->pos[handle] = q->size;
    q->size++;
    pq_up(q, q->size - 1);
    return 0;
}

static int pq_pop(pq_t *q, uint32_t *prio_out)
{
    if (q->size == 0)
        return -1;
    int top = q->heap[0];
    if (prio_out)
        *prio_out = q->keys[top].prio;
    q->size--;
    if (q->size > 0) {
        q->heap[0] = q->heap[q->size];
        q->pos[q->heap[0]] = 0;
        pq_down(q, 0);
    }
    q->pos[top] = -1;
    return top;
}

static int pq_decrease(pq_t *q, int handle, uint32_t prio)
{
    int i = q->pos[handle];
    if (i < 0 || prio > q->keys[handle].prio)
        return -1;
    q->keys[handle].prio = prio;
    pq_up(q, i);
    return 0;
}

static int pq_remove(pq_t *q, int handle)
{
    int i = q->pos[handle];
    if (i < 0)
        return -1;
    q->size--;
    if (i != q->size) {
        pq_swap(q, i, q->size);
        int moved = q->heap[i];
        pq_up(q, i);
        pq_down(q, q->pos[moved]);
    }
    q->pos[handle] = -1;
    return 0;
}

static int pq_valid(const pq_t *q)
{
    for (int i = 1; i < q->size; i++)
        if (pkey_less(&q->keys[q->heap[i]], &q->keys[q->heap[(i - 1) / 2]]))
            return 0;
    for (int i = 0; i < q->size; i++)
        if (q->pos[q->heap[i]] != i)
            return 0;
    return 1;
}

/* ---------- helpers ---------- */

static int is_sorted_i32(const int32_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 0;
    return 1;
}

static uint32_t hash_i32(uint32_t h, const int32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (uint32_t)a[i];
        h *= 0x9E3779B1u;
        h ^= h >> 16;
    }
    return h;
}

static int cmp_i32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* ---------- test phases ---------- */

static int test_heapsorts(uint32_t *checksum)
{
    int32_t *a = malloc(sizeof(int32_t) * N_SORT);
    int32_t *b = malloc(sizeof(int32_t) * N_SORT);
    int32_t *c = malloc(sizeof(int32_t) * N_SORT);
    int ok_all = 1;
    if (!a || !b || !c) {
        free(a); free(b); free(c);
        return 0;
    }
    for (int dist = 0; dist < 4; dist++) {
        for (size_t i = 0; i < N_SORT; i++) {
            switch (dist) {
            case 0: a[i] = (int32_t)(rng_next() >> 1) - 0x40000000; break;
            case 1: a[i] = (int32_t)(rng_next() % 50u); break;
            case 2: a[i] = (int32_t)i; break;
            default: a[i] = (int32_t)(N_SORT - i) * ((i & 1) ? 1 : -1); break;
            }
        }
        memcpy(b, a, sizeof(int32_t) * N_SORT);
        memcpy(c, a, sizeof(int32_t) * N_SORT);
        hs_compares = 0;
        heapsort_classic(a, N_SORT);
        unsigned long cc = hs_compares;
        hs_compares = 0;
        heapsort_bottomup(b, N_SORT);
        unsigned long cb = hs_compares;
        qsort(c, N_SORT, sizeof(int32_t), cmp_i32);
        int ok = is_sorted_i32(a, N_SORT) && memcmp(a, b, sizeof(int32_t) * N_SORT) == 0 &&
                 memcmp(a, c, sizeof(int32_t) * N_SORT) == 0;
        ok_all &= ok;
        printf("heapsort dist=%d classic_cmps=%lu bottomup_cmps=%lu median=%ld %s\n", dist, cc, cb,
               (long)a[N_SORT / 2], ok ? "OK" : "FAIL");
        *checksum = hash_i32(*checksum, a, N_SORT);
    }
    free(a); free(b); free(c);
    return ok_all;
}

static int test_kway_merge(uint32_t *checksum)
{
    int32_t *lists = malloc(sizeof(int32_t) * K_LISTS * LIST_LEN);
    int32_t *out = malloc(sizeof(int32_t) * K_LISTS * LIST_LEN);
    int32_t *ref = malloc(sizeof(int32_t) * K_LISTS * LIST_LEN);
    int cursor[K_LISTS];
    pq_t q;
    memset(&q, 0, sizeof q);
    int ok = 1;
    if (!lists || !out || !ref || pq_init(&q, K_LISTS) != 0) {
        free(lists); free(out); free(ref); pq_free(&q);
        return 0;
    }
    for (int k = 0; k < K_LISTS; k++) {
        int32_t v = (int32_t)(rng_next() % 100u);
        for (int i = 0; i < LIST_LEN; i++) {
            v += (int32_t)(rng_next() % 20u);
            lists[k * LIST_LEN + i] = v;
        }
        cursor[k] = 0;
        pq_push(&q, k, (uint32_t)lists[k * LIST_LEN]);
    }
    memcpy(ref, lists, sizeof(int32_t) * K_LISTS * LIST_LEN);
    heapsort_classic(ref, K_LISTS * LIST_LEN);
    int n = 0;
    while (q.size > 0) {
        uint32_t pr;
        int k = pq_pop(&q, &pr);
        out[n++] = (int32_t)pr;
        if (++cursor[k] < LIST_LEN)
            pq_push(&q, k, (uint32_t)lists[k * LIST_LEN + cursor[k]]);
    }
    if (n != K_LISTS * LIST_LEN || memcmp(out, ref, sizeof(int32_t) * (size_t)n) != 0)
        ok = 0;
    printf("k-way merge k=%d total=%d swaps=%lu last=%ld %s\n", K_LISTS, n, q.swaps, n > 0 ? (long)out[n - 1] : -1L,
           ok ? "OK" : "FAIL");
    *checksum = hash_i32(*checksum, out, (size_t)n);
    free(lists); free(out); free(ref); pq_free(&q);
    return ok;
}

/* keep the K largest of a stream in a min-heap of size K */
static int test_topk(uint32_t *checksum)
{
    enum { STREAM = 20000, TOPK = 25 };
    int32_t *all = malloc(sizeof(int32_t) * STREAM);
    int32_t heap[TOPK];
    int hn = 0;
    int ok = 1;
    if (!all)
        return 0;
    for (int i = 0; i < STREAM; i++) {
        int32_t v = (int32_t)(rng_next() % 1000000u);
        all[i] = v;
        if (hn < TOPK) {
            int j = hn++;
            heap[j] = v;
            while (j > 0 && heap[(j - 1) / 2] > heap[j]) {
                int32_t t = heap[j];
                heap[j] = heap[(j - 1) / 2];
                heap[(j - 1) / 2] = t;
                j = (j - 1) / 2;
            }
        } else if (v > heap[0]) {
            heap[0] = v;
            int j = 0;
            for (;;) {
                int l = 2 * j + 1, r = l + 1, m = j;
                if (l < hn && heap[l] < heap[m]) m = l;
                if (r < hn && heap[r] < heap[m]) m = r;
                if (m == j) break;
                int32_t t = heap[j];
                heap[j] = heap[m];
                heap[m] = t;
                j = m;
            }
        }
    }
    heapsort_bottomup(heap, TOPK);
    heapsort_classic(all, STREAM);
    for (int i = 0; i < TOPK; i++)
        if (heap[i] != all[STREAM - TOPK + i])
            ok = 0;
    printf("top-%d of %d: smallest_kept=%ld largest=%ld %s\n", TOPK, STREAM, (long)heap[0],
           (long)heap[TOPK - 1], ok ? "OK" : "FAIL");
    *checksum = hash_i32(*checksum, heap, TOPK);
    free(all);
    return ok;
}

/* random mix of push/pop/decrease/remove, checked against a linear-scan model */
static int test_pq_ops(uint32_t *checksum)
{
    pq_t q;
    memset(&q, 0, sizeof q);
    uint32_t *model = malloc(sizeof(uint32_t) * PQ_CAP);
    uint32_t *mseq = malloc(sizeof(uint32_t) * PQ_CAP);
    unsigned char *present = calloc(PQ_CAP, 1);
    int ok = 1;
    unsigned long ops[4] = { 0, 0, 0, 0 };
    uint32_t popsum = 0;
    if (!model || !mseq || !present || pq_init(&q, PQ_CAP) != 0) {
        free(model); free(mseq); free(present); pq_free(&q);
        return 0;
    }
    for (int step = 0; step < 12000 && ok; step++) {
        uint32_t op = rng_next() % 10u;
        int h = (int)(rng_next() % PQ_CAP);
        if (op < 4) {
            if (!present[h]) {
                uint32_t pr = rng_next() % 5000u;
                pq_push(&q, h, pr);
                present[h] = 1;
                model[h] = pr;
                mseq[h] = q.keys[h].seq;
                ops[0]++;
            }
        } else if (op < 7) {
            if (q.size > 0) {
                /* model: find min (prio, seq) */
                int best = -1;
                for (int i = 0; i < PQ_CAP; i++) {
                    if (!present[i])
                        continue;
                    if (best < 0 || model[i] < model[best] ||
                        (model[i] == model[best] && mseq[i] < mseq[best]))
                        best = i;
                }
                uint32_t pr;
                int got = pq_pop(&q, &pr);
                if (got != best || pr != model[best])
                    ok = 0;
                present[best] = 0;
                popsum = popsum * 31u + pr;
                ops[1]++;
            }
        } else if (op < 9) {
            if (present[h]) {
                uint32_t dec = rng_next() % 300u;
                uint32_t np = model[h] > dec ? model[h] - dec : 0;
                if (pq_decrease(&q, h, np) != 0)
                    ok = 0;
                model[h] = np;
                ops[2]++;
            }
        } else {
            if (present[h]) {
                if (pq_remove(&q, h) != 0)
                    ok = 0;
                present[h] = 0;
                ops[3]++;
            }
        }
        if ((step & 255) == 0 && !pq_valid(&q))
            ok = 0;
    }
    if (!pq_valid(&q))
        ok = 0;
    /* drain */
    uint32_t last = 0;
    while (q.size > 0) {
        uint32_t pr;
        pq_pop(&q, &pr);
        if (pr < last)
            ok = 0;
        last = pr;
        popsum = popsum * 31u + pr;
    }
    printf("pq ops: push=%lu pop=%lu decrease=%lu remove=%lu swaps=%lu popsum=0x%08x %s\n", ops[0], ops[1],
           ops[2], ops[3], q.swaps, (unsigned)popsum, ok ? "OK" : "FAIL");
    *checksum ^= popsum;
    *checksum *= 0x01000193u;
    free(model); free(mseq); free(present); pq_free(&q);
    return ok;
}

int main(void)
{
    uint32_t checksum = 0x811c9dc5u;
    int ok = 1;
    ok &= test_heapsorts(&checksum);
    ok &= test_kway_merge(&checksum);
    ok &= test_topk(&checksum);
    ok &= test_pq_ops(&checksum);
    printf("all checks: %s\n", ok ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
