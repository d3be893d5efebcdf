/* cgym-suite: category=interpreter; Brainfuck interpreter with bracket precomputation plus an optimizing IR interpreter, cross-checked */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define TAPE_SIZE 30000
#define OUT_MAX 8192
#define STEP_LIMIT 20000000L

typedef enum { BF_OK, BF_UNBALANCED, BF_TAPE_UNDERFLOW, BF_TAPE_OVERFLOW, BF_STEPS, BF_OUTPUT } BfStatus;

static const char *const status_names[] = {"ok", "unbalanced brackets", "tape underflow",
                                           "tape overflow", "step limit", "output overflow"};

typedef struct {
    uint8_t tape[TAPE_SIZE];
    uint8_t out[OUT_MAX];
    size_t nout;
    long steps;
    int ptr;
    int max_ptr;
} Machine;

static void machine_reset(Machine *m)
{
    memset(m->tape, 0, sizeof(m->tape));
    m->nout = 0;
    m->steps = 0;
    m->ptr = 0;
    m->max_ptr = 0;
}

static uint32_t tape_hash(const Machine *m)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i <= m->max_ptr; i++) {
        h ^= m->tape[i];
        h *= 16777619u;
    }
    return h;
}

/* ------------------------------------------------------------------------- */
/* Bracket precomputation                                                    */
/* ------------------------------------------------------------------------- */

static int precompute_brackets(const char *prog, size_t len, int *match)
{
    int *stack = (int *)malloc((len + 1) * sizeof(int));
    int sp = 0;
    int ok = 1;
    if (!stack)
        exit(1);
    for (size_t i = 0; i < len; i++) {
        match[i] = -1;
        if (prog[i] == '[') {
            stack[sp++] = (int)i;
        } else if (prog[i] == ']') {
            if (sp == 0) {
                ok = 0;
                break;
            }
            int j = stack[--sp];
            match[i] = j;
            match[j] = (int)i;
        }
    }
    if (sp != 0)
        ok = 0;
    free(stack);
    return ok;
}

/* ------------------------------------------------------------------------- */
/* Reference interpreter: one character at a time                            */
/* ------------------------------------------------------------------------- */

static BfStatus run_naive(const char *prog, size_t len, const int *match, const char *input,
                          Machine *m)
{
    size_t in_pos = 0;
    size_t in_len = input ? strlen(input) : 0;
    size_t pc = 0;
    machine_reset(m);
    while (pc < len) {
        if (++m->steps > STEP_LIMIT)
            return BF_STEPS;
        switch (prog[pc]) {
        case '+':
            m->tape[m->ptr]++;
            break;
        case '-':
            m->tape[m->ptr]--;
            break;
        case '>':
            if (m->ptr + 1 >= TAPE_SIZE)
                return BF_TAPE_OVERFLOW;
            m->ptr++;
            if (m->ptr > m->max_ptr)
                m->max_ptr = m->ptr;
            break;
        case '<':
            if (m->ptr == 0)
                return BF_TAPE_UNDERFLOW;
            m->ptr--;
            break;
        case '.':
            if (m->nout >= OUT_MAX)
                return BF_OUTPUT;
            m->out[m->nout++] = m->tape[m->ptr];
            break;
        case ',':
            /* end of input reads as 0 */
            m->tape[m->ptr] = in_pos < in_len ? (uint8_t)input[in_pos++] : 0;
            break;
        case '[':
            if (m->tape[m->ptr] == 0)
                pc = (size_t)match[pc];
            break;
        case ']':
            if (m->tape[m->ptr] != 0)
                pc = (size_t)match[pc];
            break;
        default:
            m->steps--; /* comments are free */
            break;
        }
        pc++;
    }
    return BF_OK;
}

/* ------------------------------------------------------------------------- */
/* Optimizing compiler to a small IR                                         */
/* ------------------------------------------------------------------------- */

typedef enum {
    IR_ADD,    /* tape[p] += arg */
    IR_MOVE,   /* p += arg */
    IR_OUT,
    IR_IN,
    IR_JZ,     /* if tape[p]==0 goto arg */
    IR_JNZ,    /* if tape[p]!=0 goto arg */
    IR_CLEAR,  /* tape[p] = 0 */
    IR_MULADD, /* tape[p+arg] += tape[p]*arg2 */
    IR_SCAN,   /* while tape[p] p += arg */
    IR_END
} IrOp;

typedef struct {
    IrOp op;
    int arg;
    int arg2;
} Ir;

typedef struct {
    Ir *code;
    int n, cap;
    int clears, muladds, scans;
} IrProg;

static void ir_emit(IrProg *p, IrOp op, int arg, int arg2)
{
    if (p->n == p->cap) {
        int nc = p->cap ? p->cap * 2 : 64;
        Ir *nd = (Ir *)realloc(p->code, (size_t)nc * sizeof(Ir));
        if (!nd)
            exit(1);
        p->code = nd;
        p->cap = nc;
    }
    p->code[p->n].op = op;
    p->code[p->n].arg = arg;
    p->code[p->n].arg2 = arg2;
    p->n++;
}

static int is_bf(char c)
{
    return c == '+' || c == '-' || c == '<' || c == '>' || c == '.' || c == ',' || c == '[' ||
           c == ']';
}

/* Tries to recognise a simple loop body: only +-<>, zero net movement and the
   loop cell decremented by exactly one per iteration. Records the per-offset
   deltas. Returns the number of (offset,delta) pairs, or -1. */
#define MAX_LOOP_OFFSETS 16

static int analyse_simple_loop(const char *prog, int open, int close, int *offs, int *deltas)
{
    int pos = 0, n = 0, cell0 = 0;
    for (int i = open + 1; i < close; i++) {
        char c = prog[i];
        if (!is_bf(c))
            continue;
        if (c == '>') {
            pos++;
        } else if (c == '<') {
            pos--;
        } else if (c == '+' || c == '-') {
            int d = c == '+' ? 1 : -1;
            if (pos == 0) {
                cell0 += d;
                continue;
            }
            int k;
            for (k = 0; k < n; k++)
                if (offs[k] == pos)
                    break;
            if (k == n) {
                if (n >= MAX_LOOP_OFFSETS)
                    return -1;
                offs[n] = pos;
                deltas[n] = 0;
                n++;
            }
            deltas[k] += d;
        } else {
            return -1;
        }
    }
    if (pos != 0 || cell0 != -1)
        return -1;
    return n;
}

static int compile_ir(const char *prog, size_t len, const int *match, IrProg *ir)
{
    int *open_stack = (int *)malloc((len + 1) * sizeof(int));
    int sp = 0;
    if (!open_stack)
        exit(1);
    ir->n = 0;
    ir->clears = ir->muladds = ir->scans = 0;
    size_t i = 0;
    while (i < len) {
        char c = prog[i];
        switch (c) {
        case '+':
        case '-': {
            int sum = 0;
            while (i < len && (prog[i] == '+' || prog[i] == '-' || !is_bf(prog[i]))) {
                if (prog[i] == '+')
                    sum++;
                else if (prog[i] == '-')
                    sum--;
                i++;
            }
            sum = ((sum % 256) + 256) % 256;
            if (sum)
                ir_emit(ir, IR_ADD, sum, 0);
            continue;
        }
        case '>':
        case '<': {
            int sum = 0;
            while (i < len && (prog[i] == '>' || prog[i] == '<' || !is_bf(prog[i]))) {
                if (prog[i] == '>')
                    sum++;
                else if (prog[i] == '<')
                    sum--;
                i++;
            }
            if (sum)
                ir_emit(ir, IR_MOVE, sum, 0);
            continue;
        }
        case '.':
            ir_emit(ir, IR_OUT, 0, 0);
            break;
        case ',':
            ir_emit(ir, IR_IN, 0, 0);
            break;
        case '[': {
            int close = match[i];
            /* [-] and [+] */
            int body = 0, only = 0;
            char bc = 0;
            for (int k = (int)i + 1; k < close; k++) {
                if (is_bf(prog[k])) {
                    body++;
                    bc = prog[k];
                }
            }
            only = body == 1;
            if (only && (bc == '-' || bc == '+')) {
                ir_emit(ir, IR_CLEAR, 0, 0);
                ir->clears++;
                i = (size_t)close + 1;
                continue;
            }
            if (only && (bc == '>' || bc == '<')) {
                ir_emit(ir, IR_SCAN, bc == '>' ? 1 : -1, 0);
                ir->scans++;
                i = (size_t)close + 1;
                continue;
            }
            int offs[MAX_LOOP_OFFSETS], deltas[MAX_LOOP_OFFSETS];
            int n = analyse_simple_loop(prog, (int)i, close, offs, deltas);
            if (n >= 0) {
                for (int k = 0; k < n; k++) {
                    if (deltas[k] != 0) {
                        ir_emit(ir, IR_MULADD, offs[k], deltas[k]);
                        ir->muladds++;
                    }
                }
                ir_emit(ir, IR_CLEAR, 0, 0);
                i = (size_t)close + 1;
                continue;
            }
            open_stack[sp++] = ir->n;
            ir_emit(ir, IR_JZ, -1, 0);
            break;
        }
        case ']': {
            int o = open_stack[--sp];
            ir_emit(ir, IR_JNZ, o + 1, 0);
            ir->code[o].arg = ir->n;
            break;
        }
        default:
            break;
        }
        i++;
    }
    ir_emit(ir, IR_END, 0, 0);
    free(open_stack);
    return 1;
}

static BfStatus run_ir(const IrProg *ir, const char *input, Machine *m)
{
    size_t in_pos = 0;
    size_t in_len = input ? strlen(input) : 0;
    int pc = 0;
    machine_reset(m);
    for (;;) {
        const Ir *in = &ir->code[pc];
        if (++m->steps > STEP_LIMIT)
            return BF_STEPS;
        switch (in->op) {
        case IR_ADD:
            m->tape[m->ptr] = (uint8_t)(m->tape[m->ptr] + in->arg);
            break;
        case IR_MOVE:
            if (m->ptr + in->arg < 0)
                return BF_TAPE_UNDERFLOW;
            if (m->ptr + in->arg >= TAPE_SIZE)
                return BF_TAPE_OVERFLOW;
            m->ptr += in->arg;
            if (m->ptr > m->max_ptr)
                m->max_ptr = m->ptr;
            break;
        case IR_OUT:
            if (m->nout >= OUT_MAX)
                return BF_OUTPUT;
            m->out[m->nout++] = m->tape[m->ptr];
            break;
        case IR_IN:
            m->tape[m->ptr] = in_pos < in_len ? (uint8_t)input[in_pos++] : 0;
            break;
        case IR_JZ:
            if (m->tape[m->ptr] == 0)
                pc = in->arg - 1;
            break;
        case IR_JNZ:
            if (m->tape[m->ptr] != 0)
                pc = in->arg - 1;
            break;
        case IR_CLEAR:
            m->tape[m->ptr] = 0;
            break;
        case IR_MULADD: {
            int t = m->ptr + in->arg;
            if (m->tape[m->ptr] != 0) {
                if (t < 0)
                    return BF_TAPE_UNDERFLOW;
                if (t >= TAPE_SIZE)
                    return BF_TAPE_OVERFLOW;
                unsigned prod = (unsigned)m->tape[m->ptr] * (unsigned)((in->arg2 % 256 + 256) % 256);
                m->tape[t] = (uint8_t)(m->tape[t] + prod);
                if (t > m->max_ptr)
                    m->max_ptr = t;
            }
            break;
        }
        case IR_SCAN:
            while (m->tape[m->ptr] != 0) {
                if (m->ptr + in->arg < 0)
                    return BF_TAPE_UNDERFLOW;
                if (m->ptr + in->arg >= TAPE_SIZE)
                    return BF_TAPE_OVERFLOW;
                m->ptr += in->arg;
                if (m->ptr > m->max_ptr)
                    m->max_ptr = m->ptr;
            }
            break;
        case IR_END:
            return BF_OK;
        }
        pc++;
    }
}

/* ------------------------------------------------------------------------- */
/* Program generators                                                        */
/* ------------------------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
} Buf;

static void buf_putc(Buf *b, char c)
{
    if (b->len + 2 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        char *ns = (char *)realloc(b->s, nc);
        if (!ns)
            exit(1);
        b->s = ns;
        b->cap = nc;
    }
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

static void buf_rep(Buf *b, char c, int n)
{
    for (int i = 0; i < n; i++)
        buf_putc(b, c);
}

static void buf_puts(Buf *b, const char *s)
{
    while (*s)
        buf_putc(b, *s++);
}

/* Generates a program printing `text`, using cell 1 as a multiplication temp. */
static void gen_text_printer(Buf *b, const char *text)
{
    int cur = 0;
    for (const char *p = text; *p; p++) {
        int target = (uint8_t)*p;
        int diff = target - cur;
        if (diff > 127)
            diff -= 256;
        if (diff < -128)
            diff += 256;
        int mag = diff < 0 ? -diff : diff;
        char op = diff < 0 ? '-' : '+';
        if (mag > 12) {
            int f = 1;
            while ((f + 1) * (f + 1) <= mag)
                f++;
            int q = mag / f, r = mag % f;
            buf_putc(b, '>');
            buf_rep(b, '+', f);
            buf_puts(b, "[<");
            buf_rep(b, op, q);
            buf_puts(b, ">-]<");
            buf_rep(b, op, r);
        } else {
            buf_rep(b, op, mag);
        }
        buf_putc(b, '.');
        cur = target;
    }
}

/* Program that prints a multiplication table row by row as raw bytes:
   for i in 1..n, j in 1..n output (i*j) mod 256, using copy loops. */
static void gen_mul_table(Buf *b, int n)
{
    /* layout: c0 = i counter (n..1), c1 = i value, c2 = j counter, c3 = j, c4 = product, c5,c6 temps */
    buf_rep(b, '+', n); /* c0 = n */
    buf_puts(b, "[");   /* outer loop */
    buf_puts(b, ">+");  /* c1++ (i) */
    buf_puts(b, ">[-]");
    buf_rep(b, '+', n); /* c2 = n */
    buf_puts(b, ">[-]"); /* c3 = 0 */
    buf_puts(b, "<[");   /* inner loop on c2 */
    buf_puts(b, ">+");   /* c3++ (j) */
    /* c4 = c1 * c3 using c5, c6 as temps */
    buf_puts(b, ">[-]>[-]>[-]<<<"); /* clear c4..c6, back at c3 */
    buf_puts(b, "[->>+>+<<<]");     /* c5 = c6 = j, c3 = 0 */
    buf_puts(b, ">>>[-<<<+>>>]<");  /* restore c3 from c6, at c5 */
    buf_puts(b, "[-<<<<[->>>+>>+<<<<<]>>>>>[-<<<<<+>>>>>]<]"); /* c4 += c1 for each of c5 */
    buf_puts(b, "<.");              /* print c4 */
    buf_puts(b, "<<-]");            /* back at c2, decrement */
    buf_puts(b, "<<-]");            /* back at c0 */
}

typedef struct {
    const char *name;
    const char *prog;
    const char *input;
} Embedded;

static const Embedded embedded[] = {
    {"hello",
     "++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.>>.<-.<.+++.------."
     "--------.>>+.>++.",
     NULL},
    {"reverse", ">,[>,]<[.<]", "The quick brown fox jumps over the lazy dog"},
    {"shift", ",[+.,]", "HAL9000 says: Open the pod bay doors"},
    {"multiply", ",>,<[>[>+>+<<-]>>[<<+>>-]<<<-]>>.", "\x0b\x0d"},
    {"nested", "-[>-[>+>++<<-]<-]>>.>.", NULL},
    {"clear_scan", "+++++[>+++++<-]>[>+>+<<-]>>[-]<[[>]+[<]>-]>[>]<<.", NULL},
    {"comments",
     "[a comment loop: skipped since cell 0; it can hold + - . , < >]\n++ adds two\n>+++<[->+<]>.",
     NULL},
};

static const char *const unbalanced[] = {"[[]", "]", "+[-]]", "[[[[]]]"};

/* ------------------------------------------------------------------------- */
/* Driver                                                                    */
/* ------------------------------------------------------------------------- */

static uint32_t fnv_bytes(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static void show_output(const Machine *m)
{
    printf("    out(%zu): \"", m->nout);
    size_t lim = m->nout < 48 ? m->nout : 48;
    for (size_t i = 0; i < lim; i++) {
        uint8_t c = m->out[i];
        if (c >= 32 && c < 127 && c != '"' && c != '\\')
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    printf("%s\"\n", m->nout > lim ? "..." : "");
}

/* Runs a program through both interpreters and checks they agree. */
static int run_both(const char *name, const char *prog, const char *input, Machine *a,
                    Machine *b, uint32_t *h, int verbose)
{
    size_t len = strlen(prog);
    int *match = (int *)malloc((len + 1) * sizeof(int));
    if (!match)
        exit(1);
    if (!precompute_brackets(prog, len, match)) {
        printf("%-10s %s\n", name, status_names[BF_UNBALANCED]);
        free(match);
        return 0;
    }
    BfStatus s1 = run_naive(prog, len, match, input, a);
    IrProg ir = {NULL, 0, 0, 0, 0, 0};
    compile_ir(prog, len, match, &ir);
    BfStatus s2 = run_ir(&ir, input, b);
    int agree = s1 == s2 && a->nout == b->nout && memcmp(a->out, b->out, a->nout) == 0 &&
                a->ptr == b->ptr && memcmp(a->tape, b->tape, TAPE_SIZE) == 0;
    if (verbose) {
        printf("%-10s len=%5zu ir=%4d (clear %d, muladd %d, scan %d) steps naive=%ld ir=%ld %s %s\n",
               name, len, ir.n, ir.clears, ir.muladds, ir.scans, a->steps, b->steps,
               status_names[s1], agree ? "agree" : "DISAGREE");
        show_output(a);
    }
    *h = fnv_bytes(*h, a->out, a->nout);
    *h ^= tape_hash(a);
    *h *= 16777619u;
    *h ^= (uint32_t)a->steps;
    *h *= 16777619u;
    free(ir.code);
    free(match);
    return agree && s1 == BF_OK;
}

int main(void)
{
    Machine *a = (Machine *)malloc(sizeof(Machine));
    Machine *b = (Machine *)malloc(sizeof(Machine));
    if (!a || !b)
        return 1;
    uint32_t h = 2166136261u;
    int failures = 0;

    for (size_t i = 0; i < sizeof(embedded) / sizeof(embedded[0]); i++) {
        const Embedded *e = &embedded[i];
        if (!run_both(e->name, e->prog, e->input, a, b, &h, 1))
            failures++;
        /* program-specific checks against known answers */
        if (strcmp(e->name, "hello") == 0) {
            if (a->nout != 13 || memcmp(a->out, "Hello World!\n", 13) != 0)
                failures++;
        } else if (strcmp(e->name, "reverse") == 0) {
            size_t n = strlen(e->input);
            int ok = a->nout == n;
            for (size_t k = 0; ok && k < n; k++)
                ok = a->out[k] == (uint8_t)e->input[n - 1 - k];
            if (!ok)
                failures++;
        } else if (strcmp(e->name, "multiply") == 0) {
            if (a->nout != 1 || a->out[0] != (uint8_t)(11 * 13))
                failures++;
        } else if (strcmp(e->name, "nested") == 0) {
            if (a->nout != 2 || a->out[0] != (uint8_t)(255 * 255) || a->out[1] != (uint8_t)(2 * 255 * 255))
                failures++;
        }
    }

    /* multiplication of many input pairs */
    {
        const char *mul = embedded[3].prog;
        int bad = 0;
        uint32_t acc = 0;
        for (int x = 0; x < 40; x++) {
            char in[3];
            in[0] = (char)(1 + x * 7 % 50);
            in[1] = (char)(1 + x * 13 % 31);
            in[2] = '\0';
            if (!run_both("mul", mul, in, a, b, &h, 0))
                bad++;
            if (a->nout != 1 || a->out[0] != (uint8_t)((uint8_t)in[0] * (uint8_t)in[1]))
                bad++;
            acc += a->out[0];
        }
        printf("multiply pairs: 40, failures %d, sum %u\n", bad, (unsigned)acc);
        failures += bad;
    }

    /* generated text printer */
    {
        static const char text[] =
            "Brainfuck is an esoteric programming language created in 1993 by Urban Mueller.\n"
            "It consists of only eight simple commands, a data pointer and an instruction pointer.\n"
            "While fully Turing complete, it is not intended for practical use, but to challenge\n"
            "and amuse programmers. ~!@#$%^&*()_+{}|:<>? 0123456789\n";
        Buf g = {NULL, 0, 0};
        gen_text_printer(&g, text);
        if (!run_both("textgen", g.s, NULL, a, b, &h, 1))
            failures++;
        if (a->nout != strlen(text) || memcmp(a->out, text, a->nout) != 0)
            failures++;
        free(g.s);
    }

    /* generated multiplication table */
    {
        Buf g = {NULL, 0, 0};
        int n = 14;
        gen_mul_table(&g, n);
        if (!run_both("multable", g.s, NULL, a, b, &h, 1))
            failures++;
        int ok = a->nout == (size_t)(n * n);
        for (int i = 1; ok && i <= n; i++)
            for (int j = 1; ok && j <= n; j++)
                ok = a->out[(i - 1) * n + (j - 1)] == (uint8_t)(i * j);
        if (!ok)
            failures++;
        printf("multiplication table %dx%d %s\n", n, n, ok ? "verified" : "WRONG");
        free(g.s);
    }

    /* bracket errors */
    for (size_t i = 0; i < sizeof(unbalanced) / sizeof(unbalanced[0]); i++) {
        size_t len = strlen(unbalanced[i]);
        int *match = (int *)malloc((len + 1) * sizeof(int));
        if (!match)
            return 1;
        int ok = precompute_brackets(unbalanced[i], len, match);
        if (ok)
            failures++;
        free(match);
    }
    printf("unbalanced programs rejected: %zu\n", sizeof(unbalanced) / sizeof(unbalanced[0]));

    printf("failures: %d\n", failures);
    printf("checksum: 0x%08x\n", (unsigned)h);
    free(a);
    free(b);
    return 0;
}
