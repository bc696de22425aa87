/*
 * Tests of morpho-riscv64's command line: qemu-riscv64's options, their
 * QEMU_/MORPHO_ environment spellings (the command line wins), where the
 * program starts, and the guest environment built from -E/-U.
 */
#include "user/user.h"

#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/unittest.h"

static bool parse(UserOptions *o, char **argv, char **envp, Error **errp)
{
    int argc = 0;
    bool exit_now;
    int status;
    while (argv[argc]) {
        argc++;
    }
    bool ok = user_parse_args(o, argc, argv, envp, &exit_now, &status, errp);
    CHECK(!exit_now);
    return ok;
}

UNITTEST(options_then_program)
{
    UserOptions o;
    char *argv[] = { "morpho-riscv64", "-L", "/usr/riscv64-linux-gnu", "-strace", "-0", "sh",
                     "-E", "A=1", "-U", "HOME", "-cpu", "max", "-s", "1M", "./prog", "-L",
                     "x", NULL };
    CHECK(parse(&o, argv, NULL, &error_abort));
    CHECK_STR(o.ld_prefix, "/usr/riscv64-linux-gnu");
    CHECK(o.strace);
    CHECK_STR(o.argv0, "sh");
    CHECK_STR(o.cpu_model, "max");
    CHECK(o.cpu_features == NULL);
    CHECK_U64(o.stack_size, 1 << 20);
    CHECK_STR(o.program, "./prog");
    /* Options after the program are the program's. */
    CHECK_INT(o.guest_argc, 3);
    CHECK_STR(o.guest_argv[1], "-L");
    CHECK_STR(o.env_set[0], "A=1");
    CHECK_STR(o.env_unset[0], "HOME");
    /* What a guest execve passes back to Morpho. */
    CHECK_STR(o.reexec_args[0], "-L");
    CHECK_STR(o.reexec_args[2], "-strace");
    user_options_free(&o);
}

UNITTEST(environment_spellings_and_precedence)
{
    UserOptions o;
    char *env[] = { "QEMU_LD_PREFIX=/from-qemu", "QEMU_STRACE=1",
                    "QEMU_SET_ENV=X=1,Y=2", "MORPHO_UNSET_ENV=Z", NULL };
    char *argv[] = { "morpho-riscv64", "prog", NULL };
    CHECK(parse(&o, argv, env, &error_abort));
    CHECK_STR(o.ld_prefix, "/from-qemu");
    CHECK(o.strace);
    CHECK_STR(o.env_set[0], "X=1");
    CHECK_STR(o.env_set[1], "Y=2");
    CHECK_STR(o.env_unset[0], "Z");
    user_options_free(&o);

    char *env2[] = { "QEMU_LD_PREFIX=/from-qemu", "MORPHO_LD_PREFIX=/from-morpho", NULL };
    char *argv2[] = { "morpho-riscv64", "prog", NULL };
    CHECK(parse(&o, argv2, env2, &error_abort));
    CHECK_STR(o.ld_prefix, "/from-morpho");
    user_options_free(&o);
    char *argv3[] = { "morpho-riscv64", "--L", "/cmdline", "prog", NULL };
    CHECK(parse(&o, argv3, env2, &error_abort));
    CHECK_STR(o.ld_prefix, "/cmdline");
    user_options_free(&o);
}

static void check_parse_error(char **argv, const char *expect)
{
    UserOptions o;
    Error *err = NULL;
    CHECK(!parse(&o, argv, NULL, &err));
    if (err && !strstr(error_get_pretty(err), expect)) {
        unittest_fail(__FILE__, __LINE__, "'%s' lacks '%s'", error_get_pretty(err), expect);
    }
    error_free(err);
    user_options_free(&o);
}

UNITTEST(bad_command_lines)
{
    check_parse_error((char *[]){ "morpho-riscv64", NULL }, "no program given");
    check_parse_error((char *[]){ "morpho-riscv64", "-L", NULL }, "needs an argument");
    check_parse_error((char *[]){ "morpho-riscv64", "-bogus", "p", NULL }, "unknown option");
    check_parse_error((char *[]){ "morpho-riscv64", "-cpu", "pentium", "p", NULL },
                      "unable to find CPU model 'pentium'");
    check_parse_error((char *[]){ "morpho-riscv64", "-cpu", "rv64,zzz=on", "p", NULL },
                      "-cpu rv64,zzz=on: CPU has no extension property 'zzz'");
    check_parse_error((char *[]){ "morpho-riscv64", "-cpu", "rv64,f=off", "p", NULL },
                      "D extension requires F extension");
    check_parse_error((char *[]){ "morpho-riscv64", "-d", "in_asm,nope", "p", NULL },
                      "unknown log item 'nope'");
    check_parse_error((char *[]){ "morpho-riscv64", "-s", "lots", "p", NULL },
                      "invalid stack size");
    check_parse_error((char *[]){ "morpho-riscv64", "-E", "NOEQUALS", "p", NULL }, "var=value");
    check_parse_error((char *[]){ "morpho-riscv64", "-accel", "kvm", "p", NULL },
                      "-accel: 'kvm' is not tcg");
    log_mask = 0;
}

UNITTEST(double_dash_ends_options)
{
    UserOptions o;
    char *argv[] = { "morpho-riscv64", "-strace", "--", "-weird-name", NULL };
    CHECK(parse(&o, argv, NULL, &error_abort));
    CHECK_STR(o.program, "-weird-name");
    CHECK_INT(o.backend, EXEC_BACKEND_JIT);
    user_options_free(&o);
    char *argv2[] = { "morpho-riscv64", "-accel", "tcg,backend=interp", "p", NULL };
    CHECK(parse(&o, argv2, NULL, &error_abort));
    CHECK_INT(o.backend, EXEC_BACKEND_INTERP);
    user_options_free(&o);
}

UNITTEST(guest_environment)
{
    UserOptions o;
    char *env[] = { "HOME=/root", "A=old", "PATH=/bin", NULL };
    char *argv[] = { "morpho-riscv64", "-U", "HOME", "-E", "A=new", "-E", "B=2", "p", NULL };
    CHECK(parse(&o, argv, NULL, &error_abort));
    char **g = user_guest_environ(&o, env);
    CHECK_STR(g[0], "PATH=/bin");
    CHECK_STR(g[1], "A=new");
    CHECK_STR(g[2], "B=2");
    CHECK(g[3] == NULL);
    for (int i = 0; g[i]; i++) {
        free(g[i]);
    }
    free(g);
    user_options_free(&o);
}

UNITTEST(cpu_model_with_extensions)
{
    UserOptions o;
    char *argv[] = { "morpho-riscv64", "-cpu", "rv64,c=off,zba=false,zicond", "./prog", NULL };
    CHECK(parse(&o, argv, NULL, &error_abort));
    CHECK_STR(o.cpu_model, "rv64");
    CHECK_STR(o.cpu_features, "c=off,zba=false,zicond");
    user_options_free(&o);
}
