/* SPDX-License-Identifier: MIT */
/* Memory funnel, arena, diagnostics, buffers, files and processes. */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- cleanup of temporary directories ------------------------------------------ */

#define MAX_CLEANUP 16
static char *cleanup_dirs[MAX_CLEANUP];

static void run_cleanups(void)
{
    for (int i = 0; i < MAX_CLEANUP; i++) {
        if (cleanup_dirs[i]) {
            remove_tree(cleanup_dirs[i]);
            free(cleanup_dirs[i]);
            cleanup_dirs[i] = NULL;
        }
    }
}

void cleanup_register_dir(const char *path)
{
    static int registered;
    if (!registered) {
        atexit(run_cleanups);
        registered = 1;
    }
    for (int i = 0; i < MAX_CLEANUP; i++) {
        if (!cleanup_dirs[i]) {
            cleanup_dirs[i] = strdup(path);   /* plain strdup: must survive an OOM exit */
            return;
        }
    }
}

void cleanup_unregister_dir(const char *path)
{
    for (int i = 0; i < MAX_CLEANUP; i++) {
        if (cleanup_dirs[i] && strcmp(cleanup_dirs[i], path) == 0) {
            free(cleanup_dirs[i]);
            cleanup_dirs[i] = NULL;
        }
    }
}

_Noreturn void kiln_internal_error(const char *file, int line, const char *msg)
{
    fprintf(stderr, "kiln: internal error at %s:%d: %s (please report this)\n", file, line, msg);
    exit(5);   /* distinct from verify's 3 (mismatch) and 4 (generated code failed) */
}

/* ---- allocation funnel ---------------------------------------------------------- */

static long alloc_count;
static long alloc_fail_at = -1;

static int alloc_should_fail(void)
{
    if (alloc_fail_at < 0) {
        const char *s = getenv("KILN_FAIL_ALLOC");
        alloc_fail_at = s ? strtol(s, NULL, 10) : 0;
    }
    alloc_count++;
    return alloc_fail_at > 0 && alloc_count == alloc_fail_at;
}

static _Noreturn void out_of_memory(size_t size)
{
    fprintf(stderr, "kiln: error: out of memory (allocating %zu bytes)\n", size);
    exit(1);
}

void *kiln_malloc(size_t size)
{
    void *p = alloc_should_fail() ? NULL : malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *kiln_realloc(void *old, size_t size)
{
    void *p = alloc_should_fail() ? NULL : realloc(old, size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void kiln_free(void *p) { free(p); }

/* ---- arena ------------------------------------------------------------------------- */

typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} Chunk;

struct Arena {
    Chunk *head;
};

Arena *arena_new(void)
{
    Arena *a = kiln_malloc(sizeof *a);
    a->head = NULL;
    return a;
}

void *arena_alloc(Arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (!a->head || a->head->size - a->head->used < size) {
        size_t chunk = size > (1u << 16) ? size : (1u << 16);
        if (chunk > SIZE_MAX - sizeof(Chunk))
            out_of_memory(size);
        Chunk *c = kiln_malloc(sizeof(Chunk) + chunk);
        c->next = a->head;
        c->used = 0;
        c->size = chunk;
        a->head = c;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += size;
    memset(p, 0, size);
    return p;
}

void *arena_array(Arena *a, size_t count, size_t elem)
{
    if (elem && count > (SIZE_MAX / 2) / elem)
        out_of_memory(SIZE_MAX);
    return arena_alloc(a, count * elem);
}

char *arena_strdup(Arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    memcpy(p, s, n);
    return p;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(Arena *a)
{
    if (!a)
        return;
    for (Chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        kiln_free(c);
    }
    kiln_free(a);
}

/* ---- diagnostics ------------------------------------------------------------------- */

void diag_verror(Diag *d, const char *fmt, va_list ap)
{
    d->errors++;
    if (d->quiet)
        return;
    if (d->file)
        fprintf(stderr, "%s: error: ", d->file);
    else
        fprintf(stderr, "kiln: error: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void diag_error(Diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(d, fmt, ap);
    va_end(ap);
}

void diag_warning(Diag *d, const char *fmt, ...)
{
    if (d->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: warning: ", d->file ? d->file : "kiln");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- buffers ------------------------------------------------------------------------ */

void buf_reserve(Buf *b, size_t extra)
{
    if (b->cap - b->len > extra)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= extra) {
        if (cap > SIZE_MAX / 2)
            out_of_memory(extra);
        cap *= 2;
    }
    b->data = kiln_realloc(b->data, cap);
    b->cap = cap;
}

void buf_append(Buf *b, const void *data, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = 0;
}

void buf_puts(Buf *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        buf_append(b, small, (size_t)n);
        return;
    }
    buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_free(Buf *b)
{
    kiln_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- files -------------------------------------------------------------------------- */

int read_file(const char *path, Buf *out, Diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_error(d, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_append(out, tmp, n);
    int err = ferror(f);
    fclose(f);
    if (err) {
        diag_error(d, "cannot read '%s'", path);
        return -1;
    }
    if (!out->data)
        buf_reserve(out, 1);
    return 0;
}

int write_file(const char *path, const void *data, size_t n, Diag *d)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        diag_error(d, "cannot create '%s': %s", path, strerror(errno));
        return -1;
    }
    size_t w = n ? fwrite(data, 1, n, f) : 0;
    if (fclose(f) != 0 || w != n) {
        diag_error(d, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int make_temp_dir(const char *parent, const char *prefix, char *out, size_t out_size, Diag *d)
{
    if (!parent) {
        parent = getenv("TMPDIR");
        if (!parent || !*parent)
            parent = "/tmp";
    }
    snprintf(out, out_size, "%s/%sXXXXXX", parent, prefix);
    if (!mkdtemp(out)) {
        diag_error(d, "cannot create a temporary directory in '%s': %s", parent, strerror(errno));
        return -1;
    }
    return 0;
}

int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(path);
        if (dir) {
            struct dirent *e;
            while ((e = readdir(dir))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char sub[PATH_MAX];
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                remove_tree(sub);
            }
            closedir(dir);
        }
        return rmdir(path);
    }
    return unlink(path);
}

int remove_tree_if_empty(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(dir)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(dir);
    return empty;
}

int mkdir_p(const char *path, Diag *d)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            break;
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
        diag_error(d, "cannot create directory '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int path_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- processes ---------------------------------------------------------------------- */

int run_process(char *const argv[], const char *log_path, int timeout_s)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (log_path) {
            int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
                close(fd);
            }
        }
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) {
            dup2(devnull, 0);
            close(devnull);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    time_t start = time(NULL);
    for (;;) {
        pid_t r = waitpid(pid, &status, timeout_s ? WNOHANG : 0);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return -1;
        if (timeout_s && time(NULL) - start >= timeout_s) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return 128 + SIGKILL;
        }
        if (timeout_s) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

int run_logged(char *const argv[], const char *log_path, int timeout_s, const char *what,
               Diag *d)
{
    remove(log_path);
    int rc = run_process(argv, log_path, timeout_s);
    if (rc == 0)
        return 0;
    Buf b = {0};
    Diag quiet = {.quiet = 1};
    read_file(log_path, &b, &quiet);
    diag_error(d, "%s failed (exit %d%s)%s%s", what, rc, rc > 128 ? ", killed by a signal" : "",
               b.len ? ":\n" : "", b.len ? b.data : "");
    buf_free(&b);
    return -1;
}

const char *exe_dir(void)
{
    static char dir[PATH_MAX];
    if (!dir[0]) {
        char path[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
        if (n <= 0)
            return ".";
        path[n] = 0;
        path_dirname(path, dir, sizeof dir);
    }
    return dir;
}

const char *kiln_data_dir(void)
{
    static char found[PATH_MAX];
    if (found[0])
        return found;
    const char *home = getenv("KILN_HOME");
    char probe[PATH_MAX + 32];
    const char *candidates[4];
    char c1[PATH_MAX], c2[PATH_MAX], c3[PATH_MAX];
    snprintf(c1, sizeof c1, "%s/..", exe_dir());             /* build tree: build/kiln */
    snprintf(c2, sizeof c2, "%s/../..", exe_dir());          /* build/asan/kiln */
    snprintf(c3, sizeof c3, "%s/../share/kiln", exe_dir());  /* make install */
    candidates[0] = home;
    candidates[1] = c1;
    candidates[2] = c2;
    candidates[3] = c3;
    for (int i = 0; i < 4; i++) {
        if (!candidates[i])
            continue;
        snprintf(probe, sizeof probe, "%s/runtime/kiln.h", candidates[i]);
        if (path_exists(probe)) {
            if (!realpath(candidates[i], found))
                snprintf(found, sizeof found, "%s", candidates[i]);
            return found;
        }
    }
    return NULL;
}

/* ---- strings and paths ---------------------------------------------------------------- */

int str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

void str_to_c_ident(const char *in, char *out, size_t out_size)
{
    size_t j = 0;
    if (out_size == 0)
        return;
    if (!(*in >= 'a' && *in <= 'z') && !(*in >= 'A' && *in <= 'Z') && *in != '_' && j + 1 < out_size)
        out[j++] = '_';
    for (; *in && j + 1 < out_size; in++) {
        char c = *in;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        out[j++] = ok ? c : '_';
    }
    out[j] = 0;
}

void path_stem(const char *path, char *out, size_t out_size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, out_size, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = 0;
}

void path_dirname(const char *path, char *out, size_t out_size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(out, out_size, ".");
        return;
    }
    size_t n = (size_t)(slash - path);
    if (n == 0)
        n = 1;
    snprintf(out, out_size, "%.*s", (int)n, path);
}

int mul_overflow_i64(int64_t a, int64_t b, int64_t *out)
{
    return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}
