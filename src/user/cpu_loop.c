/*
 * The user-mode CPU loop (see cpu_loop.h).  NOTE: the exec loop (branch
 * `ir`) is not merged yet, so this only reports that the program was
 * loaded but cannot run.  TODO: the real loop once exec/ lands.
 */
#include "user/cpu_loop.h"

#include "core/error.h"

int user_cpu_loop_start(UserProcess *p)
{
    error_report("not built yet: '%s' is loaded, but this build has no exec loop to run it",
                 p->opts.program);
    return 1;
}
