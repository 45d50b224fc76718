/* SPDX-License-Identifier: MIT */
/* Memory arena, diagnostics, strings and files shared by every layer of the compiler. */
#ifndef KILN_UTIL_H
#define KILN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KILN_VERSION "0.1.0"

#define KILN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define KILN_UNREACHABLE(msg) kiln_internal_error(__FILE__, __LINE__, msg)
#define KILN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* An internal bug, not a user error: prints file and line, exits 3. */
_Noreturn void kiln_internal_error(const char *file, int line, const char *msg);

/* Every heap allocation of the compiler goes through these two functions, so a test
 * build can fail the Nth one (KILN_FAIL_ALLOC=N). On failure they print a diagnostic
 * and exit 1 after the registered cleanups ran; they never return NULL. */
void *kiln_malloc(size_t size);
void *kiln_realloc(void *p, size_t size);
void kiln_free(void *p);

/* An arena holds all memory of one compilation; it is freed at once. */
typedef struct Arena Arena;
Arena *arena_new(void);
void *arena_alloc(Arena *a, size_t size);           /* zeroed, 16-byte aligned */
void *arena_array(Arena *a, size_t count, size_t elem); /* checks count*elem overflow */
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) KILN_PRINTF(2, 3);
void arena_free(Arena *a);

/* Diagnostics: errors go to stderr prefixed with the file being processed. */
typedef struct Diag {
    const char *file;   /* model path, or NULL */
    int errors;
    int quiet;          /* count but do not print (used when probing) */
} Diag;

void diag_error(Diag *d, const char *fmt, ...) KILN_PRINTF(2, 3);
void diag_verror(Diag *d, const char *fmt, va_list ap);
void diag_warning(Diag *d, const char *fmt, ...) KILN_PRINTF(2, 3);

/* Dynamic byte buffer (heap), used for file contents and generated text. */
typedef struct {
    char *data;
    size_t len, cap;
} Buf;
void buf_reserve(Buf *b, size_t extra);
void buf_append(Buf *b, const void *data, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_printf(Buf *b, const char *fmt, ...) KILN_PRINTF(2, 3);
void buf_free(Buf *b);

/* Files. read_file returns 0 on success and fills buf; errors go to d. */
int read_file(const char *path, Buf *out, Diag *d);
int write_file(const char *path, const void *data, size_t n, Diag *d);
int make_temp_dir(const char *parent, const char *prefix, char *out, size_t out_size, Diag *d);
int remove_tree(const char *path);
int mkdir_p(const char *path, Diag *d);
/* 1 if path is an empty directory (left in place), else 0. */
int remove_tree_if_empty(const char *path);
int path_is_dir(const char *path);
int path_exists(const char *path);
/* Registers a directory to delete at exit (temporary outputs); unregister when renamed. */
void cleanup_register_dir(const char *path);
void cleanup_unregister_dir(const char *path);

/* Runs argv (no shell); returns the exit status, 128+signal, or -1 if it could not run.
 * stdout/stderr go to log_path when non-NULL. timeout_s 0 means none. */
int run_process(char *const argv[], const char *log_path, int timeout_s);

/* run_process with a log file; on failure reports "WHAT failed (exit N): <log>" and
 * returns -1. */
int run_logged(char *const argv[], const char *log_path, int timeout_s, const char *what,
               Diag *d);

/* Directory of the running executable (for finding runtime/ and targets/). */
const char *exe_dir(void);
/* Finds kiln's data directory holding runtime/ (KILN_HOME, build tree, or install). */
const char *kiln_data_dir(void);

/* String helpers. */
int str_ends_with(const char *s, const char *suffix);
/* Turns an arbitrary name into a C identifier (letters, digits, '_'; no leading digit). */
void str_to_c_ident(const char *in, char *out, size_t out_size);
/* Path's final component without its extension. */
void path_stem(const char *path, char *out, size_t out_size);
void path_dirname(const char *path, char *out, size_t out_size);

/* Safe size arithmetic: returns 0 and sets *out, or -1 on overflow. */
int mul_overflow_i64(int64_t a, int64_t b, int64_t *out);

#endif
