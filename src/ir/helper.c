/*
 * The registry of helper tables (see helper.h): an append-only list of the
 * tables guests register at start-up, searched by name.  A mutex guards
 * registration; lookups take it too (they are rare: parsing, printing).
 */
#include "ir/helper.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct IrHelperTable {
    const IrHelperInfo *const *table;
    size_t n;
} IrHelperTable;

static pthread_mutex_t ir_helpers_lock = PTHREAD_MUTEX_INITIALIZER;
static IrHelperTable *ir_helper_tables;
static size_t ir_helper_ntables;

void ir_helpers_register(const IrHelperInfo *const *table, size_t n)
{
    pthread_mutex_lock(&ir_helpers_lock);
    for (size_t i = 0; i < ir_helper_ntables; i++) {
        if (ir_helper_tables[i].table == table) {
            pthread_mutex_unlock(&ir_helpers_lock);
            return;         /* already there (several vCPUs register) */
        }
    }
    IrHelperTable *t = realloc(ir_helper_tables, (ir_helper_ntables + 1) * sizeof(*t));
    if (t) {
        ir_helper_tables = t;
        ir_helper_tables[ir_helper_ntables++] = (IrHelperTable){ table, n };
    }
    pthread_mutex_unlock(&ir_helpers_lock);
}

const IrHelperInfo *ir_helper_find(const char *name)
{
    const IrHelperInfo *found = NULL;
    pthread_mutex_lock(&ir_helpers_lock);
    for (size_t i = 0; !found && i < ir_helper_ntables; i++) {
        for (size_t k = 0; k < ir_helper_tables[i].n; k++) {
            if (strcmp(ir_helper_tables[i].table[k]->name, name) == 0) {
                found = ir_helper_tables[i].table[k];
                break;
            }
        }
    }
    pthread_mutex_unlock(&ir_helpers_lock);
    return found;
}
