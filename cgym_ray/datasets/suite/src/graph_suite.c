/* cgym-suite: category=graph; BFS, DFS, topological sort, SCC, articulation points/bridges, MST, shortest paths and bipartiteness on generated graphs, all cross-checked */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define INF64 INT64_MAX
#define NONE (-1)

/* ------------------------------------------------------------------ */
/* basic containers                                                    */
/* ------------------------------------------------------------------ */

typedef struct {
    int u, v;
    int32_t w;
} edge_t;

typedef struct {
    int n;
    int m;
    int cap;
    edge_t *e;
} edgelist_t;

/* compressed adjacency: for vertex x, slots off[x]..off[x+1]-1 hold (nbr, edge id) */
typedef struct {
    int n;
    int *off;
    int *nbr;
    int *eid;
} csr_t;

static uint32_t g_seed = 0xA5A5F00Du;

static uint32_t rnd(void)
{
    g_seed ^= g_seed << 13;
    g_seed ^= g_seed >> 17;
    g_seed ^= g_seed << 5;
    return g_seed;
}

static int rnd_below(int n)
{
    return (int)(rnd() % (uint32_t)n);
}

static uint32_t checksum = 0x811c9dc5u;

static void mix_in(uint32_t v)
{
    checksum ^= v;
    checksum *= 0x01000193u;
    checksum ^= checksum >> 16;
}

static int el_init(edgelist_t *el, int n, int cap)
{
    el->n = n;
    el->m = 0;
    el->cap = cap;
    el->e = malloc(sizeof(edge_t) * (size_t)(cap > 0 ? cap : 1));
    return el->e ? 0 : -1;
}

static void el_free(edgelist_t *el)
{
    free(el->e);
    el->e = NULL;
    el->m = 0;
}

static int el_add(edgelist_t *el, int u, int v, int32_t w)
{
    if (el->m >= el->cap) {
        int ncap = el->cap * 2 + 16;
        edge_t *ne = realloc(el->e, sizeof(edge_t) * (size_t)ncap);
        if (!ne)
            return -1;
        el->e = ne;
        el->cap = ncap;
    }
    el->e[el->m].u = u;
    el->e[el->m].v = v;
    el->e[el->m].w = w;
    el->m++;
    return 0;
}

enum adj_mode { ADJ_OUT, ADJ_IN, ADJ_BOTH };

static int csr_build(csr_t *g, const edgelist_t *el, enum adj_mode mode)
{
    int slots = mode == ADJ_BOTH ? 2 * el->m : el->m;
    g->n = el->n;
    g->off = calloc((size_t)el->n + 1, sizeof(int));
    g->nbr = malloc(sizeof(int) * (size_t)(slots > 0 ? slots : 1));
    g->eid = malloc(sizeof(int) * (size_t)(slots > 0 ? slots : 1));
    int *fill = malloc(sizeof(int) * (size_t)(el->n > 0 ? el->n : 1));
    if (!g->off || !g->nbr || !g->eid || !fill) {
        free(fill);
        return -1;
    }
    for (int i = 0; i < el->m; i++) {
        const edge_t *e = &el->e[i];
        if (mode == ADJ_OUT || mode == ADJ_BOTH)
            g->off[e->u + 1]++;
        if (mode == ADJ_IN || mode == ADJ_BOTH)
            g->off[e->v + 1]++;
    }
    for (int x = 0; x < el->n; x++)
        g->off[x + 1] += g->off[x];
    memcpy(fill, g->off, sizeof(int) * (size_t)el->n);
    for (int i = 0; i < el->m; i++) {
        const edge_t *e = &el->e[i];
        if (mode == ADJ_OUT || mode == ADJ_BOTH) {
            int p = fill[e->u]++;
            g->nbr[p] = e->v;
            g->eid[p] = i;
        }
        if (mode == ADJ_IN || mode == ADJ_BOTH) {
            int p = fill[e->v]++;
            g->nbr[p] = e->u;
            g->eid[p] = i;
        }
    }
    free(fill);
    return 0;
}

static void csr_free(csr_t *g)
{
    free(g->off);
    free(g->nbr);
    free(g->eid);
    g->off = g->nbr = g->eid = NULL;
}

static int *int_array(int n, int fillv)
{
    int *a = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (a)
        for (int i = 0; i < n; i++)
            a[i] = fillv;
    return a;
}

/* ------------------------------------------------------------------ */
/* generators                                                          */
/* ------------------------------------------------------------------ */

/* random spanning tree plus extra random edges (undirected, weighted) */
static int gen_connected(edgelist_t *el, int n, int extra, int32_t wmax)
{
    if (el_init(el, n, n + extra))
        return -1;
    for (int v = 1; v < n; v++) {
        int u = rnd_below(v);
        if (el_add(el, u, v, 1 + (int32_t)(rnd() % (uint32_t)wmax)))
            return -1;
    }
    for (int i = 0; i < extra; i++) {
        int u = rnd_below(n), v = rnd_below(n);
        if (u == v)
            continue;
        if (el_add(el, u, v, 1 + (int32_t)(rnd() % (uint32_t)wmax)))
            return -1;
    }
    return 0;
}

/* chain of small blocks (cycles and cliques) joined by bridges, plus a few isolated parts */
static int gen_blocks(edgelist_t *el, int blocks)
{
    int n = 0;
    if (el_init(el, 0, 64))
        return -1;
    int prev_attach = NONE;
    for (int b = 0; b < blocks; b++) {
        int size = 3 + rnd_below(4);
        int base = n;
        n += size;
        int kind = rnd_below(3);
        for (int i = 0; i < size; i++) {
            int j = (i + 1) % size;
            if (el_add(el, base + i, base + j, 1 + (int32_t)(rnd() % 50u)))
                return -1;
        }
        if (kind == 1) {
            for (int i = 0; i + 2 < size; i++)
                if (el_add(el, base + i, base + i + 2, 1 + (int32_t)(rnd() % 50u)))
                    return -1;
        }
        if (kind == 2 && size > 3) {
            /* a pendant path hanging off the block */
            int tail = n++;
            if (el_add(el, base, tail, 7))
                return -1;
        }
        if (prev_attach != NONE && (b % 7) != 6) {
            int target = base + rnd_below(size);
            int32_t w = 1 + (int32_t)(rnd() % 50u);
            if (el_add(el, prev_attach, target, w))
                return -1;
        }
        prev_attach = base + rnd_below(size);
    }
    /* isolated vertices */
    n += 3;
    el->n = n;
    return 0;
}

/* DAG: edges from lower to higher rank, vertices labelled by a random permutation */
static int gen_dag(edgelist_t *el, int n, int m)
{
    int *perm = int_array(n, 0);
    if (!perm || el_init(el, n, m)) {
        free(perm);
        return -1;
    }
    for (int i = 0; i < n; i++)
        perm[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = rnd_below(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (int i = 0; i < m; i++) {
        int a = rnd_below(n), b = rnd_below(n);
        if (a == b)
            continue;
        if (a > b) {
            int t = a;
            a = b;
            b = t;
        }
        if (el_add(el, perm[a], perm[b], 1 + (int32_t)(rnd() % 9u))) {
            free(perm);
            return -1;
        }
    }
    free(perm);
    return 0;
}

/* directed graph with planted strongly connected clusters */
static int gen_clustered(edgelist_t *el, int clusters, int size)
{
    int n = clusters * size;
    if (el_init(el, n, n * 3))
        return -1;
    for (int c = 0; c < clusters; c++) {
        int base = c * size;
        int csize = (c % 5 == 4) ? 1 : size; /* some singleton clusters */
        for (int i = 0; i < csize; i++) {
            if (csize > 1 && el_add(el, base + i, base + (i + 1) % csize, 1))
                return -1;
            if (csize > 2 && rnd_below(3) == 0 && el_add(el, base + i, base + rnd_below(csize), 1))
                return -1;
        }
        for (int i = csize; i < size; i++) {
            /* leftover vertices hang off the cluster */
            if (el_add(el, base, base + i, 1))
                return -1;
        }
    }
    for (int k = 0; k < n; k++) {
        int a = rnd_below(clusters), b = rnd_below(clusters);
        if (a == b)
            continue;
        if (a > b && rnd_below(10) != 0) {
            int t = a;
            a = b;
            b = t;
        }
        int from = a * size + rnd_below(size);
        int to = b * size + rnd_below(size);
        if (el_add(el, from, to, 1))
            return -1;
    }
    return 0;
}

/* directed graph with some negative arcs but no negative cycle (via vertex potentials) */
static int gen_potential_digraph(edgelist_t *el, int n, int m, int plant_negative_cycle)
{
    int *pot = int_array(n, 0);
    if (!pot || el_init(el, n, m + 4)) {
        free(pot);
        return -1;
    }
    for (int i = 0; i < n; i++)
        pot[i] = rnd_below(40);
    for (int i = 0; i < m; i++) {
        int u = rnd_below(n), v = rnd_below(n);
        if (u == v)
            continue;
        int32_t w = (int32_t)(rnd() % 15u) + pot[u] - pot[v];
        if (el_add(el, u, v, w)) {
            free(pot);
            return -1;
        }
    }
    if (plant_negative_cycle) {
        int a = n / 3, b = n / 2, c = n - 2;
        if (el_add(el, a, b, -30) || el_add(el, b, c, -30) || el_add(el, c, a, -30)) {
            free(pot);
            return -1;
        }
    }
    free(pot);
    return 0;
}

/* rows x cols grid (bipartite); optionally add diagonals which create odd cycles */
static int gen_grid(edgelist_t *el, int rows, int cols, int diagonals)
{
    if (el_init(el, rows * cols, rows * cols * 3))
        return -1;
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            int v = r * cols + c;
            if (c + 1 < cols && el_add(el, v, v + 1, 1 + (int32_t)(rnd() % 9u)))
                return -1;
            if (r + 1 < rows && el_add(el, v, v + cols, 1 + (int32_t)(rnd() % 9u)))
                return -1;
            if (diagonals && c + 1 < cols && r + 1 < rows && rnd_below(40) == 0 &&
                el_add(el, v, v + cols + 1, 1))
                return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* BFS                                                                 */
/* ------------------------------------------------------------------ */

static int bfs(const csr_t *g, int src, int *dist, int *parent, int *order)
{
    int qh = 0, qt = 0;
    for (int v = 0; v < g->n; v++) {
        dist[v] = NONE;
        parent[v] = NONE;
    }
    dist[src] = 0;
    order[qt++] = src;
    while (qh < qt) {
        int u = order[qh++];
        for (int p = g->off[u]; p < g->off[u + 1]; p++) {
            int v = g->nbr[p];
            if (dist[v] == NONE) {
                dist[v] = dist[u] + 1;
                parent[v] = u;
                order[qt++] = v;
            }
        }
    }
    return qt; /* number of reached vertices */
}

/* connected components of an undirected graph, optionally ignoring one vertex or one edge */
static int count_components(const csr_t *g, int skip_vertex, int skip_edge, int *mark, int *stack)
{
    int comps = 0;
    for (int v = 0; v < g->n; v++)
        mark[v] = 0;
    for (int s = 0; s < g->n; s++) {
        if (mark[s] || s == skip_vertex)
            continue;
        comps++;
        int sp = 0;
        mark[s] = 1;
        stack[sp++] = s;
        while (sp > 0) {
            int u = stack[--sp];
            for (int p = g->off[u]; p < g->off[u + 1]; p++) {
                int v = g->nbr[p];
                if (g->eid[p] == skip_edge || v == skip_vertex || mark[v])
                    continue;
                mark[v] = 1;
                stack[sp++] = v;
            }
        }
    }
    return comps;
}

/* ------------------------------------------------------------------ */
/* iterative DFS with discovery / finish times and edge classification  */
/* ------------------------------------------------------------------ */

typedef struct {
    int *disc;
    int *fin;
    int *parent;
    int tree, back, forward, cross;
    int trees;
} dfs_result_t;

static int dfs_directed(const csr_t *g, dfs_result_t *r)
{
    int n = g->n, time = 0;
    int *stack = int_array(n, 0);
    int *iter = int_array(n, 0);
    unsigned char *state = calloc((size_t)n + 1, 1); /* 0 white, 1 grey, 2 black */
    if (!stack || !iter || !state) {
        free(stack);
        free(iter);
        free(state);
        return -1;
    }
    r->tree = r->back = r->forward = r->cross = r->trees = 0;
    for (int v = 0; v < n; v++) {
        r->disc[v] = r->fin[v] = NONE;
        r->parent[v] = NONE;
    }
    for (int s = 0; s < n; s++) {
        if (state[s] != 0)
            continue;
        r->trees++;
        int sp = 0;
        stack[sp++] = s;
        state[s] = 1;
        r->disc[s] = time++;
        iter[s] = g->off[s];
        while (sp > 0) {
            int u = stack[sp - 1];
            if (iter[u] < g->off[u + 1]) {
                int v = g->nbr[iter[u]++];
                switch (state[v]) {
                case 0:
                    r->tree++;
                    r->parent[v] = u;
                    state[v] = 1;
                    r->disc[v] = time++;
                    iter[v] = g->off[v];
                    stack[sp++] = v;
                    break;
                case 1:
                    r->back++;
                    break;
                default:
                    if (r->disc[u] < r->disc[v])
                        r->forward++;
                    else
                        r->cross++;
                    break;
                }
            } else {
                state[u] = 2;
                r->fin[u] = time++;
                sp--;
            }
        }
    }
    free(stack);
    free(iter);
    free(state);
    return 0;
}

/* parenthesis theorem: intervals of any two vertices are nested or disjoint; tree edges nest */
static int check_dfs(const csr_t *g, const dfs_result_t *r)
{
    int n = g->n;
    for (int v = 0; v < n; v++) {
        if (r->disc[v] < 0 || r->fin[v] <= r->disc[v])
            return 0;
        int p = r->parent[v];
        if (p != NONE && !(r->disc[p] < r->disc[v] && r->fin[v] < r->fin[p]))
            return 0;
    }
    /* sample pairs */
    for (int a = 0; a < n; a += 7) {
        for (int b = a + 1; b < n; b += 11) {
            int da = r->disc[a], fa = r->fin[a], db = r->disc[b], fb = r->fin[b];
            int disjoint = fa < db || fb < da;
            int nested = (da < db && fb < fa) || (db < da && fa < fb);
            if (!disjoint && !nested)
                return 0;
        }
    }
    return r->tree == n - r->trees;
}

/* ------------------------------------------------------------------ */
/* topological sort: Kahn and DFS post-order                           */
/* ------------------------------------------------------------------ */

static int topo_kahn(const csr_t *out, int *order)
{
    int n = out->n, qh = 0, qt = 0;
    int *indeg = int_array(n, 0);
    if (!indeg)
        return -1;
    for (int u = 0; u < n; u++)
        for (int p = out->off[u]; p < out->off[u + 1]; p++)
            indeg[out->nbr[p]]++;
    /* smallest-index-first would need a heap; a FIFO keeps it simple and deterministic */
    for (int u = 0; u < n; u++)
        if (indeg[u] == 0)
            order[qt++] = u;
    while (qh < qt) {
        int u = order[qh++];
        for (int p = out->off[u]; p < out->off[u + 1]; p++)
            if (--indeg[out->nbr[p]] == 0)
                order[qt++] = out->nbr[p];
    }
    free(indeg);
    return qt; /* < n means a cycle exists */
}

static int topo_dfs_visit(const csr_t *g, int u, unsigned char *state, int *order, int *pos)
{
    state[u] = 1;
    for (int p = g->off[u]; p < g->off[u + 1]; p++) {
        int v = g->nbr[p];
        if (state[v] == 1)
            return 0; /* cycle */
        if (state[v] == 0 && !topo_dfs_visit(g, v, state, order, pos))
            return 0;
    }
    state[u] = 2;
    order[--(*pos)] = u;
    return 1;
}

static int topo_dfs(const csr_t *g, int *order)
{
    unsigned char *state = calloc((size_t)g->n + 1, 1);
    int pos = g->n, ok = 1;
    if (!state)
        return -1;
    for (int u = 0; u < g->n && ok; u++)
        if (state[u] == 0)
            ok = topo_dfs_visit(g, u, state, order, &pos);
    free(state);
    return ok ? g->n : 0;
}

static int check_topo(const edgelist_t *el, const int *order, int *rank)
{
    for (int i = 0; i < el->n; i++)
        rank[i] = NONE;
    for (int i = 0; i < el->n; i++) {
        if (order[i] < 0 || order[i] >= el->n || rank[order[i]] != NONE)
            return 0;
        rank[order[i]] = i;
    }
    for (int i = 0; i < el->m; i++)
        if (rank[el->e[i].u] >= rank[el->e[i].v])
            return 0;
    return 1;
}

/* longest path in a DAG (by weight) using a topological order */
static int64_t dag_longest_path(const csr_t *out, const edgelist_t *el, const int *order)
{
    int64_t *best = malloc(sizeof(int64_t) * (size_t)out->n);
    int64_t result = 0;
    if (!best)
        return -1;
    for (int i = 0; i < out->n; i++)
        best[i] = 0;
    for (int i = 0; i < out->n; i++) {
        int u = order[i];
        for (int p = out->off[u]; p < out->off[u + 1]; p++) {
            int v = out->nbr[p];
            int64_t cand = best[u] + el->e[out->eid[p]].w;
            if (cand > best[v])
                best[v] = cand;
        }
        if (best[u] > result)
            result = best[u];
    }
    free(best);
    return result;
}

/* ------------------------------------------------------------------ */
/* strongly connected components: Tarjan (recursive) and Kosaraju       */
/* ------------------------------------------------------------------ */

typedef struct {
    const csr_t *g;
    int *index;
    int *low;
    int *comp;
    int *stack;
    unsigned char *on_stack;
    int sp;
    int counter;
    int ncomp;
} tarjan_t;

static void tarjan_visit(tarjan_t *t, int u)
{
    t->index[u] = t->low[u] = t->counter++;
    t->stack[t->sp++] = u;
    t->on_stack[u] = 1;
    for (int p = t->g->off[u]; p < t->g->off[u + 1]; p++) {
        int v = t->g->nbr[p];
        if (t->index[v] == NONE) {
            tarjan_visit(t, v);
            if (t->low[v] < t->low[u])
                t->low[u] = t->low[v];
        } else if (t->on_stack[v] && t->index[v] < t->low[u]) {
            t->low[u] = t->index[v];
        }
    }
    if (t->low[u] == t->index[u]) {
        int v;
        do {
            v = t->stack[--t->sp];
            t->on_stack[v] = 0;
            t->comp[v] = t->ncomp;
        } while (v != u);
        t->ncomp++;
    }
}

static int scc_tarjan(const csr_t *g, int *comp)
{
    tarjan_t t;
    t.g = g;
    t.index = int_array(g->n, NONE);
    t.low = int_array(g->n, 0);
    t.stack = int_array(g->n, 0);
    t.on_stack = calloc((size_t)g->n + 1, 1);
    t.comp = comp;
    t.sp = t.counter = t.ncomp = 0;
    if (!t.index || !t.low || !t.stack || !t.on_stack) {
        free(t.index);
        free(t.low);
        free(t.stack);
        free(t.on_stack);
        return -1;
    }
    for (int u = 0; u < g->n; u++)
        if (t.index[u] == NONE)
            tarjan_visit(&t, u);
    free(t.index);
    free(t.low);
    free(t.stack);
    free(t.on_stack);
    return t.ncomp;
}

static int scc_kosaraju(const csr_t *out, const csr_t *in, int *comp)
{
    int n = out->n;
    int *order = int_array(n, 0), *stack = int_array(n, 0), *iter = int_array(n, 0);
    unsigned char *seen = calloc((size_t)n + 1, 1);
    int cnt = 0, ncomp = 0;
    if (!order || !stack || !iter || !seen) {
        free(order);
        free(stack);
        free(iter);
        free(seen);
        return -1;
    }
    /* pass 1: finishing order on the forward graph (iterative) */
    for (int s = 0; s < n; s++) {
        if (seen[s])
            continue;
        int sp = 0;
        stack[sp++] = s;
        seen[s] = 1;
        iter[s] = out->off[s];
        while (sp > 0) {
            int u = stack[sp - 1];
            if (iter[u] < out->off[u + 1]) {
                int v = out->nbr[iter[u]++];
                if (!seen[v]) {
                    seen[v] = 1;
                    iter[v] = out->off[v];
                    stack[sp++] = v;
                }
            } else {
                order[cnt++] = u;
                sp--;
            }
        }
    }
    /* pass 2: reverse finishing order on the transposed graph */
    for (int v = 0; v < n; v++)
        comp[v] = NONE;
    for (int i = n - 1; i >= 0; i--) {
        int s = order[i];
        if (comp[s] != NONE)
            continue;
        int sp = 0;
        stack[sp++] = s;
        comp[s] = ncomp;
        while (sp > 0) {
            int u = stack[--sp];
            for (int p = in->off[u]; p < in->off[u + 1]; p++) {
                int v = in->nbr[p];
                if (comp[v] == NONE) {
                    comp[v] = ncomp;
                    stack[sp++] = v;
                }
            }
        }
        ncomp++;
    }
    free(order);
    free(stack);
    free(iter);
    free(seen);
    return ncomp;
}

/* two labelings describe the same partition iff the map between labels is a bijection */
static int same_partition(const int *a, const int *b, int n, int ncomp)
{
    int *map_ab = int_array(ncomp, NONE), *map_ba = int_array(ncomp, NONE);
    int ok = 1;
    if (!map_ab || !map_ba) {
        free(map_ab);
        free(map_ba);
        return 0;
    }
    for (int v = 0; v < n && ok; v++) {
        int x = a[v], y = b[v];
        if (x < 0 || y < 0 || x >= ncomp || y >= ncomp) {
            ok = 0;
            break;
        }
        if (map_ab[x] == NONE && map_ba[y] == NONE) {
            map_ab[x] = y;
            map_ba[y] = x;
        } else if (map_ab[x] != y || map_ba[y] != x) {
            ok = 0;
        }
    }
    free(map_ab);
    free(map_ba);
    return ok;
}

/* the condensation of a graph must be acyclic */
static int condensation_is_dag(const edgelist_t *el, const int *comp, int ncomp, int *cond_edges)
{
    edgelist_t c;
    csr_t cg;
    int ok;
    if (el_init(&c, ncomp, el->m))
        return 0;
    for (int i = 0; i < el->m; i++) {
        int a = comp[el->e[i].u], b = comp[el->e[i].v];
        if (a != b && el_add(&c, a, b, 1)) {
            el_free(&c);
            return 0;
        }
    }
    *cond_edges = c.m;
    memset(&cg, 0, sizeof cg);
    if (csr_build(&cg, &c, ADJ_OUT)) {
        csr_free(&cg);
        el_free(&c);
        return 0;
    }
    int *order = int_array(ncomp, 0);
    ok = order && topo_kahn(&cg, order) == ncomp;
    free(order);
    csr_free(&cg);
    el_free(&c);
    return ok;
}

/* ------------------------------------------------------------------ */
/* articulation points and bridges (undirected, handles multi-edges)    */
/* ------------------------------------------------------------------ */

typedef struct {
    const csr_t *g;
    int *disc;
    int *low;
    unsigned char *is_cut;
    unsigned char *is_bridge;
    int time;
} lowlink_t;

static void lowlink_visit(lowlink_t *L, int u, int parent_edge)
{
    int children = 0;
    L->disc[u] = L->low[u] = L->time++;
    for (int p = L->g->off[u]; p < L->g->off[u + 1]; p++) {
        int v = L->g->nbr[p], e = L->g->eid[p];
        if (e == parent_edge)
            continue;
        if (L->disc[v] == NONE) {
            children++;
            lowlink_visit(L, v, e);
            if (L->low[v] < L->low[u])
                L->low[u] = L->low[v];
            if (L->low[v] > L->disc[u])
                L->is_bridge[e] = 1;
            if (parent_edge != NONE && L->low[v] >= L->disc[u])
                L->is_cut[u] = 1;
        } else if (L->disc[v] < L->low[u]) {
            L->low[u] = L->disc[v];
        }
    }
    if (parent_edge == NONE && children > 1)
        L->is_cut[u] = 1;
}

static int find_cuts(const csr_t *g, int m, unsigned char *is_cut, unsigned char *is_bridge)
{
    lowlink_t L;
    L.g = g;
    L.disc = int_array(g->n, NONE);
    L.low = int_array(g->n, 0);
    L.is_cut = is_cut;
    L.is_bridge = is_bridge;
    L.time = 0;
    if (!L.disc || !L.low) {
        free(L.disc);
        free(L.low);
        return -1;
    }
    memset(is_cut, 0, (size_t)g->n);
    memset(is_bridge, 0, (size_t)m);
    for (int u = 0; u < g->n; u++)
        if (L.disc[u] == NONE)
            lowlink_visit(&L, u, NONE);
    free(L.disc);
    free(L.low);
    return 0;
}

/* brute force: a vertex is a cut vertex iff removing it increases the component count
   (among the remaining vertices); likewise for bridges */
static int verify_cuts(const csr_t *g, int m, const unsigned char *is_cut, const unsigned char *is_bridge)
{
    int *mark = int_array(g->n, 0), *stack = int_array(g->n, 0);
    int ok = 1;
    if (!mark || !stack) {
        free(mark);
        free(stack);
        return 0;
    }
    int base = count_components(g, NONE, NONE, mark, stack);
    for (int v = 0; v < g->n && ok; v++) {
        int isolated = g->off[v] == g->off[v + 1];
        int c = count_components(g, v, NONE, mark, stack);
        /* removing an isolated vertex drops its own component and is never a cut */
        int expect_cut = !isolated && c > base;
        if ((is_cut[v] != 0) != expect_cut)
            ok = 0;
    }
    for (int e = 0; e < m && ok; e++) {
        int c = count_components(g, NONE, e, mark, stack);
        if ((is_bridge[e] != 0) != (c > base))
            ok = 0;
    }
    free(mark);
    free(stack);
    return ok;
}

/* ------------------------------------------------------------------ */
/* minimum spanning forest: Kruskal (union-find) and Prim (binary heap) */
/* ------------------------------------------------------------------ */

typedef struct {
    int *parent;
    int *rank;
    int sets;
} dsu_t;

static int dsu_init(dsu_t *d, int n)
{
    d->parent = int_array(n, 0);
    d->rank = int_array(n, 0);
    d->sets = n;
    if (!d->parent || !d->rank)
        return -1;
    for (int i = 0; i < n; i++)
        d->parent[i] = i;
    return 0;
}

static void dsu_free(dsu_t *d)
{
    free(d->parent);
    free(d->rank);
}

static int dsu_find(dsu_t *d, int x)
{
    int root = x;
    while (d->parent[root] != root)
        root = d->parent[root];
    while (d->parent[x] != root) { /* path compression */
        int nx = d->parent[x];
        d->parent[x] = root;
        x = nx;
    }
    return root;
}

static int dsu_union(dsu_t *d, int a, int b)
{
    a = dsu_find(d, a);
    b = dsu_find(d, b);
    if (a == b)
        return 0;
    if (d->rank[a] < d->rank[b]) {
        int t = a;
        a = b;
        b = t;
    }
    d->parent[b] = a;
    if (d->rank[a] == d->rank[b])
        d->rank[a]++;
    d->sets--;
    return 1;
}

static const edgelist_t *g_sort_el;

static int edge_index_cmp(const void *x, const void *y)
{
    int i = *(const int *)x, j = *(const int *)y;
    int32_t wi = g_sort_el->e[i].w, wj = g_sort_el->e[j].w;
    if (wi != wj)
        return wi < wj ? -1 : 1;
    return (i > j) - (i < j);
}

static int64_t kruskal(const edgelist_t *el, int *used_edges, unsigned char *in_tree)
{
    int *idx = int_array(el->m, 0);
    dsu_t d;
    int64_t total = 0;
    *used_edges = 0;
    if (!idx || dsu_init(&d, el->n)) {
        free(idx);
        return -1;
    }
    for (int i = 0; i < el->m; i++)
        idx[i] = i;
    g_sort_el = el;
    qsort(idx, (size_t)el->m, sizeof(int), edge_index_cmp);
    memset(in_tree, 0, (size_t)el->m);
    for (int k = 0; k < el->m; k++) {
        const edge_t *e = &el->e[idx[k]];
        if (dsu_union(&d, e->u, e->v)) {
            total += e->w;
            in_tree[idx[k]] = 1;
            (*used_edges)++;
        }
    }
    dsu_free(&d);
    free(idx);
    return total;
}

typedef struct {
    int64_t key;
    int v;
} hnode_t;

static void heap_push(hnode_t *h, int *size, int64_t key, int v)
{
    int i = (*size)++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (h[p].key < key || (h[p].key == key && h[p].v <= v))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i].key = key;
    h[i].v = v;
}

static hnode_t heap_pop(hnode_t *h, int *size)
{
    hnode_t top = h[0], last = h[--(*size)];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= *size)
            break;
        if (c + 1 < *size && (h[c + 1].key < h[c].key || (h[c + 1].key == h[c].key && h[c + 1].v < h[c].v)))
            c++;
        if (last.key < h[c].key || (last.key == h[c].key && last.v <= h[c].v))
            break;
        h[i] = h[c];
        i = c;
    }
    if (*size > 0)
        h[i] = last;
    return top;
}

static int64_t prim(const csr_t *g, const edgelist_t *el, int *trees)
{
    int n = g->n;
    int64_t *best = malloc(sizeof(int64_t) * (size_t)n);
    unsigned char *done = calloc((size_t)n + 1, 1);
    hnode_t *heap = malloc(sizeof(hnode_t) * (size_t)(2 * el->m + n + 1));
    int64_t total = 0;
    *trees = 0;
    if (!best || !done || !heap) {
        free(best);
        free(done);
        free(heap);
        return -1;
    }
    for (int v = 0; v < n; v++)
        best[v] = INF64;
    for (int s = 0; s < n; s++) {
        if (done[s])
            continue;
        (*trees)++;
        int hs = 0;
        best[s] = 0;
        heap_push(heap, &hs, 0, s);
        while (hs > 0) {
            hnode_t t = heap_pop(heap, &hs);
            if (done[t.v] || t.key != best[t.v])
                continue;
            done[t.v] = 1;
            total += t.key;
            for (int p = g->off[t.v]; p < g->off[t.v + 1]; p++) {
                int v = g->nbr[p];
                int64_t w = el->e[g->eid[p]].w;
                if (!done[v] && w < best[v]) {
                    best[v] = w;
                    heap_push(heap, &hs, w, v);
                }
            }
        }
    }
    free(best);
    free(done);
    free(heap);
    return total;
}

/* cycle property check: every non-tree edge is at least as heavy as the max edge on the tree path */
static int verify_mst_cycle_property(const edgelist_t *el, const unsigned char *in_tree)
{
    edgelist_t t;
    csr_t tg;
    int ok = 1;
    if (el_init(&t, el->n, el->n))
        return 0;
    for (int i = 0; i < el->m; i++)
        if (in_tree[i] && el_add(&t, el->e[i].u, el->e[i].v, el->e[i].w)) {
            el_free(&t);
            return 0;
        }
    memset(&tg, 0, sizeof tg);
    int *par = int_array(el->n, NONE), *pw = int_array(el->n, 0), *depth = int_array(el->n, NONE);
    int *queue = int_array(el->n, 0);
    if (csr_build(&tg, &t, ADJ_BOTH) || !par || !pw || !depth || !queue) {
        ok = 0;
        goto out;
    }
    /* root every tree and record parent weights */
    for (int s = 0; s < el->n; s++) {
        if (depth[s] != NONE)
            continue;
        int qh = 0, qt = 0;
        depth[s] = 0;
        queue[qt++] = s;
        while (qh < qt) {
            int u = queue[qh++];
            for (int p = tg.off[u]; p < tg.off[u + 1]; p++) {
                int v = tg.nbr[p];
                if (depth[v] == NONE) {
                    depth[v] = depth[u] + 1;
                    par[v] = u;
                    pw[v] = t.e[tg.eid[p]].w;
                    queue[qt++] = v;
                }
            }
        }
    }
    for (int i = 0; i < el->m && ok; i++) {
        if (in_tree[i])
            continue;
        int a = el->e[i].u, b = el->e[i].v;
        int32_t mx = INT32_MIN;
        while (a != b) {
            if (depth[a] < depth[b]) {
                int x = a;
                a = b;
                b = x;
            }
            if (par[a] == NONE) {
                ok = 0; /* endpoints in different trees: should not happen */
                break;
            }
            if (pw[a] > mx)
                mx = pw[a];
            a = par[a];
        }
        if (ok && el->e[i].w < mx)
            ok = 0;
    }
out:
    free(par);
    free(pw);
    free(depth);
    free(queue);
    csr_free(&tg);
    el_free(&t);
    return ok;
}

/* ------------------------------------------------------------------ */
/* shortest paths: Bellman-Ford and Floyd-Warshall                     */
/* ------------------------------------------------------------------ */

/* returns 1 if a negative cycle is reachable from src, 0 otherwise, -1 on error */
static int bellman_ford(const edgelist_t *el, int src, int64_t *dist, int *rounds)
{
    for (int v = 0; v < el->n; v++)
        dist[v] = INF64;
    dist[src] = 0;
    *rounds = 0;
    for (int it = 0; it < el->n - 1; it++) {
        int changed = 0;
        (*rounds)++;
        for (int i = 0; i < el->m; i++) {
            const edge_t *e = &el->e[i];
            if (dist[e->u] == INF64)
                continue;
            int64_t nd = dist[e->u] + e->w;
            if (nd < dist[e->v]) {
                dist[e->v] = nd;
                changed = 1;
            }
        }
        if (!changed)
            return 0;
    }
    for (int i = 0; i < el->m; i++) {
        const edge_t *e = &el->e[i];
        if (dist[e->u] != INF64 && dist[e->u] + e->w < dist[e->v])
            return 1;
    }
    return 0;
}

/* all pairs; d is n*n; returns 1 if any negative cycle exists */
static int floyd_warshall(const edgelist_t *el, int64_t *d)
{
    int n = el->n;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            d[i * n + j] = i == j ? 0 : INF64;
    for (int k = 0; k < el->m; k++) {
        const edge_t *e = &el->e[k];
        if (e->w < d[e->u * n + e->v])
            d[e->u * n + e->v] = e->w;
    }
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < n; i++) {
            int64_t dik = d[i * n + k];
            if (dik == INF64)
                continue;
            for (int j = 0; j < n; j++) {
                int64_t dkj = d[k * n + j];
                if (dkj == INF64)
                    continue;
                /* with a negative cycle values can drift down; clamp to stay far from overflow */
                int64_t cand = dik + dkj;
                if (cand < -((int64_t)1 << 40))
                    cand = -((int64_t)1 << 40);
                if (cand < d[i * n + j])
                    d[i * n + j] = cand;
            }
        }
    }
    for (int i = 0; i < n; i++)
        if (d[i * n + i] < 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* bipartiteness: BFS 2-colouring and parity union-find                */
/* ------------------------------------------------------------------ */

static int bipartite_bfs(const csr_t *g, int *color, int *conflict_edge)
{
    int *queue = int_array(g->n, 0);
    int ok = 1;
    *conflict_edge = NONE;
    if (!queue)
        return -1;
    for (int v = 0; v < g->n; v++)
        color[v] = NONE;
    for (int s = 0; s < g->n && ok; s++) {
        if (color[s] != NONE)
            continue;
        int qh = 0, qt = 0;
        color[s] = 0;
        queue[qt++] = s;
        while (qh < qt && ok) {
            int u = queue[qh++];
            for (int p = g->off[u]; p < g->off[u + 1]; p++) {
                int v = g->nbr[p];
                if (color[v] == NONE) {
                    color[v] = 1 - color[u];
                    queue[qt++] = v;
                } else if (color[v] == color[u]) {
                    ok = 0;
                    *conflict_edge = g->eid[p];
                    break;
                }
            }
        }
    }
    free(queue);
    return ok;
}

/* union-find with parity: parity[x] = colour of x relative to its parent */
static int pf_find(int *parent, int *parity, int x, int *par_out)
{
    int p = 0, root = x;
    while (parent[root] != root) {
        p ^= parity[root];
        root = parent[root];
    }
    /* compress, fixing parities along the way */
    int acc = p;
    while (parent[x] != x) {
        int nx = parent[x];
        int px = parity[x];
        parent[x] = root;
        parity[x] = acc;
        acc ^= px;
        x = nx;
    }
    *par_out = p;
    return root;
}

static int bipartite_dsu(const edgelist_t *el)
{
    int *parent = int_array(el->n, 0), *parity = int_array(el->n, 0);
    int ok = 1;
    if (!parent || !parity) {
        free(parent);
        free(parity);
        return -1;
    }
    for (int i = 0; i < el->n; i++)
        parent[i] = i;
    for (int i = 0; i < el->m && ok; i++) {
        int pu, pv;
        int ru = pf_find(parent, parity, el->e[i].u, &pu);
        int rv = pf_find(parent, parity, el->e[i].v, &pv);
        if (ru == rv) {
            if (pu == pv)
                ok = 0;
        } else {
            parent[ru] = rv;
            parity[ru] = pu ^ pv ^ 1;
        }
    }
    free(parent);
    free(parity);
    return ok;
}

/* ------------------------------------------------------------------ */
/* test drivers                                                        */
/* ------------------------------------------------------------------ */

static int g_failures;

static void report(const char *what, int ok)
{
    if (!ok)
        g_failures++;
    printf("  %-34s %s\n", what, ok ? "OK" : "FAIL");
}

static void test_undirected(const char *name, edgelist_t *el)
{
    csr_t g;
    char line[96];
    memset(&g, 0, sizeof g);
    printf("[%s] undirected n=%d m=%d\n", name, el->n, el->m);
    if (csr_build(&g, el, ADJ_BOTH)) {
        csr_free(&g);
        report("alloc", 0);
        return;
    }
    int n = el->n;
    int *dist = int_array(n, 0), *parent = int_array(n, 0), *order = int_array(n, 0);
    int64_t *bf = malloc(sizeof(int64_t) * (size_t)n);
    unsigned char *is_cut = malloc((size_t)n + 1), *is_bridge = malloc((size_t)el->m + 1);
    unsigned char *in_tree = malloc((size_t)el->m + 1);
    int *color = int_array(n, 0), *mark = int_array(n, 0), *stack = int_array(n, 0);
    if (!dist || !parent || !order || !bf || !is_cut || !is_bridge || !in_tree || !color || !mark || !stack) {
        report("alloc", 0);
        goto done;
    }

    /* BFS vs Bellman-Ford with unit weights on a symmetric copy */
    {
        int reached = bfs(&g, 0, dist, parent, order);
        edgelist_t unit;
        int ok = 1, rounds = 0, ecc = 0;
        if (el_init(&unit, n, 2 * el->m)) {
            report("bfs alloc", 0);
            goto done;
        }
        for (int i = 0; i < el->m; i++) {
            el_add(&unit, el->e[i].u, el->e[i].v, 1);
            el_add(&unit, el->e[i].v, el->e[i].u, 1);
        }
        bellman_ford(&unit, 0, bf, &rounds);
        for (int v = 0; v < n; v++) {
            int64_t expect = dist[v] == NONE ? INF64 : dist[v];
            if (bf[v] != expect)
                ok = 0;
            if (dist[v] > ecc)
                ecc = dist[v];
            if (parent[v] != NONE && dist[parent[v]] + 1 != dist[v])
                ok = 0;
            mix_in((uint32_t)dist[v]);
        }
        el_free(&unit);
        snprintf(line, sizeof line, "bfs reached=%d ecc=%d bf_rounds=%d", reached, ecc, rounds);
        report(line, ok);
    }

    /* components, articulation points and bridges (low-link vs brute force) */
    {
        int comps = count_components(&g, NONE, NONE, mark, stack);
        find_cuts(&g, el->m, is_cut, is_bridge);
        int cuts = 0, bridges = 0;
        for (int v = 0; v < n; v++)
            cuts += is_cut[v];
        for (int e = 0; e < el->m; e++)
            bridges += is_bridge[e];
        int ok = verify_cuts(&g, el->m, is_cut, is_bridge);
        snprintf(line, sizeof line, "components=%d cut_vertices=%d bridges=%d", comps, cuts, bridges);
        report(line, ok);
        mix_in((uint32_t)comps);
        mix_in((uint32_t)cuts * 131u + (uint32_t)bridges);
        for (int v = 0; v < n; v++)
            if (is_cut[v])
                mix_in((uint32_t)v);
    }

    /* minimum spanning forest */
    {
        int used = 0, trees = 0;
        int64_t wk = kruskal(el, &used, in_tree);
        int64_t wp = prim(&g, el, &trees);
        int ok = wk == wp && used == n - trees && verify_mst_cycle_property(el, in_tree);
        snprintf(line, sizeof line, "msf kruskal=%lld prim=%lld edges=%d trees=%d", (long long)wk, (long long)wp,
                 used, trees);
        report(line, ok);
        mix_in((uint32_t)wk);
    }

    /* bipartiteness */
    {
        int conflict = NONE;
        int b1 = bipartite_bfs(&g, color, &conflict);
        int b2 = bipartite_dsu(el);
        int ok = b1 == b2;
        if (b1 == 1) {
            for (int i = 0; i < el->m; i++)
                if (color[el->e[i].u] == color[el->e[i].v])
                    ok = 0;
        } else if (conflict == NONE) {
            ok = 0;
        }
        snprintf(line, sizeof line, "bipartite=%s (dsu=%s)", b1 == 1 ? "yes" : "no", b2 == 1 ? "yes" : "no");
        report(line, ok);
        mix_in((uint32_t)b1 * 2u + (uint32_t)b2);
    }

done:
    free(dist);
    free(parent);
    free(order);
    free(bf);
    free(is_cut);
    free(is_bridge);
    free(in_tree);
    free(color);
    free(mark);
    free(stack);
    csr_free(&g);
}

static void test_directed(const char *name, edgelist_t *el, int expect_dag)
{
    csr_t out, in;
    char line[96];
    memset(&out, 0, sizeof out);
    memset(&in, 0, sizeof in);
    printf("[%s] directed n=%d m=%d\n", name, el->n, el->m);
    int n = el->n;
    int *o1 = int_array(n, 0), *o2 = int_array(n, 0), *rank = int_array(n, 0);
    int *c1 = int_array(n, 0), *c2 = int_array(n, 0);
    dfs_result_t r;
    r.tree = r.back = r.forward = r.cross = r.trees = 0;
    r.disc = int_array(n, 0);
    r.fin = int_array(n, 0);
    r.parent = int_array(n, 0);
    if (csr_build(&out, el, ADJ_OUT) || csr_build(&in, el, ADJ_IN) || !o1 || !o2 || !rank || !c1 || !c2 ||
        !r.disc || !r.fin || !r.parent) {
        report("alloc", 0);
        goto done;
    }

    /* DFS with edge classification */
    {
        int ok = dfs_directed(&out, &r) == 0 && check_dfs(&out, &r);
        /* a directed graph is acyclic iff DFS finds no back edge */
        if ((r.back == 0) != (expect_dag != 0))
            ok = 0;
        snprintf(line, sizeof line, "dfs trees=%d tree=%d back=%d fwd=%d cross=%d", r.trees, r.tree, r.back,
                 r.forward, r.cross);
        report(line, ok);
        mix_in((uint32_t)(r.tree * 7 + r.back * 5 + r.forward * 3 + r.cross));
    }

    /* topological sorts */
    {
        int k1 = topo_kahn(&out, o1);
        int k2 = topo_dfs(&out, o2);
        int ok;
        if (expect_dag) {
            ok = k1 == n && k2 == n && check_topo(el, o1, rank) && check_topo(el, o2, rank);
            int64_t lp1 = dag_longest_path(&out, el, o1);
            int64_t lp2 = dag_longest_path(&out, el, o2);
            if (lp1 != lp2)
                ok = 0;
            snprintf(line, sizeof line, "topo kahn+dfs valid, longest_path=%lld", (long long)lp1);
            mix_in((uint32_t)lp1);
            for (int i = 0; i < n; i++)
                mix_in((uint32_t)o1[i]);
        } else {
            ok = k1 < n && k2 == 0;
            snprintf(line, sizeof line, "topo detects cycle (kahn emitted %d)", k1);
            mix_in((uint32_t)k1);
        }
        report(line, ok);
    }

    /* strongly connected components */
    {
        int n1 = scc_tarjan(&out, c1);
        int n2 = scc_kosaraju(&out, &in, c2);
        int cond_edges = 0;
        int ok = n1 == n2 && n1 > 0 && same_partition(c1, c2, n, n1) && condensation_is_dag(el, c1, n1, &cond_edges);
        if (expect_dag && n1 != n)
            ok = 0;
        int largest = 0;
        int *sz = int_array(n1 > 0 ? n1 : 1, 0);
        if (sz) {
            for (int v = 0; v < n; v++)
                if (c1[v] >= 0 && c1[v] < n1)
                    sz[c1[v]]++;
            for (int c = 0; c < n1; c++)
                if (sz[c] > largest)
                    largest = sz[c];
            free(sz);
        }
        snprintf(line, sizeof line, "scc tarjan=%d kosaraju=%d largest=%d cond_edges=%d", n1, n2, largest,
                 cond_edges);
        report(line, ok);
        mix_in((uint32_t)n1 * 1000u + (uint32_t)largest);
    }

done:
    free(o1);
    free(o2);
    free(rank);
    free(c1);
    free(c2);
    free(r.disc);
    free(r.fin);
    free(r.parent);
    csr_free(&out);
    csr_free(&in);
}

static void test_shortest_paths(const char *name, edgelist_t *el, int expect_neg_cycle)
{
    int n = el->n;
    char line[96];
    printf("[%s] weighted digraph n=%d m=%d\n", name, n, el->m);
    int64_t *fw = malloc(sizeof(int64_t) * (size_t)n * (size_t)n);
    int64_t *bf = malloc(sizeof(int64_t) * (size_t)n);
    if (!fw || !bf) {
        free(fw);
        free(bf);
        report("alloc", 0);
        return;
    }
    int negs = 0;
    for (int i = 0; i < el->m; i++)
        negs += el->e[i].w < 0;
    int fw_neg = floyd_warshall(el, fw);
    if (expect_neg_cycle) {
        int bf_neg = 0, rounds = 0;
        for (int s = 0; s < n; s += 5)
            bf_neg |= bellman_ford(el, s, bf, &rounds) == 1;
        int ok = fw_neg == 1 && bf_neg;
        snprintf(line, sizeof line, "negative cycle detected fw=%d bf=%d (neg arcs %d)", fw_neg, bf_neg, negs);
        report(line, ok);
        mix_in(0xBADC0DEu + (uint32_t)negs);
    } else {
        int ok = fw_neg == 0, max_rounds = 0;
        int64_t sum = 0;
        int reach = 0;
        for (int s = 0; s < n; s++) {
            int rounds = 0;
            if (bellman_ford(el, s, bf, &rounds) != 0)
                ok = 0;
            if (rounds > max_rounds)
                max_rounds = rounds;
            for (int v = 0; v < n; v++) {
                if (bf[v] != fw[s * n + v])
                    ok = 0;
                if (bf[v] != INF64) {
                    sum += bf[v];
                    reach++;
                }
            }
        }
        /* triangle inequality on all arcs */
        for (int i = 0; i < el->m; i++) {
            const edge_t *e = &el->e[i];
            for (int s = 0; s < n; s += 9)
                if (fw[s * n + e->u] != INF64 && fw[s * n + e->u] + e->w < fw[s * n + e->v])
                    ok = 0;
        }
        snprintf(line, sizeof line, "apsp fw==bf pairs=%d sum=%lld neg_arcs=%d bf_rounds<=%d", reach,
                 (long long)sum, negs, max_rounds);
        report(line, ok);
        mix_in((uint32_t)sum);
        mix_in((uint32_t)((uint64_t)sum >> 32));
    }
    free(fw);
    free(bf);
}

int main(void)
{
    edgelist_t el;
    memset(&el, 0, sizeof el);

    /* undirected family */
    if (gen_connected(&el, 300, 450, 100) == 0)
        test_undirected("sparse_random", &el);
    el_free(&el);
    if (gen_blocks(&el, 40) == 0)
        test_undirected("block_chain", &el);
    el_free(&el);
    if (gen_grid(&el, 14, 16, 0) == 0)
        test_undirected("grid", &el);
    el_free(&el);
    if (gen_grid(&el, 14, 16, 1) == 0)
        test_undirected("grid_diag", &el);
    el_free(&el);

    /* directed family */
    if (gen_dag(&el, 250, 900) == 0)
        test_directed("dag", &el, 1);
    el_free(&el);
    if (gen_clustered(&el, 30, 8) == 0)
        test_directed("clusters", &el, 0);
    el_free(&el);

    /* shortest paths */
    if (gen_potential_digraph(&el, 60, 400, 0) == 0)
        test_shortest_paths("potential", &el, 0);
    el_free(&el);
    if (gen_potential_digraph(&el, 40, 200, 1) == 0)
        test_shortest_paths("negative_cycle", &el, 1);
    el_free(&el);

    printf("all checks: %s (%d failures)\n", g_failures == 0 ? "PASS" : "FAIL", g_failures);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
