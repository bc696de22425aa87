/*
 * The serial ports' chardevs (see serial_hds.h).
 */
#include "system/serial_hds.h"

#include <assert.h>
#include <stddef.h>

static Chardev *serial_hds[SERIAL_HD_MAX];

Chardev *serial_hd(int i)
{
    return i >= 0 && i < SERIAL_HD_MAX ? serial_hds[i] : NULL;
}

void serial_hd_set(int i, Chardev *chr)
{
    assert(i >= 0 && i < SERIAL_HD_MAX);
    serial_hds[i] = chr;
}
