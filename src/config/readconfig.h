/*
 * -readconfig: QEMU's INI files (util/qemu-config.c), read into the same
 * option groups as the command line.
 *
 *   # a comment
 *   [machine]
 *     type = "virt"
 *   [device "net0"]           the quoted word is the id
 *     driver = "virtio-net-device"
 *
 * Values are always double-quoted and cannot contain '"'.  A group's keys
 * are applied when the group ends, as in QEMU, but each error names the
 * line it comes from: "FILE:LINE: what is wrong".  Beyond QEMU, lines of
 * only blanks and indented comments are accepted, and "key="v"" needs no
 * spaces around '='.
 */
#ifndef CONFIG_READCONFIG_H
#define CONFIG_READCONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "config/cmdline.h"

/* Read FILE into cfg's groups; a missing file is "could not open 'x': ...". */
bool config_read_file(Config *cfg, const char *path, Error **errp);
/* Read an open stream; fname is only used in messages. */
bool config_read_stream(Config *cfg, FILE *f, const char *fname, Error **errp);

#endif
