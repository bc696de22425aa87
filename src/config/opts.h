/*
 * QemuOpts-style option lists.  An OptsGroup is one named group of options
 * ("machine", "device", "smp-opts"...): its rules (the implied first key,
 * whether later options merge into one, an optional key schema with types)
 * and the Opts parsed into it, in order.  An Opts is one instance: an
 * optional id and ordered key=value pairs, all kept as strings exactly as
 * given; the typed accessors convert on demand.
 *
 * The syntax is QEMU's (util/qemu-option.c, util/keyval.c):
 *   "virt,dumpdtb=f"  the first element without '=' is the implied key's value
 *   "a=x,,y"          ",," is a literal comma inside a value
 *   "key" / "nokey"   key=on / key=off (QemuOpts groups only, not keyval ones)
 *   "id=x"            the Opts's id, never a pair; well-formed and unique per group
 * Invariants: a key occurs at most once in an Opts (setting it again replaces
 * the value, which is QEMU's "last one wins"); ids are unique per group; a
 * group with a schema holds only keys of the schema, with values of the
 * right type.  Single-threaded: used while parsing the command line.
 */
#ifndef CONFIG_OPTS_H
#define CONFIG_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef enum OptType {
    OPT_STRING,
    OPT_BOOL,       /* on/off, yes/no, true/false, y/n */
    OPT_NUMBER,     /* unsigned, decimal or 0x hex */
    OPT_SIZE,       /* unsigned, optional fraction and k/M/G/T/P/E suffix (binary) */
} OptType;

typedef struct OptDesc {
    const char *name;
    OptType type;
} OptDesc;

typedef enum OptsGroupFlags {
    OPTS_MERGE = 1 << 0,    /* options without id merge into one Opts (-machine, -smp, -m) */
    OPTS_KEYVAL = 1 << 1,   /* keyval syntax: "key" without '=' is an error, no "nokey" */
    OPTS_ID_KEY = 1 << 2,   /* "id" is required (keyval -object) */
} OptsGroupFlags;

/* The static description of a group; desc == NULL accepts any key. */
typedef struct OptsGroupInfo {
    const char *name;
    const char *implied_key;    /* NULL: none */
    unsigned flags;             /* OptsGroupFlags */
    const OptDesc *desc;        /* terminated by { NULL } */
} OptsGroupInfo;

typedef struct OptsPair {
    char *key;
    char *value;
} OptsPair;

typedef struct OptsGroup OptsGroup;

typedef struct Opts {
    char *id;               /* NULL when none was given */
    OptsGroup *group;
    OptsPair *pairs;
    size_t count, capacity;
    struct Opts *next;
} Opts;

struct OptsGroup {
    const OptsGroupInfo *info;
    Opts *head;
    Opts **tail;
};

OptsGroup *opts_group_new(const OptsGroupInfo *info);
void opts_group_free(OptsGroup *g);
const char *opts_group_name(const OptsGroup *g);

/*
 * Parse "params" (the argument of -device, -smp...) into g: a new Opts, or
 * for OPTS_MERGE groups the existing id-less one.  On error nothing is added
 * to g (a merge target keeps its previous keys) and *errp names the key.
 * Returns the Opts on success.
 */
Opts *opts_parse(OptsGroup *g, const char *params, Error **errp);

/* Create an empty Opts with this id (or find the merge target); rejects a
 * malformed or duplicate id.  Used by -readconfig's [group "id"]. */
Opts *opts_create(OptsGroup *g, const char *id, Error **errp);

/* Set key=value, checking it against the group's schema. */
bool opts_set(Opts *o, const char *key, const char *value, Error **errp);

/* Remove o from its group and free it. */
void opts_delete(Opts *o);

Opts *opts_find(OptsGroup *g, const char *id);   /* id NULL finds the id-less one */

/* NULL when the key is absent. */
/* Refuse any key not in `known` (NULL-terminated), with QEMU's
 * "Invalid parameter 'KEY'"; for groups whose keys the consumer defines
 * (-drive, -netdev backends) rather than an OptDesc table. */
bool opts_check_keys(const Opts *o, const char *const *known, Error **errp);
const char *opts_get(const Opts *o, const char *key);
/*
 * Typed getters: absent keys give *out = dflt and true; malformed values
 * fail with "GROUP: parameter 'KEY' expects ..." naming the value.
 */
bool opts_get_bool(const Opts *o, const char *key, bool dflt, bool *out, Error **errp);
bool opts_get_number(const Opts *o, const char *key, uint64_t dflt, uint64_t *out,
                     Error **errp);
bool opts_get_size(const Opts *o, const char *key, uint64_t dflt, uint64_t *out,
                   Error **errp);

/* The value parsers behind the getters, for callers with bare strings. */

/*
 * Canonical text of a group: one "[name]" or "[name "id"]" header per Opts
 * and "  key = "value"" lines; keys sorted for OPTS_MERGE groups (their
 * order carries no meaning), in order otherwise.  Used to compare configs.
 */
void opts_group_dump(const OptsGroup *g, FILE *out);

#endif
