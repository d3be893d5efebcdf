/* cgym-suite: category=graph; A* path finding with Manhattan heuristic on generated grid mazes, validated against BFS distances */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define W 101
#define H 81
#define CELLS (W * H)
#define UNREACHED (-1)

enum cell { OPEN = 0, WALL = 1 };

typedef struct {
    unsigned char cell[CELLS];
} grid_t;

static const int DX[4] = { 1, 0, -1, 0 };
static const int DY[4] = { 0, 1, 0, -1 };

static uint32_t rs = 0xDEADBEEFu;

static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 17;
    rs ^= rs << 5;
    return rs;
}

static int idx(int x, int y)
{
    return y * W + x;
}

static int in_bounds(int x, int y)
{
    return x >= 0 && x < W && y >= 0 && y < H;
}

/* perfect maze by iterative randomized depth-first carving on odd coordinates */
static int carve_maze(grid_t *g)
{
    int *stack = malloc(sizeof(int) * CELLS);
    if (!stack)
        return -1;
    memset(g->cell, WALL, sizeof g->cell);
    int sp = 0;
    g->cell[idx(1, 1)] = OPEN;
    stack[sp++] = idx(1, 1);
    while (sp > 0) {
        int cur = stack[sp - 1];
        int cx = cur % W, cy = cur / W;
        int options[4], no = 0;
        for (int d = 0; d < 4; d++) {
            int nx = cx + 2 * DX[d], ny = cy + 2 * DY[d];
            if (nx > 0 && nx < W - 1 && ny > 0 && ny < H - 1 && g->cell[idx(nx, ny)] == WALL)
                options[no++] = d;
        }
        if (no == 0) {
            sp--;
            continue;
        }
        int d = options[rnd() % (uint32_t)no];
        g->cell[idx(cx + DX[d], cy + DY[d])] = OPEN;
        g->cell[idx(cx + 2 * DX[d], cy + 2 * DY[d])] = OPEN;
        stack[sp++] = idx(cx + 2 * DX[d], cy + 2 * DY[d]);
    }
    free(stack);
    return 0;
}

/* open random interior walls to create cycles, then drop some blocks that may disconnect regions */
static void perturb(grid_t *g, int openings, int blocks)
{
    for (int i = 0; i < openings; i++) {
        int x = 1 + (int)(rnd() % (W - 2));
        int y = 1 + (int)(rnd() % (H - 2));
        g->cell[idx(x, y)] = OPEN;
    }
    for (int i = 0; i < blocks; i++) {
        int x = 1 + (int)(rnd() % (W - 2));
        int y = 1 + (int)(rnd() % (H - 2));
        g->cell[idx(x, y)] = WALL;
    }
}

static void open_field(grid_t *g, int density_pct)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int border = x == 0 || y == 0 || x == W - 1 || y == H - 1;
            g->cell[idx(x, y)] = (border || (int)(rnd() % 100u) < density_pct) ? WALL : OPEN;
        }
    /* a few long walls with gaps */
    for (int k = 0; k < 6; k++) {
        int x = 10 + 14 * k;
        int gap = 1 + (int)(rnd() % (H - 6));
        for (int y = 1; y < H - 1; y++)
            if (y < gap || y > gap + 3)
                g->cell[idx(x, y)] = WALL;
    }
}

/* ---------- BFS ---------- */

static long bfs_expanded;

static void bfs_all(const grid_t *g, int src, int *dist, int *queue)
{
    for (int i = 0; i < CELLS; i++)
        dist[i] = UNREACHED;
    int qh = 0, qt = 0;
    dist[src] = 0;
    queue[qt++] = src;
    while (qh < qt) {
        int cur = queue[qh++];
        int cx = cur % W, cy = cur / W;
        bfs_expanded++;
        for (int d = 0; d < 4; d++) {
            int nx = cx + DX[d], ny = cy + DY[d];
            if (!in_bounds(nx, ny))
                continue;
            int n = idx(nx, ny);
            if (g->cell[n] == OPEN && dist[n] == UNREACHED) {
                dist[n] = dist[cur] + 1;
                queue[qt++] = n;
            }
        }
    }
}

/* ---------- A* ---------- */

typedef struct {
    int f, g, node;
} open_t;

typedef struct {
    open_t *items;
    int size;
} open_heap_t;

/* smaller f first; among equal f prefer larger g (deeper), then smaller index */
static int open_before(const open_t *a, const open_t *b)
{
    if (a->f != b->f)
        return a->f < b->f;
    if (a->g != b->g)
        return a->g > b->g;
    return a->node < b->node;
}

static void oh_push(open_heap_t *h, open_t it)
{
    int i = h->size++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!open_before(&it, &h->items[p]))
            break;
        h->items[i] = h->items[p];
        i = p;
    }
    h->items[i] = it;
}

static open_t oh_pop(open_heap_t *h)
{
    open_t top = h->items[0];
    open_t last = h->items[--h->size];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= h->size)
            break;
        if (c + 1 < h->size && open_before(&h->items[c + 1], &h->items[c]))
            c++;
        if (!open_before(&h->items[c], &last))
            break;
        h->items[i] = h->items[c];
        i = c;
    }
    if (h->size > 0)
        h->items[i] = last;
    return top;
}

static int manhattan(int a, int b)
{
    int dx = a % W - b % W, dy = a / W - b / W;
    return (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
}

typedef struct {
    int *gscore;
    int *parent;
    unsigned char *closed;
    open_heap_t heap;
    long expanded;
    long pushes;
} astar_ws_t;

static int ws_init(astar_ws_t *ws)
{
    ws->gscore = malloc(sizeof(int) * CELLS);
    ws->parent = malloc(sizeof(int) * CELLS);
    ws->closed = malloc(CELLS);
    ws->heap.items = malloc(sizeof(open_t) * CELLS * 4);
    ws->heap.size = 0;
    ws->expanded = ws->pushes = 0;
    return (ws->gscore && ws->parent && ws->closed && ws->heap.items) ? 0 : -1;
}

static void ws_free(astar_ws_t *ws)
{
    free(ws->gscore);
    free(ws->parent);
    free(ws->closed);
    free(ws->heap.items);
}

/* returns path length or UNREACHED; use_h = 0 turns A* into Dijkstra */
static int astar(const grid_t *g, int start, int goal, int use_h, astar_ws_t *ws)
{
    for (int i = 0; i < CELLS; i++) {
        ws->gscore[i] = INT32_MAX;
        ws->parent[i] = -1;
        ws->closed[i] = 0;
    }
    ws->heap.size = 0;
    ws->gscore[start] = 0;
    oh_push(&ws->heap, (open_t){ use_h ? manhattan(start, goal) : 0, 0, start });
    ws->pushes++;
    while (ws->heap.size > 0) {
        open_t cur = oh_pop(&ws->heap);
        if (ws->closed[cur.node])
            continue;
        ws->closed[cur.node] = 1;
        ws->expanded++;
        if (cur.node == goal)
            return cur.g;
        int cx = cur.node % W, cy = cur.node / W;
        for (int d = 0; d < 4; d++) {
            int nx = cx + DX[d], ny = cy + DY[d];
            if (!in_bounds(nx, ny))
                continue;
            int n = idx(nx, ny);
            if (g->cell[n] != OPEN || ws->closed[n])
                continue;
            int ng = cur.g + 1;
            if (ng < ws->gscore[n]) {
                ws->gscore[n] = ng;
                ws->parent[n] = cur.node;
                oh_push(&ws->heap, (open_t){ ng + (use_h ? manhattan(n, goal) : 0), ng, n });
                ws->pushes++;
            }
        }
    }
    return UNREACHED;
}

/* walks the parent chain; checks every step is between adjacent open cells */
static int validate_path(const grid_t *g, const int *parent, int start, int goal, int expect_len, uint32_t *h)
{
    int len = 0, cur = goal;
    while (cur != start) {
        int p = parent[cur];
        if (p < 0 || manhattan(p, cur) != 1 || g->cell[p] != OPEN || g->cell[cur] != OPEN)
            return 0;
        *h = (*h ^ (uint32_t)cur) * 0x01000193u;
        cur = p;
        if (++len > CELLS)
            return 0;
    }
    return len == expect_len;
}

static int pick_open(const grid_t *g)
{
    for (;;) {
        int c = (int)(rnd() % CELLS);
        if (g->cell[c] == OPEN)
            return c;
    }
}

static void print_corner(const grid_t *g, const int *dist)
{
    /* small rendering of the top-left corner: wall '#', distance mod 10 otherwise */
    for (int y = 0; y < 7; y++) {
        char line[32];
        int x;
        for (x = 0; x < 24; x++) {
            int c = idx(x, y);
            if (g->cell[c] == WALL)
                line[x] = '#';
            else if (dist[c] == UNREACHED)
                line[x] = '?';
            else
                line[x] = (char)('0' + dist[c] % 10);
        }
        line[x] = '\0';
        printf("  %s\n", line);
    }
}

int main(void)
{
    grid_t *g = malloc(sizeof(grid_t));
    int *dist = malloc(sizeof(int) * CELLS);
    int *queue = malloc(sizeof(int) * CELLS);
    astar_ws_t ws;
    uint32_t checksum = 0x811c9dc5u;
    int all_ok = 1;
    memset(&ws, 0, sizeof ws);
    if (!g || !dist || !queue || ws_init(&ws) != 0) {
        free(g); free(dist); free(queue); ws_free(&ws);
        return 1;
    }

    static const char *names[] = { "perfect_maze", "braided_maze", "open_field" };
    for (int scenario = 0; scenario < 3; scenario++) {
        if (scenario < 2) {
            if (carve_maze(g) != 0)
                break;
            if (scenario == 1)
                perturb(g, 600, 150);
        } else {
            open_field(g, 22);
        }
        int open_cells = 0;
        for (int i = 0; i < CELLS; i++)
            open_cells += g->cell[i] == OPEN;

        long a_exp = 0, d_exp = 0, pairs = 0, unreachable = 0, total_len = 0;
        int ok = 1, longest = 0;
        bfs_expanded = 0;
        for (int q = 0; q < 6; q++) {
            int start = pick_open(g);
            bfs_all(g, start, dist, queue);
            if (q == 0 && scenario == 0) {
                printf("%s corner distances from start %d:\n", names[scenario], start);
                print_corner(g, dist);
            }
            for (int k = 0; k < 4; k++) {
                int goal = pick_open(g);
                ws.expanded = 0;
                int la = astar(g, start, goal, 1, &ws);
                a_exp += ws.expanded;
                uint32_t ph = 0x811c9dc5u;
                if (la != dist[goal])
                    ok = 0;
                if (la != UNREACHED) {
                    if (!validate_path(g, ws.parent, start, goal, la, &ph))
                        ok = 0;
                    total_len += la;
                    if (la > longest)
                        longest = la;
                } else {
                    unreachable++;
                }
                ws.expanded = 0;
                int ld = astar(g, start, goal, 0, &ws);
                d_exp += ws.expanded;
                if (ld != la)
                    ok = 0;
                checksum = (checksum ^ (uint32_t)(la + 1)) * 0x01000193u;
                checksum ^= ph;
                pairs++;
            }
        }
        all_ok &= ok;
        printf("%-13s open=%d pairs=%ld unreachable=%ld total_len=%ld longest=%d expanded: astar=%ld "
               "dijkstra=%ld bfs=%ld %s\n",
               names[scenario], open_cells, pairs, unreachable, total_len, longest, a_exp, d_exp, bfs_expanded,
               ok ? "OK" : "FAIL");
    }

    printf("all checks: %s\n", all_ok ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(g); free(dist); free(queue); ws_free(&ws);
    return 0;
}
